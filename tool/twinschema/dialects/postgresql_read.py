"""Connecting to PostgreSQL read-only and reading the catalog queries in one snapshot: one
attempt's statements, the fingerprint that tells whether the schema changed during the read, and
the message for a lock that was not granted in time."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from sqlalchemy.engine import URL

from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql_catalog import QUERY_COUNT, queries
from twinschema.dialects.postgresql_consistency import SQL_FINGERPRINT, SQL_LOCK_TIMEOUT, SQL_LOCKED
from twinschema.dialects.postgresql_sequence_state import state_sql
from twinschema.errors import DatabaseError
from twinschema.urls import redact, scrub


def connect_kwargs(url: URL, options: ReflectOptions) -> dict[str, Any]:
    """psycopg ``connect()`` keyword arguments for a SQLAlchemy URL.

    Query parameters pass through as libpq parameters (``host=/tmp/x`` is a Unix socket
    directory, as the embedded server's URLs use); the URL's own parts fill in the rest.
    """
    kwargs: dict[str, Any] = {}
    for key, value in url.query.items():
        kwargs[key] = ",".join(value) if isinstance(value, tuple) else value
    parts = {"host": url.host, "port": url.port, "user": url.username, "password": url.password}
    for key, part in parts.items():
        if part is not None and part != "" and key not in kwargs:
            kwargs[key] = part
    if url.database:
        kwargs["dbname"] = url.database
    kwargs["connect_timeout"] = max(1, math.ceil(options.connect_timeout))
    kwargs.setdefault("application_name", "twinschema")
    return kwargs


def connect(url: URL, options: ReflectOptions) -> psycopg.Connection[tuple[Any, ...]]:
    """A read-only psycopg connection to ``url``: every transaction it opens is READ ONLY, and
    REPEATABLE READ so that all its statements see one snapshot.

    Connection failures become a one-line ``DatabaseError`` naming the redacted URL. The
    session gets the database's own TimeZone (``_without_pgtz``).
    """
    try:
        with _without_pgtz():
            conn = psycopg.connect(**connect_kwargs(url, options), autocommit=False)
    except psycopg.Error as exc:
        raise DatabaseError(f"cannot connect to {redact(url)}: {one_line(exc, url)}") from None
    _snapshot_transactions(conn)
    return conn


@contextmanager
def _without_pgtz() -> Iterator[None]:
    """libpq sends the environment's PGTZ as the session's TimeZone (RESET keeps it): the
    checker's own shell or CI image would decide what clock defaults store, not the database's
    setting (ALTER DATABASE/ROLE ... SET TimeZone, else the server's) that applications get.
    PGTZ is left out while connecting and restored after."""
    saved = os.environ.pop("PGTZ", None)
    try:
        yield
    finally:
        if saved is not None:
            os.environ["PGTZ"] = saved


def _snapshot_transactions(conn: psycopg.Connection[Any]) -> None:
    # psycopg starts each transaction with BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY.
    conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    conn.read_only = True


def one_line(exc: BaseException, url: URL) -> str:
    """A driver error on one line, without the URL's password (for a one-line message)."""
    return scrub(" ".join(str(exc).split()), url.password)


# Statements one attempt runs: the lock timeout, the batched queries and the sequences' state
# (``postgresql_sequence_state``) in the snapshot, then the lock timeout again and the
# fingerprint in a new transaction.
STATEMENTS = QUERY_COUNT + 4
# Where the columns query's rows are in a read's results.
_COLUMNS = 3


# A read that saw the schema change is made this many times in all before it gives up.
ATTEMPTS = 2


class SchemaChanged(Exception):
    """The catalog changed between a read's snapshot and the end of the read."""


def read_once(
    conn: psycopg.Connection[Any], options: ReflectOptions, source: str
) -> list[list[Any]]:
    """The rows of ``queries`` (for the server's version) from one snapshot; ``SchemaChanged``
    when the schema's catalog committed a change between the snapshot and the end of the read."""
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        conn.rollback()
    _snapshot_transactions(conn)
    known = _ZONES.get(_server_of(conn))
    params = {**_params(options), "zone_known": known[0] if known else None}
    cursors: list[psycopg.Cursor[Any]] = []
    try:
        with _maybe_pipeline(conn):
            conn.execute(SQL_LOCK_TIMEOUT, params)
            cursors = [conn.execute(sql, params) for sql in queries(conn.info.server_version)]
        results: list[list[Any]] = [cur.fetchall() for cur in cursors]
        # Where the key sequences the columns query found stand, in the same snapshot.
        results.append(conn.execute(state_sql(results[_COLUMNS])).fetchall())
        conn.commit()  # the snapshot ends; the fingerprint below is read in a new one
        now = _fingerprint_now(conn, params)
    except psycopg.errors.LockNotAvailable:
        conn.rollback()
        raise DatabaseError(_locked_message(conn, options, source)) from None
    except psycopg.Error:
        if conn.broken:
            raise
        # A pg_get_* function can fail on an object a concurrent DDL just dropped: a change.
        conn.rollback()
        before = _fetched(cursors[0]) if cursors else None
        if before is not None and before != _fingerprint_now(conn, params):
            raise SchemaChanged from None
        raise
    if results[0] != now or _unprintable(results):
        raise SchemaChanged
    results[2] = [_zone_kept(conn, row, known) for row in results[2]]
    return results


# Per server reached (``_server_of``), the zone's hashes of the last read there
# (``SQL_SCHEMA``): what they hold for (the postmaster's start, the session's TimeZone and the
# hour), the hash of the coming year and that of 1850 to 2100. Kept for the process, not per
# connection: a check opens a new connection for each database it reads (the live one, each
# scratch database of the migrations layer: new names each time), and each paid for the hashes
# again. The server checks the key: a database or role with a TimeZone of its own, a restarted
# server or another one behind the same address gets its own hashes (and is kept instead).
_ZONES: dict[tuple[str, int], tuple[str, str, str]] = {}


def _server_of(conn: psycopg.Connection[Any]) -> tuple[str, int]:
    """Where ``conn`` reads: the server's host (or socket folder) and port."""
    return (conn.info.host, conn.info.port)


def _zone_kept(
    conn: psycopg.Connection[Any], row: Sequence[Any], known: tuple[str, str, str] | None
) -> tuple[Any, ...]:
    """``SQL_SCHEMA``'s row without its last field (what the zone's hashes hold for), with the
    hashes ``known`` in where the server left them out for them, else kept for the next read."""
    *head, zone_now, history, key = row
    if zone_now is None and known is not None and known[0] == key:
        zone_now, history = known[1], known[2]
    else:
        _ZONES[_server_of(conn)] = (key, zone_now, history)
    return (*head, zone_now, history)


def _params(options: ReflectOptions) -> dict[str, str]:
    """The queries' parameters: the schema, and the lock timeout as PostgreSQL spells it."""
    milliseconds = max(1, math.ceil(options.lock_timeout * 1000))
    return {"schema": options.schema, "lock_timeout": f"{milliseconds}ms"}


@contextmanager
def _maybe_pipeline(conn: psycopg.Connection[Any]) -> Iterator[None]:
    """One round trip for the batch where libpq can (14 and later); else one per statement."""
    if psycopg.Pipeline.is_supported():
        with conn.pipeline():
            yield
    else:
        yield


def _fetched(cursor: psycopg.Cursor[Any]) -> Any:
    """A cursor's rows, or None when its statement did not run (a batch that failed first)."""
    try:
        return cursor.fetchall()
    except psycopg.Error:
        return None


def _fingerprint_now(conn: psycopg.Connection[Any], params: Mapping[str, str | None]) -> Any:
    """The fingerprint in a transaction of its own, under the same lock timeout (SET LOCAL, so
    that nothing outlives it on a pooled server connection)."""
    try:
        with _maybe_pipeline(conn):
            conn.execute(SQL_LOCK_TIMEOUT, params)
            cursor = conn.execute(SQL_FINGERPRINT, params)
        return cursor.fetchall()
    finally:
        if not conn.broken:
            conn.rollback()


def _unprintable(results: Sequence[Sequence[Any]]) -> bool:
    """True when a pg_get_* function printed NULL for an object the snapshot holds: the object
    was dropped (and committed) after the snapshot was taken."""
    columns, constraints, indexes = results[3], results[4], results[5]
    return (
        any(row[18] and row[9] is None for row in columns)  # a default pg_get_expr lost
        or any(row[2] == "c" and row[9] is None for row in constraints)  # a CHECK's definition
        or any(None in row[4] for row in indexes)
    )


def _locked_message(conn: psycopg.Connection[Any], options: ReflectOptions, source: str) -> str:
    """Which table a lock timeout waited for, and in which lock mode: read in ``pg_locks`` once
    the wait is over (the error itself names neither)."""
    waited = f"lock_timeout ({options.lock_timeout:g} s) ran out"
    advice = "run the check again when it is released, or raise lock_timeout in [tool.twinschema]"
    params = _params(options)
    try:
        with _maybe_pipeline(conn):
            conn.execute(SQL_LOCK_TIMEOUT, params)
            cursor = conn.execute(SQL_LOCKED, params)
        rows = cursor.fetchall()
    except psycopg.Error:
        rows = []
    if not conn.broken:
        conn.rollback()
    held = [row for row in rows if row[2]] or rows
    if not held:
        return (
            f"cannot read {source}: a table of schema {options.schema!r} stayed locked by "
            f"another session and {waited}; {advice}"
        )
    names = list(dict.fromkeys(name for name, _, _ in held))
    modes = " and ".join(sorted({_lock_mode(mode) for _, mode, _ in held}))
    how = "held" if held[0][2] else "requested first"
    noun = "table" if len(names) == 1 else "tables"
    return (
        f"cannot read {source}: {noun} {', '.join(names)} locked {modes} ({how} by another session), and "
        f"{waited}; {advice}"
    )


def _lock_mode(mode: str) -> str:
    """``AccessExclusiveLock`` as SQL spells it: ``ACCESS EXCLUSIVE``."""
    words = re.findall(r"[A-Z][a-z]*", mode.removesuffix("Lock"))
    return " ".join(words).upper()
