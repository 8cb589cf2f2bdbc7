"""Where expressions run: a database of their own dialect that nobody's data lives in. This is
the contract of such a database (``Backend``) and what its runs give; ``sqlite_backend`` and
``pg_backend`` keep it.

SQLite runs in memory; PostgreSQL in a scratch database (``TWINSCHEMA_SCRATCH_URL``, the server
the caller names, or the embedded server), made on first need and dropped when the evaluator
closes. A database being checked is never used. Each run creates a temporary table whose
columns carry the expressions as defaults, inserts rows that omit them, reads the rows back and
rolls everything back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from twinschema.evaluate.statements import Keys, Row, type_sql
from twinschema.model import ColumnType

__all__ = ["type_sql"]  # where the evaluation stage takes it from


class _Rejected:
    """What ``Backend.store`` gives for a value the column refused."""

    def __repr__(self) -> str:
        return "REJECTED"


REJECTED: Any = _Rejected()

# How many rows each run inserts (each in its own statement), and how long one may take.
ROWS = 3
TIMEOUT_SECONDS = 5.0

# What a computed expression gave for one probe row: (True, the value read back) or (False,
# the database's error); None in its place when the row itself cannot be stored.
Computed = tuple[bool, Any]
# What ``Backend.keys`` gave: each row's outcome, and the pairs of rows whose keys are equal.
KeyRun = tuple[list[Computed | None], frozenset[tuple[int, int]]]


@dataclass(frozen=True)
class Run:
    """What one run gave: a row of values per insert (one value per expression), or why not.

    ``error`` is the database's message when an insert (or the table) failed on its own
    dialect; ``missing`` says the failure is the scratch database's lack (not evaluated).
    ``started`` and ``ended`` bound the run on the evaluation's clock (UTC seconds)."""

    rows: tuple[tuple[Any, ...], ...] = ()
    error: str | None = None
    missing: bool = False  # not evaluated: the scratch database lacks something, or gave up
    started: float = 0.0
    ended: float = 0.0


class Backend(Protocol):
    """A scratch database of one dialect that runs defaults."""

    where: str
    # Why the last ``try_rows`` could not make its CHECK's table (None: it could).
    refused: str | None

    def run(
        self,
        columns: Sequence[tuple[str, ColumnType]],
        zone: str | None = None,
        inserts: int = ROWS,
    ) -> Run:
        """Insert ``inserts`` rows (``ROWS`` unless said) that omit every column, each
        column's default being its expression, and return the values read back; ``zone`` is
        the session's TimeZone for this run (where the dialect has one; UTC otherwise)."""
        ...  # pragma: no cover

    def try_rows(
        self,
        columns: Sequence[tuple[str, ColumnType]],
        check: str,
        rows: Sequence[tuple[Any, ...]],
        errors_reject: bool = False,
        zone: str | None = None,
    ) -> list[bool | None]:
        """For each row: True when a table with these columns and ``CHECK (check)`` accepts
        it, False when the CHECK rejects it, None when the row fails for another reason (a
        value the column's type cannot hold: not a verdict on the CHECK). With
        ``errors_reject``, a row the CHECK's expression fails on (a division by zero, an
        overflow) but the columns store is False, as a real insert fails. ``zone``: the
        session's TimeZone (where the dialect has one; UTC otherwise)."""
        ...  # pragma: no cover

    def store(
        self, name: str, ctype: ColumnType, checks: Sequence[str], values: Sequence[Any],
        key: bool = False, options: Sequence[str] = (),
    ) -> list[Any] | None:  # fmt: skip
        """For each value: what a column ``name`` of this type, with these CHECKs, stores
        (read back), or ``REJECTED``; None when no such column can be made here (a type or
        function the scratch database lacks): nothing to say. ``key`` and ``options``: see
        ``statements.value_table_sql``."""
        ...  # pragma: no cover

    def computed(
        self,
        columns: Sequence[tuple[str, ColumnType]],
        expression: str,
        ctype: ColumnType,
        rows: Sequence[tuple[Any, ...]],
        generated: bool = True,
    ) -> list[Computed | None] | None:
        """For each row: what a STORED generated column of type ``ctype`` computed by
        ``expression`` over these columns holds, or the error; None for a row the columns
        cannot hold. None for all when no such column can be made (not evaluated). Without
        ``generated``, what the expression gives over the stored row (``RETURNING``): any
        expression, a STABLE function's too, where a generated column takes immutable ones."""
        ...  # pragma: no cover

    def keys(
        self,
        columns: Sequence[tuple[str, ColumnType]],
        index: Keys,
        rows: Sequence[Row],
        nulls_distinct: bool = True,
        itself: bool = False,
    ) -> KeyRun | None:
        """Each row inserted on its own into a table with the index (not unique): None when
        the columns cannot hold it, else (True, None) or (False, the error of the index's
        expressions); and the pairs of stored rows (by position, the first lower) whose keys
        are equal by the database's own ``=`` (a NULL equals nothing; without
        ``nulls_distinct``, NULL equals NULL: NULLS NOT DISTINCT), each row with itself too
        with ``itself`` (the row inserted twice). None when no such index can be made (not
        evaluated)."""
        ...  # pragma: no cover

    def version(self) -> str | None:
        """The database engine's ``version()``; None when it cannot be read."""
        ...  # pragma: no cover

    def close(self) -> None:
        """Release the database."""
        ...  # pragma: no cover


def for_sqlite(value: Any) -> Any:
    """A probe value as sqlite3 can bind it (no adapter for Decimal; a list: ``json_lists``)."""
    from decimal import Decimal

    from twinschema.evaluate.json_lists import JsonList

    listed = isinstance(value, JsonList)
    return value.text("sqlite") if listed else float(value) if isinstance(value, Decimal) else value


def first_line(exc: BaseException) -> str:
    """The first line of an error, for a one-line message."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
