"""Where expressions run: a database of their own dialect that nobody's data lives in.

SQLite runs in memory; PostgreSQL in a scratch database (``TWINSCHEMA_SCRATCH_URL``, the server
the caller names, or the embedded server), made on first need and dropped when the evaluator
closes. A database being checked is never used. Each run creates a temporary table whose
columns carry the expressions as defaults, inserts rows that omit them, reads the rows back and
rolls everything back.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from twinschema.evaluate.statements import (
    Keys,
    Row,
    check_insert_sql,
    check_table_sql,
    computed_tables_sql,
    insert_row_sql,
    keys_insert_sql,
    keys_sql,
    plain_table_sql,
    returning_sql,
    select_sql,
    table_sql,
    type_sql,
    value_insert_sql,
    value_table_sql,
)
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


class SQLiteBackend:
    """SQLite in memory: cheap enough to run every default of a SQLite side."""

    where = "SQLite in memory"

    def __init__(self, timeout: float = TIMEOUT_SECONDS) -> None:
        self.conn = sqlite3.connect(":memory:", isolation_level=None)
        self.timeout = timeout
        self.deadline = 0.0
        self.refused: str | None = None
        # A runaway expression (a huge randomblob, a recursive CTE) is stopped at the deadline.
        self.conn.set_progress_handler(self._stop_when_late, 10_000)

    def _stop_when_late(self) -> int:
        return 1 if time.monotonic() > self.deadline else 0

    def run(
        self,
        columns: Sequence[tuple[str, ColumnType]],
        zone: str | None = None,
        inserts: int = ROWS,
    ) -> Run:
        """See ``Backend.run``; a statement SQLite refuses is an error of the expression.
        SQLite has no session zone: its clock is UTC's (``zone`` changes nothing)."""
        self.deadline = time.monotonic() + self.timeout
        started = time.time()
        conn = self.conn
        try:
            conn.execute(table_sql(columns))
        except sqlite3.Error as exc:
            return self._failed(exc, started)
        try:
            for k in range(inserts):
                conn.execute("INSERT INTO twinschema_probe (k) VALUES (?)", (k,))
            rows = tuple(tuple(r) for r in conn.execute(select_sql(columns)))
        except sqlite3.Error as exc:
            return self._failed(exc, started)
        finally:
            conn.execute("DROP TABLE IF EXISTS temp.twinschema_probe")
        return Run(rows=rows, started=started, ended=time.time())

    def _failed(self, exc: sqlite3.Error, started: float) -> Run:
        """The expression's error; or, when the run was stopped at its deadline, no verdict."""
        late = time.monotonic() > self.deadline
        error = f"gave up after {self.timeout:g} s" if late else first_line(exc)
        return Run(error=error, missing=late, started=started, ended=time.time())

    def try_rows(
        self,
        columns: Sequence[tuple[str, ColumnType]],
        check: str,
        rows: Sequence[tuple[Any, ...]],
        errors_reject: bool = False,
        zone: str | None = None,
    ) -> list[bool | None]:
        """See ``Backend.try_rows``; a CHECK SQLite cannot create gives no verdicts (SQLite
        has no session zone: ``zone`` is not read)."""
        self.deadline = time.monotonic() + self.timeout
        conn = self.conn
        self.refused = None
        try:
            conn.execute(check_table_sql(columns, check))
            conn.execute(plain_table_sql(columns))
        except sqlite3.Error as exc:
            self.refused = first_line(exc)
            conn.execute("DROP TABLE IF EXISTS temp.twinschema_check")
            return [None] * len(rows)
        insert = check_insert_sql(columns, "?")
        plain = check_insert_sql(columns, "?", "twinschema_check_plain")
        found: list[bool | None] = []
        try:
            for row in rows:
                bound = tuple(for_sqlite(v) for v in row)
                try:
                    conn.execute(insert, bound)
                    found.append(True)
                except sqlite3.IntegrityError as exc:
                    found.append(False if "CHECK constraint failed" in str(exc) else None)
                except OverflowError:
                    found.append(None)
                except sqlite3.Error:
                    if not errors_reject:
                        found.append(None)
                        continue
                    try:  # the CHECK's expression failed on a row the column stores
                        conn.execute(plain, bound)
                        found.append(False)
                    except (sqlite3.Error, OverflowError):
                        found.append(None)
        finally:
            conn.execute("DROP TABLE IF EXISTS temp.twinschema_check")
            conn.execute("DROP TABLE IF EXISTS temp.twinschema_check_plain")
        return found

    def store(
        self, name: str, ctype: ColumnType, checks: Sequence[str], values: Sequence[Any],
        key: bool = False, options: Sequence[str] = (),
    ) -> list[Any] | None:  # fmt: skip
        """See ``Backend.store``."""
        self.deadline = time.monotonic() + self.timeout
        conn = self.conn
        try:
            conn.execute(value_table_sql(name, ctype, checks, key, options))
        except sqlite3.Error:
            return None
        found: list[Any] = []
        try:
            for value in values:
                try:
                    got = conn.execute(value_insert_sql(name, "?"), (for_sqlite(value),))
                    found.append(got.fetchone()[0])
                except (sqlite3.Error, OverflowError):
                    found.append(REJECTED)
                # Each value meets an empty table (a copy of a key column must not call a
                # value a duplicate of the one before).
                conn.execute("DELETE FROM temp.twinschema_value")
        finally:
            conn.execute("DROP TABLE IF EXISTS temp.twinschema_value")
        return found

    def computed(
        self,
        columns: Sequence[tuple[str, ColumnType]],
        expression: str,
        ctype: ColumnType,
        rows: Sequence[tuple[Any, ...]],
        generated: bool = True,
    ) -> list[Computed | None] | None:
        """See ``Backend.computed``."""
        self.deadline = time.monotonic() + self.timeout
        conn = self.conn
        plain, computed = computed_tables_sql(columns, expression, ctype)
        try:
            conn.execute(plain)
            if generated:
                conn.execute(computed)
        except sqlite3.Error:
            conn.execute("DROP TABLE IF EXISTS temp.twinschema_rows")
            return None
        # RETURNING gives a STORED generated column's value before its affinity (SQLite 3.40:
        # 0.0 for CAST(0.7 AS INTEGER), which the row holds as the integer 0): its typeof too.
        tested = (
            insert_row_sql("twinschema_computed", columns, "?") + ", typeof(twinschema_value)"
            if generated
            else returning_sql(columns, expression, ctype, "?")
        )
        try:
            return self._each_row(
                insert_row_sql("twinschema_rows", columns, "?"),
                tested,
                (tuple(for_sqlite(v) for v in row) for row in rows),
                returning=True,
            )
        finally:
            conn.execute("DROP TABLE IF EXISTS temp.twinschema_rows")
            conn.execute("DROP TABLE IF EXISTS temp.twinschema_computed")

    def keys(
        self,
        columns: Sequence[tuple[str, ColumnType]],
        index: Keys,
        rows: Sequence[Row],
        nulls_distinct: bool = True,
        itself: bool = False,
    ) -> KeyRun | None:
        """See ``Backend.keys``."""
        self.deadline = time.monotonic() + self.timeout
        conn = self.conn
        made, query = keys_sql(columns, index, "temp.", nulls_distinct, itself)
        try:
            for statement in made:
                conn.execute(statement)
            found = self._each_row(
                keys_insert_sql("twinschema_rows", columns, "?"),
                keys_insert_sql("twinschema_keyed", columns, "?"),
                ((k, *(for_sqlite(v) for v in row)) for k, row in enumerate(rows)),
                returning=False,
            )
            pairs = frozenset((a, b) for a, b in conn.execute(query))
        except sqlite3.Error:
            return None
        finally:
            conn.execute("DROP TABLE IF EXISTS temp.twinschema_rows")
            conn.execute("DROP TABLE IF EXISTS temp.twinschema_keyed")
        return found, pairs

    def _each_row(
        self, plain: str, tested: str, rows: Iterable[tuple[Any, ...]], returning: bool
    ) -> list[Computed | None]:
        """What ``computed`` and ``keys`` do with each row (bound): insert it into the table of
        the bare columns (``plain``), then into the table under test (``tested``). None where
        the first refuses it; else (True, the value the second returns, or None without
        ``returning``) or (False, the second's error)."""
        conn = self.conn
        found: list[Computed | None] = []
        for bound in rows:
            try:
                conn.execute(plain, bound)
            except (sqlite3.Error, OverflowError):
                found.append(None)
                continue
            try:
                got = conn.execute(tested, bound)
                found.append((True, _as_stored(got.fetchone()) if returning else None))
            except sqlite3.Error as exc:
                found.append((False, first_line(exc)))
        return found

    def version(self) -> str | None:
        """See ``Backend.version``: the SQLite library's."""
        return f"sqlite {sqlite3.sqlite_version}"

    def close(self) -> None:
        """Close the in-memory database."""
        self.conn.close()


def _as_stored(returned: tuple[Any, ...]) -> Any:
    """A RETURNING row's value as the table holds it: with its ``typeof`` after it, a whole
    REAL the row holds as an integer (typeof 'integer') is that integer, as SQLite stores it
    (stranger71 006: 2147483648.0 was shown where SQLite stores 2147483648)."""
    value = returned[0]
    if len(returned) > 1 and returned[1] == "integer" and isinstance(value, float):
        return int(value) if value.is_integer() else value
    return value


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
