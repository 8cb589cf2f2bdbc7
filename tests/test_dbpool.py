"""The suite's pool of empty PostgreSQL databases (``support.dbpool``): a database a test used
is handed out again only when nothing in it tells it from a new one, on the real server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from support.dbpool import DatabasePool

from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import ADAPTER
from twinschema.urls import parse_url

# One of each kind of object a test leaves behind, in public and in schemas of its own.
LEFTOVERS = """
CREATE ROLE {role} LOGIN;
CREATE TABLE items (id serial PRIMARY KEY, name text CHECK (name <> ''), note text);
CREATE INDEX items_name ON items (name);
CREATE TYPE mood AS ENUM ('ok', 'bad');
CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
CREATE TYPE span AS RANGE (subtype = float8);
CREATE TYPE pair AS (a integer, b text);
CREATE SEQUENCE counter;
CREATE VIEW named AS SELECT name FROM items;
CREATE MATERIALIZED VIEW counted AS SELECT count(*) AS n FROM items;
CREATE FUNCTION twice(integer) RETURNS integer LANGUAGE sql AS 'SELECT $1 * 2';
CREATE AGGREGATE total(integer) (sfunc = int4pl, stype = integer);
CREATE COLLATION plain (locale = 'C');
CREATE TABLE parted (a integer) PARTITION BY RANGE (a);
CREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM (1) TO (10);
CREATE SCHEMA audit;
CREATE TABLE audit.events (id integer REFERENCES public.items);
CREATE EXTENSION vector SCHEMA audit;
CREATE TEMP TABLE scratchpad (x integer);
COMMENT ON TABLE items IS 'left behind';
GRANT SELECT ON items TO {role};
CREATE PUBLICATION everything FOR TABLE items;
SELECT lo_create(0);
ALTER DATABASE {database} SET work_mem = '8MB';
"""


@pytest.fixture
def pool(pg_server: str) -> Iterator[DatabasePool]:
    pool = DatabasePool(pg_server, prefix="pooltest")
    try:
        yield pool
    finally:
        pool.close()


def run(url: str, script: str) -> None:
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(script)
    finally:
        engine.dispose()


def reflects_empty(url: str) -> bool:
    schema = ADAPTER.reflect(parse_url(url), ReflectOptions())
    return not schema.tables and not schema.objects and not any(schema.not_compared.values())


def test_a_used_database_is_reset_to_a_new_ones_catalogs_and_reused(pool: DatabasePool) -> None:
    name = pool.acquire()
    url = pool.url(name)
    run(url, LEFTOVERS.format(role="pooltest_reader", database=name))
    assert not reflects_empty(url)
    try:
        pool.release(name)
    finally:
        run(pool.server_url, "DROP ROLE pooltest_reader")  # fails while it holds a grant
    again = pool.acquire()
    assert again == name and pool.replaced == 0
    assert reflects_empty(pool.url(again))
    fresh = pool.acquire()
    assert fresh != again
    assert pool._fingerprint(again) == pool._fingerprint(fresh)
    engine = sa.create_engine(pool.url(again), poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SHOW work_mem")).scalar() != "8MB"
    finally:
        engine.dispose()


def test_a_database_the_reset_cannot_restore_is_replaced(pool: DatabasePool) -> None:
    name = pool.acquire()
    run(pool.server_url, f'ALTER DATABASE "{name}" CONNECTION LIMIT 5')
    pool.release(name)
    assert pool.replaced == 1
    engine = sa.create_engine(pool.server_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            gone = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            )
            assert gone.first() is None
    finally:
        engine.dispose()
    again = pool.acquire()
    assert again != name
    assert reflects_empty(pool.url(again))


def test_a_dropped_or_renamed_database_is_not_handed_out(pool: DatabasePool) -> None:
    name = pool.acquire()
    run(pool.server_url, f'ALTER DATABASE "{name}" RENAME TO "{name}_moved"')
    try:
        pool.release(name)
    finally:
        run(pool.server_url, f'DROP DATABASE "{name}_moved"')
    assert pool.free == [] and pool.replaced == 1
