"""A read keeps the zone's hashes it read (``postgresql_read``), for the next read on the same
server: the server computes them once per start, TimeZone and hour, not at every read nor for
every new connection (they were most of a read's server time). What a read gives is the same
as a fresh connection's, and a session whose TimeZone changed gets its new zone's hashes, never
the kept ones."""

from __future__ import annotations

import psycopg
from sqlalchemy.engine import URL

from twinschema.dialects import ReflectOptions, postgresql_read
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


def _fresh_read(url: URL, schema: str) -> tuple[Schema, tuple[str, int]]:
    """``schema`` read on a new connection, and the server it was read on."""
    conn = connect(url, ReflectOptions())
    try:
        return _read(conn, schema), postgresql_read._server_of(conn)
    finally:
        conn.close()


def test_a_new_connection_to_the_same_server_takes_the_hashes_kept_for_its_key(
    pg_url: str,
) -> None:
    """A check opens a new connection for each database it reads: the hashes a read kept are
    taken by the next read on the same server whose key (the postmaster's start, TimeZone,
    hour) the server finds the same, without the server computing them. Shown with marked
    hashes put in for the key: the new connection's read gives the marked ones, so the server
    left its own out. The near miss: the same key but for another start of the postmaster (a
    restarted server, or another behind the same address) is not the server's, and the read
    gives the real hashes again."""
    url = parse_url(pg_url)
    with psycopg.connect(**connect_kwargs(url, ReflectOptions()), autocommit=True) as ddl:
        ddl.execute("CREATE SCHEMA one; CREATE TABLE one.t (x int)")
        started = ddl.execute("SELECT extract(epoch FROM pg_postmaster_start_time())::text")
        start = str(started.fetchone()[0])  # type: ignore[index]
    first, server = _fresh_read(url, "one")
    key, now, history = postgresql_read._ZONES[server]
    assert key.startswith(start + " ") and first.zone_now == now
    try:
        postgresql_read._ZONES[server] = (key, "marked", "(marked,f)")
        assert _zones(_fresh_read(url, "one")[0])[:2] == ("marked", "marked")
        other_start = key.replace(start, start + "1", 1)
        postgresql_read._ZONES[server] = (other_start, "marked", "(marked,f)")
        assert _zones(_fresh_read(url, "one")[0]) == _zones(first)
        assert postgresql_read._ZONES[server] == (key, now, history)  # the real ones kept again
    finally:
        postgresql_read._ZONES[server] = (key, now, history)
