"""Real databases for the tests: what the installed package offers its pytest plugin and the
benchmark (``twinschema.testing``: a PostgreSQL server, scratch databases on it, SQLite URLs),
scratch SQLite files built from a script and statements run on a database, which only these
tests use."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import sqlalchemy as sa

from twinschema.compare import Comparison, Side, compare
from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect_kwargs
from twinschema.evaluate import Evaluator, PostgreSQLScratch, evaluate
from twinschema.evaluate.pg_backend import PostgreSQLBackend
from twinschema.sources import make_canonical, reflect_url
from twinschema.testing import (
    TEST_URL_ENV,
    admin_engine,
    postgres_server,
    scratch_database,
    sqlite_url,
    without_durability,
)
from twinschema.urls import parse_url

__all__ = [
    "TEST_URL_ENV",
    "admin_engine",
    "execute",
    "in_utc",
    "postgres_server",
    "scratch_database",
    "sqlite_file",
    "sqlite_url",
    "without_durability",
]


@contextmanager
def scratch_backend(server_url: str, prefix: str, *setup: str) -> Iterator[PostgreSQLBackend]:
    """An evaluator backend on a scratch database of its own (``setup`` run there first, e.g.
    a domain the tests use), closed and the database dropped afterwards: what a test module
    that drives the PostgreSQL evaluator directly shares."""
    with scratch_database(server_url, prefix=prefix) as url:
        if setup:
            execute(url, *setup)
        backend = PostgreSQLBackend(url, "test")
        try:
            yield backend
        finally:
            backend.close()


def sqlite_file(path: Path, script: str) -> str:
    """A SQLite file built by running ``script`` (``executescript``); its URL."""
    conn = sqlite3.connect(path)
    try:
        conn.executescript(script)
    finally:
        conn.close()
    return sqlite_url(path)


def in_utc(server_url: str) -> None:
    """Set the suite's own server's TimeZone to UTC (``ALTER SYSTEM``, a reload) and wait until
    a new session has it. Why: initdb gave it the machine's zone (``TZ``), and the tests write
    their witnesses in UTC days and hours, as SQLite's clock reads them: under
    TZ=America/New_York, from 00:00 to 05:00 UTC, CURRENT_DATE was yesterday's and 14 tests of
    test_constant_dates, test_view_today and test_clock_checks failed (the check reported
    ``date('now')`` against ``CURRENT_DATE`` on that server, rightly). Tests of a database in
    another zone set it on that database (``ALTER DATABASE ... SET TimeZone``)."""
    engine = admin_engine(server_url)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("ALTER SYSTEM SET TimeZone = 'UTC'"))
            conn.execute(sa.text("SELECT pg_reload_conf()"))
        for _ in range(200):  # the reload reaches new sessions within milliseconds
            with engine.connect() as conn:
                if conn.execute(sa.text("SHOW TimeZone")).scalar() == "UTC":
                    return
            time.sleep(0.05)
        raise RuntimeError(f"the test server's TimeZone is not UTC after a reload: {server_url}")
    finally:
        engine.dispose()


def execute(url: str, *statements: str) -> None:
    """Run ``statements`` on the database at ``url``, in one transaction (committed), on a
    connection of its own (as the URL's user: a superuser for CREATE EXTENSION on the suite's
    servers)."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(sa.text(statement))
    finally:
        engine.dispose()


def compared_evaluated(left: Side, right: Side, scratch_url: str) -> Comparison:
    """``twinschema diff`` of two sides read already: compared, then evaluated with PostgreSQL
    expressions run on the database at ``scratch_url`` (its connections closed after)."""
    found = compare(left, right, layer="diff")
    evaluator = Evaluator(PostgreSQLScratch(database_url=scratch_url))
    try:
        evaluate(found, left, right, evaluator)
    finally:
        evaluator.close()
    return found


def live_diff(sqlite_url: str, pg_url: str) -> Comparison:
    """``twinschema diff`` of a live SQLite file against a live PostgreSQL database, evaluated
    on that database (whose own settings, such as its TimeZone, the evaluation reads)."""
    options = ReflectOptions()
    left = make_canonical(reflect_url(sqlite_url, options), None)
    right = make_canonical(reflect_url(pg_url, options), None)
    return compared_evaluated(Side(left, "a", "a"), Side(right, "b", "b"), pg_url)


def defaults_stored(
    pg_url: str, moment: str, sqlite_table: str, pg_defaults: list[str], columns: list[str]
) -> tuple[list[str], list[str]]:
    """What each real database stores, with the clock at ``moment`` (UTC), in a row of
    ``sqlite_table`` that omits every column (SQLite, ``'now'`` read as ``moment``) and what
    PostgreSQL's ``pg_defaults`` give with ``now()`` read as that instant, in a session that sets
    no zone (the database's own): (SQLite's ``columns``, PostgreSQL's values) as text."""
    instant = f"'{moment}+00'::timestamptz"
    with psycopg.connect(**connect_kwargs(parse_url(pg_url), ReflectOptions())) as conn:
        selected = ", ".join(f"({p.replace('now()', instant)})::text" for p in pg_defaults)
        row = conn.execute(f"SELECT {selected}".encode()).fetchone()
    assert row is not None
    sqlite = sqlite3.connect(":memory:")
    try:
        sqlite.execute(sqlite_table.replace("'now'", f"'{moment}'"))
        sqlite.execute("INSERT INTO r DEFAULT VALUES")
        stored = sqlite.execute(f"SELECT {', '.join(columns)} FROM r").fetchone()
    finally:
        sqlite.close()
    return list(stored), list(row)
