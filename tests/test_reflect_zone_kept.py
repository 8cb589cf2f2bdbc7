"""A connection that reads schemas again keeps the zone's hashes it read (``postgresql_read``):
the server computes them once per TimeZone and hour, not at every read (they were most of a
read's server time). What a read gives is the same as a fresh connection's, and a session whose
TimeZone changed gets its new zone's hashes, never the kept ones."""

from __future__ import annotations

import psycopg

from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect, connect_kwargs, reflect_connection
from twinschema.model import Schema
from twinschema.urls import parse_url


def _zones(schema: Schema) -> tuple[str | None, str | None, bool, str | None]:
    return schema.zone_now, schema.zone_history, schema.timezone_utc_always, schema.timezone


def _read(conn: psycopg.Connection, schema: str) -> Schema:
    return reflect_connection(conn, ReflectOptions(schema=schema), "db")


def test_a_second_read_keeps_the_zone_and_a_new_zone_is_read_anew(pg_url: str) -> None:
    url = parse_url(pg_url)
    with psycopg.connect(**connect_kwargs(url, ReflectOptions()), autocommit=True) as ddl:
        ddl.execute("CREATE SCHEMA one; CREATE TABLE one.t (x int); CREATE SCHEMA two")
    conn = connect(url, ReflectOptions())
    try:
        first, second = _read(conn, "one"), _read(conn, "two")
        assert _zones(second) == _zones(first)
        assert first.zone_now and first.zone_history  # the hashes, not the NULLs kept ones give
        conn.execute("SET TimeZone TO 'Asia/Kolkata'")
        conn.commit()
        moved = _read(conn, "one")
        again = _read(conn, "one")
    finally:
        conn.close()
    fresh = connect(url, ReflectOptions())
    try:
        fresh.execute("SET TimeZone TO 'Asia/Kolkata'")
        fresh.commit()
        expected = _read(fresh, "one")
    finally:
        fresh.close()
    assert moved.timezone == "Asia/Kolkata"
    assert _zones(moved) != _zones(first)  # not the kept UTC hashes: India is 5:30 off UTC
    assert _zones(moved) == _zones(again) == _zones(expected)
    assert not moved.timezone_utc_always and first.timezone_utc_always
