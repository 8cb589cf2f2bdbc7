"""Whether a revision's operations may put rows into a table, and whether a drop finds none:
the two questions the destructive-change lint (``lint``) asks before it lets a drop through
without a marker on a database that is new or holds no rows there."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from alembic.operations import ops as alembic_ops

from twinschema.migrations.lint_classify import Change, RowsProbe

# ``op.execute`` of schema statements only (CREATE TYPE, ALTER TABLE ... ENABLE ROW LEVEL
# SECURITY, CREATE POLICY) adds no row; any other statement, or one naming a word that reads
# or writes rows or renames, may.
_SCHEMA_ONLY = re.compile(r"\s*(CREATE|ALTER|DROP|COMMENT|GRANT|REVOKE)\b", re.IGNORECASE)
_ROW_WORDS = re.compile(
    r"\b(INSERT|UPDATE|MERGE|COPY|SELECT|VALUES|RENAME|CALL|DO|EXECUTE|REPLACE|INTO)\b",
    re.IGNORECASE,
)


def moves_rows(operations: Sequence[tuple[Any, int]], rows: RowsProbe) -> bool:
    """True when an operation may put rows into a table: rows inserted, a table renamed that
    may hold rows (its rows then live under another name; one ``rows`` finds empty or absent
    before the run, with nothing written into it since, moves none: stranger71 010, a new
    database whose chain renames a table it made), or SQL of its own that is not schema
    statements only."""
    for operation, _ in operations:
        if isinstance(operation, alembic_ops.BulkInsertOp):
            return True
        if (
            isinstance(operation, alembic_ops.RenameTableOp)
            and rows(operation.table_name) is not False
        ):
            return True
        if isinstance(operation, alembic_ops.ExecuteSQLOp):
            sql: Any = operation.sqltext
            text = sql if isinstance(sql, str) else getattr(sql, "text", None)
            if not isinstance(text, str) or not _SCHEMA_ONLY.match(text):
                return True
            if _ROW_WORDS.search(text):
                return True
    return False


def drops_nothing(change: Change, rows: RowsProbe) -> bool:
    """A table or column dropped from a table that holds no rows (or does not exist yet)."""
    kind = change.key.split(":", 1)[0]
    return (
        kind in ("drop_table", "drop_column")
        and change.table is not None
        and (rows(change.table) is False)
    )
