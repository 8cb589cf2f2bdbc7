"""Stored on each real database: a witness row (or any statement a witness is) tried on a real
SQLite database and a real PostgreSQL one, each answering whether it stored it, with what it read
back or the database's own error. Everything is rolled back on both: the tables (``ddl``), the rows
set up before the witness and the witness itself, so a database a test goes on to check is as it
was.

A claimed difference is proved by such a pair (one database accepts, the other rejects); an
equivalence by the near miss both store or both refuse. The test files that did this by hand, each
with its own try/except around a pair of connections, use this instead.

Statements are written with SQLite's ``?`` placeholders; PostgreSQL gets them as ``%s`` (only in a
statement that has parameters, so a ``%`` in a literal of one without parameters is left alone).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import psycopg.errors

from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect_kwargs
from twinschema.urls import parse_url

# A statement with its parameters, or one without any.
Statement = str | tuple[str, Sequence[Any]]

# What counts as a database refusing the witness: a constraint's error. PostgreSQL's default is a
# CHECK's (most witnesses are); a test whose witness meets a UNIQUE, a foreign key, NOT NULL or a
# trigger names that error class, so any other error still fails the test as it did before.
SQLITE_REFUSAL: tuple[type[Exception], ...] = (sqlite3.IntegrityError,)
PG_CHECK: tuple[type[Exception], ...] = (psycopg.errors.CheckViolation,)


@dataclass(frozen=True)
class Stored:
    """What one real database did with the witness: ``error`` None when it stored it (``read``:
    what the read-back query returned then), else the database's own error, as
    ``"<class>: <message's first line>"``."""

    error: str | None
    read: tuple[Any, ...] | None = None

    @property
    def accepted(self) -> bool:
        """Whether the database stored the witness."""
        return self.error is None


@dataclass(frozen=True)
class Witnessed:
    """The witness on each real database."""

    sqlite: Stored
    postgresql: Stored

    @property
    def accepted(self) -> tuple[bool, bool]:
        """(SQLite stored it, PostgreSQL stored it): what the tests assert."""
        return self.sqlite.accepted, self.postgresql.accepted


def stored_on_each(
    sqlite: str | Path | sqlite3.Connection,
    postgresql: str | psycopg.Connection[Any],
    witness: Statement,
    *,
    before: Sequence[Statement] = (),
    ddl: tuple[str, str] = ("", ""),
    read: str | tuple[str, str] | None = None,
    refusals: tuple[type[Exception], ...] = PG_CHECK,
    search_path: str = "",
) -> Witnessed:
    """The witness (one statement; ``before``: those that set rows up) on each real database,
    after each side's ``ddl`` (SQLite's, PostgreSQL's; "" for a table that is there already),
    all rolled back: which stored it, with what ``read`` (one query, or SQLite's and
    PostgreSQL's) returned or the real error. Why: one way of proving a difference, so no
    test's rollback or caught error class drifts from another's. ``sqlite``: a file, its
    sqlite:/// URL, ":memory:" or an open connection; ``postgresql``: a URL or an open
    connection (its settings are the caller's); ``search_path``: a schema the PostgreSQL side's
    names are found in first (a case loaded into a schema of its own)."""
    reads = (read, read) if read is None or isinstance(read, str) else read
    return Witnessed(
        stored_on_sqlite(sqlite, witness, before=before, ddl=ddl[0], read=reads[0]),
        stored_on_postgresql(
            postgresql,
            witness,
            before=before,
            ddl=ddl[1],
            read=reads[1],
            refusals=refusals,
            search_path=search_path,
        ),
    )


def stored_on_sqlite(
    target: str | Path | sqlite3.Connection,
    witness: Statement,
    *,
    before: Sequence[Statement] = (),
    ddl: str = "",
    read: str | None = None,
) -> Stored:
    """The witness on a real SQLite database (a file, its sqlite:/// URL, ":memory:" or an open
    connection), after ``ddl``, in one transaction rolled back (see ``stored_on_each``)."""
    statements = _statements(witness, before)
    if isinstance(target, sqlite3.Connection):
        conn = target
    else:
        conn = sqlite3.connect(str(target).removeprefix("sqlite:///"))
    # A savepoint, not BEGIN: it opens a transaction or nests in the caller's, and the DDL is
    # rolled back with the rows (the sqlite3 module adds no BEGIN or COMMIT inside it).
    conn.execute("SAVEPOINT witness")
    try:
        if ddl:
            _sqlite_script(conn, ddl)
        for sql, params in statements[:-1]:
            conn.execute(sql, params)
        sql, params = statements[-1]
        try:
            conn.execute(sql, params)
        except SQLITE_REFUSAL as exc:
            return Stored(_said(exc))
        return Stored(None, _read_sqlite(conn, read))
    finally:
        conn.execute("ROLLBACK TO witness")
        conn.execute("RELEASE witness")
        if conn is not target:
            conn.close()


def stored_on_postgresql(
    target: str | psycopg.Connection[Any],
    witness: Statement,
    *,
    before: Sequence[Statement] = (),
    ddl: str = "",
    read: str | None = None,
    refusals: tuple[type[Exception], ...] = PG_CHECK,
    search_path: str = "",
) -> Stored:
    """The witness on a real PostgreSQL database (a URL or an open connection), after ``ddl``,
    in a transaction (a savepoint on an open connection's) rolled back (see ``stored_on_each``);
    ``refusals``: the error classes that mean the database refused it."""
    run = _PgRun(_statements(witness, before), ddl, read, refusals, search_path)
    if isinstance(target, psycopg.Connection):
        return run.on(target)
    with psycopg.connect(**connect_kwargs(parse_url(target), ReflectOptions())) as conn:
        return run.on(conn)


@dataclass(frozen=True)
class _PgRun:
    """What ``stored_on_postgresql`` runs, once it has a connection."""

    statements: list[tuple[str, tuple[Any, ...]]]
    ddl: str
    read: str | None
    refusals: tuple[type[Exception], ...]
    search_path: str

    def on(self, conn: psycopg.Connection[Any]) -> Stored:
        """Run it on ``conn`` in a transaction (or savepoint) rolled back, SET LOCAL included."""
        with conn.transaction(force_rollback=True):
            if self.search_path:
                conn.execute(f"SET LOCAL search_path TO {self.search_path}, public".encode())
            if self.ddl:
                conn.execute(self.ddl.encode())
            for sql, params in self.statements[:-1]:
                conn.execute(_pg_sql(sql, params), params or None)
            sql, params = self.statements[-1]
            try:
                with conn.transaction():
                    conn.execute(_pg_sql(sql, params), params or None)
            except self.refusals as exc:
                return Stored(_said(exc))
            got = conn.execute(self.read.encode()).fetchone() if self.read else None
            return Stored(None, None if got is None else tuple(got))


def _statements(
    witness: Statement, before: Sequence[Statement]
) -> list[tuple[str, tuple[Any, ...]]]:
    """The statements as (SQL, parameters) pairs, the witness last."""
    return [(s, ()) if isinstance(s, str) else (s[0], tuple(s[1])) for s in (*before, witness)]


def _sqlite_script(conn: sqlite3.Connection, script: str) -> None:
    """Run each statement of ``script`` inside the open transaction (``executescript`` would
    commit it first): cut at each semicolon that ends a statement (SQLite says which do)."""
    pending = ""
    for part in script.split(";"):
        pending += part + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n\t;"):
                conn.execute(pending)
            pending = ""
    if pending.strip(" \n\t;"):
        conn.execute(pending.removesuffix(";"))


def _read_sqlite(conn: sqlite3.Connection, read: str | None) -> tuple[Any, ...] | None:
    """The row ``read`` returns (None without a query or a row)."""
    got = conn.execute(read).fetchone() if read else None
    return None if got is None else tuple(got)


def _pg_sql(sql: str, params: tuple[Any, ...]) -> bytes:
    """``sql`` for psycopg: its ``?`` placeholders as ``%s`` where it has parameters."""
    return (sql.replace("?", "%s") if params else sql).encode()


def _said(exc: Exception) -> str:
    """The real error, as a test may quote it: its class and its message's first line."""
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
