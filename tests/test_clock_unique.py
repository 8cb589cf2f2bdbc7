"""Clock defaults under a unique rule (``evaluate.clock_unique``, stranger66 012): SQLite reads its
clock once per statement, PostgreSQL's now() once per transaction, so one transaction with two
inserts a second apart stores two rows on SQLite and is refused on PostgreSQL. The message names
the inserts and what each side gives at a fixed moment; the hint's default is the near miss's,
which stays in sync (golden cases), and the witness transaction is run on both real databases."""

from __future__ import annotations

import math
import sqlite3
import time
from typing import Any

import psycopg
import pytest
from probes import Loader, case_named, compare_expected

_CASE = "sl-pg.unique-clock-per-transaction"
_NEAR = "sl-pg.unique-clock-per-statement-near-miss"


def test_the_message_names_the_transaction_and_each_sides_values(loader: Loader) -> None:
    found = compare_expected(loader, _CASE)
    (default,) = [d for d in found.differences if d.kind == "column_default"]
    assert default.message.startswith(
        "inserts that omit ev.at part under UNIQUE (at): in one transaction, two inserts of one "
        "row 1.5 seconds apart (BEGIN; INSERT at 2026-03-04 09:05:07.2 UTC; INSERT at "
        "09:05:08.7; COMMIT): PostgreSQL's date_trunc("
    ), default.message
    assert (
        "(read once per transaction) gives both rows 2026-03-04 09:05:07+00:00" in default.message
    )
    assert (
        "SQLite's CURRENT_TIMESTAMP (read once per statement) gives '2026-03-04 09:05:07' and "
        "'2026-03-04 09:05:08', and stores both" in default.message
    ), default.message
    defaults = [e for e in found.equivalences if e.column == "at" and e.rule != "timestamptz"]
    assert not defaults, defaults


def test_the_hint_is_the_near_miss_default(loader: Loader) -> None:
    """The hint spells the PostgreSQL default the near miss uses, which is in sync."""
    found = compare_expected(loader, _CASE)
    (default,) = [d for d in found.differences if d.kind == "column_default"]
    assert default.hint is not None
    assert "(date_trunc('second', statement_timestamp()))" in default.hint, default.hint
    assert "date_trunc('second', statement_timestamp())" in case_named(_NEAR).sql("b")
    near = compare_expected(loader, _NEAR)
    assert not near.differences


# Other cases whose unit is a second or finer (stranger68 001, 010): (SQLite rows, PostgreSQL
# rows or "refused") of one transaction with two inserts past the next whole second.
_LIVE = [
    ("sl-pg.unique-clock-unixepoch-per-transaction", 2, "refused"),
    ("sl-pg.unique-clock-unixepoch-per-statement-near-miss", 2, 2),
    ("sl-pg.unique-clock-julianday-per-transaction", 2, "refused"),
    ("sl-pg.unique-clock-localtime-rounded", 2, "refused"),
    ("sl-pg.unique-clock-time-per-statement-near-miss", 2, 2),
]


@pytest.mark.parametrize(
    ("name", "sqlite_rows", "postgresql_rows"),
    [(_CASE, 2, "refused"), (_NEAR, 2, 2), *_LIVE],
    ids=["per-transaction", "near-miss", *(name for name, _, _ in _LIVE)],
)
@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_the_witness_transaction_on_real_databases(
    loader: Loader, dialect: str, name: str, sqlite_rows: int, postgresql_rows: int | str
) -> None:
    """BEGIN; an insert; the clock past its next second; an insert; COMMIT: what each real
    database does with it is what the verdict says (refused on PostgreSQL's now() only)."""
    case = case_named(name)
    side = "a" if dialect == "sqlite" else "b"
    expected = sqlite_rows if dialect == "sqlite" else postgresql_rows
    with loader.load(dialect, case.sql(side)) as handle:
        got = _two_inserts(loader, dialect, handle)
    assert got == expected


def _past_next_second() -> None:
    """Sleep until the clock is past its next whole second."""
    now = time.time()
    time.sleep(math.floor(now) + 1.05 - now)


def _two_inserts(loader: Loader, dialect: str, handle: Any) -> int | str:
    """The rows stored by one transaction of two inserts that omit ``at``, or "refused"."""
    if dialect == "sqlite":
        assert isinstance(handle, sqlite3.Connection)
        try:
            handle.execute("BEGIN")
            handle.execute("INSERT INTO ev (id) VALUES (1)")
            _past_next_second()
            handle.execute("INSERT INTO ev (id) VALUES (2)")
            handle.execute("COMMIT")
        except sqlite3.IntegrityError:
            handle.execute("ROLLBACK")
            return "refused"
        return int(handle.execute("SELECT count(DISTINCT at) FROM ev").fetchone()[0])
    conn = loader.held("rows")
    conn.execute(f"SET search_path TO {handle}, public")
    try:
        conn.execute("INSERT INTO ev (id) VALUES (1)")
        _past_next_second()
        conn.execute("INSERT INTO ev (id) VALUES (2)")
        row = conn.execute("SELECT count(DISTINCT at) FROM ev").fetchone()
        assert row is not None
        return int(row[0])
    except psycopg.errors.UniqueViolation:
        return "refused"
    finally:
        conn.rollback()
