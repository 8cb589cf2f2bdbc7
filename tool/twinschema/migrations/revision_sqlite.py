"""A plain column dropped in a SQLite revision, as SQLite's own ``ALTER TABLE ... DROP COLUMN``.

With ``render_as_batch``, Alembic writes every SQLite change in ``batch_alter_table``, and a
dropped column makes the batch recreate the table (copy, drop, rename) from its reflection,
which leaves out what SQLAlchemy cannot reflect: an unnamed CHECK and an index on an
expression (Alembic warns, once, at migrate time). So the downgrade of a revision adding one
nullable column lost them, and the chain failed its own round trip (a new user's round 23). SQLite
3.35 (2021) drops a column in place, keeping everything else. A batch block whose operations all
drop plain columns is written as ``op.drop_column`` instead: a column that no key, index, CHECK,
foreign key or generated column of the module's table names (any of which SQLite refuses to
drop in place; a batch block with anything else keeps the batch)."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from alembic.operations import ops


def native_drop_columns(context: Any, script: Any) -> None:
    """Rewrite, in a MigrationScript's upgrade and downgrade, each batch block that only drops
    plain columns into ``op.drop_column`` (see the module docstring)."""
    metadata = context.opts.get("target_metadata")
    if not isinstance(metadata, sa.MetaData):
        return
    for container in (*script.upgrade_ops_list, *script.downgrade_ops_list):
        rewritten: list[Any] = []
        for table_ops in container.ops:
            if _plain_drops(table_ops, metadata):
                rewritten.extend(table_ops.ops)
            else:
                rewritten.append(table_ops)
        container.ops = rewritten


def _plain_drops(table_ops: Any, metadata: sa.MetaData) -> bool:
    if not isinstance(table_ops, ops.ModifyTableOps) or not table_ops.ops:
        return False
    key = f"{table_ops.schema}.{table_ops.table_name}" if table_ops.schema else table_ops.table_name
    table = metadata.tables.get(key)
    return all(
        isinstance(op, ops.DropColumnOp) and not _named_by_anything(table, op.column_name)
        for op in table_ops.ops
    )


def _named_by_anything(table: sa.Table | None, column: str) -> bool:
    """True when a key, index, constraint or generated column of ``table`` names ``column``
    (as a column or as a word of an expression: an unknown table counts as naming it)."""
    if table is None:
        return True
    word = re.compile(rf"(?<![\w$]){re.escape(column)}(?![\w$])", re.IGNORECASE)
    texts: list[str] = []
    for constraint in table.constraints:
        texts.extend(c.name for c in getattr(constraint, "columns", ()))
        if isinstance(constraint, sa.ForeignKeyConstraint):
            texts.extend(str(e.target_fullname) for e in constraint.elements)
        if isinstance(constraint, sa.CheckConstraint):
            texts.append(str(constraint.sqltext))
    for index in table.indexes:
        texts.extend(str(e) for e in index.expressions)
        texts.extend(str(v) for v in index.dialect_kwargs.values() if v is not None)
    for other in table.columns:
        computed = other.computed
        if computed is not None:
            texts.append(str(computed.sqltext))
        texts.extend(fk.target_fullname for fk in other.foreign_keys)
    return any(word.search(text) for text in texts)
