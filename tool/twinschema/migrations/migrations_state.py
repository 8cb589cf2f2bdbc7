"""Where the ``migrations`` layer looks at real databases (see ``migrations_layer``): **state**
(each live database is at its chain's head, read through a read-only connection) and what a
downgrade to base leaves behind in a scratch database."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import replace

from sqlalchemy.engine import URL

from twinschema.dialects import ReflectOptions
from twinschema.errors import DatabaseError
from twinschema.layers.plan import CheckPlan, fix_chain_first, migrate_command
from twinschema.migrations import VERSION_TABLE
from twinschema.migrations.migrations_chain import LAYER, STATE, Chain, merge_command
from twinschema.records import Comparison, Difference, LayerResult, Report, Status
from twinschema.urls import parse_url, redact, sqlite_file

# ---------------------------------------------------------------------------------------------
# What a downgrade to base leaves behind


# Every non-extension object of the schema other than the version table: tables, views,
# sequences, enum and domain types, functions and policies.
_PG_LEFTOVERS = """
WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = %(schema)s),
ext AS (SELECT objid, classid FROM pg_depend WHERE deptype = 'e')
SELECT CASE c.relkind WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view'
                      WHEN 'm' THEN 'materialized view' ELSE 'table' END, c.relname
FROM pg_class c
WHERE c.relnamespace = (SELECT oid FROM ns) AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  AND c.relname <> %(version_table)s
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_class'::regclass AND ext.objid = c.oid)
UNION ALL
SELECT CASE t.typtype WHEN 'e' THEN 'enum type' WHEN 'd' THEN 'domain' ELSE 'type' END, t.typname
FROM pg_type t
WHERE t.typnamespace = (SELECT oid FROM ns) AND t.typtype IN ('e', 'd', 'r', 'm')
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_type'::regclass AND ext.objid = t.oid)
UNION ALL
SELECT 'function', p.proname FROM pg_proc p
WHERE p.pronamespace = (SELECT oid FROM ns)
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_proc'::regclass AND ext.objid = p.oid)
UNION ALL
SELECT 'policy', pol.polname || ' on ' || c.relname FROM pg_policy pol
JOIN pg_class c ON c.oid = pol.polrelid WHERE c.relnamespace = (SELECT oid FROM ns)
ORDER BY 1, 2
"""

_SQLITE_LEFTOVERS = """
SELECT type, name, tbl_name FROM sqlite_master
WHERE name <> ? AND tbl_name <> ? AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
ORDER BY type, name
"""


def leftovers(
    dialect: str, url: str, schema: str, options: ReflectOptions | None = None
) -> list[tuple[str, str, str | None]]:
    """``(what, name, table)`` of every object left in the database besides the version table
    (connecting with ``options``' timeouts)."""
    if dialect == "sqlite":
        from twinschema.dialects import sqlite as sqlite_dialect

        path = sqlite_file(parse_url(url))
        lite = sqlite_dialect.connect(path)
        try:
            rows = lite.execute(_SQLITE_LEFTOVERS, (VERSION_TABLE, VERSION_TABLE)).fetchall()
        finally:
            lite.close()
        return [(str(kind), str(name), str(table)) for kind, name, table in rows]
    from twinschema.dialects import postgresql as pg_dialect

    options = replace(options or ReflectOptions(), schema=schema)
    with pg_dialect.connect(parse_url(url), options) as conn:
        found = conn.execute(
            _PG_LEFTOVERS, {"schema": schema, "version_table": VERSION_TABLE}
        ).fetchall()
    return [(str(kind), str(name), None) for kind, name in found]


# ---------------------------------------------------------------------------------------------
# The live databases are at head


# What a database is compared with its chain on: its tables are the live layer's (against the
# metadata module, which the chain's head is checked to equal).
DATABASE_SCOPE = (
    "looked at: its revision and, at head, its views, triggers, functions and sequences "
    "(its tables: the live layer's)"
)


def state_check(
    plan: CheckPlan,
    chain: Chain,
    report: Report,
    current: tuple[str, ...] | DatabaseError | None,
    first: Callable[[], str | None] = lambda: None,
    broken: str | None = None,
    at_head: Sequence[Difference] = (),
) -> None:
    """``migration_state``: the live database (``current``: the revisions it is at, why they
    could not be read, None when it is not configured) at its chain's head. ``first``, read
    only for a database behind its chain: what to do before migrating it, where it holds
    objects renamed or made by hand that a pending revision fails on (``Sources.first_behind``).
    ``broken``: why the chain itself fails to upgrade a scratch database to its head (then
    migrating a database behind it fails too, and the hint says to fix the chain first).
    ``at_head``: the objects of a database at head that its chain lacks or has otherwise
    (views, triggers, functions, sequences: no metadata module holds them), filed here, under
    this database against its chain."""
    dialect = chain.dialect
    url = plan.urls.get(dialect)
    if url is None or current is None:
        why = plan.url_errors.get(dialect) or plan.not_configured(dialect)
        status = Status.ERROR if dialect in plan.url_errors else Status.SKIPPED
        report.add(LayerResult(LAYER, f"{dialect} database", chain.label, status, why))
        return
    label = plan.label(dialect)
    result = LayerResult(LAYER, label, chain.label, Status.IN_SYNC, scope=DATABASE_SCOPE)
    if isinstance(current, DatabaseError):
        result.status, result.message = Status.ERROR, current.message
        report.add(result)
        return
    fix = plan.fix_command(dialect)
    found = state_differences(chain, current, label, fix)
    # Not at head (at base too: a database adopted without ``init --stamp`` that holds what the
    # chain makes, stranger32 case 073; ahead of the chain too: then the chain cannot build its
    # revision, and ``first`` finds nothing). A chain of several heads is merged first, whatever
    # the database holds: neither migrate nor stamp takes it.
    before = first() if found and len(chain.heads) == 1 else None
    if found and broken is not None and not _unknown(chain, current):
        before = fix_chain_first(chain.label, broken, fix or fix_command(chain))
    if before:
        found = [replace(d, hint=before) for d in found]
    report.add(result, Comparison(differences=[*found, *at_head]))


def current_revisions(
    url: str, schema: str = "public", lock_timeout: float = 5.0
) -> tuple[str, ...]:
    """The revisions a live database is at, read through a read-only connection (a missing
    SQLite file is an error, never a new empty database). A table locked longer than
    ``lock_timeout`` (a migration holding alembic_version) is a ``DatabaseError`` naming it."""
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_revisions(parsed)
    import psycopg

    from twinschema.dialects import postgresql as pg_dialect

    with pg_dialect.connect(parsed, ReflectOptions(schema=schema)) as conn:
        conn.execute(f"SET lock_timeout = {max(1, int(lock_timeout * 1000))}")
        exists = conn.execute(
            "SELECT to_regclass(quote_ident(%(schema)s) || '.' || %(table)s)",
            {"schema": schema, "table": VERSION_TABLE},
        ).fetchone()
        if exists is None or exists[0] is None:
            return ()
        try:
            rows = conn.execute(f'SELECT version_num FROM "{schema}".{VERSION_TABLE}').fetchall()
        except psycopg.errors.LockNotAvailable:
            raise DatabaseError(
                f"cannot read {redact(url)}: table {schema}.{VERSION_TABLE} is locked (a migration "
                f"may be running), and lock_timeout ({lock_timeout:g} s) ran out; run the check "
                "again when it is done, or raise lock_timeout in [tool.twinschema]"
            ) from None
    return tuple(sorted(str(row[0]) for row in rows))


def _sqlite_revisions(url: URL) -> tuple[str, ...]:
    from twinschema.dialects import sqlite as sqlite_dialect

    path = sqlite_file(url)
    conn = sqlite_dialect.connect(path)  # read-only; a missing file is a DatabaseError
    try:
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (VERSION_TABLE,)
        ).fetchone()
        if not has_table:
            return ()
        rows = conn.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchall()
    except sqlite3.Error as exc:
        raise DatabaseError(f"{path}: cannot read SQLite database: {exc}") from None
    finally:
        conn.close()
    return tuple(sorted(str(row[0]) for row in rows))


def state_differences(
    chain: Chain, current: Sequence[str], label: str, fix: str | None = None
) -> list[Difference]:
    """``migration_state`` when the database is not exactly at the chain's heads; ``fix`` is
    the command that migrates that database (by default the project's, ``fix_command``)."""
    if set(current) == set(chain.heads):
        return []
    fix = fix or fix_command(chain)
    at = ", ".join(current) or "base"
    heads = ", ".join(chain.heads) or "base"
    unknown = _unknown(chain, current)
    if unknown:
        message = (
            f"{label} is at {at}, ahead of {chain.label} (head {heads}): it does not know "
            f"revision {', '.join(unknown)}"
        )
        hint = (
            f"check out the code that has revision {', '.join(unknown)} (or downgrade the "
            f"database deliberately), then run `{fix}`"
        )
    else:
        message = f"{label} is at {at}, behind {chain.label} (head {heads})"
        hint = f"run `{fix}`"
        if len(chain.heads) > 1:  # migrate refuses such a chain (stranger32 case 043)
            hint = (
                f"merge the heads first: "
                f"{merge_command(chain, f'`{fix}` refuses a chain of {len(chain.heads)} heads')}, "
                f"then run `{fix}`"
            )
    return [
        Difference(
            layer=LAYER,
            kind=STATE,
            table=None,
            column=None,
            name=heads,
            left=at,
            right=heads,
            message=message,
            hint=hint,
            left_source=label,
            right_source=chain.label,
        )
    ]


def _unknown(chain: Chain, current: Sequence[str]) -> list[str]:
    """The revisions of ``current`` that the chain does not know (the database is ahead)."""
    known = set().union(*(chain.ancestors(head) for head in chain.heads)) if chain.heads else set()
    return [rev for rev in current if rev not in known]


def fix_command(chain: Chain) -> str:
    """The command that brings a database to its chain's head."""
    return migrate_command(chain.config, chain.dialect)
