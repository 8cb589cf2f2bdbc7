"""Clock defaults beside a moment the insert gives, under a CHECK that reads both
(``evaluate.clock_supplied``): SQLite's ``CURRENT_TIMESTAMP`` keeps the second an insert runs in,
PostgreSQL's ``now()`` the moment, so ``CHECK (due_at >= created_at)`` parts them on an insert
that gives ``due_at`` in that second and omits ``created_at``. The difference names a fixed
moment and the row; here the same row is shown on real databases at the real clock, and the near
miss (``date_trunc('second', now())``) stores it on both."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest
from probes import Loader, case_named, compare_expected

from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect_kwargs
from twinschema.urls import parse_url

REFUSED = "sl-pg.default-clock-beside-given-moment-refused"
NEAR = "sl-pg.default-clock-beside-given-moment-near-miss"
# The given moment: the second the insert runs in, written as SQLite's clock writes it, then with
# a microsecond (each before the clock's fraction, wherever that is past a microsecond).
SECOND_SQLITE = "CURRENT_TIMESTAMP || ?"
SECOND_PG = "(to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || %s)::timestamptz"


def _sqlite_stores(tmp_path: Path, ddl: str, tail: str) -> bool:
    """Whether a real SQLite file stores the insert that gives due_at in its own second."""
    conn = sqlite3.connect(tmp_path / "tasks.db")
    try:
        conn.executescript(ddl)
        conn.execute(f"INSERT INTO tasks (due_at) VALUES ({SECOND_SQLITE})", (tail,))
        return True
    except sqlite3.IntegrityError:
        return False
    finally:
        conn.close()


def _postgresql_stores(pg_url: str, ddl: str, tail: str) -> bool:
    """Whether real PostgreSQL stores the insert that gives due_at in the transaction's second
    (a transaction whose clock is past its second's first two microseconds: the one in 10^6
    that is not is tried again, so that the row is before the clock)."""
    with psycopg.connect(**connect_kwargs(parse_url(pg_url), ReflectOptions())) as conn:
        conn.execute("SET TimeZone = 'UTC'")
        conn.execute(ddl)
        conn.commit()
        while True:
            with conn.transaction(force_rollback=True):
                fraction = conn.execute("SELECT extract(microseconds FROM now())::int % 1000000")
                row = fraction.fetchone()
                assert row is not None
                if row[0] < 2:
                    continue
                try:
                    with conn.transaction():
                        conn.execute(f"INSERT INTO tasks (due_at) VALUES ({SECOND_PG})", (tail,))
                    return True
                except psycopg.errors.CheckViolation:
                    return False


@pytest.mark.parametrize("tail", ["", ".000001"])
@pytest.mark.parametrize(("name", "parts"), [(REFUSED, True), (NEAR, False)])
def test_a_given_moment_in_the_clocks_second_on_real_databases(
    tmp_path: Path, pg_url: str, name: str, parts: bool, tail: str
) -> None:
    """SQLite stores due_at in the second its CURRENT_TIMESTAMP gives created_at; PostgreSQL's
    now() is later in that second and refuses it; date_trunc('second', now()) stores it."""
    case = case_named(name)
    assert _sqlite_stores(tmp_path, case.sql("a"), tail) is True
    assert _postgresql_stores(pg_url, case.sql("b"), tail) is (not parts)


def test_the_difference_names_a_fixed_moment_and_the_row(loader: Loader) -> None:
    found = compare_expected(loader, REFUSED)
    (default,) = [d for d in found.differences if d.kind == "column_default"]
    assert default.message.startswith(
        "inserts that omit tasks.created_at and give tasks.due_at fail on PostgreSQL at "
        "2026-11-25 14:35:48.5 UTC where SQLite stores them: its CHECK (due_at >= created_at) "
        "refuses (created_at, due_at) = (2026-11-25 14:35:48.500000+00:00, '2026-11-25 "
        "14:35:48'), SQLite's CHECKs store ('2026-11-25 14:35:48', '2026-11-25 14:35:48')"
    ), default.message
    rules = [e.rule for e in found.equivalences if e.column == "created_at"]
    assert not [r for r in rules if "current-time" in r], rules


def test_the_near_miss_keeps_the_defaults_equal(loader: Loader) -> None:
    found = compare_expected(loader, NEAR)
    # The CHECK over two timestamptz columns SQLite keeps as TEXT is a difference of its own,
    # parted by UTC offsets (stranger72 008); no default is.
    assert [d.kind for d in found.differences] == ["check"]
    rules = [e.rule for e in found.equivalences if e.column == "created_at"]
    assert any("both give the current time" in r for r in rules), rules
