"""A default one side's type cannot hold, under a type difference: reported once, as
``column_type``, whose message says that inserts omitting the column fail there (stranger59
022: PostgreSQL ``smallint DEFAULT 40000`` against ``integer DEFAULT 40000`` said only "type of
t.a differs"). Decided on real databases: the golden cases' witness rows insert a row that omits
the column into both."""

from __future__ import annotations

import pytest
from probes import Loader, cases, compare_case

from twinschema.records import Difference

_SAID = "does not fit the column on a.sql"


def _type_difference(loader: Loader, name: str) -> Difference:
    (case,) = [c for c in cases() if c.name == name]
    found = compare_case(loader, case).differences
    assert [d.kind for d in found] == ["column_type"], [d.message for d in found]
    return found[0]


@pytest.mark.parametrize(
    ("case", "dialect", "why"),
    [
        ("pg-pg.default-literal-failing-under-type-change", "PostgreSQL", "smallint out of range"),
        (
            "pg-pg.default-literal-too-long-under-length-change",
            "PostgreSQL",
            "value too long for type character varying(2)",
        ),
        ("sl-sl.strict-default-refused-under-type-change", "SQLite", "its type refuses 'abc'"),
    ],
)
def test_a_default_one_type_refuses_is_said_beside_the_type(
    loader: Loader, case: str, dialect: str, why: str
) -> None:
    """The type's difference names the default that fails on one side, and why."""
    message = _type_difference(loader, case).message
    assert f"{_SAID} ({dialect}): inserts that omit t." in message, message
    assert message.endswith(f"fail there ({why})"), message


@pytest.mark.parametrize(
    "case",
    [
        "pg-pg.default-literal-fits-under-type-change-near-miss",
        "sl-sl.strict-default-fits-under-type-change-near-miss",
    ],
)
def test_a_default_both_types_hold_is_not_said(loader: Loader, case: str) -> None:
    """Near misses: the default fits both types, so only the types' difference is said."""
    message = _type_difference(loader, case).message
    assert "does not fit" not in message and "inserts that omit" not in message, message
