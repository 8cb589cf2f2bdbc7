"""Which columns a chain generates (``GENERATED ALWAYS AS (...)``, STORED or VIRTUAL) at each
operation of a run, for the destructive-change lint: a generated column's values are computed
from other columns, so dropping it loses nothing (stranger44 011), upgrade or downgrade.

The answer is what the chain has made of the table at that revision (stranger71 010: a new
database migrated from base to head, where the table a revision drops a generated column from is
made by an earlier revision of the same run, was refused because only the database before the
run was read, where that table did not exist yet). A column the run has not touched is answered
by ``live`` (the database about to be migrated, or nothing: ``twinschema lint`` runs from base).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic.operations import ops as alembic_ops

from twinschema.migrations.lint_classify import changes_of

# ``live(table, column)``: whether the database before the run generates that column.
LiveProbe = Callable[[str, str], bool]

_NAME = r'(?:"[^"]+"|\w+)'
_ALTER = re.compile(
    rf"^\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(?:{_NAME}\.)?({_NAME})\s+(.*)$",
    re.IGNORECASE | re.DOTALL,
)
_ADD = re.compile(
    rf"^ADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?"
    rf"(?!(?:CONSTRAINT|PRIMARY|UNIQUE|CHECK|FOREIGN|EXCLUDE)\b)({_NAME})\s",
    re.IGNORECASE,
)
_GENERATED = re.compile(r"\bGENERATED\s+ALWAYS\s+AS\s*\(", re.IGNORECASE)


def _bare(name: str) -> str:
    """A name as the state keeps it: unquoted, lower-case (``generated`` asks so)."""
    return (name[1:-1] if name.startswith('"') else name).lower()


class GeneratedColumns:
    """The generated columns of a chain as its revisions run (``see`` each revision's
    operations in order): from the operations themselves (``create_table`` / ``add_column``
    with ``sa.Computed``, ``op.execute`` of ``ALTER TABLE ... ADD COLUMN ... GENERATED ALWAYS
    AS``, drops and renames), else, for a column the run has not touched, ``live``."""

    def __init__(self, live: LiveProbe | None = None) -> None:
        self._live = live
        self._known: dict[tuple[str, str], bool] = {}
        # A table's name in the run -> its name in the database before the run (None: made
        # or dropped by the run, so nothing there answers for it).
        self._origin: dict[str, str | None] = {}

    def generated(self, table: str, column: str) -> bool:
        """Whether ``table``.``column`` is a generated column at this point of the run."""
        key = (table.lower(), column.lower())
        if key in self._known:
            return self._known[key]
        origin = self._origin.get(key[0], table)
        return origin is not None and self._live is not None and self._live(origin, column)

    def drops(self, operations: Sequence[tuple[Any, int]], dialect: str) -> set[tuple[str, int]]:
        """The ``drop_column`` keys (with their lines) among ``operations`` (one revision's, in
        the order they run) that drop a column generated when they run; the state then moves
        on past them, for the revisions after."""
        found: set[tuple[str, int]] = set()
        for operation, line in operations:
            for change, _ in changes_of([(operation, line)], dialect, lambda table: True):
                if (
                    change.key.startswith("drop_column:")
                    and change.table is not None
                    and change.column is not None
                    and self.generated(change.table, change.column)
                ):
                    found.add((change.key, line))
            self._see(operation, dialect)
        return found

    def _see(self, operation: Any, dialect: str) -> None:
        if isinstance(operation, alembic_ops.CreateTableOp):
            table = self._fresh(operation.table_name)
            for column in operation.columns:
                if isinstance(column, sa.Column):
                    self._known[(table, column.name.lower())] = column.computed is not None
        elif isinstance(operation, alembic_ops.DropTableOp):
            self._fresh(operation.table_name)
        elif isinstance(operation, alembic_ops.RenameTableOp):
            self._rename_table(operation.table_name, operation.new_table_name)
        elif isinstance(operation, alembic_ops.AddColumnOp):
            column = operation.column
            key = (operation.table_name.lower(), column.name.lower())
            self._known[key] = column.computed is not None
        elif isinstance(operation, alembic_ops.DropColumnOp):
            self._known[(operation.table_name.lower(), operation.column_name.lower())] = False
        elif isinstance(operation, alembic_ops.AlterColumnOp) and operation.modify_name:
            table = operation.table_name
            was = self.generated(table, operation.column_name)
            self._known[(table.lower(), operation.column_name.lower())] = False
            self._known[(table.lower(), operation.modify_name.lower())] = was
        elif isinstance(operation, alembic_ops.ExecuteSQLOp):
            self._execute(operation, dialect)

    def _fresh(self, name: str) -> str:
        """Forget what is known of table ``name``: the run makes (or drops) it anew."""
        table = name.lower()
        self._known = {k: v for k, v in self._known.items() if k[0] != table}
        self._origin[table] = None
        return table

    def _rename_table(self, old: str, new: str) -> None:
        source, target = old.lower(), new.lower()
        moved = {(target, c): v for (t, c), v in self._known.items() if t == source}
        origin = self._origin.get(source, old)
        self._fresh(old)
        self._fresh(new)
        self._known.update(moved)
        self._origin[target] = origin

    def _execute(self, operation: Any, dialect: str) -> None:
        """``ALTER TABLE t ADD [COLUMN] c ...`` written by hand: generated when it says so;
        a drop written by hand is read by ``changes_of`` (below, through ``drops``)."""
        sql: Any = operation.sqltext
        text = sql if isinstance(sql, str) else getattr(sql, "text", None)
        if not isinstance(text, str):
            return
        alter = _ALTER.match(text)
        if alter is None:
            return
        table, rest = _bare(alter[1]), alter[2]
        added = _ADD.match(rest)
        if added is not None:
            self._known[(table, _bare(added[1]))] = _GENERATED.search(rest) is not None
            return
        for change, _ in changes_of([(operation, 1)], dialect, lambda name: True):
            if change.key.startswith("drop_column:") and change.column is not None:
                self._known[(table, change.column.lower())] = False
