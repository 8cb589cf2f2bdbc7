"""Clock defaults under a unique rule at every unit they keep (``evaluate.clock_unique``,
stranger68 001, 010): a minute, an hour or a date of now() (read once per transaction) against
SQLite's (once per statement), LOCALTIME(0) (per transaction, and rounded) against CURRENT_TIME,
unixepoch() and julianday('now') against now()'s Unix second and Julian day were "in sync". Each is
now a difference naming the inserts that part them, with a hint that is its golden near miss (in
sync). The real databases show it: one transaction with two inserts past a second's end is refused
by PostgreSQL and stored by SQLite where the unit is a second or finer; at a minute or a day, each
real database is given the clock the pattern names (two statements of one transaction read one
now() on PostgreSQL, which the second's case shows live)."""

from __future__ import annotations

import psycopg
import pytest
from probes import Loader, case_named, compare_expected

_PER_TRANSACTION = {
    "sl-pg.unique-clock-minute-per-transaction": (
        "in one transaction, two inserts of one row 1.5 seconds apart across a minute (BEGIN; "
        "INSERT at 2026-03-04 09:05:59.2 UTC; INSERT at 09:06:00.7; COMMIT)",
        "sl-pg.unique-clock-minute-per-statement-near-miss",
    ),
    "sl-pg.unique-clock-hour-per-transaction": (
        "across an hour (BEGIN; INSERT at 2026-03-04 09:59:59.2 UTC; INSERT at 10:00:00.7",
        "sl-pg.unique-clock-hour-per-statement-near-miss",
    ),
    "sl-pg.unique-clock-current-date-per-transaction": (
        "across midnight (BEGIN; INSERT at 2026-03-04 23:59:59.2 UTC; INSERT at 2026-03-05 "
        "00:00:00.7; COMMIT): PostgreSQL's (now())::date (read once per transaction) gives both "
        "rows 2026-03-04",
        "sl-pg.unique-clock-current-date-per-statement-near-miss",
    ),
    "sl-pg.unique-clock-month-per-transaction": (
        "across a new year (BEGIN; INSERT at 2026-12-31 23:59:59.2 UTC; INSERT at 2027-01-01 "
        "00:00:00.7; COMMIT): PostgreSQL's (date_trunc('month'::text, now()))::date (read once "
        "per transaction) gives both rows 2026-12-01",
        "sl-pg.unique-clock-month-per-statement-near-miss",
    ),
    "sl-pg.unique-clock-localtime-rounded": (
        "PostgreSQL's LOCALTIME(0) (read once per transaction) gives both rows 09:05:07",
        "sl-pg.unique-clock-time-per-statement-near-miss",
    ),
    "sl-pg.unique-clock-time-rounded-per-statement": (
        "two inserts, each its own transaction, at 2026-03-04 09:05:07.4 and 09:05:07.6 UTC: "
        "SQLite's CURRENT_TIME (read once per statement) gives both rows '09:05:07'",
        "sl-pg.unique-clock-time-per-statement-near-miss",
    ),
    "sl-pg.unique-clock-unixepoch-per-transaction": (
        "PostgreSQL's floor(EXTRACT(epoch FROM now())) (read once per transaction) gives both "
        "rows 1772615107, so its rule refuses the second as a duplicate; SQLite's unixepoch() "
        "(read once per statement) gives 1772615107 and 1772615108",
        "sl-pg.unique-clock-unixepoch-per-statement-near-miss",
    ),
    "sl-pg.unique-clock-julianday-per-transaction": (
        "SQLite's julianday('now') (read once per statement) gives",
        "sl-pg.unique-clock-julianday-no-unique-near-miss",
    ),
}


@pytest.mark.parametrize("name", sorted(_PER_TRANSACTION))
def test_the_message_names_the_inserts_and_the_near_miss_is_in_sync(
    loader: Loader, name: str
) -> None:
    said, near = _PER_TRANSACTION[name]
    found = compare_expected(loader, name)
    (default,) = [d for d in found.differences if d.kind == "column_default"]
    assert "inserts that omit ev.at part under UNIQUE (at): " in default.message
    assert said in default.message, default.message
    assert not compare_expected(loader, near).differences


@pytest.mark.parametrize(
    ("name", "spelled"),
    [
        (
            "sl-pg.unique-clock-minute-per-transaction",
            "date_trunc('minute', statement_timestamp())",
        ),
        (
            "sl-pg.unique-clock-hour-per-transaction",
            "(date_trunc('hour', statement_timestamp() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')",
        ),
        (
            "sl-pg.unique-clock-current-date-per-transaction",
            "(statement_timestamp() AT TIME ZONE 'UTC')::date",
        ),
        (
            "sl-pg.unique-clock-localtime-rounded",
            "date_trunc('second', statement_timestamp() AT TIME ZONE 'UTC')::time",
        ),
        (
            "sl-pg.unique-clock-unixepoch-per-transaction",
            "floor(extract(epoch from statement_timestamp()))",
        ),
    ],
)
def test_the_hint_is_the_near_miss_default(loader: Loader, name: str, spelled: str) -> None:
    """The hint spells the default of the near miss, which stays in sync."""
    (default,) = [d for d in compare_expected(loader, name).differences]
    assert default.hint is not None
    assert f"({spelled})" in default.hint, default.hint
    assert spelled in case_named(_PER_TRANSACTION[name][1]).sql("b")


# At a minute or a day the clock is given: each side's default with its clock read at the
# moments two inserts of one transaction across the boundary read (PostgreSQL's now(): the
# transaction's start twice; statement_timestamp() and SQLite's 'now': each statement's).
_MINUTE = ("2026-03-04 09:05:59.2", "2026-03-04 09:06:00.7")
_MIDNIGHT = ("2026-03-04 23:59:59.2", "2026-03-05 00:00:00.7")
_NEW_YEAR = ("2026-12-31 23:59:59.2", "2027-01-01 00:00:00.7")
_GIVEN = [
    ("sl-pg.unique-clock-month-per-transaction", *_NEW_YEAR),
    ("sl-pg.unique-clock-month-per-statement-near-miss", *_NEW_YEAR),
    ("sl-pg.unique-clock-minute-per-transaction", *_MINUTE),
    ("sl-pg.unique-clock-minute-per-statement-near-miss", *_MINUTE),
    ("sl-pg.unique-clock-current-date-per-transaction", *_MIDNIGHT),
    ("sl-pg.unique-clock-current-date-per-statement-near-miss", *_MIDNIGHT),
]


@pytest.mark.parametrize(("name", "first", "second"), _GIVEN)
@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_the_clock_given_across_the_boundary(
    loader: Loader, dialect: str, name: str, first: str, second: str
) -> None:
    """SQLite stores both rows; PostgreSQL refuses the second where its default reads now()
    (one moment for the transaction) and stores both where it reads statement_timestamp()."""
    case = case_named(name)
    per_statement = "statement_timestamp()" in case.sql("b")
    if dialect == "sqlite":
        default = case.sql("a").split("NOT NULL DEFAULT ", 1)[1].rsplit(" UNIQUE", 1)[0]
        with loader.load("sqlite", case.sql("a")) as conn:
            for moment in (first, second):
                read = f"'{moment}'"
                given = default.replace("'now'", read).replace("CURRENT_DATE", f"date({read})")
                conn.execute(f"INSERT INTO ev (at) VALUES ({given})")
            assert conn.execute("SELECT count(DISTINCT at) FROM ev").fetchone()[0] == 2
        return
    default = case.sql("b").split("NOT NULL DEFAULT ", 1)[1].rsplit(" UNIQUE", 1)[0]
    reads = (first, second) if per_statement else (first, first)
    with loader.load("postgresql", case.sql("b")) as schema:
        conn = loader.held("rows")
        conn.execute(f"SET search_path TO {schema}, public")
        try:
            for moment in reads:
                at = f"'{moment}+00'::timestamptz"
                given = default.replace("statement_timestamp()", at).replace("now()", at)
                conn.execute(f"INSERT INTO ev (at) VALUES ({given})".encode())
            row = conn.execute("SELECT count(DISTINCT at) FROM ev").fetchone()
            got: int | str = int(row[0]) if row is not None else 0
        except psycopg.errors.UniqueViolation:
            got = "refused"
        finally:
            conn.rollback()
    assert got == (2 if per_statement else "refused")
