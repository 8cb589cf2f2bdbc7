"""Two live PostgreSQL databases with the same DDL whose TimeZone settings differ (ALTER DATABASE
... SET TimeZone): a default or CHECK that reads the session's local date or time stores or
accepts other values on each (stranger48 028). A difference naming both zones; none where the
zones are one, nor for an instant (``timestamptz DEFAULT now()``)."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from pg_helpers import database_in_zone
from support.dbpool import DatabasePool
from support.testing import compared_evaluated

from twinschema.compare import Comparison, Side
from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect_kwargs
from twinschema.sources import make_canonical, reflect_url
from twinschema.urls import parse_url

DDL = (
    "CREATE TABLE e1 (id bigserial PRIMARY KEY, ts timestamp DEFAULT LOCALTIMESTAMP)",
    "CREATE TABLE e2 (id bigserial PRIMARY KEY, d date DEFAULT (CURRENT_DATE + 1))",
    "CREATE TABLE e3 (id bigserial PRIMARY KEY, at timestamptz DEFAULT now())",
    "CREATE TABLE e4 (id bigserial PRIMARY KEY, due date NOT NULL CHECK (due >= CURRENT_DATE))",
    "CREATE TABLE e5 (id bigserial PRIMARY KEY, at timestamptz NOT NULL CHECK (at <= now()))",
)


def _in_zone(url: str, zone: str) -> None:
    """Set the database's own TimeZone and make the tables of ``DDL`` there."""
    database_in_zone(url, zone, *DDL)


def _diff(pg_url: str, other: str, zones: tuple[str, str]) -> Comparison:
    _in_zone(pg_url, zones[0])
    _in_zone(other, zones[1])
    options = ReflectOptions()
    left = make_canonical(reflect_url(pg_url, options), None)
    right = make_canonical(reflect_url(other, options), None)
    assert (left.timezone, right.timezone) == zones
    return compared_evaluated(Side(left, "a", "a"), Side(right, "b", "b"), pg_url)


def test_zones_apart_part_local_defaults_and_checks(
    pg_url: str, pg_databases: DatabasePool
) -> None:
    """UTC against Honolulu: LOCALTIMESTAMP and CURRENT_DATE + 1 (defaults) and due >=
    CURRENT_DATE (a CHECK) are differences naming both zones; now() in a timestamptz, and a
    CHECK against now() on one, are none."""
    with pg_databases.database() as other:
        found = _diff(pg_url, other, ("UTC", "Pacific/Honolulu"))
    got = sorted((d.kind, d.table or "", d.column or "") for d in found.differences)
    assert got == [
        ("check", "e4", ""),
        ("column_default", "e1", "ts"),
        ("column_default", "e2", "d"),
    ]
    for d in found.differences:
        assert "UTC" in d.message and "Pacific/Honolulu" in d.message, d.message


@pytest.mark.parametrize(
    "zones",
    [("Pacific/Honolulu", "Pacific/Honolulu"), ("UTC", "Etc/UTC"), ("UTC", "Etc/Universal")],
)
def test_one_zone_parts_nothing(
    zones: tuple[str, str], pg_url: str, pg_databases: DatabasePool
) -> None:
    """The near miss: the same zone on both (spelled two ways for UTC, or named otherwise:
    Etc/Universal is UTC all year, stranger49 110)."""
    with pg_databases.database() as other:
        found = _diff(pg_url, other, zones)
    assert found.differences == []


# Two zones 26 hours apart: no date or time of day is the same in both at any moment.
FAR = ("Etc/GMT+12", "Etc/GMT-14")


def test_rows_part_where_the_zones_differ(pg_url: str) -> None:
    """The witness, in one transaction (one now()): sessions in two zones store LOCALTIMESTAMP
    26 hours apart and CURRENT_DATE + 1 on other days, and the row due = the western session's
    CURRENT_DATE passes there and fails in the eastern; but now() in a timestamptz is one
    instant in both, and so is the CHECK at <= now()."""
    with psycopg.connect(**connect_kwargs(parse_url(pg_url), ReflectOptions())) as conn:
        for statement in DDL:
            conn.execute(statement)
        stored = []
        for zone in FAR:
            conn.execute(f"SET LOCAL timezone = '{zone}'")
            stored.append(_insert_defaults(conn))
        (west_ts, west_d, west_at), (east_ts, east_d, east_at) = stored
        assert east_ts - west_ts == dt.timedelta(hours=26)
        assert west_d != east_d
        assert west_at == east_at
        assert _accepts(conn, FAR[0], "e4", "due", "CURRENT_DATE")
        assert not _accepts(conn, FAR[1], "e4", "due", f"'{west_d - dt.timedelta(days=1)}'")
        assert _accepts(conn, FAR[0], "e5", "at", "now()")
        assert _accepts(conn, FAR[1], "e5", "at", f"'{west_at.isoformat()}'")
        conn.rollback()


def _insert_defaults(conn: psycopg.Connection) -> tuple[dt.datetime, dt.date, dt.datetime]:
    """One row of defaults in each of e1, e2, e3: what each stored."""
    got = []
    for table, column in (("e1", "ts"), ("e2", "d"), ("e3", "at")):
        row = conn.execute(f"INSERT INTO {table} DEFAULT VALUES RETURNING {column}").fetchone()
        assert row is not None
        got.append(row[0])
    return got[0], got[1], got[2]


def _accepts(conn: psycopg.Connection, zone: str, table: str, column: str, value: str) -> bool:
    """Whether a session in ``zone`` stores a row of ``table`` with ``column`` = ``value``."""
    conn.execute(f"SET LOCAL timezone = '{zone}'")
    conn.execute("SAVEPOINT row")
    try:
        conn.execute(f"INSERT INTO {table} ({column}) VALUES ({value})")
    except psycopg.errors.CheckViolation:
        conn.execute("ROLLBACK TO SAVEPOINT row")
        return False
    return True
