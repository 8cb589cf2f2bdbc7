"""What a clock default's CHECK difference shows and hints (``evaluate.clock_supplied``).

stranger66 001: on a live PostgreSQL database whose TimeZone is Asia/Kolkata a ``timestamp
DEFAULT now()`` stores the local time there; the witness row shows that value at its fixed
moment (14:35:07 at 09:05:07 UTC), as the real database stores it. stranger66 002: with
date_trunc('second', now()) beside CURRENT_TIMESTAMP already there, the remaining cause is
SQLite comparing a moment written with 'T' as text; the hint says so and never asks again for
the default that is there; its fix (the near miss) stays in sync and behaves alike on both real
databases."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import psycopg
import pytest
from pg_helpers import database_in_zone
from probes import Loader, case_named, compare_expected
from support.testing import live_diff, sqlite_file

from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect_kwargs
from twinschema.urls import parse_url

SPELLED = "sl-pg.clock-given-t-spelling"
FIXED = "sl-pg.clock-given-t-spelling-near-miss"
PICK_SQLITE = (
    "CREATE TABLE pick (id INTEGER PRIMARY KEY, created_at TEXT NOT NULL DEFAULT "
    "CURRENT_TIMESTAMP, due_at TEXT NOT NULL, CHECK (due_at >= created_at));"
)
PICK_PG = (
    "CREATE TABLE pick (id integer PRIMARY KEY, created_at timestamp NOT NULL DEFAULT now(), "
    "due_at timestamp NOT NULL, CHECK (due_at >= created_at))"
)


def _connect(url: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(**connect_kwargs(parse_url(url), ReflectOptions()), autocommit=True)


def test_the_witness_shows_the_local_time_a_kolkata_database_stores(
    pg_url: str, tmp_path: Path
) -> None:
    """001: the witness row's created_at is Kolkata's local time at the fixed moment, as the
    real database stores it (its value is the clock in UTC moved by +05:30)."""
    database_in_zone(pg_url, "Asia/Kolkata", PICK_PG)
    found = live_diff(sqlite_file(tmp_path / "a.db", PICK_SQLITE), pg_url)
    (message,) = [d.message for d in found.differences if d.column == "created_at"]
    assert (
        "fail on PostgreSQL at 2026-03-04 09:05:07 UTC where SQLite stores them: its CHECK "
        "(due_at >= created_at) refuses (created_at, due_at) = (2026-03-04 14:35:07, "
        "'2026-03-04 09:05:07')" in message
    ), message
    assert "TimeZone is Asia/Kolkata: its default is the local time there" in message, message
    with _connect(pg_url) as conn:  # a new session: the database's own TimeZone
        row = conn.execute(
            "INSERT INTO pick (id, due_at) VALUES (1, now()::timestamp + interval '1 hour') "
            "RETURNING created_at, now() AT TIME ZONE 'UTC'"
        ).fetchone()
        moved = conn.execute("SELECT '2026-03-04 09:05:07+00'::timestamptz::timestamp").fetchone()
    assert row is not None and moved is not None
    assert row[0] - row[1] == dt.timedelta(hours=5, minutes=30)
    assert moved[0] == dt.datetime(2026, 3, 4, 14, 35, 7)


def test_the_hint_names_the_t_spelling_not_the_default_already_there(loader: Loader) -> None:
    """002: date_trunc('second', now()) is there; the hint says what remains and its fix."""
    found = compare_expected(loader, SPELLED)
    (default,) = [d for d in found.differences if d.kind == "column_default"]
    assert "SQLite compares text, where '2026-03-04T09:05:07' sorts after" in default.message
    assert default.hint is not None
    assert "date_trunc" not in default.hint, default.hint
    assert "replace(closed_at, 'T', ' ') in place of closed_at" in default.hint, default.hint
    assert "replace(closed_at, 'T', ' ')" in case_named(FIXED).sql("a")
    assert compare_expected(loader, FIXED).differences == []


# The insert's own second written with 'T' (as SQLite's clock and PostgreSQL's now() read it),
# then a second later.
_SQLITE_T = "strftime('%Y-%m-%dT%H:%M:%S', 'now', ?)"
_PG_T = (
    "(to_char(now() AT TIME ZONE 'UTC' + %s::interval, 'YYYY-MM-DD\"T\"HH24:MI:SS'))::timestamptz"
)


@pytest.mark.parametrize("later", [0, 1])
@pytest.mark.parametrize(("name", "parts"), [(SPELLED, True), (FIXED, False)])
def test_the_t_spelled_second_on_real_databases(
    tmp_path: Path, pg_url: str, name: str, parts: bool, later: int
) -> None:
    """closed_at written with 'T' in the insert's own second: SQLite's text comparison stores
    it where PostgreSQL refuses it; the hint's CHECK refuses it too. A second later both
    store it, with or without the fix."""
    case = case_named(name)
    conn = sqlite3.connect(tmp_path / "w.db")
    try:
        conn.executescript(case.sql("a"))
        try:
            conn.execute(
                f"INSERT INTO warehouse (closed_at) VALUES ({_SQLITE_T})", (f"+{later} seconds",)
            )
            on_sqlite = True
        except sqlite3.IntegrityError:
            on_sqlite = False
    finally:
        conn.close()
    with _connect(pg_url) as pg:
        pg.execute("SET TimeZone = 'UTC'")
        pg.execute(case.sql("b").encode())
        try:
            pg.execute(f"INSERT INTO warehouse (closed_at) VALUES ({_PG_T})", (f"{later} s",))
            on_pg = True
        except psycopg.errors.CheckViolation:
            on_pg = False
    assert on_pg is bool(later)
    assert on_sqlite is (bool(later) or parts)
