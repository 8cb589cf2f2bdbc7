"""A named CHECK of the PostgreSQL metadata module whose expression changed under the same name,
written into the PostgreSQL revision (stranger68 014).

Alembic's named-CHECK plugin (``alembic_env``) compares CHECKs by name only: one the module
gives another expression under the name the database has (``sa.CheckConstraint('length(name) >
2', name='player_name_check')``, was ``> 1``) made no operation, and ``revision`` only warned that
the chain's head lacks it, while it wrote the unnamed CHECK changed beside it
(``revision_pg_checks``) and the SQLite twin carried both: two twins that did not move together.

Now, for each named CHECK of a module's table that the scratch database at the chain's head has
under the same name, the module's expression is tried on that database in a savepoint rolled
back (the columns the revision renames renamed first, the CHECK dropped, the module's added
under its name ``NOT VALID``) and read back (``pg_get_expr``); where that differs from the
database's, read back the same way, the upgrade drops the CHECK by its name and makes the
module's (``op.drop_constraint(name, table, type_='check')``,
``op.create_check_constraint(name, table, sql)``) and the downgrade drops it and makes the
database's again, after the renames back. A CHECK the same in all but spelling (``length(name) >
2`` and the stored ``(length(name) > 2)``), or that differs only by a column the revision renames
(PostgreSQL's CHECKs follow a column renamed), is left alone; so is a CHECK renamed (another name,
the plugin's drop and create) and one whose expression the head's table cannot hold yet (a column
the same revision adds: ``revision`` still warns of it). A row the new CHECK refuses makes
``migrate`` fail there and roll back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from alembic.operations import ops

from twinschema.alembic_type_checks import made_on
from twinschema.migrations.revision_pg_checks import run_sql, table_checks
from twinschema.migrations.revision_pg_enums import escape_binds
from twinschema.migrations.revision_renamed_columns import after_renames, columns_renamed
from twinschema.records.dialects import as_read


def changed_named_checks(context: Any, script: Any) -> None:
    """For each named CHECK of the PostgreSQL module whose expression differs from the one the
    scratch database at head (``context``'s connection) has under that name, drop and make it
    in each upgrade of ``script`` (a MigrationScript), and the reverse in its downgrade (see the
    module docstring)."""
    metadata = context.opts.get("target_metadata")
    if not isinstance(metadata, sa.MetaData):
        return
    connection: sa.Connection = context.connection
    dialect = as_read(connection.dialect)
    for table in metadata.sorted_tables:
        names = _names(table)
        named = _named_checks(table, dialect)
        if table.schema is not None or not named:
            continue
        if not sa.inspect(connection).has_table(table.name):
            continue  # a table the revision makes gets its CHECKs with it
        for upgrade, downgrade in zip(
            script.upgrade_ops_list, script.downgrade_ops_list, strict=True
        ):
            renamed = columns_renamed(upgrade, table.name)
            changed = _changed(connection, table.name, named, renamed)
            if not changed:
                continue
            steps: list[Any] = []
            back: list[Any] = []
            for name, was in changed.items():
                given = names[name]  # a naming convention's own name (``op.f``) kept as one
                steps += [
                    ops.DropConstraintOp(given, table.name, type_="check"),
                    ops.CreateCheckConstraintOp(given, table.name, escape_binds(named[name])),
                ]
                back += [
                    ops.DropConstraintOp(given, table.name, type_="check"),
                    ops.CreateCheckConstraintOp(given, table.name, escape_binds(was)),
                ]
            upgrade.ops.append(ops.ModifyTableOps(table.name, steps))
            downgrade.ops.insert(after_renames(downgrade), ops.ModifyTableOps(table.name, back))


def _names(table: sa.Table) -> dict[str, Any]:
    """Each named CHECK's name, as text, to the name as the module holds it: a naming
    convention's (``conv``) is rendered ``op.f(...)``, which Alembic does not convert again."""
    declared = [*table.constraints, *(c for col in table.columns for c in col.constraints)]
    return {
        str(c.name): c.name
        for c in declared
        if isinstance(c, sa.CheckConstraint) and isinstance(c.name, str)
    }


def _named_checks(table: sa.Table, dialect: sa.engine.Dialect) -> dict[str, str]:
    """The SQL of each named CHECK of the module's ``table`` that SQLAlchemy makes on
    ``dialect``, its columns' too, by name."""
    found: dict[str, str] = {}
    declared = [*table.constraints, *(c for col in table.columns for c in col.constraints)]
    for constraint in dict.fromkeys(declared):
        if not isinstance(constraint, sa.CheckConstraint) or not isinstance(constraint.name, str):
            continue  # unnamed: revision_pg_checks' (a type's own holds a marker, not a str)
        if made_on(constraint, dialect):
            sql = constraint.sqltext.compile(
                dialect=dialect, compile_kwargs={"literal_binds": True, "include_table": False}
            )
            found[str(constraint.name)] = str(sql)
    return found


def _changed(
    connection: sa.Connection, table: str, named: Mapping[str, str], renamed: Mapping[str, str]
) -> dict[str, str]:
    """The CHECKs of ``named`` (name to the module's SQL) whose expression, tried on ``table``
    with the columns ``renamed`` (old to new) renamed, differs from the database's under that
    name: each name to the database's expression as it is at head."""
    at_head = table_checks(connection, table)
    changed: dict[str, str] = {}
    for name in sorted(set(named) & set(at_head)):
        tried = _tried(connection, table, name, named[name], renamed)
        if tried is not None and tried[0] != tried[1]:
            changed[name] = at_head[name]
    return changed


def _tried(
    connection: sa.Connection, table: str, name: str, sql: str, renamed: Mapping[str, str]
) -> tuple[str, str] | None:
    """In a savepoint rolled back, on ``table`` with the columns ``renamed`` renamed: the CHECK
    ``name`` as the database reads it back, then as it reads back ``sql`` made under that name.
    None when PostgreSQL refuses a step (a column the revision adds)."""
    quote = connection.dialect.identifier_preparer.quote
    savepoint = connection.begin_nested()
    try:
        for old, new in renamed.items():
            run_sql(
                connection,
                f"ALTER TABLE {quote(table)} RENAME COLUMN {quote(old)} TO {quote(new)}",
            )
        was = table_checks(connection, table)[name]
        run_sql(connection, f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        run_sql(
            connection,
            f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} CHECK ({sql}) NOT VALID",
        )
        return was, table_checks(connection, table)[name]
    except sa.exc.DBAPIError:
        return None
    finally:
        savepoint.rollback()
