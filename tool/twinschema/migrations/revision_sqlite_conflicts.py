"""SQLite's ON CONFLICT clauses kept through a batch copy that ``revision`` writes.

A batch block that copies its table makes the copy from reflection, which has no ON CONFLICT
clause: ``PRIMARY KEY ON CONFLICT REPLACE`` became a plain key and a second row of the same id
was refused from then on (stranger69 leftovers; ``lint`` refuses such a block,
``drop_on_conflict``). Each copying block ``revision`` writes gives them again in
``reflect_args``, which stand in for the reflected key, UNIQUE and column (checked on SQLite
3.40; a key in ``table_args`` is not used): in the upgrade the clauses of the module's table, in
the downgrade those of the table at the chain's head. Only a clause on a key, UNIQUE or NOT
NULL column the table has at the chain's head and the module has too: a constraint the block
makes or drops is the block's own (and a clause on it is reported by ``check``)."""

from __future__ import annotations

import sqlite3
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import renderers
from alembic.operations import ops

from twinschema.dialects.sqlite_clauses import conflict_clauses
from twinschema.migrations.lint_classify import reflect_entry
from twinschema.migrations.revision_sqlite import batch_copies
from twinschema.model import ConflictClause


class ConflictsBatch(ops.ModifyTableOps):
    """A batch block (``inner``, rendered as it would be) with ``reflect`` (the code of each
    entry) as its ``reflect_args``."""

    def __init__(self, inner: ops.ModifyTableOps, reflect: list[str]) -> None:
        super().__init__(inner.table_name, inner.ops, schema=inner.schema)
        self.inner = inner
        self.reflect = reflect


@renderers.dispatch_for(ConflictsBatch)
def _render_conflicts_batch(autogen_context: Any, op: ConflictsBatch) -> list[str]:
    lines: list[str] = list(renderers.dispatch(op.inner)(autogen_context, op.inner))
    tail = ") as batch_op:"
    assert lines and lines[0].endswith(tail), lines
    lines[0] = f"{lines[0][: -len(tail)]}, reflect_args=[{', '.join(op.reflect)}]{tail}"
    return lines


def keep_conflict_clauses(context: Any, script: Any) -> None:
    """Give each batch block of a MigrationScript that copies a table with an ON CONFLICT
    clause (at the chain's head in the downgrade, in the module in the upgrade) the clause
    again in ``reflect_args`` (see the module docstring)."""
    metadata = context.opts.get("target_metadata")
    raw = context.connection.connection.dbapi_connection
    if not isinstance(metadata, sa.MetaData) or not isinstance(raw, sqlite3.Connection):
        return
    for containers, upgrade in (
        (script.upgrade_ops_list, True),
        (script.downgrade_ops_list, False),
    ):
        for container in containers:
            container.ops = [
                _kept(table_ops, metadata, raw, context.connection, upgrade)
                for table_ops in container.ops
            ]


def _kept(
    table_ops: Any,
    metadata: sa.MetaData,
    raw: sqlite3.Connection,
    connection: sa.Connection,
    upgrade: bool,
) -> Any:
    if not isinstance(table_ops, ops.ModifyTableOps) or table_ops.schema:
        return table_ops
    copies = getattr(table_ops, "checks", None) is not None  # a CHECKs batch copies
    if not copies and not any(batch_copies(op) for op in table_ops.ops):
        return table_ops
    table = metadata.tables.get(table_ops.table_name)
    row = raw.execute(
        "SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = ?",
        (table_ops.table_name,),
    ).fetchone()
    if table is None or row is None or row[0] is None:
        return table_ops
    inspector = sa.inspect(connection)
    columns = inspector.get_columns(table_ops.table_name)
    at_head = _constraints(
        inspector.get_pk_constraint(table_ops.table_name)["constrained_columns"],
        [u["column_names"] for u in inspector.get_unique_constraints(table_ops.table_name)],
        [str(c["name"]) for c in columns if not c["nullable"]],
    )
    in_module = _constraints(
        [c.name for c in table.primary_key.columns],
        [
            [c.name for c in u.columns]
            for u in table.constraints
            if isinstance(u, sa.UniqueConstraint)
        ]
        + [[c.name] for c in table.columns if c.unique],
        [c.name for c in table.columns if not c.nullable],
    )
    if upgrade:
        clauses = [c for c in _module_clauses(table) if _key(c) in at_head]
    else:
        clauses = [
            c for c in conflict_clauses(str(row[0]), str(row[0]).lower()) if _key(c) in in_module
        ]
    if not clauses:
        return table_ops
    types = {str(c["name"]).lower(): f"sa.{c['type']!r}" for c in columns}
    return ConflictsBatch(
        table_ops, [e for c in clauses if (e := reflect_entry(c, types)) is not None]
    )


def _key(clause: ConflictClause) -> tuple[str, tuple[str, ...]]:
    return clause.constraint, tuple(n.lower() for n in clause.columns)


def _constraints(
    key: list[str], uniques: list[list[str]], not_null: list[str]
) -> set[tuple[str, tuple[str, ...]]]:
    """(constraint, columns lower-case) of a table's key, UNIQUE constraints and NOT NULL
    columns: what an ON CONFLICT clause can be on."""
    found = {("PRIMARY KEY", tuple(n.lower() for n in key))} if key else set()
    found |= {("UNIQUE", tuple(n.lower() for n in u)) for u in uniques}
    return found | {("NOT NULL", (n.lower(),)) for n in not_null}


def _module_clauses(table: sa.Table) -> tuple[ConflictClause, ...]:
    """The ON CONFLICT clauses the module gives ``table`` (SQLAlchemy's ``sqlite_on_conflict``
    options on its key, its UNIQUE constraints and its columns)."""
    found = []
    for constraint in table.constraints:
        algorithm = constraint.dialect_kwargs.get("sqlite_on_conflict")
        kind = {sa.PrimaryKeyConstraint: "PRIMARY KEY", sa.UniqueConstraint: "UNIQUE"}.get(
            type(constraint)
        )
        if isinstance(algorithm, str) and kind is not None:
            columns = tuple(c.name for c in getattr(constraint, "columns", ()))
            found.append(ConflictClause(kind, columns, algorithm.upper()))
    for column in table.columns:
        for kind in ("NOT NULL", "UNIQUE", "PRIMARY KEY"):
            option = "sqlite_on_conflict_" + kind.lower().replace(" ", "_")
            algorithm = column.dialect_kwargs.get(option)
            if isinstance(algorithm, str):
                found.append(ConflictClause(kind, (column.name,), algorithm.upper()))
    return tuple(sorted(found))
