"""Two dates one CHECK compares, TEXT on SQLite and date on PostgreSQL (stranger74 002): SQLite
compares the text, PostgreSQL the days, so a day without its zero ('2026-1-01', later than
'2026-01-05' as text only) parts the CHECK: a ``check`` difference with that row as its witness,
as two timestamptz are; unless SQLite's CHECKs hold each column to 'YYYY-MM-DD' (near miss: a
row the pin refuses is no witness). Real SQLite and PostgreSQL: the witness row is inserted in
both."""

from __future__ import annotations

import pytest
from probes import Loader, compare_texts
from support.stored import stored_on_each

from twinschema.records import Difference

SQLITE_PG = ("sqlite", "postgresql")
PG = "CREATE TABLE loan (lent_on date NOT NULL, due_on date NOT NULL, CHECK (due_on >= lent_on));"
GLOB = "GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'"


def _sqlite(pin: str) -> str:
    """The SQLite table, each column held by ``pin`` (``{c}`` the column), or by nothing."""
    held = {c: f" CHECK ({pin.format(c=c)})" if pin else "" for c in ("lent_on", "due_on")}
    return (
        f"CREATE TABLE loan (lent_on TEXT NOT NULL{held['lent_on']}, "
        f"due_on TEXT NOT NULL{held['due_on']}, CHECK (due_on >= lent_on));"
    )


def _comparison(loader: Loader, sqlite: str) -> tuple[list[Difference], list[Difference]]:
    warnings: list[Difference] = []
    found = compare_texts(loader, SQLITE_PG, sqlite, PG, warnings).differences
    pair = [d for d in found if d.kind == "check" and d.left and d.right]
    return pair, warnings


def _stored(loader: Loader, sqlite: str, row: tuple[str, str]) -> tuple[bool, bool]:
    """Whether each real database stores ``row`` as (due_on, lent_on) (PostgreSQL's table a
    temporary one; rolled back)."""
    with loader.connect() as pg:
        return stored_on_each(
            ":memory:",
            pg,
            ("INSERT INTO loan (due_on, lent_on) VALUES (?, ?)", row),
            ddl=(sqlite, PG.replace("CREATE TABLE loan", "CREATE TEMP TABLE loan")),
        ).accepted


@pytest.mark.parametrize("pin", ["", "{c} = date({c})"], ids=["unpinned", "equals-date"])
def test_two_dates_part_on_a_day_without_its_zero(loader: Loader, pin: str) -> None:
    """The pair is a difference whose witness, as data too, is a row SQLite stores and
    PostgreSQL refuses; ``d = date(d)`` is no pin (date('2026-1-01') is NULL, which passes)."""
    sqlite = _sqlite(pin)
    (d,), warnings = _comparison(loader, sqlite)
    assert "SQLite compares the two dates as text, PostgreSQL as days" in d.message
    assert d.witness is not None
    assert d.witness.columns == ("due_on", "lent_on")
    assert d.witness.values == ("2026-1-01", "2026-01-05")
    assert d.witness.accepts == "left"
    assert _stored(loader, sqlite, ("2026-1-01", "2026-01-05")) == (True, False)
    # The difference names the row: no warning repeats it.
    assert not [w for w in warnings if "compares them as text" in w.message]


@pytest.mark.parametrize(
    "pin",
    ["{c} " + GLOB, "{c} IS date({c})", "strftime('%Y-%m-%d', {c}) IS {c}"],
    ids=["glob", "is-date", "strftime-is"],
)
def test_a_pin_to_one_form_leaves_the_comparison_alone(loader: Loader, pin: str) -> None:
    """Near miss: each column held to 'YYYY-MM-DD' on SQLite refuses the rows that part the
    unpinned pair, so the comparison is no difference (a row the pin refuses is no witness)."""
    sqlite = _sqlite(pin)
    pair, warnings = _comparison(loader, sqlite)
    assert pair == []
    assert not [w for w in warnings if "compares them as text" in w.message]
    assert _stored(loader, sqlite, ("2026-1-01", "2026-01-05")) == (False, False)
    assert _stored(loader, sqlite, ("2026-01-05", "2026-01-01")) == (True, True)
