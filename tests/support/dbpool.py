"""Empty PostgreSQL databases for tests, reused instead of created and dropped for each test.

``CREATE DATABASE`` copies template1 (7 MB) and took 0.2-1.3 s on the suite's 2-core machine,
its ``DROP`` 0.05-1 s, and about 240 tests ask for a database. A database a test has used is
reset instead (event triggers, publications, extensions, every schema but the system ones and
``public``, what is left in ``public``, large objects, database settings dropped), which takes
a few milliseconds.

The reset is only the fast path; the proof is the catalog fingerprint. A reset database is handed
out again only when its fingerprint (the content of every per-database system catalog, and what
the shared catalogs hold about this database) is the one a new database had when the pool
started; any other is dropped and a new one created in its place. So a test gets a database
no query can tell from a new one, except by its name and OID.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

# Statistics ANALYZE gathers: not objects, and they change on their own.
_SKIPPED = ("pg_statistic", "pg_statistic_ext_data")

# What the shared catalogs say about the current database (its OID and name left out).
_SHARED = """
WITH d AS (SELECT * FROM pg_database WHERE datname = current_database())
SELECT 'pg_database', 1,
       ('x' || left(md5((to_jsonb(d) - 'oid' - 'datname' - 'datfrozenxid' - 'datminmxid')::text),
                    15))::bit(60)::bigint FROM d
UNION ALL SELECT 'pg_db_role_setting', count(*), 0 FROM pg_db_role_setting, d
  WHERE setdatabase = d.oid
UNION ALL SELECT 'pg_shdepend', count(*), 0 FROM pg_shdepend, d WHERE dbid = d.oid
UNION ALL SELECT 'pg_shdescription', count(*), 0 FROM pg_shdescription, d
  WHERE objoid = d.oid AND classoid = 'pg_database'::regclass
UNION ALL SELECT 'pg_shseclabel', count(*), 0 FROM pg_shseclabel, d
  WHERE objoid = d.oid AND classoid = 'pg_database'::regclass
UNION ALL SELECT 'pg_subscription', count(*), 0 FROM pg_subscription, d WHERE subdbid = d.oid
UNION ALL SELECT 'pg_prepared_xacts', count(*), 0 FROM pg_prepared_xacts
  WHERE database = current_database()
UNION ALL SELECT 'pg_replication_slots', count(*), 0 FROM pg_replication_slots
  WHERE database = current_database()
"""

# Each statement in its own subtransaction: one that fails leaves the rest to run, and the
# fingerprint then finds what is left.
_RESET = """
DO $reset$
DECLARE
  r record;
  statements text[] := '{}';
  s text;
BEGIN
  statements := statements
    || ARRAY(SELECT format('DROP EVENT TRIGGER IF EXISTS %I CASCADE', evtname)
             FROM pg_event_trigger)
    || ARRAY(SELECT format('DROP PUBLICATION IF EXISTS %I CASCADE', pubname)
             FROM pg_publication)
    || ARRAY(SELECT format('DROP EXTENSION IF EXISTS %I CASCADE', extname)
             FROM pg_extension WHERE extname <> 'plpgsql')
    || ARRAY(SELECT format('DROP SCHEMA IF EXISTS %I CASCADE', nspname)
             FROM pg_namespace WHERE oid >= 16384 AND nspname <> 'public');
  FOREACH s IN ARRAY statements LOOP
    BEGIN EXECUTE s; EXCEPTION WHEN others THEN NULL; END;
  END LOOP;
  -- What is left in public, by the kind and name PostgreSQL itself gives each object.
  FOR r IN
    SELECT o.type, o.identity FROM pg_depend AS d, pg_identify_object(d.classid, d.objid, 0) AS o
    WHERE d.refclassid = 'pg_namespace'::regclass AND d.refobjid = 'public'::regnamespace
      AND d.deptype = 'n' AND o.identity IS NOT NULL
  LOOP
    BEGIN
      EXECUTE format('DROP %s IF EXISTS %s CASCADE',
                     CASE r.type WHEN 'composite type' THEN 'TYPE' ELSE upper(r.type) END,
                     r.identity);
    EXCEPTION WHEN others THEN NULL;
    END;
  END LOOP;
  FOR r IN SELECT a.grantee FROM pg_namespace AS n, aclexplode(n.nspacl) AS a
           WHERE n.nspname = 'public' AND a.grantee <> 0
             AND a.grantee <> 'pg_database_owner'::regrole
  LOOP
    EXECUTE format('REVOKE ALL ON SCHEMA public FROM %I', r.grantee::regrole::text);
  END LOOP;
  PERFORM lo_unlink(oid) FROM pg_largeobject_metadata;
  EXECUTE format('ALTER DATABASE %I RESET ALL', current_database());
END
$reset$
"""


def _engine(url: sa.URL | str) -> sa.Engine:
    return sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


def fingerprint(conn: sa.Connection, since: int) -> dict[str, tuple[int, int]]:
    """The fingerprint of the database ``conn`` is on: per system catalog of the database, its
    row count and how many of its rows a transaction from ``since`` on wrote (a row PostgreSQL
    writes gets the writing transaction's ID; VACUUM and ANALYZE update pg_class in place);
    and what the shared catalogs hold about the database.

    Equal counts and no row written since the database was created mean every catalog holds
    exactly the rows the template gave it: a removed row would have to be replaced by a new
    one to keep the count, and a changed row is a new version."""
    names = conn.execute(
        sa.text(
            "SELECT relname FROM pg_class WHERE relnamespace = 'pg_catalog'::regnamespace"
            " AND relkind = 'r' AND NOT relisshared AND relname <> ALL(:skipped)"
        ),
        {"skipped": list(_SKIPPED)},
    ).scalars()
    parts = [
        f"SELECT '{name}', count(*), count(*) FILTER (WHERE age(xmin) <= age(CAST(:since AS xid)))"
        f" FROM pg_catalog.{name}"
        for name in names
    ]
    rows = conn.execute(sa.text(" UNION ALL ".join(parts)), {"since": str(since)}).all()
    rows += conn.execute(sa.text(_SHARED)).all()
    return {str(name): (int(count), int(written)) for name, count, written in rows}


class DatabasePool:
    """Empty databases on one server for one test session; see the module's docstring."""

    def __init__(self, server_url: str, prefix: str = "ts") -> None:
        self.server_url = server_url
        self.prefix = prefix
        self.free: list[str] = []
        self.created = self.reused = self.replaced = 0
        self._since: dict[str, int] = {}  # a transaction ID from before each one's creation
        self._fresh: dict[str, tuple[int, int]] | None = None

    def url(self, name: str) -> str:
        """The URL of database ``name`` on the pool's server."""
        return make_url(self.server_url).set(database=name).render_as_string(hide_password=False)

    def _admin(self, statement: str) -> Any:
        engine = _engine(self.server_url)
        try:
            with engine.connect() as conn:
                result = conn.execute(sa.text(statement))
                return result.scalar() if result.returns_rows else None
        finally:
            engine.dispose()

    def _fingerprint(self, name: str) -> dict[str, tuple[int, int]]:
        engine = _engine(self.url(name))
        try:
            with engine.connect() as conn:
                return fingerprint(conn, self._since[name])
        finally:
            engine.dispose()

    def _create(self) -> str:
        name = f"{self.prefix}_{uuid.uuid4().hex[:12]}"
        self._since[name] = int(self._admin("SELECT txid_current() % 4294967296"))
        self._admin(f'CREATE DATABASE "{name}"')
        self.created += 1
        if self._fresh is None:
            self._fresh = self._fingerprint(name)
            written = {
                table: n for table, (_, n) in self._fresh.items() if n and table != "pg_database"
            }
            assert not written, f"a new database has rows written after its creation: {written}"
        return name

    def _drop(self, name: str) -> None:
        self._since.pop(name, None)
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def reset(self, name: str) -> bool:
        """Empty database ``name`` (after closing every other session on it); True when it is
        then indistinguishable from a new database by its catalogs."""
        engine = _engine(self.url(name))
        try:
            with engine.connect() as conn:
                conn.execute(
                    sa.text(
                        "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                )
                conn.execute(sa.text(_RESET))
                return fingerprint(conn, self._since[name]) == self._fresh
        except sa.exc.DBAPIError:
            return False
        finally:
            engine.dispose()

    def acquire(self) -> str:
        """The name of an empty database, now the caller's until ``release``."""
        if self.free:
            self.reused += 1
            return self.free.pop()
        return self._create()

    def release(self, name: str) -> None:
        """Give ``name`` back: kept for the next caller if it resets to a new database's
        fingerprint, else dropped."""
        try:
            clean = self.reset(name)
        except sa.exc.DBAPIError:
            clean = False
        if clean:
            self.free.append(name)
        else:
            self.replaced += 1
            self._drop(name)

    @contextmanager
    def database(self) -> Iterator[str]:
        """An empty database for the block; its URL."""
        name = self.acquire()
        try:
            yield self.url(name)
        finally:
            self.release(name)

    def close(self) -> None:
        """Drop every database the pool holds."""
        while self.free:
            self._drop(self.free.pop())
