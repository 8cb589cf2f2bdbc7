"""The tables a migration chain renamed: each ``op.rename_table(old, new)`` its revisions'
upgrade() invoked, as the lint sees them (stranger64 009 and 004); and the columns it renamed:
each ``op.alter_column(table, old, new_column_name=new)`` (or ``batch_op.alter_column``) they
invoked (stranger65 005: a column renamed a second time through ``name:``).

``revision`` reads them to know the names a table had (a table renamed twice: its second old name
is in no file but the chain), and the migrations layer's round trip to follow a table under the
name it had before a revision renamed it. Each upgrade() is run in recording mode
(``lint_record``: every operation recorded, none run, no database touched), so a name computed
at run time (``op.rename_table(OLD, new)`` with a module constant) counts as a literal one does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from alembic.operations import ops
from alembic.script import Script, ScriptDirectory

from twinschema.migrations.lint_record import record_upgrade

# One table renamed: (its name before, its name after).
Renamed = tuple[str, str]
# One column renamed: (its table's name then, the column's name before, its name after).
ColumnRenamed = tuple[str, str, str]


def script_renames(script: Script, dialect: str) -> tuple[Renamed, ...]:
    """The ``op.rename_table(old, new)`` that ``script``'s upgrade() invokes on ``dialect``, in
    order (those before an error that stops it early): the renames its revision makes."""
    return _tables_renamed([op for op, _line in record_upgrade(script, dialect).operations])


def _tables_renamed(operations: Sequence[Any]) -> tuple[Renamed, ...]:
    """The ``op.rename_table(old, new)`` among a revision's recorded ``operations``, in order."""
    return tuple(
        (operation.table_name, operation.new_table_name)
        for operation in operations
        if isinstance(operation, ops.RenameTableOp)
    )


def _columns_renamed(operations: Sequence[Any]) -> list[ColumnRenamed]:
    """The ``alter_column(table, old, new_column_name=new)`` among a revision's recorded
    ``operations``, in order."""
    return [
        (operation.table_name, operation.column_name, operation.modify_name)
        for operation in operations
        if isinstance(operation, ops.AlterColumnOp)
        and operation.modify_name
        and operation.modify_name != operation.column_name
    ]


def chain_renames(scripts: Sequence[Script], dialect: str) -> list[Renamed]:
    """``script_renames`` of each of ``scripts`` (a chain's revisions, base first), in order: the
    names a table had, the rename written by ``revision``."""
    return [renamed for script in scripts for renamed in script_renames(script, dialect)]


def chain_scripts(script_dir: ScriptDirectory) -> list[Script]:
    """Every revision of a chain, base first."""
    return list(reversed(list(script_dir.walk_revisions("base", "heads"))))


def history_of(cfg: Any, dialect: str) -> tuple[list[Renamed], list[ColumnRenamed]]:
    """The tables, and the columns, the chain of Alembic config ``cfg`` (of ``dialect``) renamed
    from its base to its heads, in order: each revision's upgrade() recorded once."""
    tables: list[Renamed] = []
    columns: list[ColumnRenamed] = []
    for script in chain_scripts(ScriptDirectory.from_config(cfg)):
        operations = [op for op, _line in record_upgrade(script, dialect).operations]
        tables += _tables_renamed(operations)
        columns += _columns_renamed(operations)
    return tables, columns


def names_had(names: frozenset[str], renames: Sequence[Renamed], key: Any = str) -> frozenset[str]:
    """``names`` and each name the chain's ``renames`` (old, new; in order) gave one of them,
    each name as ``key`` spells it (the dialect's folding)."""
    had = set(names)
    for old, new in renames:
        if key(old) in had:
            had.add(key(new))
    return frozenset(had)
