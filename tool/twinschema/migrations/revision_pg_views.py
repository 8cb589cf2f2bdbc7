"""The views over a column whose type a PostgreSQL revision changes, dropped before and made
again after (s79mig).

PostgreSQL refuses ``ALTER TABLE ... ALTER COLUMN ... TYPE`` on a column a view reads ("cannot
alter type of a column used by a view or rule"), and ``DROP DOMAIN`` of a domain a view's column
has. Autogenerate writes the ``alter_column`` alone (a plain type changed, ``integer`` to
``bigint``; a column moved onto a domain), and a domain's new base type was not written at all
where a view read one of its columns (``revision_pg_domain_type``): ``revision``'s scratch run
failed (exit 3), or it said ``not written``. Now each view that reads such a column, or has a
column of such a domain, and each view over those in turn, is dropped first in the upgrade and in
the downgrade (the views over it before it) and made again last (in the order they stand on each
other), from its definition in the scratch database at the chain's head (``pg_get_viewdef``, as
``init``'s baseline writes it, with its options: ``security_barrier``, ``check_option``; in an
upgrade that renames a column too, as it reads after the rename: s82mig); a
materialized view with its indexes, a view with its triggers; its grants, comments and owner,
read from the database the revision runs on (``revision_pg_views_kept``: the chain has none).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from alembic.operations import ops

from twinschema.migrations.revision_pg_checks import run_sql
from twinschema.migrations.revision_pg_enums import escape_binds
from twinschema.migrations.revision_pg_views_kept import kept

# The views (and materialized views) reading one of the columns ``rels``/``cols`` (a table by its
# quoted name, and a column's name) or a column of one of the types ``types`` (oids, their arrays
# too), and the views over those, transitively.
_VIEWS = """
WITH RECURSIVE wanted(oid) AS (
    SELECT t FROM unnest(%(types)s::oid[]) AS t
    UNION SELECT typarray FROM pg_type WHERE oid = ANY(%(types)s::oid[]) AND typarray <> 0
), columns(relid, attnum) AS (
    SELECT a.attrelid, a.attnum FROM pg_attribute a
    JOIN unnest(%(rels)s::text[], %(cols)s::text[]) AS c(rel, col)
        ON a.attrelid = to_regclass(c.rel) AND a.attname = c.col
    UNION SELECT a.attrelid, a.attnum FROM pg_attribute a JOIN pg_class k ON k.oid = a.attrelid
    WHERE k.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
        AND a.atttypid IN (SELECT oid FROM wanted)
), views(oid) AS (
    SELECT r.ev_class FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
    JOIN columns c ON d.refobjid = c.relid AND d.refobjsubid = c.attnum
    WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
    UNION SELECT r.ev_class FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
    WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_type'::regclass
        AND d.refobjid IN (SELECT oid FROM wanted)
    UNION SELECT r.ev_class FROM views v JOIN pg_depend d ON d.refobjid = v.oid
    JOIN pg_rewrite r ON r.oid = d.objid
    WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
        AND r.ev_class <> v.oid
)
SELECT c.oid, CASE WHEN n.nspname = current_schema() THEN NULL ELSE n.nspname END, c.relname,
    c.relkind = 'm', rtrim(pg_get_viewdef(c.oid, true), ';'),
    coalesce(array_to_string(c.reloptions, ', '), ''),
    ARRAY(SELECT DISTINCT r2.ev_class FROM pg_rewrite r1 JOIN pg_depend d
              ON d.objid = r1.oid AND d.classid = 'pg_rewrite'::regclass
              AND d.refclassid = 'pg_class'::regclass
          JOIN pg_rewrite r2 ON r2.ev_class = d.refobjid
          WHERE r1.ev_class = c.oid AND d.refobjid <> c.oid),
    ARRAY(SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = c.oid
          ORDER BY indexrelid),
    ARRAY(SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t
          WHERE t.tgrelid = c.oid AND NOT t.tgisinternal ORDER BY t.tgname)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.oid IN (SELECT oid FROM views) ORDER BY c.oid
"""


@dataclass(frozen=True)
class View:
    """A view of the scratch database at head that a type change reaches: its oid, the SQL that
    drops it and the statements that make it again, and the views of the set it reads."""

    oid: int
    name: str
    drop: str
    make: tuple[str, ...]
    reads: frozenset[int]


def views_around_retypes(context: Any, script: Any, domains: Sequence[int] = ()) -> None:
    """In each upgrade and downgrade of ``script`` (a MigrationScript) whose ``alter_column``
    changes a column's type, or that gives one of the domains ``domains`` (oids) a new base
    type, drop the views reached first and make them again last (see the module docstring).
    ``context``: the MigrationContext on the scratch database at head."""
    connection: sa.Connection = context.connection
    preparer = connection.dialect.identifier_preparer
    for upgrade, downgrade in zip(script.upgrade_ops_list, script.downgrade_ops_list, strict=True):
        columns = _retyped_columns(upgrade.ops, preparer)
        if not columns and not domains:
            continue
        views = _views(connection, columns, domains)
        if not views:
            continue
        ordered = _ordered(views)
        renames = _renamed_columns(upgrade.ops, preparer)
        # the upgrade makes them again after its column renames: as they read then (s82mig)
        after = _ordered(_renamed_views(connection, columns, domains, renames)) or ordered
        save, restore = kept([v.name for v in ordered])
        drops = [ops.ExecuteSQLOp(escape_binds(v.drop)) for v in reversed(ordered)]
        drops.insert(0, save)
        for container, made in ((upgrade, after), (downgrade, ordered)):
            makes = [ops.ExecuteSQLOp(escape_binds(s)) for v in made for s in v.make]
            makes.append(restore)
            container.ops[:0] = list(drops)
            container.ops.extend(makes)


def _renamed_columns(items: Sequence[Any], preparer: Any) -> list[tuple[str, str, str]]:
    """(the table's quoted name, the old name, the new) of each column ``items`` renames (a
    rename ``revision_renames`` writes stands alone, before the tables' operations)."""
    found: list[tuple[str, str, str]] = []
    for item in items:
        for op in getattr(item, "ops", (item,)):
            if isinstance(op, ops.AlterColumnOp) and op.modify_name is not None:
                schema = f"{preparer.quote_schema(op.schema)}." if op.schema else ""
                table = f"{schema}{preparer.quote(op.table_name)}"
                found.append((table, str(op.column_name), str(op.modify_name)))
    return found


def _renamed_views(
    connection: sa.Connection,
    columns: list[tuple[str, str]],
    domains: Sequence[int],
    renames: list[tuple[str, str, str]],
) -> list[View]:
    """The views ``_views`` finds, as they read once the columns ``renames`` names are renamed
    (PostgreSQL rewrites a view over a renamed column: ``code2 AS code``), tried in a savepoint
    rolled back; none where there is no rename, or PostgreSQL refuses one (the scratch run of
    the revision then says so)."""
    if not renames:
        return []
    quote = connection.dialect.identifier_preparer.quote
    new = {(t, old): name for t, old, name in renames}
    savepoint = connection.begin_nested()
    try:
        for table, old, name in renames:
            run_sql(connection, f"ALTER TABLE {table} RENAME COLUMN {quote(old)} TO {quote(name)}")
        return _views(connection, [(t, new.get((t, c), c)) for t, c in columns], domains)
    except sa.exc.DBAPIError:
        return []
    finally:
        savepoint.rollback()


def _retyped_columns(items: Sequence[Any], preparer: Any) -> list[tuple[str, str]]:
    """(the table's quoted name, the column) of each ``alter_column`` in ``items`` that changes
    a column's type."""
    found: list[tuple[str, str]] = []
    for table_ops in items:
        for op in getattr(table_ops, "ops", ()):
            if isinstance(op, ops.AlterColumnOp) and op.modify_type is not None:
                schema = f"{preparer.quote_schema(op.schema)}." if op.schema else ""
                found.append((f"{schema}{preparer.quote(op.table_name)}", str(op.column_name)))
    return found


def _views(
    connection: sa.Connection, columns: list[tuple[str, str]], domains: Sequence[int]
) -> list[View]:
    quote = connection.dialect.identifier_preparer.quote
    rows = connection.exec_driver_sql(
        _VIEWS,
        {
            "rels": [r for r, _ in columns],
            "cols": [c for _, c in columns],
            "types": list(domains),
        },
    )
    views = []
    for oid, schema, name, materialized, query, options, reads, indexes, triggers in rows:
        kind = "MATERIALIZED VIEW" if materialized else "VIEW"
        full = f"{quote(str(schema))}.{quote(str(name))}" if schema else quote(str(name))
        with_ = f" WITH ({options})" if options else ""
        make = (f"CREATE {kind} {full}{with_} AS {query}", *indexes, *triggers)
        views.append(View(int(oid), full, f"DROP {kind} {full}", make, frozenset(map(int, reads))))
    return views


def _ordered(views: list[View]) -> list[View]:
    """``views`` each after the views of the set it reads (by oid where neither reads the other)."""
    left = {v.oid: v for v in views}
    done: list[View] = []
    while left:
        ready = [v for v in left.values() if not (v.reads & left.keys())]
        step = ready or [min(left.values(), key=lambda v: v.oid)]  # a cycle cannot be: no guess
        for view in sorted(step, key=lambda v: v.oid):
            done.append(view)
            del left[view.oid]
    return done
