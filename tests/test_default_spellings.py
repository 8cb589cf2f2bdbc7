"""A SQLite text default standing for a PostgreSQL uuid or timestamptz default of the same value,
spelled otherwise than PostgreSQL stores it (stranger59 012): in sync by the type policy, with a
``value_compatibility`` warning naming both texts. Read on real databases: a row that omits the
column holds other text on each side exactly where the warning is given."""

from __future__ import annotations

import uuid

import pytest
from probes import Loader, case_warnings, cases, measured

_SAID = "the same {kind} spelled otherwise"


@pytest.mark.parametrize(
    ("name", "kind", "apart"),
    [
        ("sl-pg.default-uuid-upper-case-text-spelled-otherwise", "uuid", True),
        ("sl-pg.default-uuid-lower-case-text-near-miss", "uuid", False),
        ("sl-pg.default-timestamptz-offset-text-spelled-otherwise", "timestamptz", True),
        ("sl-pg.default-timestamptz-utc-text-near-miss", "timestamptz", False),
    ],
)
def test_the_warning_is_given_where_the_stored_texts_part(
    loader: Loader, name: str, kind: str, apart: bool
) -> None:
    """The default row's text on real SQLite and PostgreSQL (in a UTC session, as the scratch
    server's) differs exactly where a spelling warning names it, and the warning quotes both."""
    (case,) = [c for c in cases() if c.name == name]
    row = [{"k": "x"}]
    with loader.load("sqlite", case.sql("a")) as ha, loader.load("postgresql", case.sql("b")) as hb:
        sqlite_text = measured(loader, "sqlite", ha, "t", row, "SELECT a FROM t")
        conn = loader.held("rows")
        conn.execute("SET TimeZone TO 'UTC'")
        pg_text = measured(loader, "postgresql", hb, "t", row, "SELECT a::text FROM t")
    assert (sqlite_text != pg_text) is apart, (sqlite_text, pg_text)
    said = [w.message for w in case_warnings(loader, case) if _SAID.format(kind=kind) in w.message]
    assert bool(said) is apart, said
    for message in said:
        assert f"its default '{sqlite_text}'" in message and f"stores '{pg_text}'" in message


@pytest.mark.parametrize(
    ("name", "apart"),
    [
        ("sl-pg.default-random-uuid-capitals-in-text-spelled-otherwise", True),
        ("sl-pg.default-random-uuid-lower-case-in-text-near-miss", False),
    ],
)
def test_a_random_uuid_in_text_is_warned_of_where_its_case_parts(
    loader: Loader, name: str, apart: bool
) -> None:
    """SQLite's version-4 idiom against a text column's ``gen_random_uuid()::text``: the rows
    each real database makes (random, so only their spelling is compared) are spelled
    otherwise exactly where the letter-case warning is given (the idiom in capitals)."""
    (case,) = [c for c in cases() if c.name == name]
    rows = [{"k": "x"}]
    read = "SELECT a FROM t"
    with loader.load("sqlite", case.sql("a")) as ha, loader.load("postgresql", case.sql("b")) as hb:
        sqlite_text = measured(loader, "sqlite", ha, "t", rows, read)
        pg_text = measured(loader, "postgresql", hb, "t", rows, read)
    assert isinstance(sqlite_text, str) and isinstance(pg_text, str)
    assert uuid.UUID(sqlite_text).version == uuid.UUID(pg_text).version == 4
    assert pg_text == pg_text.lower()
    assert (sqlite_text != sqlite_text.lower()) is apart, sqlite_text
    said = [w.message for w in case_warnings(loader, case) if "spelled otherwise" in w.message]
    assert bool(said) is apart, said
