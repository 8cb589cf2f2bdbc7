"""SQLite as a place where expressions run: ``SQLiteBackend``, a database in memory of its own,
each run's temporary tables dropped after it (the contract: ``backends.Backend``)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Sequence
from typing import Any

from twinschema.evaluate.backends import (
    REJECTED,
    ROWS,
    TIMEOUT_SECONDS,
    Computed,
    KeyRun,
    Run,
    first_line,
    for_sqlite,
)
from twinschema.evaluate.statements import (
    Keys,
    Row,
    check_insert_sql,
    check_table_sql,
    computed_run_sql,
    keys_run_sql,
    plain_table_sql,
    select_sql,
    table_sql,
    value_insert_sql,
    value_table_sql,
)
from twinschema.model import ColumnType


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
        sql = computed_run_sql(columns, expression, ctype, "?", generated)
        try:
            for statement in sql.tables:
                conn.execute(statement)
        except sqlite3.Error:
            conn.execute("DROP TABLE IF EXISTS temp.twinschema_rows")
            return None
        # RETURNING gives a STORED generated column's value before its affinity (SQLite 3.40:
        # 0.0 for CAST(0.7 AS INTEGER), which the row holds as the integer 0): its typeof too.
        tested = sql.tested + ", typeof(twinschema_value)" if generated else sql.tested
        try:
            return self._each_row(
                sql.plain,
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
        sql = keys_run_sql(columns, index, "temp.", "?", nulls_distinct, itself)
        try:
            for statement in sql.tables:
                conn.execute(statement)
            found = self._each_row(
                sql.plain,
                sql.tested,
                ((k, *(for_sqlite(v) for v in row)) for k, row in enumerate(rows)),
                returning=False,
            )
            pairs = frozenset((a, b) for a, b in conn.execute(sql.query))
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
