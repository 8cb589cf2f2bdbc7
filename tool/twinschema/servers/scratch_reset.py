"""Telling a used PostgreSQL database from a new one: emptying it, and the catalog fingerprint
that decides whether it may be used again as if it were new.

``CREATE DATABASE`` copies template1 (7 MB) and costs 170-260 ms of server CPU on a loaded
2-core machine, its ``DROP`` more. A scratch database that a block of work has used is emptied
instead (event triggers, publications, extensions, every schema but the system ones and
``public``, what is left in ``public``, grants on ``public``, large objects, database settings
dropped), which takes a few milliseconds.

The reset is only the fast path; the proof is the fingerprint. A reset database counts as new
only when its fingerprint (per system catalog of the database: its row count and how many of
its rows were written since the database was created; and what the shared catalogs hold about
it) is the one a new database of the same server had. Equal counts and no row written since
creation mean every catalog holds exactly the rows the template gave it: a removed row would
have to be replaced by a new one to keep the count, and a changed row is a new version, with a
new transaction ID. So no query can tell a database that passes from a new one, except by its
name and OID.
"""

from __future__ import annotations

from typing import Any

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

# Every other session on the database is ended first (waiting up to 10 s for each to go):
# a session left open by the block before would see, or write into, the next block's objects.
_TERMINATE = (
    "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity"
    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
)

Fingerprint = dict[str, tuple[int, int]]


# The database's own catalogs, each counted by the fingerprint.
_CATALOGS = (
    "SELECT relname FROM pg_class WHERE relnamespace = 'pg_catalog'::regnamespace"
    " AND relkind = 'r' AND NOT relisshared AND relname <> ALL(%s) ORDER BY relname"
)


def fingerprint(conn: Any, since: int) -> Fingerprint:
    """The fingerprint of the database a psycopg connection ``conn`` (autocommit) is on; see
    the module's docstring. ``since``: a transaction ID taken before the database was made
    (rows written by a later transaction count as written since)."""
    return _counted(conn, conn.execute(_CATALOGS, (list(_SKIPPED),)).fetchall(), since)


def _counted(conn: Any, catalogs: list[tuple[Any, ...]], since: int) -> Fingerprint:
    """The fingerprint from the names of the database's catalogs (``_CATALOGS``' rows): their
    counts and the shared catalogs' rows, read in one round trip."""
    parts = [
        f"SELECT '{name}', count(*),"
        f" count(*) FILTER (WHERE age(xmin) <= age(CAST(%(since)s AS xid))) FROM pg_catalog.{name}"
        for (name,) in catalogs
    ]
    with conn.pipeline():
        own = conn.execute(" UNION ALL ".join(parts), {"since": str(since)})
        shared = conn.execute(_SHARED)
    rows = own.fetchall() + shared.fetchall()
    return {str(name): (int(count), int(written)) for name, count, written in rows}


def written_since(found: Fingerprint) -> dict[str, int]:
    """The catalogs of a fingerprint with rows written since the database was made (its own
    ``pg_database`` row aside: CREATE DATABASE writes it): none, for a new database."""
    return {table: n for table, (_, n) in found.items() if n and table != "pg_database"}


def reset(conn: Any, since: int) -> Fingerprint:
    """Empty the database ``conn`` (psycopg, autocommit) is on, after ending every other
    session on it; its fingerprint then (compare it with a new database's). Two round trips,
    not five: the ending, the emptying and the list of catalogs go in one pipeline (each
    statement still runs on its own, in order, and the first error is raised), the counts in
    the next; on a loaded machine each round trip waits for the server to be scheduled."""
    with conn.pipeline():
        conn.execute(_TERMINATE)
        conn.execute(_RESET)
        catalogs = conn.execute(_CATALOGS, (list(_SKIPPED),))
    return _counted(conn, catalogs.fetchall(), since)
