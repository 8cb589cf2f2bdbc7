"""A PostgreSQL domain whose base type changed in the metadata module (``postgresql.DOMAIN(
'venue_code', sa.VARCHAR(10), ...)`` where the database's says ``varchar(8)``), written into the
PostgreSQL revision (stranger71 004).

PostgreSQL has no ``ALTER DOMAIN ... TYPE``, and Alembic compares a column's type by its name
only: the revision was ``pass``, then two ``not written`` warnings. Run on PostgreSQL 16, the
simplest statements that keep the rows are: a new domain under a temporary name (``<name>_new``)
with the module's base type and the old domain's collation, DEFAULT, NOT NULL and CHECKs (by
their names); ``ALTER TABLE ... ALTER COLUMN ... TYPE <new> USING <column>::<new>`` for every
column of the old domain (``<new>[]`` for an array of it; a key and the foreign key to it are
each moved, PostgreSQL checks the key again), written as ``op.alter_column`` with both domains
and their base types where SQLAlchemy has both types (not an array's), so the lint sees a
narrowing (``revision_pg_domain_move``, s82mig); ``DROP DOMAIN`` the old; ``ALTER DOMAIN ... RENAME``
the new. The downgrade does the same back to the old base type. A row the new type refuses
(a shorter varchar) makes ``migrate`` fail and roll back. A view over a column of the domain is
dropped before and made again after (``revision_pg_views``; until s79mig nothing was written).
Where a composite type or a domain over it uses the domain nothing is written here:
``revision``'s ``not written`` warning stays.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from twinschema.migrations.revision_pg_checks import run_sql
from twinschema.migrations.revision_pg_domain_move import base_type, domain_move

_HELD = (
    "SELECT format_type(t.typbasetype, t.typtypmod), t.typnotnull, "
    "pg_get_expr(t.typdefaultbin, 0), (SELECT quote_ident(c.collname) FROM pg_collation c "
    "JOIN pg_type b ON b.oid = t.typbasetype WHERE c.oid = t.typcollation "
    "AND t.typcollation <> b.typcollation) FROM pg_type t WHERE t.oid = %(oid)s"
)
_CHECKS = (
    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
    "WHERE contypid = %(oid)s AND contype = 'c' ORDER BY conname"
)
# Each column of the domain or of an array of it, in tables (a partition's follows its parent's);
# and whether anything else uses it (a composite type, a domain over it); a view's column is
# left to ``revision_pg_views``, which drops the view before and makes it again after.
_COLUMNS = (
    "SELECT CASE WHEN n.nspname = current_schema() THEN NULL ELSE n.nspname END, c.relname, "
    "a.attname, a.atttypid <> %(oid)s, c.relkind IN ('r', 'p') FROM pg_attribute a "
    "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE a.atttypid IN (%(oid)s, (SELECT typarray FROM pg_type WHERE oid = %(oid)s)) "
    "AND a.attnum > 0 AND NOT a.attisdropped AND a.attinhcount = 0 "
    "AND c.relkind NOT IN ('i', 'I', 'v', 'm') ORDER BY n.nspname, c.relname, a.attnum"
)
_OVER = "SELECT count(*) FROM pg_type WHERE typtype = 'd' AND typbasetype = %(oid)s"


def retyped(
    connection: sa.Connection, domain: postgresql.DOMAIN, oid: int
) -> tuple[list[Any], list[Any]] | None:
    """The upgrade's and the downgrade's statements (and ``alter_column`` operations: a column
    moved onto the new domain, ``revision_pg_domain_move``) that give the domain ``oid`` of the scratch
    database at head the base type of the module's ``domain`` (see the module docstring): two
    empty lists where the base type is the same, None where they cannot be written (PostgreSQL
    refuses the module's type, or a composite type or another domain uses the domain)."""
    dialect: Any = connection.dialect
    preparer = dialect.identifier_preparer
    module_type = dialect.type_compiler_instance.process(domain.data_type)
    base, not_null, default, collation = connection.exec_driver_sql(_HELD, {"oid": oid}).one()
    wanted = _read_back(connection, str(module_type))
    if wanted is None:
        return None
    if wanted == base:
        return [], []
    columns = list(connection.exec_driver_sql(_COLUMNS, {"oid": oid}))
    over = connection.exec_driver_sql(_OVER, {"oid": oid}).scalar()
    if over or not all(row[4] for row in columns):
        return None
    checks = [
        f"CONSTRAINT {preparer.quote(str(n))} {str(d).removesuffix(' NOT VALID')}"
        for n, d in connection.exec_driver_sql(_CHECKS, {"oid": oid})
    ]
    schema = f"{preparer.quote_schema(domain.schema)}." if domain.schema else ""
    name = f"{schema}{preparer.quote(domain.name)}"
    new = f"{schema}{preparer.quote(f'{domain.name}_new')}"
    rest = [f"COLLATE {collation}" if collation else "", f"DEFAULT {default}" if default else ""]
    rest += ["NOT NULL" if not_null else "", *checks]
    old_base, new_base = base_type(str(base), str(domain.name)), base_type(wanted, str(domain.name))
    up: list[Any] = []
    down: list[Any] = []
    for table_schema, table, column, array, _ in columns:
        where = f"{preparer.quote_schema(table_schema)}." if table_schema else ""
        col = preparer.quote(str(column))
        to = f"{new}[]" if array else new
        using = f"{col}::{to}"
        if array or old_base is None or new_base is None:  # no type the lint judges: SQL
            sql = f"ALTER TABLE {where}{preparer.quote(str(table))} ALTER COLUMN {col} TYPE {to}"
            up.append(f"{sql} USING {using}")
            down.append(f"{sql} USING {using}")
            continue
        site = (table_schema, str(table), str(column))
        up.append(
            domain_move(site, _domain(domain, old_base), _domain(domain, new_base, "_new"), using)
        )
        down.append(
            domain_move(site, _domain(domain, new_base), _domain(domain, old_base, "_new"), using)
        )
    rename = f"ALTER DOMAIN {new} RENAME TO {preparer.quote(domain.name)}"

    def replace(base_type: str, moved: list[Any]) -> list[Any]:
        made = " ".join(part for part in [base_type, *rest] if part)
        return [f"CREATE DOMAIN {new} AS {made}", *moved, f"DROP DOMAIN {name}", rename]

    return replace(wanted, up), replace(str(base), down)


def _domain(
    domain: postgresql.DOMAIN, base: sa.types.TypeEngine[Any], suffix: str = ""
) -> postgresql.DOMAIN:
    """``domain`` (its name with ``suffix``) over ``base``, as the lint judges it (its base
    type's family) and a revision writes it (made by the statements beside it)."""
    return postgresql.DOMAIN(
        f"{domain.name}{suffix}", base, schema=domain.schema, create_type=False
    )


def _read_back(connection: sa.Connection, type_sql: str) -> str | None:
    """``type_sql`` as PostgreSQL prints it (``format_type``), tried on a domain made and rolled
    back in a savepoint; None when PostgreSQL refuses it."""
    savepoint = connection.begin_nested()
    try:
        run_sql(connection, f"CREATE DOMAIN twinschema_base_type_probe AS {type_sql}")
        row = connection.exec_driver_sql(
            "SELECT format_type(typbasetype, typtypmod) FROM pg_type "
            "WHERE oid = 'twinschema_base_type_probe'::regtype"
        ).first()
    except sa.exc.DBAPIError:
        return None
    finally:
        savepoint.rollback()
    return None if row is None else str(row[0])
