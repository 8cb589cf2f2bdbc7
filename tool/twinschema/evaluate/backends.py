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
from contextlib import ExitStack
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

# PostgreSQL errors that mean "the scratch database lacks something the checked one has" (a
# function from an extension or the user's own, a type, a schema): not evaluated.
_MISSING_SQLSTATES = frozenset({"42883", "42704", "3F000", "42P01", "42501", "0A000"})
# The error classes that are the expression's own failure (a data exception, a constraint, a
# syntax or type error, a function that raised). Any other (a lost connection, a timeout, a
# server out of resources) says nothing of the expression: not evaluated.
_FAILURE_CLASSES = ("22", "23", "42", "2F", "38", "39", "P0")


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
        self, columns: Sequence[tuple[str, ColumnType]], check: str, rows: Sequence[tuple[Any, ...]]
    ) -> list[bool | None]:
        """For each row: True when a table with these columns and ``CHECK (check)`` accepts
        it, False when the CHECK rejects it, None when the row fails for another reason (a
        value the column's type cannot hold: not a verdict on the CHECK)."""
        ...  # pragma: no cover

    def store(
        self, name: str, ctype: ColumnType, checks: Sequence[str], values: Sequence[Any]
    ) -> list[Any] | None:
        """For each value: what a column ``name`` of this type, with these CHECKs, stores
        (read back), or ``REJECTED``; None when no such column can be made here (a type or
        function the scratch database lacks): nothing to say."""
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


def _table_sql(columns: Sequence[tuple[str, ColumnType]]) -> str:
    parts = ["k integer"]
    for n, (expression, ctype) in enumerate(columns):
        parts.append(f"c{n} {type_sql(ctype)} DEFAULT ({expression})")
    return f"CREATE TEMP TABLE twinschema_probe ({', '.join(parts)})"


def _check_table_sql(columns: Sequence[tuple[str, ColumnType]], check: str) -> str:
    parts = [f'"{name}" {type_sql(ctype)}' for name, ctype in columns]
    return f"CREATE TEMP TABLE twinschema_check ({', '.join(parts)}, CHECK ({check}))"


def _check_insert_sql(columns: Sequence[tuple[str, ColumnType]], mark: str) -> str:
    names = ", ".join(f'"{name}"' for name, _ in columns)
    marks = ", ".join(mark for _ in columns)
    return f"INSERT INTO twinschema_check ({names}) VALUES ({marks})"


def _value_table_sql(name: str, ctype: ColumnType, checks: Sequence[str]) -> str:
    parts = [f'"{name}" {type_sql(ctype)}', *(f"CHECK ({c})" for c in checks)]
    return f"CREATE TEMP TABLE twinschema_value ({', '.join(parts)})"


def _value_insert_sql(name: str, mark: str) -> str:
    return f'INSERT INTO twinschema_value ("{name}") VALUES ({mark}) RETURNING "{name}"'


def _select_sql(columns: Sequence[tuple[str, ColumnType]]) -> str:
    names = ", ".join(f"c{n}" for n in range(len(columns)))
    return f"SELECT {names} FROM twinschema_probe ORDER BY k"


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
            conn.execute(_table_sql(columns))
        except sqlite3.Error as exc:
            return self._failed(exc, started)
        try:
            for k in range(ROWS):
                conn.execute("INSERT INTO twinschema_probe (k) VALUES (?)", (k,))
            rows = tuple(tuple(r) for r in conn.execute(_select_sql(columns)))
        except sqlite3.Error as exc:
            return self._failed(exc, started)
        finally:
            conn.execute("DROP TABLE IF EXISTS temp.twinschema_probe")
        return Run(rows=rows, started=started, ended=time.time())

    def _failed(self, exc: sqlite3.Error, started: float) -> Run:
        """The expression's error; or, when the run was stopped at its deadline, no verdict."""
        late = time.monotonic() > self.deadline
        error = f"gave up after {self.timeout:g} s" if late else _first_line(exc)
        return Run(error=error, missing=late, started=started, ended=time.time())

    def try_rows(
        self, columns: Sequence[tuple[str, ColumnType]], check: str, rows: Sequence[tuple[Any, ...]]
    ) -> list[bool | None]:
        """See ``Backend.try_rows``; a CHECK SQLite cannot create gives no verdicts."""
        self.deadline = time.monotonic() + self.timeout
        conn = self.conn
        try:
            conn.execute(_check_table_sql(columns, check))
        except sqlite3.Error:
            return [None] * len(rows)
        insert = _check_insert_sql(columns, "?")
        found: list[bool | None] = []
        try:
            for row in rows:
                try:
                    conn.execute(insert, tuple(_for_sqlite(v) for v in row))
                    found.append(True)
                except sqlite3.IntegrityError as exc:
                    found.append(False if "CHECK constraint failed" in str(exc) else None)
                except (sqlite3.Error, OverflowError):
                    found.append(None)
        finally:
            conn.execute("DROP TABLE IF EXISTS temp.twinschema_check")
        return found

    def store(
        self, name: str, ctype: ColumnType, checks: Sequence[str], values: Sequence[Any]
    ) -> list[Any] | None:
        """See ``Backend.store``."""
        self.deadline = time.monotonic() + self.timeout
        conn = self.conn
        try:
            conn.execute(_value_table_sql(name, ctype, checks))
        except sqlite3.Error:
            return None
        found: list[Any] = []
        try:
            for value in values:
                try:
                    found.append(
                        conn.execute(
                            _value_insert_sql(name, "?"), (_for_sqlite(value),)
                        ).fetchone()[0]
                    )
                except (sqlite3.Error, OverflowError):
                    found.append(REJECTED)
        finally:
            conn.execute("DROP TABLE IF EXISTS temp.twinschema_value")
        return found

    def close(self) -> None:
        """Close the in-memory database."""
        self.conn.close()


class PostgreSQLBackend:
    """A PostgreSQL scratch database: one transaction per run, rolled back, in UTC."""

    def __init__(self, database_url: str, where: str, timeout: float = TIMEOUT_SECONDS) -> None:
        import psycopg

        from twinschema.dialects import ReflectOptions
        from twinschema.dialects.postgresql import connect_kwargs
        from twinschema.urls import parse_url

        self.where = where
        kwargs = connect_kwargs(parse_url(database_url), ReflectOptions())
        self.conn = psycopg.connect(**kwargs, autocommit=False)
        self.conn.execute("SET TIME ZONE 'UTC'")
        self.conn.execute(f"SET statement_timeout = {max(1, int(timeout * 1000))}")
        self.conn.commit()
        self.lost: str | None = None  # why the connection cannot be used any more

    def _rollback(self) -> None:
        import psycopg

        try:
            self.conn.rollback()
        except psycopg.Error as exc:
            self.lost = _first_line(exc)

    def run(self, columns: Sequence[tuple[str, ColumnType]]) -> Run:
        """See ``Backend.run``. All rows are inserted in one transaction, each by its own
        statement, so that transaction time and statement time give different rows."""
        import psycopg

        started = time.time()
        if self.lost is not None:
            return Run(error=f"the scratch connection was lost: {self.lost}", missing=True)
        conn = self.conn
        try:
            conn.execute(_table_sql(columns).encode())
            for k in range(ROWS):
                conn.execute(b"INSERT INTO twinschema_probe (k) VALUES (%s)", (k,))
            rows = tuple(tuple(r) for r in conn.execute(_select_sql(columns).encode()))
        except psycopg.Error as exc:
            state = getattr(exc, "sqlstate", None) or ""
            missing = state in _MISSING_SQLSTATES or not state.startswith(_FAILURE_CLASSES)
            return Run(error=_first_line(exc), missing=missing, started=started, ended=time.time())
        finally:
            self._rollback()
        return Run(rows=rows, started=started, ended=time.time())

    def try_rows(
        self, columns: Sequence[tuple[str, ColumnType]], check: str, rows: Sequence[tuple[Any, ...]]
    ) -> list[bool | None]:
        """See ``Backend.try_rows``: one transaction, each row under a savepoint, rolled back."""
        import psycopg

        if self.lost is not None:
            return [None] * len(rows)
        conn = self.conn
        found: list[bool | None] = []
        try:
            try:
                conn.execute(_check_table_sql(columns, check).encode())
            except psycopg.Error:
                return [None] * len(rows)
            insert = _check_insert_sql(columns, "%s").encode()
            for row in rows:
                try:
                    with conn.transaction():
                        conn.execute(insert, row)
                    found.append(True)
                except psycopg.Error as exc:
                    found.append(False if getattr(exc, "sqlstate", None) == "23514" else None)
        finally:
            self._rollback()
        return found

    def store(
        self, name: str, ctype: ColumnType, checks: Sequence[str], values: Sequence[Any]
    ) -> list[Any] | None:
        """See ``Backend.store``: one transaction, each value under a savepoint, rolled back."""
        import psycopg

        if self.lost is not None:
            return None
        conn = self.conn
        found: list[Any] = []
        try:
            try:
                conn.execute(_value_table_sql(name, ctype, checks).encode())
            except psycopg.Error:
                return None
            insert = _value_insert_sql(name, "%s").encode()
            for value in values:
                try:
                    with conn.transaction():
                        row = conn.execute(insert, (value,)).fetchone()
                    found.append(row[0] if row is not None else REJECTED)
                except psycopg.Error:
                    found.append(REJECTED)
        finally:
            self._rollback()
        return found

    def close(self) -> None:
        """Close the connection (the scratch database is dropped by its owner)."""
        self.conn.close()


def _for_sqlite(value: Any) -> Any:
    """A probe value as sqlite3 can bind it (it has no adapter for Decimal)."""
    from decimal import Decimal

    return float(value) if isinstance(value, Decimal) else value


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# The one database on a scratch server where expressions run: made on first need and kept for
# later runs (CREATE DATABASE costs more than a whole comparison), and always empty: only
# temporary tables, in transactions that are rolled back, ever touch it.
EVALUATION_DATABASE = "twinschema_evaluate"


class PostgreSQLScratch:
    """Makes the PostgreSQL backend on first need: on the database ``EVALUATION_DATABASE`` of
    ``server_url`` (when None, the server ``scratch.server`` picks: ``TWINSCHEMA_SCRATCH_URL``
    or the embedded one), or on ``database_url`` as it is (a database that is already a scratch
    one, as the test corpus uses). Never on a database being checked."""

    def __init__(
        self,
        *,
        config: Any = None,
        server_url: str | None = None,
        database_url: str | None = None,
        connect_timeout: float = 10.0,
    ) -> None:
        self.config = config
        self.server_url, self.database_url = server_url, database_url
        self.connect_timeout = connect_timeout

    def at_hand(self) -> bool:
        """True when a scratch server is named (no embedded server would have to start)."""
        return self.server_url is not None or self.database_url is not None

    def open(self, stack: ExitStack) -> Backend:
        """The backend (closed with ``stack``); a server that cannot be reached, or refuses
        to make the evaluation database, is a one-line ``DatabaseError``."""
        import psycopg

        from twinschema import scratch
        from twinschema.errors import DatabaseError
        from twinschema.urls import redact

        url = self.database_url
        if url is None:
            server = self.server_url
            if server is None:
                server = stack.enter_context(scratch.server(self.config))
            url = self._evaluation_database(server)
            where = f"PostgreSQL {EVALUATION_DATABASE} on {redact(server)}"
        else:
            where = f"PostgreSQL scratch database {redact(url)}"
        try:
            backend = PostgreSQLBackend(url, where)
        except psycopg.Error as exc:
            raise DatabaseError(f"cannot connect to the {where}: {_first_line(exc)}") from None
        stack.callback(backend.close)
        return backend

    def _evaluation_database(self, server: str) -> str:
        """The URL of ``EVALUATION_DATABASE`` on ``server``, made if it does not exist yet."""
        import psycopg

        from twinschema.dialects import ReflectOptions
        from twinschema.dialects.postgresql import connect_kwargs
        from twinschema.errors import DatabaseError
        from twinschema.urls import parse_url, redact

        base = parse_url(server)
        options = ReflectOptions(connect_timeout=self.connect_timeout)
        try:
            with psycopg.connect(**connect_kwargs(base, options), autocommit=True) as conn:
                found = conn.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", (EVALUATION_DATABASE,)
                ).fetchone()
                if found is None:
                    try:
                        conn.execute(f'CREATE DATABASE "{EVALUATION_DATABASE}"')
                    except psycopg.errors.DuplicateDatabase:
                        pass  # another run made it meanwhile
                    except psycopg.errors.UniqueViolation:
                        pass  # the same race, seen in pg_database's unique index
        except psycopg.Error as exc:
            raise DatabaseError(
                f"cannot use {EVALUATION_DATABASE} on the scratch server {redact(base)}: "
                f"{_first_line(exc)} (point TWINSCHEMA_SCRATCH_URL at a server where the role "
                "may create databases, or pass --no-evaluate)"
            ) from None
        return base.set(database=EVALUATION_DATABASE).render_as_string(hide_password=False)
