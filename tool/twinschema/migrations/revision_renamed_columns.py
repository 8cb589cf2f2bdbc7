"""Where a revision's renamed columns are: ``revision_renames`` writes each column rename
(``op.alter_column(..., new_column_name=...)``) first in the upgrade, and the renames back first
in the downgrade. A step written for a CHECK after them names the columns as they are then:
the module's names in the upgrade, the chain head's in the downgrade (stranger68 005, 014)."""

from __future__ import annotations

from typing import Any

from alembic.operations import ops


def renames_column(op: Any) -> bool:
    """True for an ``op.alter_column(..., new_column_name=...)``."""
    return isinstance(op, ops.AlterColumnOp) and bool(op.modify_name)


def columns_renamed(container: Any, table: str) -> dict[str, str]:
    """The columns of ``table`` that ``container`` (an upgrade's or a downgrade's operations)
    renames, old name to new."""
    return {
        op.column_name: str(op.modify_name)
        for op in container.ops
        if renames_column(op) and op.table_name == table
    }


def after_renames(container: Any) -> int:
    """The index in ``container``'s operations just after its leading column renames: where a
    step that is to come first, but after the renames, goes."""
    at = 0
    while at < len(container.ops) and renames_column(container.ops[at]):
        at += 1
    return at
