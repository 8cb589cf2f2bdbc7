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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from twinschema.model import ColumnType


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

    def run(self, columns: Sequence[tuple[str, ColumnType]]) -> Run:
        """Insert ``ROWS`` rows that omit every column, each column's default being its
        expression, and return the values read back."""
        ...  # pragma: no cover

    def try_rows(
        self,
        columns: Sequence[tuple[str, ColumnType]],
        check: str,
        rows: Sequence[tuple[Any, ...]],
        errors_reject: bool = False,
    ) -> list[bool | None]:
        """For each row: True when a table with these columns and ``CHECK (check)`` accepts
        it, False when the CHECK rejects it, None when the row fails for another reason (a
        value the column's type cannot hold: not a verdict on the CHECK). With
        ``errors_reject``, a row the CHECK's expression fails on (a division by zero, an
        overflow) but the columns store is False, as a real insert fails."""
        ...  # pragma: no cover

    def store(
        self, name: str, ctype: ColumnType, checks: Sequence[str], values: Sequence[Any]
    ) -> list[Any] | None:
        """For each value: what a column ``name`` of this type, with these CHECKs, stores
        (read back), or ``REJECTED``; None when no such column can be made here (a type or
        function the scratch database lacks): nothing to say."""
        ...  # pragma: no cover

    def computed(
        self,
        columns: Sequence[tuple[str, ColumnType]],
        expression: str,
        ctype: ColumnType,
        rows: Sequence[tuple[Any, ...]],
    ) -> list[Computed | None] | None:
        """For each row: what a STORED generated column of type ``ctype`` computed by
        ``expression`` over these columns holds, or the error; None for a row the columns
        cannot hold. None for all when no such column can be made (not evaluated)."""
        ...  # pragma: no cover

    def version(self) -> str | None:
        """The database engine's ``version()``; None when it cannot be read."""
        ...  # pragma: no cover

    def close(self) -> None:
        """Release the database."""
        ...  # pragma: no cover


def type_sql(ctype: ColumnType) -> str:
    """The column type as DDL: the source's own spelling when it kept one."""
    if ctype.raw:
        return ctype.raw
    text = ctype.name
    if ctype.values is not None:
        text = "text"  # an enum declared by a metadata module: its labels are text
    elif ctype.length is not None:
        text += f"({ctype.length})"
    elif ctype.precision is not None:
        text += f"({ctype.precision}" + (f", {ctype.scale})" if ctype.scale is not None else ")")
    return text + ("[]" if ctype.array else "")


def table_sql(columns: Sequence[tuple[str, ColumnType]]) -> str:
    """A temporary table whose columns carry the expressions as defaults."""
    parts = ["k integer"]
    for n, (expression, ctype) in enumerate(columns):
        parts.append(f"c{n} {type_sql(ctype)} DEFAULT ({expression})")
    return f"CREATE TEMP TABLE twinschema_probe ({', '.join(parts)})"


def check_table_sql(columns: Sequence[tuple[str, ColumnType]], check: str) -> str:
    """A temporary table over ``columns`` with ``CHECK (check)``."""
    parts = [f'"{name}" {type_sql(ctype)}' for name, ctype in columns]
    return f"CREATE TEMP TABLE twinschema_check ({', '.join(parts)}, CHECK ({check}))"


def check_insert_sql(
    columns: Sequence[tuple[str, ColumnType]], mark: str, table: str = "twinschema_check"
) -> str:
    """An INSERT of one probe row into the CHECK table (or into ``table``)."""
    names = ", ".join(f'"{name}"' for name, _ in columns)
    marks = ", ".join(mark for _ in columns)
    return f"INSERT INTO {table} ({names}) VALUES ({marks})"


def plain_table_sql(columns: Sequence[tuple[str, ColumnType]]) -> str:
    """A temporary table over ``columns`` without the CHECK: a row the CHECK table refuses
    with an error (a division by zero, an overflow) that this one stores was refused by the
    CHECK's expression, as a real insert would be."""
    parts = [f'"{name}" {type_sql(ctype)}' for name, ctype in columns]
    return f"CREATE TEMP TABLE twinschema_check_plain ({', '.join(parts)})"


def value_table_sql(name: str, ctype: ColumnType, checks: Sequence[str]) -> str:
    """A temporary table of one column of ``ctype`` with these CHECKs."""
    parts = [f'"{name}" {type_sql(ctype)}', *(f"CHECK ({c})" for c in checks)]
    return f"CREATE TEMP TABLE twinschema_value ({', '.join(parts)})"


def value_insert_sql(name: str, mark: str) -> str:
    """An INSERT of one value that returns what the column stored."""
    return f'INSERT INTO twinschema_value ("{name}") VALUES ({mark}) RETURNING "{name}"'


def select_sql(columns: Sequence[tuple[str, ColumnType]]) -> str:
    """The values the defaults gave, in insert order."""
    names = ", ".join(f"c{n}" for n in range(len(columns)))
    return f"SELECT {names} FROM twinschema_probe ORDER BY k"


def computed_tables_sql(
    columns: Sequence[tuple[str, ColumnType]], expression: str, ctype: ColumnType
) -> tuple[str, str]:
    """Two temporary tables over ``columns``: a plain one (can the row be stored at all?) and
    one with the expression as a STORED generated column (what it computes)."""
    parts = ", ".join(f'"{name}" {type_sql(t)}' for name, t in columns)
    value = f"twinschema_value {type_sql(ctype)} GENERATED ALWAYS AS ({expression}) STORED"
    return (
        f"CREATE TEMP TABLE twinschema_rows ({parts})",
        f"CREATE TEMP TABLE twinschema_computed ({parts}, {value})",
    )


def insert_row_sql(table: str, columns: Sequence[tuple[str, ColumnType]], mark: str) -> str:
    """An INSERT of one probe row into ``table`` (the computed one returns its value)."""
    names = ", ".join(f'"{name}"' for name, _ in columns)
    marks = ", ".join(mark for _ in columns)
    returning = " RETURNING twinschema_value" if table == "twinschema_computed" else ""
    return f"INSERT INTO {table} ({names}) VALUES ({marks}){returning}"


class SQLiteBackend:
    """SQLite in memory: cheap enough to run every default of a SQLite side."""

    where = "SQLite in memory"

    def __init__(self, timeout: float = TIMEOUT_SECONDS) -> None:
        self.conn = sqlite3.connect(":memory:", isolation_level=None)
        self.timeout = timeout
        self.deadline = 0.0
        # A runaway expression (a huge randomblob, a recursive CTE) is stopped at the deadline.
        self.conn.set_progress_handler(self._stop_when_late, 10_000)

    def _stop_when_late(self) -> int:
        return 1 if time.monotonic() > self.deadline else 0

    def run(self, columns: Sequence[tuple[str, ColumnType]]) -> Run:
        """See ``Backend.run``; a statement SQLite refuses is an error of the expression."""
        self.deadline = time.monotonic() + self.timeout
        started = time.time()
        conn = self.conn
        try:
            conn.execute(table_sql(columns))
        except sqlite3.Error as exc:
            return self._failed(exc, started)
        try:
            for k in range(ROWS):
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
    ) -> list[bool | None]:
        """See ``Backend.try_rows``; a CHECK SQLite cannot create gives no verdicts."""
        self.deadline = time.monotonic() + self.timeout
        conn = self.conn
        try:
            conn.execute(check_table_sql(columns, check))
            conn.execute(plain_table_sql(columns))
        except sqlite3.Error:
            conn.execute("DROP TABLE IF EXISTS temp.twinschema_check")
            return [None] * len(rows)
        insert = check_insert_sql(columns, "?")
        plain = check_insert_sql(columns, "?", "twinschema_check_plain")
        found: list[bool | None] = []
        try:
            for row in rows:
                bound = tuple(_for_sqlite(v) for v in row)
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
        self, name: str, ctype: ColumnType, checks: Sequence[str], values: Sequence[Any]
    ) -> list[Any] | None:
        """See ``Backend.store``."""
        self.deadline = time.monotonic() + self.timeout
        conn = self.conn
        try:
            conn.execute(value_table_sql(name, ctype, checks))
        except sqlite3.Error:
            return None
        found: list[Any] = []
        try:
            for value in values:
                try:
                    found.append(
                        conn.execute(value_insert_sql(name, "?"), (_for_sqlite(value),)).fetchone()[
                            0
                        ]
                    )
                except (sqlite3.Error, OverflowError):
                    found.append(REJECTED)
        finally:
            conn.execute("DROP TABLE IF EXISTS temp.twinschema_value")
        return found

    def computed(
        self,
        columns: Sequence[tuple[str, ColumnType]],
        expression: str,
        ctype: ColumnType,
        rows: Sequence[tuple[Any, ...]],
    ) -> list[Computed | None] | None:
        """See ``Backend.computed``."""
        self.deadline = time.monotonic() + self.timeout
        conn = self.conn
        plain, computed = computed_tables_sql(columns, expression, ctype)
        try:
            conn.execute(plain)
            conn.execute(computed)
        except sqlite3.Error:
            conn.execute("DROP TABLE IF EXISTS temp.twinschema_rows")
            return None
        found: list[Computed | None] = []
        try:
            for row in rows:
                bound = tuple(_for_sqlite(v) for v in row)
                try:
                    conn.execute(insert_row_sql("twinschema_rows", columns, "?"), bound)
                except (sqlite3.Error, OverflowError):
                    found.append(None)
                    continue
                try:
                    got = conn.execute(insert_row_sql("twinschema_computed", columns, "?"), bound)
                    found.append((True, got.fetchone()[0]))
                except sqlite3.Error as exc:
                    found.append((False, first_line(exc)))
        finally:
            conn.execute("DROP TABLE IF EXISTS temp.twinschema_rows")
            conn.execute("DROP TABLE IF EXISTS temp.twinschema_computed")
        return found

    def version(self) -> str | None:
        """See ``Backend.version``: the SQLite library's."""
        return f"sqlite {sqlite3.sqlite_version}"

    def close(self) -> None:
        """Close the in-memory database."""
        self.conn.close()


def _for_sqlite(value: Any) -> Any:
    """A probe value as sqlite3 can bind it (it has no adapter for Decimal)."""
    from decimal import Decimal

    return float(value) if isinstance(value, Decimal) else value


def first_line(exc: BaseException) -> str:
    """The first line of an error, for a one-line message."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
