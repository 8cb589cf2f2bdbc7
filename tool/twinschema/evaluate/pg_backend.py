"""PostgreSQL as a place where expressions run: ``PostgreSQLBackend``, one scratch database,
one transaction per run, rolled back (``pg_scratch`` picks that database)."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from twinschema.canonical.typemap import kinds_of
from twinschema.evaluate import pg_chunks
from twinschema.evaluate.backends import (
    REJECTED,
    ROWS,
    TIMEOUT_SECONDS,
    Computed,
    KeyRun,
    Run,
    first_line,
)
from twinschema.evaluate.json_lists import JsonList
from twinschema.evaluate.pg_pipeline import Pipe, Statement, pipelined
from twinschema.evaluate.pg_rows import each_row
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
from twinschema.model import ColumnType, DatabaseLocale
from twinschema.records.dialects import POSTGRESQL
from twinschema.records.kinds import INTEGER_KINDS

# PostgreSQL errors that mean "the scratch database lacks something the checked one has" (a
# function from an extension or the user's own, a type, a schema): not evaluated.
_MISSING_SQLSTATES = frozenset({"42883", "42704", "3F000", "42P01", "42501", "0A000"})
# The error classes that are the expression's own failure (a data exception, a constraint, a
# syntax or type error, a function that raised). Any other (a lost connection, a timeout, a
# server out of resources) says nothing of the expression: not evaluated.
_FAILURE_CLASSES = ("22", "23", "42", "2F", "38", "39", "P0")


# Each run's transaction: the connection is in autocommit mode, so that its BEGIN goes in the
# run's first pipeline (psycopg sends its own BEGIN in a round trip of its own).
_BEGIN = b"BEGIN"
_ROLLBACK = b"ROLLBACK"
# The savepoint each enum type of ``_enum_types`` is made under, inside the run's transaction.
_ENUM_SAVEPOINT = b"SAVEPOINT twinschema_enum"
_ENUM_UNDO = b"ROLLBACK TO SAVEPOINT twinschema_enum"
_ENUM_RELEASE = b"RELEASE SAVEPOINT twinschema_enum"


def _enum_types(conn: Any, columns: Sequence[tuple[str, ColumnType]]) -> list[bytes]:
    """Open the run's transaction and create in it (rolled back) each enum type the columns
    name, with its labels in their declared order: a plain name in the session's temporary
    schema (searched first for a type), a qualified one in its schema. ``s < 'b'::status`` then
    runs as on the checked database (enum order, not text order). A type that cannot be made
    (one of that name exists) is left to the CHECK's own verdict. Each type is made under a
    savepoint of the run's transaction, all in one pipeline (``pg_pipeline``). Returns the
    statements the run's next pipeline sends first: the transaction's BEGIN where no type was
    made, the undo a type that failed last still owes."""
    from psycopg import sql

    made = set()
    units: list[list[Statement]] = []
    for _, ctype in columns:
        parts = tuple(ctype.raw.split(".")) if ctype.raw else ()
        if ctype.values is None or parts in made or not 1 <= len(parts) <= 2:
            continue
        if not all(p.isidentifier() for p in parts):
            continue
        made.add(parts)
        labels = sql.SQL(", ").join(sql.Literal(v) for v in ctype.values)
        schema = parts[0] if len(parts) == 2 else "pg_temp"
        unit: list[Statement] = [(_ENUM_SAVEPOINT, None)]
        if schema != "pg_temp":
            named = sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema))
            unit.append((named.as_bytes(conn), None))
        create = sql.SQL("CREATE TYPE {}.{} AS ENUM ({})").format(
            sql.Identifier(schema), sql.Identifier(parts[-1]), labels
        )
        units.append([*unit, (create.as_bytes(conn), None), (_ENUM_RELEASE, None)])
    if not units:
        return [_BEGIN]
    pipe = Pipe(conn, [_ENUM_UNDO, _ENUM_RELEASE])
    pipe.attempts(units, [_BEGIN])
    return [_ENUM_UNDO, _ENUM_RELEASE] if pipe.dirty else []


# A run's TimeZone, for its transaction alone (``SET LOCAL``, gone with its rollback).
_ZONE = b"SELECT set_config('TimeZone', %s, true)"
# The savepoint ``try_rows`` rolls back to after a refused row (it stays made).
_SAVEPOINT = b"SAVEPOINT twinschema_rows"
_UNDO = b"ROLLBACK TO SAVEPOINT twinschema_rows"


# The savepoint ``store`` rolls back to after each value.
_STORE_SAVEPOINT = b"SAVEPOINT twinschema_store"
_STORE_UNDO = b"ROLLBACK TO SAVEPOINT twinschema_store"


def as_literals(
    columns: Sequence[tuple[str, ColumnType]], rows: Sequence[tuple[Any, ...]], numbers: bool = True
) -> list[tuple[Any, ...]]:
    """``rows`` with each number not whole in an integer column sent as a numeric (a
    ``Decimal`` of its shortest spelling), as ``INSERT ... VALUES (10.5)`` writes it: PostgreSQL
    rounds a numeric half away from zero (11), a float8 parameter half to even (10), so a
    witness row says what that INSERT does (stranger70 002 fr1, fr2: "takes 0.5 as 0", where
    the INSERT stores 1); unless ``numbers``, a list alone. A list (``json_lists``) is sent as
    its array's text."""
    integer = [numbers and bool(kinds_of(c) & INTEGER_KINDS) for _, c in columns]
    return [tuple(_literal(v, wide) for v, wide in zip(row, integer, strict=True)) for row in rows]


def _literal(value: Any, wide: bool) -> Any:
    if isinstance(value, JsonList):
        return value.text(POSTGRESQL)
    if wide and isinstance(value, float) and math.isfinite(value) and not value.is_integer():
        return Decimal(repr(value))
    return value


def _first(rows: list[tuple[Any, ...]] | None) -> Any:
    """The first value of the first row of ``rows`` (None for no row)."""
    return rows[0][0] if rows else None


class PostgreSQLBackend:
    """A PostgreSQL scratch database: one transaction per run, rolled back, in UTC."""

    def __init__(
        self,
        database_url: str,
        where: str,
        timeout: float = TIMEOUT_SECONDS,
        connect_timeout: float = 10.0,
    ) -> None:
        import psycopg

        from twinschema.dialects import ReflectOptions
        from twinschema.dialects.postgresql import connect_kwargs
        from twinschema.evaluate import pg_loaders
        from twinschema.urls import parse_url

        self.where = where
        options = ReflectOptions(connect_timeout=connect_timeout)
        kwargs = connect_kwargs(parse_url(database_url), options)
        self.conn = psycopg.connect(**kwargs, autocommit=True)  # BEGIN: see ``_BEGIN``
        # JSON, '24:00:00', an interval, an array of bounds of its own: as the server keeps them.
        pg_loaders.register(self.conn)
        # Never prepared: a statement run five times was prepared (one round trip more), and
        # every ROLLBACK TO SAVEPOINT then dropped them all (DEALLOCATE ALL, one more).
        self.conn.prepare_threshold = None
        limit = f"SET statement_timeout = {max(1, int(timeout * 1000))}".encode()
        pipelined(self.conn, [b"SET TIME ZONE 'UTC'", limit])
        self.lost: str | None = None  # why the connection cannot be used any more
        # Per TimeZone of a run (None: the session's, UTC), what values columns of pg_catalog's
        # types refused alone (``pg_chunks.refused``): the same probe values meet the same
        # types run after run.
        self.known: dict[str | None, pg_chunks.Known] = {}
        self.refused: str | None = None  # see ``Backend.refused``

    def _rollback(self) -> None:
        import psycopg

        try:
            self.conn.execute(_ROLLBACK)  # none open (BEGIN never sent): a warning only
        except psycopg.Error as exc:
            self.lost = first_line(exc)

    def run(
        self,
        columns: Sequence[tuple[str, ColumnType]],
        zone: str | None = None,
        inserts: int = ROWS,
    ) -> Run:
        """See ``Backend.run``. All rows are inserted in one transaction, each by its own
        statement, so that transaction time and statement time give different rows; ``zone``
        is that transaction's TimeZone (``SET LOCAL``, gone with its rollback)."""
        import psycopg

        started = time.time()
        if self.lost is not None:
            return Run(error=f"the scratch connection was lost: {self.lost}", missing=True)
        conn = self.conn
        try:
            zoned = [] if zone is None else [(_ZONE, (zone,))]
            probe = table_sql(columns).encode()
            made = [(b"INSERT INTO twinschema_probe (k) VALUES (%s)", (k,)) for k in range(inserts)]
            select = select_sql(columns).encode()
            # Rolled back in the same round trip; where a statement fails, by ``_rollback``.
            got = pipelined(conn, [_BEGIN, *zoned, probe, *made, select, _ROLLBACK], rows_of=-2)
            rows = tuple(tuple(r) for r in got or ())
        except psycopg.Error as exc:
            self._rollback()
            state = getattr(exc, "sqlstate", None) or ""
            missing = state in _MISSING_SQLSTATES or not state.startswith(_FAILURE_CLASSES)
            return Run(error=first_line(exc), missing=missing, started=started, ended=time.time())
        return Run(rows=rows, started=started, ended=time.time())

    def try_rows(
        self,
        columns: Sequence[tuple[str, ColumnType]],
        check: str,
        rows: Sequence[tuple[Any, ...]],
        errors_reject: bool = False,
        zone: str | None = None,
    ) -> list[bool | None]:
        """See ``Backend.try_rows``: one transaction, rolled back, the rows tried after one
        savepoint, in chunks (``pg_chunks``), a row alone where its chunk fails, each set of
        statements in one pipeline (``pg_pipeline``); ``zone``, set for it alone (``SET
        LOCAL``). The CHECK table is made (a CHECK PostgreSQL refuses gives no verdicts) but
        the rows go to the plain one, the CHECK read back (``RETURNING``): a refused row is no
        error to roll back."""
        import psycopg

        if self.lost is not None:
            return [None] * len(rows)
        rows = as_literals(columns, rows)
        conn = self.conn
        outcome: dict[int, bool | None] = {}
        self.refused = None
        try:
            try:
                first = _enum_types(conn, columns)
                tables = [
                    check_table_sql(columns, check).encode(),
                    plain_table_sql(columns).encode(),
                    *pg_chunks.value_tables_sql(columns),
                ]
                zoned = [] if zone is None else [(_ZONE, (zone,))]
                pipelined(conn, [*first, *zoned, *tables])
            except psycopg.Error as exc:
                self.refused = first_line(exc)
                return [None] * len(rows)
            plain = check_insert_sql(columns, "%s", "twinschema_check_plain")
            # The CHECK's own % (LIKE '%b') is no placeholder of psycopg's; read as a boolean,
            # as a CHECK is (a bare 'f' refuses every row).
            returning = f" RETURNING ({check.replace('%', '%%')})::boolean"
            known = self.known.setdefault(zone, {})
            pipe = Pipe(conn, [_UNDO])
            sql = (columns, plain, returning)
            pg_chunks.try_all(pipe, sql, rows, errors_reject, outcome, known, [_SAVEPOINT])
        except psycopg.Error:  # the connection lost: the rows left say nothing
            pass
        finally:
            self._rollback()
        return [outcome.get(n) for n in range(len(rows))]

    def store(
        self, name: str, ctype: ColumnType, checks: Sequence[str], values: Sequence[Any],
        key: bool = False, options: Sequence[str] = (),
    ) -> list[Any] | None:  # fmt: skip
        """See ``Backend.store``: one transaction, each value rolled back to a savepoint after
        it, the table and the values in one pipeline (``pg_pipeline``), rolled back; None
        where the table cannot be made (or the connection is lost)."""
        import psycopg

        if self.lost is not None:
            return None
        table = value_table_sql(name, ctype, checks, key, options).encode()
        insert = value_insert_sql(name, "%s").encode()
        # Each value meets an empty table (a copy of a key column must not call a value a
        # duplicate of the one before): each is rolled back to the savepoint after it.
        sent = [v for (v,) in as_literals([(name, ctype)], [(v,) for v in values])]
        units = [[(insert, (value,)), (_STORE_UNDO, None)] for value in sent]
        try:
            head = [_BEGIN, table, _STORE_SAVEPOINT]
            tried = Pipe(self.conn, [_STORE_UNDO]).attempts(units, head)
        except psycopg.Error:  # the table refused, or the connection lost
            return None
        finally:
            self._rollback()
        return [REJECTED if got.failed == 0 else _first(got.rows[0]) for got in tried]

    def computed(
        self,
        columns: Sequence[tuple[str, ColumnType]],
        expression: str,
        ctype: ColumnType,
        rows: Sequence[tuple[Any, ...]],
        generated: bool = True,
    ) -> list[Computed | None] | None:
        """See ``Backend.computed``: one transaction, the rows tried after one savepoint
        (``pg_rows.each_row``), rolled back."""
        import psycopg

        if self.lost is not None:
            return None
        conn = self.conn
        sql = computed_run_sql(columns, expression, ctype, "%s", generated)
        try:
            try:
                first = _enum_types(conn, columns)
                pipelined(conn, [*first, *(statement.encode() for statement in sql.tables)])
            except psycopg.Error:
                return None
            return each_row(
                conn,
                columns,
                sql.plain.encode(),
                sql.tested.encode(),
                as_literals(columns, rows),
                returning=True,
                known=self.known.setdefault(None, {}),
            )
        finally:
            self._rollback()

    def keys(
        self,
        columns: Sequence[tuple[str, ColumnType]],
        index: Keys,
        rows: Sequence[Row],
        nulls_distinct: bool = True,
        itself: bool = False,
    ) -> KeyRun | None:
        """See ``Backend.keys``: one transaction, the rows tried after one savepoint
        (``pg_rows.each_row``), rolled back."""
        import psycopg

        if self.lost is not None:
            return None
        conn = self.conn
        sql = keys_run_sql(columns, index, "", "%s", nulls_distinct, itself)
        try:
            first = _enum_types(conn, columns)
            pipelined(conn, [*first, *(statement.encode() for statement in sql.tables)])
            found = each_row(
                conn,
                columns,
                sql.plain.encode(),
                sql.tested.encode(),
                [(k, *row) for k, row in enumerate(as_literals(columns, rows, numbers=False))],
                returning=False,
                keep=True,
                known=self.known.setdefault(None, {}),
            )
            pairs = frozenset((a, b) for a, b in conn.execute(sql.query.encode()))
        except psycopg.Error:
            return None
        finally:
            self._rollback()
        return found, pairs

    def version(self) -> str | None:
        """See ``Backend.version``: the server's ``version()``."""
        rows = self.read(b"SELECT version()")
        return str(rows[0][0]) if rows else None

    def locale(self) -> DatabaseLocale | None:
        """The scratch database's locale (``pg_database``); None when it cannot be read."""
        from twinschema.dialects.postgresql_locale import SQL_DATABASE_LOCALE, locale_of

        rows = self.read(f"SELECT {SQL_DATABASE_LOCALE}".encode())
        return locale_of(rows[0][0]) if rows else None

    def read(self, sql: bytes, params: dict[str, Any] | None = None) -> list[Any] | None:
        """The rows of a query that writes nothing, in a transaction rolled back; None where
        the server refuses it or is lost."""
        import psycopg

        if self.lost is not None:
            return None
        try:  # rolled back in the same round trip; where the query fails, by ``_rollback``
            return list(pipelined(self.conn, [_BEGIN, (sql, params), _ROLLBACK], rows_of=1) or ())
        except psycopg.Error:
            self._rollback()
            return None

    def close(self) -> None:
        """Close the connection (the scratch database is dropped by its owner)."""
        self.conn.close()


# The one database on a scratch server where expressions run: made on first need and kept for
# later runs (CREATE DATABASE costs more than a whole comparison), and always empty: only
# temporary tables, in transactions that are rolled back, ever touch it.
