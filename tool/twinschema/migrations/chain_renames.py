"""The tables a migration chain renamed: each ``op.rename_table(old, new)`` its revisions'
upgrade() invoked, as the lint sees them (stranger64 009 and 004).

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


def script_renames(script: Script, dialect: str) -> tuple[Renamed, ...]:
    """The ``op.rename_table(old, new)`` that ``script``'s upgrade() invokes on ``dialect``, in
    order (those before an error that stops it early): the renames its revision makes."""
    return tuple(
        (operation.table_name, operation.new_table_name)
        for operation, _line in record_upgrade(script, dialect).operations
        if isinstance(operation, ops.RenameTableOp)
    )


def chain_renames(scripts: Sequence[Script], dialect: str) -> list[Renamed]:
    """``script_renames`` of each of ``scripts`` (a chain's revisions, base first), in order: the
    names a table had, the rename written by ``revision``."""
    return [renamed for script in scripts for renamed in script_renames(script, dialect)]


def chain_scripts(script_dir: ScriptDirectory) -> list[Script]:
    """Every revision of a chain, base first."""
    return list(reversed(list(script_dir.walk_revisions("base", "heads"))))


def history_of(cfg: Any, dialect: str) -> list[Renamed]:
    """``chain_renames`` of the chain of Alembic config ``cfg`` (of ``dialect``), from its base
    to its heads."""
    return chain_renames(chain_scripts(ScriptDirectory.from_config(cfg)), dialect)
