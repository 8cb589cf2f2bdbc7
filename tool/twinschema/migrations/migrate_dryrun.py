"""Dry runs: the real statements of a migration, captured in a transaction that is rolled back."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

import sqlalchemy as sa
from sqlalchemy import event

# Statements that only read (catalog reflection for batch mode, Alembic's version query) are
# left out of a dry run's listing: they change nothing.
_READ_ONLY = re.compile(
    r"^\s*(?:SELECT\b|SHOW\b|PRAGMA\s+[\w.]+\s*(?:\(.*\))?\s*;?\s*$)", re.I | re.S
)


@contextmanager
def capture_statements(connection: sa.Connection) -> Iterator[list[str]]:
    """Every statement that changes something, as sent on ``connection`` during the block."""
    statements: list[str] = []

    def before_cursor_execute(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
    ) -> None:
        if _READ_ONLY.match(statement):
            return
        text = statement.strip().rstrip(";")
        if parameters:
            text += f"\n-- parameters: {parameters!r}"
        statements.append(text)

    event.listen(connection, "before_cursor_execute", before_cursor_execute)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", before_cursor_execute)


def write_sql(output: TextIO | None, dialect: str, statements: list[str]) -> None:
    """Write a dry run's statements as a SQL script of ``dialect`` to ``output`` (stdout when
    None), framed as the real run frames them."""
    out = output or sys.stdout
    if dialect == "sqlite":
        out.write(
            "-- foreign keys are switched off around this transaction and checked before "
            "COMMIT (PRAGMA foreign_key_check)\nPRAGMA foreign_keys = OFF;\n\n"
            "BEGIN IMMEDIATE;\n\n"
        )
    else:
        out.write("BEGIN;\n\n")
    for statement in statements:
        out.write(f"{statement};\n\n")
    out.write("COMMIT;\n\n")
    out.flush()
