"""A column renamed through domain.yaml ``names:`` as one column renamed (stranger46 011).

A column keeps its logical name and gets another spelling on a dialect (``nickname: {names:
{postgresql: nick}}``): the metadata module, which spells every name through the domain, then
names ``nick``, and autogenerate, which knows nothing of the domain, sees ``nickname`` dropped and
``nick`` added. Written so, the revision loses every value (``migrate`` refuses it: the lint).
The domain says it is one column: in a table where the revision adds the column's name on the
dialect and drops one of the names it may have had before (its logical name, or its name on
another dialect), the two become ``op.alter_column(..., new_column_name=...)``: PostgreSQL's
and SQLite's own ``ALTER TABLE ... RENAME COLUMN`` (SQLite 3.25), which keeps the rows, and
the indexes, keys and CHECKs that name the column. The downgrade renames it back. A column
dropped and another added under logical names of their own stays a drop and an add. An index
autogenerate drops and makes again only because it names the column (the same name, columns and
options once the column is renamed) is left alone: the rename carries it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from alembic.operations import ops

from twinschema.records.domain import Domain

# (physical table, the column's physical name now) -> the names it may have had before.
Renames = Mapping[tuple[str, str], frozenset[str]]


def renames_of(domain: Domain, dialect: str) -> Renames:
    """For each column of ``dialect`` the domain spells otherwise than its logical name, or
    otherwise than on another dialect, the names it may have had before on ``dialect``."""
    found: dict[tuple[str, str], frozenset[str]] = {}
    for table in domain.tables.values():
        if dialect not in table.dialects:
            continue
        for column in table.columns.values():
            if dialect not in column.dialects:
                continue
            now = column.physical(dialect)
            before = frozenset({column.name, *column.names.values()}) - {now}
            if before:
                found[(table.physical(dialect), now)] = before
    return found


def rename_columns(script: Any, renames: Renames) -> None:
    """Make each add and drop of a MigrationScript's upgrade and downgrade that ``renames`` says
    is one column renamed an ``op.alter_column(..., new_column_name=...)``, written before the
    table's other operations (see the module docstring)."""
    if not renames:
        return
    for container in (*script.upgrade_ops_list, *script.downgrade_ops_list):
        rewritten: list[Any] = []
        for table_ops in container.ops:
            if not isinstance(table_ops, ops.ModifyTableOps):
                rewritten.append(table_ops)
                continue
            altered = _renamed(table_ops, renames)
            if altered:
                renamed = {a.column_name: a.modify_name or a.column_name for a in altered}
                _keep_carried_indexes(table_ops, renamed)
            rewritten.extend(altered)
            if table_ops.ops:
                rewritten.append(table_ops)
        container.ops = rewritten


def _renamed(table_ops: ops.ModifyTableOps, renames: Renames) -> list[ops.AlterColumnOp]:
    """The renames among ``table_ops``' adds and drops, taken out of it."""
    adds = {op.column.name: op for op in table_ops.ops if isinstance(op, ops.AddColumnOp)}
    drops = {op.column_name: op for op in table_ops.ops if isinstance(op, ops.DropColumnOp)}
    found: list[ops.AlterColumnOp] = []
    used: list[Any] = []
    for (table, now), before in sorted(renames.items()):
        if table != table_ops.table_name:
            continue
        if now in adds:  # upgrade: the old name dropped, the new one added
            olds = sorted(before & drops.keys())
            pair = (drops[olds[0]], adds[now]) if len(olds) == 1 else None
        elif now in drops:  # downgrade: the new name dropped, an old one added
            olds = sorted(before & adds.keys())
            pair = (drops[now], adds[olds[0]]) if len(olds) == 1 else None
        else:
            pair = None
        if pair is None or any(op in used for op in pair):
            continue
        drop, add = pair
        used += pair
        found.append(
            ops.AlterColumnOp(
                table_ops.table_name,
                drop.column_name,
                schema=table_ops.schema,
                modify_name=add.column.name,
                existing_type=add.column.type,
                existing_nullable=add.column.nullable,
            )
        )
    table_ops.ops = [op for op in table_ops.ops if not any(op is u for u in used)]
    return found


def _keep_carried_indexes(table_ops: ops.ModifyTableOps, renamed: Mapping[str, str]) -> None:
    """Leave out each index drop and make that only follow the column renamed (``renamed``: old
    name to new): a plain index on columns, of one name, whose columns are the same once
    renamed, with no other option."""
    drops = {str(op.index_name): op for op in table_ops.ops if isinstance(op, ops.DropIndexOp)}
    made = {str(op.index_name): op for op in table_ops.ops if isinstance(op, ops.CreateIndexOp)}
    carried: list[Any] = []
    for name, create in made.items():
        drop = drops.get(name)
        old = getattr(drop, "_reverse", None)  # the index as it was (autogenerate's own)
        if drop is None or not isinstance(old, ops.CreateIndexOp):
            continue
        columns = [_column_name(c) for c in old.columns]
        if (
            None not in columns
            and [renamed.get(c, c) for c in columns if c]
            == [_column_name(c) for c in create.columns]
            and bool(old.unique) == bool(create.unique)
            and not old.kw
            and not create.kw
        ):
            carried += [drop, create]
    table_ops.ops = [op for op in table_ops.ops if not any(op is c for c in carried)]


def _column_name(column: Any) -> str | None:
    """The name of an index's column (a name, or a Column); None for an expression."""
    if isinstance(column, str):
        return column
    return column.name if isinstance(column, sa.Column) else None
