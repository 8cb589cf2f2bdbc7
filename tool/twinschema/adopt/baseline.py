"""Baseline revisions: one per chain, creating the schema as the live database has it.

An empty database upgraded to a chain's baseline equals the live database it was read from (the
migrations layer compares them), and ``downgrade()`` drops it all again:

* SQLite: tables rendered by Alembic from SQLAlchemy's reflection, completed with what the
  dialect adapter read (see ``reflection.complete``), then the ``sqlite_master`` SQL of virtual
  tables, indexes, views and triggers replayed as written; downgrade drops views and tables in
  reverse order.
* PostgreSQL: extensions, enum types, domains and sequences first, tables rendered by Alembic from
  SQLAlchemy's reflection (foreign keys of a cycle added once both tables exist), then functions
  (``pg_get_functiondef``, bodies unchecked: they may name a table's row type), sequences'
  ``OWNED BY``, indexes (``pg_get_indexdef``), views (``pg_get_viewdef``) and triggers
  (``pg_get_triggerdef``) and rules (``pg_get_ruledef``), exclusion constraints
  (``pg_get_constraintdef``) after the indexes; downgrade drops them in reverse.
  Aggregates follow the functions. A table's ``INHERITS`` is SQLAlchemy's reflection
  (``postgresql_inherits``), rendered with the table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal

import sqlalchemy as sa
from alembic.autogenerate import render_python_code
from alembic.autogenerate.api import AutogenContext
from alembic.operations import ops
from sqlalchemy.sql.ddl import sort_tables_and_constraints

from twinschema.adopt import reflection
from twinschema.adopt.baseline_catalog import (
    PG_AGGREGATES,
    PG_DOMAIN_NOT_VALID,
    PG_DOMAINS,
    PG_ENUMS,
    PG_EXCLUSIONS,
    PG_EXTENSIONS,
    PG_FUNCTIONS,
    PG_INDEXES,
    PG_OWNED_BY,
    PG_RULES,
    PG_SEQUENCES,
    PG_TRIGGERS,
    PG_VIEWS,
)
from twinschema.adopt.type_imports import type_imports
from twinschema.alembic_keys import primary_key_code
from twinschema.canonical.identifiers import quoted
from twinschema.declared_types import IMPORT, Declared, rendered
from twinschema.dialects import ReflectOptions, excluded

BASELINE_STEM = "0001_baseline"
BASELINE_VERSION = 1
MESSAGE = "baseline: the schema as the database had it when twinschema init read it"


def revision_id(dialect: str) -> str:
    """The baseline's revision id (and file name) in ``dialect``'s chain."""
    return f"{BASELINE_STEM}_{dialect}"


def revision_file(
    dialect: str, upgrade: Sequence[str], downgrade: Sequence[str], source: str
) -> str:
    """The text of the baseline revision: ``upgrade`` and ``downgrade`` are the bodies' lines
    (already indented by four spaces)."""
    imports = ["import sqlalchemy as sa", "from alembic import op"]
    # A type as SQLite declares it (INT is no rowid alias), or one SQLAlchemy does not know.
    if dialect == "sqlite" or any("Declared(" in line for line in upgrade):
        imports.append(f"{IMPORT}  # noqa: F401")
    # ``sqlite.JSON()``, ``postgresql.INET()``, and a domain's, an array's element or JSONB's
    # ``astext_type=Text()`` type, which render unqualified (``ARRAY(INTERVAL())``).
    imports += type_imports([*upgrade, *downgrade])
    return "\n".join(
        [
            f'"""{MESSAGE}',
            "",
            f"Revision ID: {revision_id(dialect)}",
            "Revises:",
            f"Read from: {source}",
            "",
            '"""',
            "",
            "from collections.abc import Sequence",
            "",
            *imports,
            "",
            "# revision identifiers, used by Alembic.",
            f"revision: str = {revision_id(dialect)!r}",
            "down_revision: str | Sequence[str] | None = None",
            "branch_labels: str | Sequence[str] | None = None",
            "depends_on: str | Sequence[str] | None = None",
            "",
            "# The domain.yaml version this revision brings the schema to: the twin revision of the other",
            "# dialect's chain declares the same one.",
            f"domain_version = {BASELINE_VERSION}",
            "",
            "",
            "def upgrade() -> None:",
            *(upgrade or ["    pass"]),
            "",
            "",
            "def downgrade() -> None:",
            *(downgrade or ["    pass"]),
            "",
        ]
    )


def _executes(statements: Iterable[str]) -> list[str]:
    return [f"    op.execute({s!r})" for s in statements]


# ---------------------------------------------------------------------------------------------
# SQLite

_SQLITE_ORDER = {"table": 0, "index": 1, "view": 2, "trigger": 3}


def _virtual(row: tuple[str, str, str, str], options: ReflectOptions) -> bool:
    """Whether a ``sqlite_master`` row is a virtual table init keeps (FTS, R*Tree: its own
    statement makes its shadow tables, which are no tables of the schema)."""
    kind, name, _, sql = row
    return (
        kind == "table"
        and sql[:21].upper() == "CREATE VIRTUAL TABLE "
        and not excluded(name, options.exclude)
    )


def sqlite_bodies(
    url: str, options: ReflectOptions, metadata: sa.MetaData
) -> tuple[list[str], list[str]]:
    """Upgrade and downgrade of the SQLite baseline: tables rendered by Alembic (the form
    autogenerate reads back exactly, foreign key actions included), then the catalog's own SQL
    of virtual tables, indexes, views and triggers, replayed as written."""
    tables = set(metadata.tables)
    for table in metadata.tables.values():
        _reset_indexes(table)
    master = reflection.sqlite_master(url, options)
    objects = [row for row in master if _virtual(row, options)] + [
        row
        for row in master
        if row[0] in ("index", "view", "trigger")
        and (row[0] == "view" or row[2] in tables or _virtual_name(master, row[2], options))
    ]
    objects.sort(key=lambda row: _SQLITE_ORDER[row[0]])  # stable: creation order within a kind
    operations, order = _create_tables(metadata, inline=True)
    upgrade = _rendered(operations) + _executes(sql for _, _, _, sql in objects)
    downgrade = _executes(
        f"DROP {kind.upper()} {quoted(name)}"
        for kind, name, _, _ in reversed(objects)
        if kind in ("view", "table")  # indexes and triggers go with their table
    )
    downgrade += [f"    op.drop_table({name!r})" for name in reversed(order)]
    return upgrade, downgrade


def _virtual_name(
    master: Sequence[tuple[str, str, str, str]], name: str, options: ReflectOptions
) -> bool:
    """Whether ``name`` is a virtual table init keeps (a trigger on one goes with it)."""
    return any(row[1] == name and _virtual(row, options) for row in master)


def _existing_type(kind: str, obj: Any, context: AutogenContext) -> str | Literal[False]:
    """An enum type or a domain, as a column's type that the table must not create: the
    baseline creates each once, before the tables (SQLAlchemy's repr leaves this out); a
    SQLite type as declared (``Declared``)."""
    from alembic.autogenerate.render import _repr_type

    if kind == "type" and isinstance(obj, Declared):
        return rendered(obj, context)
    if kind == "primary_key":
        return primary_key_code(obj, context)
    if kind != "type" or not hasattr(obj, "create_type"):
        return False

    if isinstance(obj, sa.Enum):
        values = ", ".join(repr(v) for v in obj.enums)
        return f"postgresql.ENUM({values}, name={obj.name!r}, create_type=False)"
    base = _repr_type(obj.data_type, context)
    return f"postgresql.DOMAIN({obj.name!r}, {base}, create_type=False)"


def _rendered(operations: list[ops.MigrateOperation]) -> list[str]:
    if not operations:
        return []
    code = render_python_code(ops.UpgradeOps(ops=operations), render_item=_existing_type)
    return [line for line in code.splitlines() if line.strip() and not line.strip().startswith("#")]


# ---------------------------------------------------------------------------------------------
# PostgreSQL: catalog queries (``baseline_catalog``), each ``(name, create, drop)`` in creation
# order


def _catalog(
    url: str, options: ReflectOptions, query: str, tables: Sequence[str] = ()
) -> list[tuple[str, str, str]]:
    found = reflection.rows(url, options, query, tables)
    return [(str(n), str(c), str(d)) for n, c, d in found]


def _create_tables(
    metadata: sa.MetaData, inline: bool = False
) -> tuple[list[ops.MigrateOperation], list[str]]:
    """Alembic operations creating every table, and the tables in the order to drop them.
    Foreign keys of a cycle are added once both tables exist, unless ``inline`` (SQLite, which
    cannot add one to a table, and does not need the target to exist)."""
    created: list[ops.MigrateOperation] = []
    order: list[str] = []
    steps = list(
        sort_tables_and_constraints(  # type: ignore[no-untyped-call]
            sorted(metadata.tables.values(), key=lambda t: t.name)
        )
    )
    cycle = [] if inline else [fk for table, fks in steps if table is None for fk in fks]
    for table, _ in steps:
        if table is None:
            continue
        op = ops.CreateTableOp.from_table(table)
        op.columns = [c for c in op.columns if not any(c is fk for fk in cycle)]
        created.append(op)
        order.append(table.name)
    later = [ops.CreateForeignKeyOp.from_constraint(fk) for fk in _sorted_fks(cycle)]
    return created + later, order


def _sorted_fks(fks: Iterable[Any]) -> list[sa.ForeignKeyConstraint]:
    return sorted(fks, key=lambda fk: (fk.table.name, str(fk.name), list(fk.column_keys)))


def postgresql_bodies(
    url: str, options: ReflectOptions, metadata: sa.MetaData
) -> tuple[list[str], list[str]]:
    """Upgrade and downgrade of the PostgreSQL baseline."""
    tables = sorted(metadata.tables)
    for table in metadata.tables.values():
        _reset_indexes(table)
        _keep_nextval_defaults(table)
    before = [
        *_catalog(url, options, PG_EXTENSIONS),
        *_catalog(url, options, PG_ENUMS),
        *_catalog(url, options, PG_DOMAINS),
        *_catalog(url, options, PG_DOMAIN_NOT_VALID),
        *_catalog(url, options, PG_SEQUENCES),
    ]
    routines = [
        *_catalog(url, options, PG_FUNCTIONS),
        *_catalog(url, options, PG_AGGREGATES),
    ]
    after = [
        *_catalog(url, options, PG_OWNED_BY),
        *_catalog(url, options, PG_INDEXES, tables),
        *_catalog(url, options, PG_EXCLUSIONS, tables),
        *_catalog(url, options, PG_VIEWS),
        *_catalog(url, options, PG_TRIGGERS),
        *_catalog(url, options, PG_RULES, tables),
    ]
    operations, order = _create_tables(metadata)
    upgrade = ["    op.execute('SET LOCAL check_function_bodies = false')"]
    upgrade += _executes(c for _, c, _ in before)
    upgrade += _rendered(operations)
    upgrade += _executes(c for _, c, _ in [*routines, *after])
    # Triggers and views first, then the routines (a function may return a table's rows), the
    # tables (their indexes with them), then the types and sequences the tables used.
    downgrade = _executes(d for _, _, d in reversed([*routines, *after]) if d)
    # CASCADE: the baseline drops everything it made, whatever else refers to a table
    # (a table INHERITS another, a foreign key of a cycle).
    downgrade += _executes(
        f"DROP TABLE IF EXISTS {quoted(name)} CASCADE" for name in reversed(order)
    )
    downgrade += _executes(d for _, _, d in reversed(before) if d)
    return upgrade, downgrade


def _keep_nextval_defaults(table: sa.Table) -> None:
    """Render each key whose default is a ``nextval()`` with ``autoincrement=False``: with
    reflection's ``autoincrement=True`` SQLAlchemy's DDL made it a SERIAL without that DEFAULT,
    drawing from a new ``frame_id_seq1`` (START 1) beside the baseline's ``frame_id_seq`` (the
    database's options), which ``ALTER SEQUENCE`` then changed in vain (with stranger72 007)."""
    for column in table.columns:
        arg = getattr(column.server_default, "arg", None)
        if "nextval(" in str(getattr(arg, "text", arg)).lower():
            column.autoincrement = False


def _reset_indexes(table: sa.Table) -> None:
    """Indexes come from ``pg_get_indexdef``, exactly as the server prints them: the table
    operations must not create them a second time; nor enum types and domains, made before."""
    table.indexes.clear()
    for column in table.columns:
        # An enum or a domain, or an array of one (``mood[]``): made before the tables.
        types: list[Any] = [column.type, getattr(column.type, "item_type", None)]
        for type_ in types:
            if hasattr(type_, "create_type"):
                type_.create_type = False
