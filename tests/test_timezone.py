"""SQLite's current-time idiom against PostgreSQL's now() in a timestamp without time zone: the
same value only where the server's TimeZone is UTC (issue 15). The server's setting is read."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import psycopg
import pytest
from support.testing import sqlite_file

from twinschema.compare import Side, compare
from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect_kwargs
from twinschema.sources import make_canonical, reflect_url
from twinschema.urls import parse_url


@pytest.mark.parametrize(
    ("zone", "kinds", "rule"),
    [
        ("UTC", [], "current-time (the server's TimeZone is UTC)"),
        ("Europe/Paris", ["column_default"], None),
    ],
)
def test_the_servers_timezone_decides(
    zone: str, kinds: list[str], rule: str | None, pg_url: str, tmp_path: Path
) -> None:
    kwargs = connect_kwargs(parse_url(pg_url), ReflectOptions())
    with psycopg.connect(**kwargs, autocommit=True) as conn:
        database = conn.execute("SELECT current_database()").fetchone()
        assert database is not None
        conn.execute(f"ALTER DATABASE \"{database[0]}\" SET timezone = '{zone}'")
        conn.execute("CREATE TABLE t (id integer PRIMARY KEY, at timestamp DEFAULT now())")
    sqlite_url = sqlite_file(
        tmp_path / "a.db",
        "CREATE TABLE t (id INTEGER PRIMARY KEY, at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);",
    )
    options = ReflectOptions()
    left = make_canonical(reflect_url(sqlite_url, options), None)
    right = make_canonical(reflect_url(pg_url, options), None)
    assert right.timezone == zone
    found = compare(Side(left, "a", "a"), Side(right, "b", "b"), layer="diff")
    assert [d.kind for d in found.differences] == kinds
    if kinds:
        assert f"TimeZone {zone}" in found.differences[0].message
    rules = [e.rule for e in found.equivalences if e.column == "at"]
    assert (rule in rules) if rule else not any(r.startswith("current-time") for r in rules)


# A column default SQLite computes in UTC and PostgreSQL in the database's TimeZone, each pair
# (SQLite column, PostgreSQL column) as a new user wrote it (new-user test round 3).
_LOCAL_CLOCK_PAIRS = {
    "timestamp": ("at TIMESTAMP DEFAULT CURRENT_TIMESTAMP", "at timestamp DEFAULT now()"),
    "date": ("at DATE DEFAULT CURRENT_DATE", "at date DEFAULT CURRENT_DATE"),
    "time": ("at TIME DEFAULT CURRENT_TIME", "at time DEFAULT CURRENT_TIME"),
    "time of day": ("at TIME DEFAULT (strftime('%H:%M:%S', 'now'))", "at time DEFAULT LOCALTIME"),
    "timestamptz": ("at TIMESTAMP DEFAULT CURRENT_TIMESTAMP", "at timestamptz DEFAULT now()"),
}


def _database_in_zone(pg_url: str, zone: str, column: str) -> None:
    kwargs = connect_kwargs(parse_url(pg_url), ReflectOptions())
    with psycopg.connect(**kwargs, autocommit=True) as conn:
        database = conn.execute("SELECT current_database()").fetchone()
        assert database is not None
        conn.execute(f"ALTER DATABASE \"{database[0]}\" SET timezone = '{zone}'")
        conn.execute(f"CREATE TABLE t (id integer PRIMARY KEY, {column})")


@pytest.mark.parametrize("pair", sorted(_LOCAL_CLOCK_PAIRS))
@pytest.mark.parametrize(
    ("zone", "kinds"), [("UTC", []), ("America/Los_Angeles", ["column_default"])]
)
def test_the_databases_timezone_survives_evaluation(
    pair: str, zone: str, kinds: list[str], pg_url: str, tmp_path: Path
) -> None:
    """The database's own TimeZone (ALTER DATABASE ... SET timezone) decides CURRENT_TIMESTAMP
    against now() and CURRENT_DATE / CURRENT_TIME on both sides, after the evaluation stage too
    (its scratch server's clock, in its own zone, said "both give the current time")."""
    from twinschema.evaluate import Evaluator, PostgreSQLScratch, evaluate

    sqlite_column, pg_column = _LOCAL_CLOCK_PAIRS[pair]
    _database_in_zone(pg_url, zone, pg_column)
    sqlite_url = sqlite_file(
        tmp_path / "a.db", f"CREATE TABLE t (id INTEGER PRIMARY KEY, {sqlite_column});"
    )
    options = ReflectOptions()
    left = make_canonical(reflect_url(sqlite_url, options), None)
    right = make_canonical(reflect_url(pg_url, options), None)
    assert right.timezone == zone
    sides = Side(left, "a", "a"), Side(right, "b", "b")
    found = compare(*sides, layer="diff")
    evaluator = Evaluator(PostgreSQLScratch(database_url=pg_url))
    try:
        evaluate(found, *sides, evaluator)
    finally:
        evaluator.close()
    if pair == "timestamptz":  # an instant: the same in every zone
        kinds = []
    assert [d.kind for d in found.differences] == kinds
    if kinds:
        assert f"TimeZone {zone}" in found.differences[0].message
    elif pair == "timestamp":  # two spellings: the equivalence says why they are one
        rules = [e.rule for e in found.equivalences if e.column == "at"]
        assert f"current-time (the server's TimeZone is {zone})" in rules, rules


def test_a_databases_timezone_parts_the_stored_values(pg_url: str, tmp_path: Path) -> None:
    """The witness: rows that omit the column store UTC's date and time on SQLite, the zone's
    on PostgreSQL. A date parts at some hours of the day only: of UTC+14 and UTC-12, one has a
    date other than UTC's at every moment."""
    kwargs = connect_kwargs(parse_url(pg_url), ReflectOptions())
    sqlite = sqlite3.connect(tmp_path / "w.db")
    try:
        sqlite.execute(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, d DATE DEFAULT CURRENT_DATE,"
            " at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)"
        )
        sqlite.execute("INSERT INTO t (id) VALUES (1)")
        sqlite_date, sqlite_at = sqlite.execute("SELECT d, at FROM t").fetchone()
    finally:
        sqlite.close()
    with psycopg.connect(**kwargs, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (id integer PRIMARY KEY, d date DEFAULT CURRENT_DATE)")
        conn.execute("CREATE TABLE s (id integer PRIMARY KEY, at timestamp DEFAULT now())")
        dates = set()
        for zone in ("Etc/GMT-14", "Etc/GMT+12"):
            conn.execute(f"SET timezone = '{zone}'")
            conn.execute("DELETE FROM t")
            conn.execute("INSERT INTO t (id) VALUES (1)")
            row = conn.execute("SELECT d::text FROM t").fetchone()
            assert row is not None
            dates.add(row[0])
        conn.execute("SET timezone = 'America/Los_Angeles'")
        conn.execute("INSERT INTO s (id) VALUES (1)")
        local = conn.execute("SELECT at FROM s").fetchone()
    assert dates - {sqlite_date}, (sqlite_date, dates)
    assert local is not None
    # Los Angeles is 7 or 8 hours behind UTC: the stored local time is hours from SQLite's UTC.
    apart = datetime.fromisoformat(sqlite_at) - local[0]
    assert apart.total_seconds() >= 7 * 3600, (sqlite_at, local[0])
