"""Connections for a migration, with errors a user can act on: one real transaction, SQLite's
write lock and foreign keys handled, and PostgreSQL's advisory lock that serializes migrations."""

from __future__ import annotations

import hashlib
import math
import os
import re
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from twinschema.config import Config
from twinschema.errors import (
    DatabaseError,
    InternalError,
)
from twinschema.migrations.migrate_chain import Target, sqlite_path
from twinschema.migrations.migrate_errors import MigrationFailed
from twinschema.migrations.migrate_sqlite_writer import sqlite_writer
from twinschema.paths import make_kept_folder
from twinschema.urls import first_line

# The longest wait a driver takes (SQLite counts milliseconds in a C int): about 24 days.
_LONGEST_WAIT = (2**31 - 1) // 1000


def _ms(seconds: float) -> int:
    """``seconds`` in milliseconds for SQLite's busy_timeout, within what it can count."""
    return int(min(seconds, _LONGEST_WAIT) * 1000)


@dataclass(frozen=True)
class Waits:
    """How long a connection waits, in seconds: for a PostgreSQL server to answer
    (``connect_timeout``), for a locked SQLite file at each statement (``busy_timeout``), and,
    for a SQLite migration, for another writer to let go of the file before BEGIN IMMEDIATE
    (``lock_timeout``, said once through ``say``; None: ``busy_timeout`` only)."""

    connect_timeout: float = 10.0
    busy_timeout: float = 5.0
    lock_timeout: float | None = None
    say: Callable[[str], None] | None = None

    @classmethod
    def of(cls, config: Config, **more: Any) -> Waits:
        """The waits ``[tool.twinschema]`` configures (``more`` adds the lock wait)."""
        return cls(config.connect_timeout, config.busy_timeout, **more)

    def connect_args(self, dialect: str) -> dict[str, Any]:
        """The driver's keyword arguments for these waits."""
        if dialect == "sqlite":
            return {"timeout": min(self.busy_timeout, _LONGEST_WAIT)}
        # libpq counts whole seconds, and 0 would mean "wait forever".
        return {"connect_timeout": max(1, math.ceil(min(self.connect_timeout, _LONGEST_WAIT)))}


@contextmanager
def connect(
    target: Target,
    *,
    create: bool = True,
    write: bool | None = None,
    waits: Waits | None = None,
) -> Iterator[sa.Connection]:
    """A connection in a transaction (committed at the end of the block) to ``target``.

    For SQLite, ``create`` makes the file's folder; without it a missing file is an error. The
    transaction is a real one on SQLite too, with foreign keys handled for batch mode (see
    ``sqlite_transaction``); ``write`` (by default: ``create``) takes the write lock at BEGIN
    and checks foreign keys before COMMIT, else a plain deferred BEGIN reads without locking
    writers out. ``waits`` bounds every wait (default: ``Waits()``, 10 s to connect).
    """
    write = create if write is None else write
    waits = waits or Waits()
    path = sqlite_path(target.url) if target.dialect == "sqlite" else None
    if path is not None and create:
        _make_folder(target, path)
    elif path is not None and not path.exists():
        raise DatabaseError(f"{target.label}: no such SQLite file")
    # A file SQLite could not create: nothing at ``path`` once the driver has failed.
    missing = path if path is not None and not path.exists() else None
    engine = sa.create_engine(
        target.secret_url,
        poolclass=sa.pool.NullPool,
        connect_args=waits.connect_args(target.dialect),
    )
    try:
        try:
            connection = engine.connect()
        except sa.exc.DBAPIError as exc:
            raise _cannot_connect(target, missing, exc) from None
        with connection:
            try:
                if target.dialect == "sqlite":
                    with sqlite_transaction(
                        connection, write=write, lock=_write_lock(target, waits)
                    ):
                        yield connection
                else:
                    with connection.begin():
                        yield connection
            except sa.exc.DBAPIError as exc:
                if missing is not None and not missing.exists():
                    raise _cannot_connect(target, missing, exc) from None
                raise DatabaseError(f"{target.label}: {first_line(exc)}") from None
    finally:
        engine.dispose()


def _make_folder(target: Target, path: Path) -> None:
    """The folder of a SQLite file about to be created (in the project's var/, with its
    ``.gitignore``: ``make_kept_folder``); a folder that cannot be made is a database problem
    (exit 3), said in one line."""
    try:
        if target.var is None:  # the user's folder: made, nothing more
            path.parent.mkdir(parents=True, exist_ok=True)
        else:
            make_kept_folder(target.var, path.parent)
    except OSError as exc:
        raise DatabaseError(
            f"{target.label}: cannot create the folder of the SQLite file: "
            f"{exc.strerror or type(exc).__name__}: {exc.filename or path.parent}"
        ) from None


def _cannot_connect(target: Target, missing: Path | None, exc: sa.exc.DBAPIError) -> DatabaseError:
    """A connection that failed, in one line; for a SQLite file that does not exist yet, why it
    could not be created (a read-only folder, most often)."""
    if missing is None or missing.exists():
        return DatabaseError(f"cannot connect to {target.label}: {first_line(exc)}")
    folder = missing.parent
    why = "the folder is not writable" if not os.access(folder, os.W_OK) else first_line(exc)
    return DatabaseError(f"{target.label}: cannot create the SQLite file in {folder}: {why}")


def _write_lock(target: Target, waits: Waits) -> Callable[[sa.Connection], None] | None:
    """How a SQLite migration takes the write lock: at once, or after saying it waits for
    another writer, up to ``waits.lock_timeout`` (None: BEGIN IMMEDIATE with the busy timeout)."""
    timeout, say = waits.lock_timeout, waits.say
    if timeout is None or say is None:
        return None

    def take(connection: sa.Connection) -> None:
        busy = _ms(waits.busy_timeout)
        connection.exec_driver_sql("PRAGMA busy_timeout = 0")
        try:
            if _try_begin_immediate(connection):
                return
            say(
                f"{target.label}: {sqlite_writer(sqlite_path(target.url))} holds the SQLite "
                f"write lock; waiting up to {timeout:g}s for it to finish"
            )
            # In short tries, not one long busy wait: Python runs a signal's handler (Ctrl-C)
            # only once SQLite's busy handler returns.
            deadline = time.monotonic() + timeout
            while (left := deadline - time.monotonic()) > 0:
                connection.exec_driver_sql(f"PRAGMA busy_timeout = {_ms(min(left, _LOCK_POLL))}")
                if _try_begin_immediate(connection):
                    return
            raise DatabaseError(
                f"{target.label}: {sqlite_writer(sqlite_path(target.url))} still holds the "
                f"SQLite write lock after {timeout:g}s; nothing was applied. Run again when "
                "it is done, or wait longer with --lock-timeout (migrate_lock_timeout)"
            )
        finally:
            if not connection.invalidated:  # an interrupt in a statement drops the connection
                connection.exec_driver_sql(f"PRAGMA busy_timeout = {busy}")

    return take


def _try_begin_immediate(connection: sa.Connection) -> bool:
    """``BEGIN IMMEDIATE``; False when another connection holds the lock (SQLITE_BUSY)."""
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except sa.exc.OperationalError as exc:
        if getattr(exc.orig, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY:
            return False
        raise
    return True


@contextmanager
def sqlite_transaction(
    connection: sa.Connection,
    *,
    write: bool = True,
    lock: Callable[[sa.Connection], None] | None = None,
) -> Iterator[None]:
    """The block in one real SQLite transaction, with foreign keys off and checked before COMMIT.

    ``connection`` must not be in a transaction. Two things are taken over from the defaults:

    * pysqlite's implicit transactions: it BEGINs only before INSERT/UPDATE/DELETE, so a CREATE
      or DROP TABLE that comes first runs in autocommit and survives a later failure. The driver's
      handling is switched off and the block runs inside an explicit ``BEGIN IMMEDIATE`` (the
      write lock taken at once; plain ``BEGIN`` when ``write`` is false): SQLite's DDL is
      transactional, so schema, data and ``alembic_version`` commit or roll back together.
    * foreign keys: batch mode recreates a table (copy, DROP, RENAME); with enforcement on, the
      DROP deletes every ON DELETE CASCADE child row (and nulls SET NULL ones). ``PRAGMA
      foreign_keys`` is a no-op inside a transaction, so it is switched OFF before BEGIN;
      ``PRAGMA foreign_key_check`` runs before COMMIT, and a violation rolls everything back
      (``MigrationFailed``). The connection's previous setting is restored afterwards.
    * the RENAME that ends a batch rebuild: see ``legacy_batch_renames``.

    ``lock``, when given, takes the write lock in place of a plain ``BEGIN IMMEDIATE`` (a
    migration waits for another one, saying so). A connection that SQLAlchemy dropped on the
    way out (an interrupt in a statement closes it, and SQLite rolls back) needs no restoring.
    """
    raw: Any = connection.connection.driver_connection
    if raw.in_transaction:
        raise InternalError("sqlite_transaction needs a connection outside any transaction")
    isolation = raw.isolation_level
    foreign_keys = bool(raw.execute("PRAGMA foreign_keys").fetchone()[0])
    raw.isolation_level = None  # no implicit BEGIN: ours is explicit
    raw.execute("PRAGMA foreign_keys = OFF")
    try:
        with connection.begin():
            if write and lock is not None:
                lock(connection)
            else:
                connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
            with legacy_batch_renames(connection):
                yield
            if write:
                check_foreign_keys(connection)
    finally:
        if not connection.invalidated and not connection.closed:
            raw.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
            raw.isolation_level = isolation


# The statement that ends a batch rebuild: Alembic's copy renamed to the table's name.
_BATCH_RENAME = re.compile(
    r'\s*ALTER\s+TABLE\s+(?:"?main"?\.)?"?_alembic_tmp_[^\s"]*"?\s+RENAME\s+TO\s', re.IGNORECASE
)


@contextmanager
def legacy_batch_renames(connection: sa.Connection) -> Iterator[None]:
    """Batch mode's closing RENAME (``_alembic_tmp_<t>`` to ``<t>``) runs with ``PRAGMA
    legacy_alter_table = ON``, every other statement with it OFF.

    Why: the rebuild has just dropped ``<t>``, and since SQLite 3.26 a RENAME re-reads every
    trigger and view of the schema, so one of ANOTHER table that names ``<t>`` fails it ("error
    in trigger ...: no such table"). The legacy RENAME reads none of them, and once ``<t>`` is
    back they work as before. It is switched on for that statement only: the legacy RENAME also
    leaves triggers and views naming a renamed table unchanged, which would break them after an
    ``op.rename_table``. The connection's own setting is restored afterwards."""
    raw: Any = connection.connection.driver_connection
    original = bool(raw.execute("PRAGMA legacy_alter_table").fetchone()[0])
    state = {"legacy": original}

    def before(conn: sa.Connection, cursor: Any, statement: str, *rest: Any) -> None:
        wanted = _BATCH_RENAME.match(statement) is not None
        if wanted != state["legacy"]:
            cursor.execute(f"PRAGMA legacy_alter_table = {'ON' if wanted else 'OFF'}")
            state["legacy"] = wanted

    sa.event.listen(connection, "before_cursor_execute", before)
    try:
        yield
    finally:
        sa.event.remove(connection, "before_cursor_execute", before)
        if state["legacy"] != original and not connection.invalidated and not connection.closed:
            raw.execute(f"PRAGMA legacy_alter_table = {'ON' if original else 'OFF'}")


def check_foreign_keys(connection: sa.Connection) -> None:
    """``PRAGMA foreign_key_check`` over the whole SQLite database; a violation raises
    ``MigrationFailed`` naming the first table and its parent."""
    rows = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if not rows:
        return
    counts = Counter((str(row[0]), str(row[2])) for row in rows)
    (table, parent), n = next(iter(counts.items()))
    more = f" (and {len(rows) - n} more in other tables)" if len(rows) > n else ""
    raise MigrationFailed(
        f"foreign key check failed: {n} row(s) of {table} point at no row of {parent}{more}"
    )


# Serializing `migrate remote`: a PostgreSQL advisory lock.
# One key for every twinschema migration of a database (advisory locks are per database); derived
# from a name so that it does not collide with small integers an application may lock.
LOCK_KEY = int.from_bytes(hashlib.sha256(b"twinschema migrate").digest()[:8], "big", signed=True)


_LOCK_POLL = 0.25  # seconds between two tries while waiting


def acquire_migration_lock(
    connection: sa.Connection, timeout: float, say: Callable[[str], None], label: str
) -> None:
    """Take the migration lock for the connection's transaction (``pg_try_advisory_xact_lock``:
    released by COMMIT, ROLLBACK or the session's end, even a killed one), waiting up to
    ``timeout`` seconds and saying so; a timeout is a ``DatabaseError`` (exit 3)."""
    query = sa.text("SELECT pg_try_advisory_xact_lock(:key)")
    if connection.execute(query, {"key": LOCK_KEY}).scalar():
        return
    holder = _lock_holder(connection)
    say(
        f"{label}: another migration holds the migration lock ({holder}); "
        f"waiting up to {timeout:g}s for it to finish"
    )
    deadline = time.monotonic() + timeout
    while True:
        time.sleep(max(0.0, min(_LOCK_POLL, deadline - time.monotonic())))
        if connection.execute(query, {"key": LOCK_KEY}).scalar():
            return
        if time.monotonic() >= deadline:
            raise DatabaseError(
                f"{label}: another migration still holds the migration lock after {timeout:g}s "
                f"({_lock_holder(connection)}); nothing was applied. Run again when it is "
                "done, or wait longer with --lock-timeout (migrate_lock_timeout)"
            )


def _lock_holder(connection: sa.Connection) -> str:
    """Which session holds the lock, as a user can look it up in pg_stat_activity."""
    unsigned = LOCK_KEY & 0xFFFFFFFFFFFFFFFF
    pid = connection.execute(
        sa.text(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND classid = :hi AND objid = :lo AND objsubid = 1"
        ),
        {"hi": unsigned >> 32, "lo": unsigned & 0xFFFFFFFF},
    ).scalar()
    return f"PostgreSQL backend pid {pid}" if pid is not None else "its session just ended"


def notice_a_dead_client(connection: sa.Connection) -> None:
    """Have the server abort this session's transaction soon after the client dies (SIGKILL),
    instead of finishing a long statement first (PostgreSQL 14+). The transaction is rolled
    back either way; this only shortens how long the lock outlives its client."""
    version = connection.execute(sa.text("SHOW server_version_num")).scalar()
    if int(str(version)) >= 140000:
        connection.execute(
            sa.text("SELECT set_config('client_connection_check_interval', '1s', false)")
        )
