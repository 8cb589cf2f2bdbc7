"""Scratch databases kept per process and server (``servers/scratch_pool``): the next block of
work gets the database an earlier one used, and cannot see anything that block made, on the
real server; one the reset cannot give back as new is replaced, not handed out."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from twinschema.config import load_config
from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect_kwargs
from twinschema.servers import scratch, scratch_pool, scratch_reset
from twinschema.sources import reflect_url
from twinschema.urls import parse_url

ROOT = Path(__file__).resolve().parents[1]

# One of each kind of object a block of work may leave behind, PostgreSQL: domains, enums,
# sequences, an extension, a schema of its own, a temporary table, settings, a large object.
LEFT_PG = """
CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
CREATE TYPE mood AS ENUM ('ok', 'bad');
CREATE SEQUENCE counter START 41;
SELECT nextval('counter');
CREATE EXTENSION vector;
CREATE TABLE items (id serial PRIMARY KEY, m mood, p positive, v vector(3));
INSERT INTO items (m, p, v) VALUES ('ok', 1, '[1,2,3]');
CREATE SCHEMA audit;
CREATE TABLE audit.events (id integer REFERENCES public.items);
CREATE FUNCTION twice(integer) RETURNS integer LANGUAGE sql AS 'SELECT $1 * 2';
CREATE TEMP TABLE scratchpad (x integer);
SELECT lo_create(0);
ALTER DATABASE "{database}" SET TimeZone = 'Asia/Tokyo';
"""

LEFT_SQLITE = """
CREATE TABLE items (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT CHECK (name <> ''));
INSERT INTO items (name) VALUES ('left');
CREATE INDEX items_name ON items (name);
CREATE VIEW named AS SELECT name FROM items;
CREATE TRIGGER kept AFTER INSERT ON items BEGIN SELECT 1; END;
"""

# What a later block would find of them, one row of counts.
SEEN_PG = """
SELECT (SELECT count(*) FROM pg_type WHERE typname IN ('positive', 'mood', 'vector')),
       (SELECT count(*) FROM pg_class WHERE relname IN ('counter', 'items', 'items_id_seq',
                                                      'scratchpad', 'events')),
       (SELECT count(*) FROM pg_extension WHERE extname <> 'plpgsql'),
       (SELECT count(*) FROM pg_namespace WHERE nspname = 'audit'),
       (SELECT count(*) FROM pg_proc WHERE proname = 'twice'),
       (SELECT count(*) FROM pg_largeobject_metadata),
       (SELECT count(*) FROM pg_db_role_setting s, pg_database d
         WHERE d.datname = current_database() AND s.setdatabase = d.oid)
"""


def connect(url: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(**connect_kwargs(parse_url(url), ReflectOptions()), autocommit=True)


def use(url: str, dialect: str, script: str) -> None:
    """Run ``script`` in the scratch database ``url`` as a block of work would."""
    if dialect == "sqlite":
        import sqlite3

        conn = sqlite3.connect(parse_url(url).database or "")
        try:
            conn.executescript(script)
        finally:
            conn.close()
        return
    with connect(url) as conn:
        conn.execute(script.format(database=parse_url(url).database))


def reflects_empty(url: str) -> bool:
    schema = reflect_url(url, ReflectOptions())
    return not schema.tables and not schema.objects and not any(schema.not_compared.values())


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_two_uses_in_one_process_cannot_see_each_others_objects(
    dialect: str, pg_server: str
) -> None:
    config = load_config(ROOT / "pyproject.toml")
    script = LEFT_SQLITE if dialect == "sqlite" else LEFT_PG
    with scratch.empty_database(config, dialect, pg_server) as first:
        use(first, dialect, script)
        assert not reflects_empty(first)
    with scratch.empty_database(config, dialect, pg_server) as second:
        if dialect == "sqlite":
            # A new file each time, not there yet, and the first one gone: nothing to reuse.
            assert second != first
            assert not Path(parse_url(second).database or "").exists()
            assert not Path(parse_url(first).database or "").exists()
            return
        assert reflects_empty(second)
        # The same database (the reuse is what is tested), with nothing of the first block.
        assert parse_url(second).database == parse_url(first).database
        with connect(second) as conn:
            assert conn.execute(SEEN_PG).fetchone() == (0, 0, 0, 0, 0, 0, 0)
            assert conn.execute("SHOW TimeZone").fetchone() != ("Asia/Tokyo",)
        # Its catalogs hold as many rows as a new database's, catalog by catalog, and the
        # server says the same of both (the pool also finds no row written since creation).
        with connect(second) as conn:
            used = scratch_reset.fingerprint(conn, 0)
        with scratch.new_database(pg_server) as new, connect(new) as conn:
            made = scratch_reset.fingerprint(conn, 0)
        assert {k: v[0] for k, v in used.items()} == {k: v[0] for k, v in made.items()}
        assert used["pg_database"] == made["pg_database"]
        with connect(second) as conn:
            # A sequence made again starts where a new one does, not where the first one was.
            conn.execute("CREATE SEQUENCE counter")
            assert conn.execute("SELECT nextval('counter')").fetchone() == (1,)


def test_a_use_that_changes_what_the_database_was_made_with_gets_a_new_one_next(
    pg_server: str,
) -> None:
    """The near miss: a comment on ``public`` (a row of the template, rewritten) is nothing a
    reset can give back as new; the next block gets another database, and this one is dropped."""
    with scratch.database(pg_server) as first, connect(first) as conn:
        conn.execute("COMMENT ON SCHEMA public IS 'left behind'")
    with scratch.database(pg_server) as second, connect(second) as conn:
        assert parse_url(second).database != parse_url(first).database
        row = conn.execute("SELECT obj_description('public'::regnamespace)").fetchone()
        assert row == ("standard public schema",)  # what a new database says
        gone = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (parse_url(first).database,)
        )
        assert gone.fetchone() is None


def test_two_blocks_at_once_get_two_databases(pg_server: str) -> None:
    with scratch.database(pg_server) as outer, scratch.database(pg_server) as inner:
        assert parse_url(outer).database != parse_url(inner).database
        use(outer, "postgresql", LEFT_PG)
        assert reflects_empty(inner)


def test_the_process_drops_what_it_kept_when_it_ends(pg_server: str) -> None:
    """A process that used a scratch database leaves none behind at exit (and ``forget``, for
    a server about to stop, drops them at once)."""
    code = (
        "import sys\n"
        "from twinschema.servers import scratch\n"
        "with scratch.database(sys.argv[1]) as url: pass\n"
        "with scratch.database(sys.argv[1]) as again: assert again == url\n"
        "print(url.split('?')[0].rsplit('/', 1)[1])\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", code, pg_server], capture_output=True, text=True, check=True
    )
    name = ran.stdout.strip()
    assert name.startswith("twinschema_scratch_"), ran
    with scratch.database(pg_server) as url:
        kept = scratch_pool.kept(pg_server)
        assert parse_url(url).database in kept
    scratch_pool.forget(pg_server)
    assert scratch_pool.kept(pg_server) == []
    with connect(pg_server) as conn:
        left = conn.execute(
            "SELECT datname FROM pg_database WHERE datname = ANY(%s)", ([name, *kept],)
        )
        assert left.fetchall() == []
