"""An unnamed CHECK added to, changed in or removed from a table of the PostgreSQL metadata
module, written into the PostgreSQL revision by the names PostgreSQL gives (stranger66 004, 008).

Alembic compares no unnamed CHECK, and its named-CHECK plugin (``alembic_env``) compares by name
only, and keeps out the database's CHECKs of a table whose module has an unnamed one (it would
drop them as removed: PostgreSQL names every CHECK). So ``sa.CheckConstraint('length(sku) <=
32')`` added to the module made no operation, and ``revision`` warned that the chain's head
lacks it, while the SQLite twin had it (a batch copy): two twins that did not move together.

Now, for each table of the module with an unnamed CHECK (a type's own CHECK aside), the
module's unnamed CHECKs are set against the database's CHECKs at the chain's head that no named
CHECK of the module claims, each as PostgreSQL reads it back (``pg_get_expr``): the module's
are tried on the scratch database (``ALTER TABLE ... ADD CHECK (...) NOT VALID`` in a savepoint,
rolled back), so ``length(sku) <= 32`` and the stored ``(length(sku) <= 32)`` are one CHECK
and no spelling is taken for a change. A CHECK of the module the database lacks is made with
``op.create_check_constraint`` by the name PostgreSQL gives it there (``items_sku_check``: the
old ones dropped and the new ones added in the same savepoint, so a numbered name is the one
the server would choose); one of the database the module lacks is dropped by the name the
database gave it; the downgrade drops the new and makes the old again by their names. A CHECK
naming a column the same revision adds is tried with that column added first in the savepoint
(its name and type), and made after the revision's ``add_column`` (until s79mig it was left
out, with ``revision``'s ``not written`` warning); one PostgreSQL still refuses there (a column
of a type the same revision makes) is left out, and ``revision`` warns of it. A row the new
CHECK refuses makes ``migrate`` fail (PostgreSQL checks the table's rows), and roll back: the
database keeps its rows and its old CHECK.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic.operations import ops

from twinschema.alembic_type_checks import made_on
from twinschema.migrations.revision_pg_enums import escape_binds
from twinschema.records.dialects import as_read

# Every CHECK of a table of the current schema, as PostgreSQL reads it back.
_CHECKS = (
    "SELECT conname, pg_get_expr(conbin, conrelid) FROM pg_constraint WHERE contype = 'c' "
    "AND conrelid = (SELECT c.oid FROM pg_class c WHERE c.relname = %(table)s AND "
    "c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())) "
    "ORDER BY conname"
)


def unnamed_checks(context: Any, script: Any) -> None:
    """Make, in each upgrade of ``script`` (a MigrationScript), the unnamed CHECKs of the
    PostgreSQL module's tables that the scratch database at head (``context``'s connection)
    lacks, and drop those it has that the module no longer gives; the downgrade undoes it.
    See the module docstring."""
    metadata = context.opts.get("target_metadata")
    if not isinstance(metadata, sa.MetaData) or "ck" in metadata.naming_convention:
        return
    connection: sa.Connection = context.connection
    dialect = as_read(connection.dialect)
    for table in metadata.sorted_tables:
        if table.schema is not None or not _module_checks(table, dialect, set()):
            continue
        database = _database_checks(connection, table)
        if database is None:
            continue  # not at head: a table the revision makes gets its CHECKs with it
        new = _new_columns(connection, table)
        module = _module_checks(table, dialect, set(new))
        if not module:
            continue
        adds = list(new.values())
        tried = [_read_back(connection, table.name, [], [check], adds) for check in module]
        if any(t is None for t in tried):
            continue  # a CHECK the head's table cannot hold yet: left to the warning
        read = [t[0][1] for t in tried if t is not None]
        added = _unmatched(module, read, list(database.values()))
        dropped = _unmatched(list(database), list(database.values()), read)
        if not added and not dropped:
            continue
        given = _read_back(connection, table.name, dropped, added, adds)
        if given is None:
            continue
        for upgrade, downgrade in zip(
            script.upgrade_ops_list, script.downgrade_ops_list, strict=True
        ):
            steps: list[Any] = [ops.DropConstraintOp(n, table.name, type_="check") for n in dropped]
            steps += [
                ops.CreateCheckConstraintOp(name, table.name, escape_binds(sql))
                for (name, _), sql in zip(given, added, strict=True)
            ]
            back: list[Any] = [
                ops.DropConstraintOp(name, table.name, type_="check") for name, _ in given
            ]
            back += [
                ops.CreateCheckConstraintOp(n, table.name, escape_binds(database[n]))
                for n in dropped
            ]
            upgrade.ops.append(ops.ModifyTableOps(table.name, steps))
            downgrade.ops.insert(0, ops.ModifyTableOps(table.name, back))


def _module_checks(table: sa.Table, dialect: sa.engine.Dialect, new_columns: set[str]) -> list[str]:
    """The SQL of each unnamed CHECK of the module's ``table`` that SQLAlchemy makes on
    ``dialect`` (a type's own only where it makes it: a non-native enum's, never a native
    boolean's, and not for a column of ``new_columns``, whose ``add_column`` makes it), its
    column's too, in the order the module declares them."""
    found = []
    declared = [*table.constraints, *(c for col in table.columns for c in col.constraints)]
    for constraint in dict.fromkeys(declared):
        if not isinstance(constraint, sa.CheckConstraint) or isinstance(constraint.name, str):
            continue  # named (a type's own CHECK without a name holds a marker, not a str)
        if not made_on(constraint, dialect):
            continue
        if (
            getattr(constraint, "_type_bound", False)
            and {c.name for c in constraint.columns} & new_columns
        ):
            continue
        sql = constraint.sqltext.compile(
            dialect=dialect, compile_kwargs={"literal_binds": True, "include_table": False}
        )
        found.append(str(sql))
    return found


def _database_checks(connection: sa.Connection, table: sa.Table) -> dict[str, str] | None:
    """The CHECKs of ``table`` in the database (name to expression) that no named CHECK of the
    module claims by name; None when the database has no such table."""
    if not sa.inspect(connection).has_table(table.name):
        return None
    named = {c.name for c in table.constraints if isinstance(c, sa.CheckConstraint) and c.name}
    return {n: e for n, e in table_checks(connection, table.name).items() if n not in named}


def table_checks(connection: sa.Connection, table: str) -> dict[str, str]:
    """The CHECKs of ``table`` of the current schema, name to expression as PostgreSQL reads
    them back, by name: what a revision's CHECK steps are compared with and tried against."""
    rows = connection.exec_driver_sql(_CHECKS, {"table": table})
    return {str(name): str(expr) for name, expr in rows}


def _unmatched(items: list[str], keys: list[str], others: list[str]) -> list[str]:
    """The ``items`` whose ``keys`` (one each) are not among ``others``, each of those
    matching one item at most (two equal CHECKs are two)."""
    left = list(others)
    found = []
    for item, key in zip(items, keys, strict=True):
        if key in left:
            left.remove(key)
        else:
            found.append(item)
    return found


def _new_columns(connection: sa.Connection, table: sa.Table) -> dict[str, str]:
    """Each column of the module's ``table`` that the table at head lacks (the revision adds
    it), by name: its ``ADD COLUMN``, name and type only, what a CHECK naming it is tried over."""
    held = {c["name"] for c in sa.inspect(connection).get_columns(table.name)}
    dialect: Any = connection.dialect
    quote = dialect.identifier_preparer.quote
    return {
        column.name: f"ALTER TABLE {quote(table.name)} ADD COLUMN {quote(column.name)} "
        f"{dialect.type_compiler_instance.process(column.type)}"
        for column in table.columns
        if column.name not in held
    }


def _read_back(
    connection: sa.Connection,
    table: str,
    dropped: list[str],
    added: list[str],
    new_columns: list[str],
) -> list[tuple[str, str]] | None:
    """On ``table`` in a savepoint rolled back: the columns the revision adds made
    (``new_columns``: ``_new_columns``), the CHECKs ``dropped`` dropped, then each of
    ``added`` added without a name; the name PostgreSQL gave each and its expression as read
    back. None when PostgreSQL refuses one (a column of a type the revision makes)."""
    quote = connection.dialect.identifier_preparer.quote
    given: list[tuple[str, str]] = []
    savepoint = connection.begin_nested()
    try:
        for statement in new_columns:
            run_sql(connection, statement)
        for name in dropped:
            run_sql(connection, f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for sql in added:
            before = set(table_checks(connection, table))
            run_sql(connection, f"ALTER TABLE {quote(table)} ADD CHECK ({sql}) NOT VALID")
            (new,) = [c for c in table_checks(connection, table).items() if c[0] not in before]
            given.append(new)
    except sa.exc.DBAPIError:
        return None
    finally:
        savepoint.rollback()
    return given


def run_sql(connection: sa.Connection, sql: str) -> None:
    """Run ``sql``, SQL text as the server reads it, on ``connection``: each ``%`` doubled for
    the driver, which reads the statement's parameters (none) with ``%`` placeholders."""
    connection.exec_driver_sql(sql.replace("%", "%%"), {})
