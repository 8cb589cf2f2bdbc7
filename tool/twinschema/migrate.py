"""``twinschema migrate``: bring one side's database to the head of its Alembic chain.

Alembic is configured in code, never from an ``alembic.ini``: ``alembic_config`` points
``script_location`` at ``[tool.twinschema.<dialect>].migrations`` and hands the database to the
chain's ``env.py`` through ``Config.attributes`` (so a URL with a password is never written to a
file, and never printed: output names databases with ``urls.redact``):

* ``attributes["connection"]``: an open SQLAlchemy connection to run on (online mode); the caller
  owns its transaction, so a later lock or check can share it;
* ``attributes["url"]``: the URL, for offline ``--sql`` rendering (and online when no connection
  is given).

The steps are small functions so later commands can build on them: ``resolve_target`` (which
database), ``alembic_config`` (a chain's Config), ``head_revision`` / ``current_revisions`` /
``pending_revisions`` (where a chain and a database are), ``connect`` / ``sqlite_transaction``
(one real transaction, SQLite foreign keys handled), ``acquire_migration_lock`` (PostgreSQL),
``upgrade`` / ``downgrade``, ``capture_statements`` (a dry run's SQL), and ``migrate`` (the
command: all of the above, linted first, reported in lines; see its docstring for the order and
the guarantees).

A ``--to`` behind the database downgrades, only with ``--yes-downgrade`` (or ``--dry-run``),
in the same transaction and with the lint read over the ``downgrade()`` of what it undoes.
``stamp`` writes ``alembic_version`` only, in the same kind of transaction.

Exit codes: 0 done (or nothing to do); 1 the destructive-change lint refused a revision
(``Refused``, nothing applied); 2 bad flags or chain (``--to`` behind the database without
``--yes-downgrade``, an unknown revision, several heads); 3 the database could not be reached
(within ``connect_timeout``), the migration lock (PostgreSQL) or the file's write lock (SQLite)
was not granted within
``--lock-timeout``, or the migration failed and was rolled back (``MigrationFailed``: a
statement, the revision's own Python, or SQLite's foreign key check found orphans); 130 / 143
SIGINT / SIGTERM stopped it, and it was rolled back (``MigrationInterrupted``).
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import signal
import sqlite3
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util import CommandError
from sqlalchemy import event
from sqlalchemy.engine import URL

from twinschema import embedded
from twinschema.config import EMBEDDED, SIDES, URL_FLAG, Config, Database
from twinschema.errors import (
    EXIT_DRIFT,
    DatabaseError,
    InternalError,
    TwinschemaError,
    UsageError,
)
from twinschema.paths import shown
from twinschema.urls import first_line, parse_url, redact, scrub

# The two sides of the application, as the command line names them.

HEAD = "head"
BASE = "base"
# Which function of each revision runs (as ``twinschema.lint`` names them).
UPGRADE, DOWNGRADE = "upgrade", "downgrade"


@dataclass(frozen=True)
class Target:
    """A database to migrate: its dialect, its URL (with any secret) and its redacted label."""

    dialect: str
    url: URL
    note: str | None = None  # said once before anything else, e.g. that the embedded server is used
    database: Database | None = None  # which database, and why (see ``Config.database``)

    @property
    def label(self) -> str:
        """The URL without secrets, for every line of output."""
        return redact(self.url)

    @property
    def secret_url(self) -> str:
        """The URL with its password, for the driver only: never print it."""
        return self.url.render_as_string(hide_password=False)


@dataclass(frozen=True)
class Outcome:
    """What ``migrate`` did (or, in a dry run, would do)."""

    label: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    head: str | None
    dry_run: bool = False
    action: str = "upgrade"  # or "downgrade" (``--yes-downgrade``), "stamp"

    @property
    def changed(self) -> bool:
        """True when the database moved (or, in a dry run, would move)."""
        return self.before != self.after

    def describe(self) -> str:
        """One line: ``<url>: upgraded from base to 0001 (head)`` or ``... already at ...``."""
        after = _revs(self.after) + (" (head)" if self.after == (self.head,) else "")
        if not self.changed:
            return f"{self.label}: already at {after}; nothing to do"
        verb = f"would {self.action}" if self.dry_run else f"{self.action.rstrip('e')}ed"
        return f"{self.label}: {verb} from {_revs(self.before)} to {after}"


def _revs(revisions: tuple[str, ...]) -> str:
    return ", ".join(revisions) if revisions else BASE


# ---------------------------------------------------------------------------------------------
# Which database


def side_dialect(side: str) -> str:
    """``sqlite`` for ``local``, ``postgresql`` for ``remote``."""
    try:
        return SIDES[side]
    except KeyError:
        raise UsageError(f"unknown side {side!r}: use one of {', '.join(SIDES)}") from None


@contextmanager
def resolve_target(
    config: Config,
    dialect: str,
    environ: Mapping[str, str] | None = None,
    flag: str | None = None,
) -> Iterator[Target]:
    """The database of ``dialect`` as ``Config.database`` decides it (``flag``, variable,
    ``default_url``), or for PostgreSQL with none, the embedded server (started for the block,
    stopped after it unless it was already running). ``Target.note`` carries the line to say
    first: a variable ignored, the embedded server used."""
    chosen = config.database(dialect, flag, environ)
    with _target_of(config, chosen) as target:
        yield target


@contextmanager
def _target_of(config: Config, chosen: Database) -> Iterator[Target]:
    if chosen.url is not None:
        yield Target(chosen.dialect, parse_url(chosen.url), note=chosen.note, database=chosen)
        return
    if chosen.origin != EMBEDDED:
        why = f"{chosen.note}; " if chosen.note else ""
        name = config.url_env_name(chosen.dialect)
        raise UsageError(
            f"{why}no {chosen.dialect} database: set {name} or pass {URL_FLAG[chosen.dialect]}"
        )
    server = embedded.start(config.embedded_dir)
    try:
        yield Target(chosen.dialect, parse_url(server.url()), note=chosen.note, database=chosen)
    finally:
        server.stop()


def sqlite_path(url: URL) -> Path | None:
    """The file of a SQLite URL (None for an in-memory database)."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


# ---------------------------------------------------------------------------------------------
# Alembic, configured in code


def alembic_config(
    config: Config,
    dialect: str,
    *,
    url: URL | None = None,
    connection: sa.Connection | None = None,
    output: TextIO | None = None,
) -> AlembicConfig:
    """The Alembic ``Config`` of ``dialect``'s chain, with no ini file; see the module docstring."""
    folder = config.side(dialect).migrations
    if folder is None:
        raise UsageError(f"{config.source}: [tool.twinschema.{dialect}] sets no 'migrations'")
    if not (folder / "env.py").is_file():
        raise UsageError(f"{folder}: not an Alembic environment (no env.py)")
    _importable(config.root)
    cfg = AlembicConfig(output_buffer=output, stdout=output or sys.stdout)
    # Values go through configparser interpolation: a literal % must be doubled.
    cfg.set_main_option("script_location", str(folder).replace("%", "%%"))
    cfg.set_main_option("file_template", "%%(rev)s")  # versions/<revision id>.py
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["dialect"] = dialect
    if url is not None:
        cfg.attributes["url"] = url.render_as_string(hide_password=False)
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def _importable(root: Path) -> None:
    """The project root on ``sys.path``: each env.py imports the application's ``schemas``."""
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))


def script_directory(cfg: AlembicConfig) -> ScriptDirectory:
    """The chain's revisions."""
    try:
        return ScriptDirectory.from_config(cfg)
    except CommandError as exc:
        raise UsageError(f"Alembic: {exc}") from None


def head_revision(cfg: AlembicConfig) -> str | None:
    """The chain's single head (None for an empty chain); several heads are an error."""
    heads = script_directory(cfg).get_heads()
    if len(heads) > 1:
        folder = cfg.get_main_option("script_location")
        raise UsageError(
            f"{folder}: the chain has {len(heads)} heads ({', '.join(sorted(heads))}); "
            "merge them with `alembic merge` first"
        )
    return heads[0] if heads else None


def current_revisions(connection: sa.Connection) -> tuple[str, ...]:
    """The revisions a database is at (empty at base, i.e. no ``alembic_version`` row)."""
    return tuple(MigrationContext.configure(connection).get_current_heads())


def is_behind(cfg: AlembicConfig, current: tuple[str, ...], target: str) -> bool:
    """True when ``target`` is an ancestor of ``current``: reaching it would mean a downgrade."""
    if not current or target == HEAD:
        return False
    script = script_directory(cfg)
    try:
        target_rev = script.get_revision(target)
        if target_rev is None:  # "base"
            return True
        ancestors = {rev.revision for head in current for rev in script.walk_revisions(BASE, head)}
    except (CommandError, RevisionError) as exc:
        raise UsageError(f"Alembic: {exc}") from None
    return target_rev.revision in ancestors and target_rev.revision not in current


_RELATIVE = re.compile(r"^([-+])(\d+)$")


def resolve_to(cfg: AlembicConfig, current: tuple[str, ...], to: str) -> str:
    """``--to`` as a revision Alembic can reach from ``current``: ``-N`` / ``+N`` (Alembic's
    relative steps) become the revision N steps below / above the database's; anything else is
    kept."""
    found = _RELATIVE.match(to)
    if found is None:
        return to
    steps = int(found.group(2))
    if found.group(1) == "+":
        ahead = pending_revisions(cfg, current, HEAD)
        if steps > len(ahead):
            raise UsageError(
                f"--to {to}: the chain has {len(ahead)} revision(s) above {_revs(current)}"
            )
        return ahead[steps - 1].revision if steps else (current[0] if current else BASE)
    if len(current) != 1:
        at = _revs(current)
        raise UsageError(f"--to {to}: the database is at {at}; name the revision to reach")
    script = script_directory(cfg)
    revision: str | None = current[0]
    for _ in range(steps):
        if revision is None:
            raise UsageError(f"--to {to}: the chain has fewer revisions below {current[0]}")
        below = script.get_revision(revision)
        down = below.down_revision if below is not None else None
        if isinstance(down, tuple | list):
            raise UsageError(f"--to {to}: {revision} merges {len(down)} revisions; name one")
        revision = down
    return revision or BASE


def undone_revisions(cfg: AlembicConfig, current: tuple[str, ...], target: str) -> list[Script]:
    """The revisions a downgrade from ``current`` to ``target`` undoes, in the order their
    ``downgrade()`` runs (the newest first)."""
    script = script_directory(cfg)
    return list(script.iterate_revisions(current, target))


def upgrade(cfg: AlembicConfig, target: str = HEAD) -> None:
    """Upgrade on ``cfg.attributes["connection"]`` (or its URL) to ``target``."""
    command.upgrade(cfg, target)


def downgrade(cfg: AlembicConfig, target: str = BASE) -> None:
    """Downgrade on ``cfg.attributes["connection"]`` (or its URL) to ``target``."""
    command.downgrade(cfg, target)


def pending_revisions(
    cfg: AlembicConfig, current: tuple[str, ...], target: str = HEAD
) -> list[Script]:
    """The revisions an upgrade from ``current`` to ``target`` applies, in the order it applies
    them (empty when there is nothing to do)."""
    script = script_directory(cfg)
    lower = current if current else None
    return list(reversed(list(script.iterate_revisions(target, lower, implicit_base=True))))


# ---------------------------------------------------------------------------------------------
# Connections, with errors a user can act on


class MigrationFailed(DatabaseError):
    """A migration failed (a statement, or the foreign key check before COMMIT) and everything it
    did was rolled back. Exit code 3, as for any database that refused: the user's data or a
    revision must change, and the message names the revision, the table and the revision the
    database is still at."""


class Refused(TwinschemaError):
    """The destructive-change lint refused a revision that lacks an allow marker; nothing was
    applied. Exit code 1, as for differences: the revisions, not the databases, need work."""

    exit_code = EXIT_DRIFT


class MigrationInterrupted(DatabaseError):
    """SIGINT (Ctrl-C) during a migration: everything it did was rolled back (or, when the signal
    came during COMMIT, the migration completed first). The exit code is the shell's for a
    process stopped by the signal, 128 + its number: 130."""

    exit_code = 128 + signal.SIGINT


class MigrationTerminated(MigrationInterrupted):
    """SIGTERM during a migration, handled as SIGINT is; exit code 143."""

    exit_code = 128 + signal.SIGTERM


def _interruption(message: str, signum: int) -> MigrationInterrupted:
    """The error for a migration stopped by ``signum``."""
    if signum == signal.SIGTERM:
        return MigrationTerminated(message)
    return MigrationInterrupted(message)


class _Signalled(KeyboardInterrupt):
    """Raised in the main thread by SIGINT or SIGTERM during a migration. A KeyboardInterrupt,
    so that psycopg cancels the running query and SQLAlchemy drops the connection, as for Ctrl-C:
    the server (or SQLite) then rolls the transaction back."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class _SignalGuard:
    """While armed, the first SIGINT or SIGTERM raises ``_Signalled``; once disarmed (the COMMIT
    is under way) or after that first one, a signal is only remembered, so that a rollback or a
    commit is never cut in the middle."""

    def __init__(self) -> None:
        self.armed = True
        self.received: int | None = None

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if self.received is None:
            self.received = signum
        if self.armed:
            self.armed = False
            raise _Signalled(signum)


_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def _signals_roll_back() -> Iterator[_SignalGuard]:
    """SIGINT and SIGTERM handled by a ``_SignalGuard`` for the block (main thread only: Python
    delivers signals there), the previous handlers restored after it."""
    guard = _SignalGuard()
    if threading.current_thread() is not threading.main_thread():
        yield guard
        return
    previous = {signum: signal.getsignal(signum) for signum in _STOP_SIGNALS}
    for signum in _STOP_SIGNALS:
        signal.signal(signum, guard)
    try:
        yield guard
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)


class _RollBack(Exception):
    """Leaves a dry run's transaction through its rollback."""


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
    """The folder of a SQLite file about to be created; a folder that cannot be made is a
    database problem (exit 3), said in one line."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
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
                f"{target.label}: {_sqlite_writer(sqlite_path(target.url))} holds the SQLite "
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
                f"{target.label}: {_sqlite_writer(sqlite_path(target.url))} still holds the "
                f"SQLite write lock after {timeout:g}s; nothing was applied. Run again when "
                "it is done, or wait longer with --lock-timeout (migrate_lock_timeout)"
            )
        finally:
            if not connection.invalidated:  # an interrupt in a statement drops the connection
                connection.exec_driver_sql(f"PRAGMA busy_timeout = {busy}")

    return take


# SQLite's write lock in rollback-journal mode: a POSIX lock on the RESERVED byte, one past
# PENDING_BYTE (0x40000000), held from BEGIN IMMEDIATE to COMMIT.
_RESERVED_BYTE = 0x40000001
_SOMEONE = "another connection (another migration, or the application writing)"


def _sqlite_writer(path: Path | None) -> str:
    """Who holds the write lock on a SQLite file, as a user can look it up: the process and its
    command, read from Linux's ``/proc/locks`` (``another migration (process 123: twinschema
    migrate local)``); a general phrase where that cannot be told (another system, WAL mode)."""
    if path is None:
        return _SOMEONE
    try:
        found = path.stat()
        locks = Path("/proc/locks").read_text()
    except OSError:
        return _SOMEONE
    for line in locks.splitlines():
        # "1: POSIX  ADVISORY  WRITE 4242 fe:00:2147318 1073741825 1073741825" (waiters: "->").
        # Matched by inode number alone: on overlay file systems (containers) the device shown
        # is the layer's, not the one stat() gives; SQLite's lock byte makes a mix-up unlikely.
        fields = line.split()
        if len(fields) < 8 or fields[1] != "POSIX":
            continue
        if fields[5].rpartition(":")[2] != str(found.st_ino):
            continue
        start, end = int(fields[6]), fields[7]
        if start <= _RESERVED_BYTE and (end == "EOF" or int(end) >= _RESERVED_BYTE):
            return _process(int(fields[4]))
    return _SOMEONE


def _process(pid: int) -> str:
    """A process by its id and what it runs, e.g. ``another migration (process 123: twinschema
    migrate local)``. Only the program's name is shown, and for twinschema its command and side:
    never the rest of a command line, which may hold a password."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return f"another connection (process {pid})"
    names = [Path(arg).name for arg in argv if arg]
    if "twinschema" not in names:
        return f"another connection (process {pid}: {names[0] if names else '?'})"
    words = names[names.index("twinschema") + 1 :][:2]
    if words and words[0] == "migrate" and words[1:] in (["local"], ["remote"]):
        return f"another migration (process {pid}: twinschema {' '.join(words)})"
    return f"another connection (process {pid}: twinschema)"


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
            yield
            if write:
                check_foreign_keys(connection)
    finally:
        if not connection.invalidated and not connection.closed:
            raw.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
            raw.isolation_level = isolation


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


# ---------------------------------------------------------------------------------------------
# Serializing `migrate remote`: a PostgreSQL advisory lock

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


def _notice_a_dead_client(connection: sa.Connection) -> None:
    """Have the server abort this session's transaction soon after the client dies (SIGKILL),
    instead of finishing a long statement first (PostgreSQL 14+). The transaction is rolled
    back either way; this only shortens how long the lock outlives its client."""
    version = connection.execute(sa.text("SHOW server_version_num")).scalar()
    if int(str(version)) >= 140000:
        connection.execute(
            sa.text("SELECT set_config('client_connection_check_interval', '1s', false)")
        )


# ---------------------------------------------------------------------------------------------
# Dry runs: the real statements, in a transaction that is rolled back

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


def _write_sql(output: TextIO | None, dialect: str, statements: list[str]) -> None:
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


# ---------------------------------------------------------------------------------------------
# The command


def migrate(
    config: Config,
    side: str,
    *,
    to: str = HEAD,
    dry_run: bool = False,
    lock_timeout: float | None = None,
    echo: Callable[[str], None] = print,
    output: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
    url: str | None = None,
    allow_downgrade: bool = False,
) -> Outcome:
    """Upgrade ``side`` (``local`` or ``remote``) to ``to``, reporting in lines through ``echo``.

    A ``to`` behind the database (a revision it is past, ``base``, or ``-N``) is a downgrade:
    refused with one line naming what it would undo (``UsageError``, exit 2, nothing changed)
    unless ``allow_downgrade`` (``--yes-downgrade``) or ``dry_run``. It runs as an upgrade
    does, in one transaction with every guarantee below, and the destructive-change lint reads
    the ``downgrade()`` of each revision undone (``allow_destructive_downgrade`` lets a change
    through; a table or column that holds no data on the live database loses nothing).

    The database is ``url`` (``--sqlite-url`` / ``--postgres-url``) when given, else the side's
    variable, ``default_url`` or the embedded server (``Config.database``).

    In order, inside one transaction: take the migration lock (PostgreSQL: other runs wait up to
    ``lock_timeout`` seconds, ``config.migrate_lock_timeout`` by default), read where the database
    is, lint the revisions about to be applied (``Refused``, exit 1, when one is destructive
    without an allow marker), upgrade, check foreign keys (SQLite), COMMIT. Any failure rolls
    back everything: the database stays at the revision it had (``MigrationFailed``, exit 3).

    A dry run does all of that and then rolls back, printing the statements it sent to
    ``output`` (stdout): exactly what a real run would send, SQLite batch operations included
    (rendered against the live tables, which Alembic's offline mode cannot reflect). The report
    lines are prefixed with ``-- `` so that the whole output stays valid SQL. A SQLite file that
    does not exist is never created: the dry run runs on an empty in-memory database instead.
    """
    dialect = side_dialect(side)
    say = (lambda line: echo(f"-- {line}")) if dry_run else echo
    timeout = config.migrate_lock_timeout if lock_timeout is None else lock_timeout
    with resolve_target(config, dialect, environ, url) as target:
        if target.note:
            say(target.note)
        with _as_user_errors(target.label):
            outcome = _migrate(
                config,
                target,
                dry_run,
                timeout,
                say,
                output,
                lambda connection, state: _upgrade_in(
                    config, target, connection, to, dry_run, say, state, allow_downgrade
                ),
            )
    say(outcome.describe())
    return outcome


@contextmanager
def _as_user_errors(label: str) -> Iterator[None]:
    """What Alembic or the driver raise while ``migrate`` or ``stamp`` runs, as the one-line
    errors of their exit codes: a revision Alembic cannot find or order (2), a database
    that fails (3)."""
    try:
        yield
    except (CommandError, RevisionError) as exc:
        raise UsageError(f"{label}: Alembic: {scrub(str(exc))}") from None
    except sa.exc.DBAPIError as exc:
        raise DatabaseError(f"{label}: {first_line(exc)}") from None


def stamp(
    config: Config,
    side: str,
    revision: str,
    *,
    purge: bool = False,
    lock_timeout: float | None = None,
    echo: Callable[[str], None] = print,
    environ: Mapping[str, str] | None = None,
    url: str | None = None,
) -> Outcome:
    """``twinschema stamp local|remote REV``: record ``side``'s database at ``revision`` of its
    chain (``base`` empties the record) without running any revision: only ``alembic_version``
    is written, in one transaction taken as ``migrate`` takes it (the PostgreSQL migration lock,
    the SQLite write lock). ``purge`` first forgets revisions the chain does not know (Alembic's
    ``stamp --purge``). The database is chosen as ``migrate`` chooses it; a missing SQLite file
    is an error, never a new database. An unknown revision is a ``UsageError`` (exit 2)."""
    dialect = side_dialect(side)
    timeout = config.migrate_lock_timeout if lock_timeout is None else lock_timeout
    with resolve_target(config, dialect, environ, url) as target:
        if target.note:
            echo(target.note)
        with _as_user_errors(target.label):
            outcome = _migrate(
                config,
                target,
                False,
                timeout,
                echo,
                None,
                lambda connection, state: _stamp_in(
                    config, target, connection, revision, purge, state
                ),
                create=False,
            )
    written = "; only alembic_version was written, no revision ran" if outcome.changed else ""
    echo(outcome.describe() + written)
    return outcome


def _stamp_in(
    config: Config,
    target: Target,
    connection: sa.Connection,
    revision: str,
    purge: bool,
    state: dict[str, Any],
) -> Outcome:
    """The stamp inside the caller's transaction."""
    cfg = alembic_config(config, target.dialect, url=target.url, connection=connection)
    head = head_revision(cfg)
    before = state["before"] = current_revisions(connection)
    script = script_directory(cfg)
    if revision not in (BASE, HEAD, "heads"):
        script.get_revision(revision)  # an unknown revision: CommandError, said as exit 2
    command.stamp(cfg, revision, purge=purge)
    after = current_revisions(connection)
    return Outcome(target.label, before, after, head, action="stamp")


def left_alone(
    config: Config,
    side: str,
    url: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> str | None:
    """``migrate --owned-only`` (``make check-sync``): None when ``side``'s database is one the
    project owns (the embedded server, the ``default_url`` file under ``var/``), which may be
    migrated; else the one line saying that the user's database is left as it is, for ``check``
    to report (``migration_state``) if it is behind its chain."""
    chosen = config.database(side_dialect(side), url, environ)
    if chosen.owned:
        return None
    if chosen.url is None:
        why = chosen.note or f"{config.url_env_name(chosen.dialect)} is not set"
        return f"no {chosen.dialect} database ({why}): nothing to migrate"
    label = redact(parse_url(chosen.url))
    why = f"named by {chosen.origin}" if chosen.named else "outside the project's var/"
    return (
        f"{label}: {why}, not a database this project owns: left as it is (--owned-only); "
        f"`twinschema check` says whether it is behind its chain"
    )


# The work ``_migrate`` runs in its transaction: (connection, state) -> what it did. ``state``
# receives "before" (the revisions the database was at) and, for a dry run, "statements".
_Body = Callable[[sa.Connection, dict[str, Any]], Outcome]


def _migrate(
    config: Config,
    target: Target,
    dry_run: bool,
    timeout: float,
    say: Callable[[str], None],
    output: TextIO | None,
    body: _Body,
    create: bool = True,
) -> Outcome:
    """``body`` (an upgrade, a downgrade, a stamp) in one transaction, with the migration lock
    (PostgreSQL) or the write lock and foreign keys handled (SQLite), SIGINT and SIGTERM turned
    into a rollback. ``create``: a missing SQLite file may be created (a stamp may not)."""
    work = target
    path = sqlite_path(target.url) if target.dialect == "sqlite" else None
    if dry_run and path is not None and not path.exists():
        work = Target("sqlite", parse_url("sqlite://"))  # connecting would create the file
    state: dict[str, Any] = {}
    waits = Waits.of(config, lock_timeout=timeout, say=say)
    with _signals_roll_back() as guard:
        try:
            with connect(
                work, create=create and not dry_run, write=True, waits=waits
            ) as connection:
                if target.dialect == "postgresql":
                    _notice_a_dead_client(connection)
                    acquire_migration_lock(connection, timeout, say, target.label)
                outcome = body(connection, state)
                if dry_run and outcome.changed:
                    raise _RollBack
                guard.armed = False  # COMMIT (and SQLite's foreign key check) is not cut short
        except _RollBack:
            _write_sql(output, target.dialect, state["statements"])
        except _Signalled as exc:
            raise _interruption(_interrupted(target, state), exc.signum) from None
        except MigrationFailed as exc:
            rolled_back = "" if dry_run else "; rolled back"
            where = f"the database is still at {_revs(state.get('before', ()))}"
            raise MigrationFailed(f"{target.label}: {exc.message}{rolled_back}: {where}") from None
    if guard.received is not None:
        say(outcome.describe())
        raise _interruption(
            f"{target.label}: interrupted while committing; the migration completed first: "
            f"the database is at {_revs(outcome.after)}",
            guard.received,
        )
    return outcome


def _interrupted(target: Target, state: Mapping[str, Any]) -> str:
    """The line for a migration stopped by a signal: where the database still is."""
    if "before" not in state:
        return f"{target.label}: interrupted; nothing was applied"
    return f"{target.label}: interrupted; rolled back: the database is still at {_revs(state['before'])}"


def _upgrade_in(
    config: Config,
    target: Target,
    connection: sa.Connection,
    to: str,
    dry_run: bool,
    say: Callable[[str], None],
    state: dict[str, Any],
    allow_downgrade: bool = False,
) -> Outcome:
    """The upgrade (or downgrade) inside the caller's transaction (which the caller commits or
    rolls back)."""
    applied: list[str] = []
    cfg = alembic_config(config, target.dialect, url=target.url, connection=connection)
    cfg.attributes["on_version_apply"] = lambda *, step, **_: applied.append(step.up_revision_id)
    head = head_revision(cfg)
    before = state["before"] = current_revisions(connection)
    asked, to = to, resolve_to(cfg, before, to)
    down = is_behind(cfg, before, to)
    if down:
        pending = undone_revisions(cfg, before, to)
        if not (allow_downgrade or dry_run):
            _refuse_downgrade(target, before, asked if asked == to else f"{asked} ({to})", pending)
    else:
        pending = pending_revisions(cfg, before, to)
    if not pending:
        return Outcome(target.label, before, before, head, dry_run=dry_run)
    _lint(config, target, connection, pending, say, DOWNGRADE if down else UPGRADE)
    with capture_statements(connection) as statements:
        state["statements"] = statements
        try:
            (downgrade if down else upgrade)(cfg, to)
            if target.dialect == "sqlite" and dry_run:
                check_foreign_keys(connection)  # a real run checks just before its COMMIT
        except Exception as exc:  # a statement, or the revision's own Python: rolled back
            failed = next((s.revision for s in pending if s.revision not in applied), "?")
            raise MigrationFailed(f"revision {failed} failed: {_cause(exc)}") from None
    after = current_revisions(connection)
    return Outcome(
        target.label, before, after, head, dry_run=dry_run, action=DOWNGRADE if down else UPGRADE
    )


def _cause(exc: Exception) -> str:
    """What made a revision fail, in one line: the database's message, or the Python error's
    type and message."""
    if isinstance(exc, sa.exc.DBAPIError | TwinschemaError):
        return first_line(exc)
    return f"{type(exc).__name__}: {first_line(exc)}".rstrip(": ")


def _lint(
    config: Config,
    target: Target,
    connection: sa.Connection,
    pending: list[Script],
    say: Callable[[str], None],
    direction: str = UPGRADE,
) -> None:
    """The destructive-change lint over the revisions about to be applied (their ``upgrade()``,
    or for a downgrade their ``downgrade()``), on the live rows."""
    from twinschema import lint

    schema = config.postgres_schema if target.dialect == "postgresql" else None
    folder = config.side(target.dialect).migrations
    chain = shown(folder, config.root) if folder else target.dialect
    down = direction == DOWNGRADE
    result = lint.lint_scripts(
        pending,
        target.dialect,
        chain,
        config.root,
        lambda table: _has_rows(connection, table, schema),
        direction=direction,
        loses=(lambda change: _loses(connection, change, schema)) if down else None,
    )
    marker = lint.DOWNGRADE_MARKER if down else lint.MARKER
    of = "the downgrade of revision" if down else "revision"
    for finding in result.findings:
        if not finding.refused:
            say(
                f"allowed: {finding.where}: {of} {finding.revision} {finding.change.message} "
                f"(reason: {finding.reason})"
            )
    for finding in result.refused:
        say(
            f"refused: {finding.where}: {of} {finding.revision} {finding.change.message}; "
            f'if the data may go, add {marker} = {{"{finding.change.key}": "<why>"}}'
        )
    for revision, where, key in result.stale:
        say(f"refused: {where}: {of} {revision} allows {key!r}, but does no such thing")
    if not result.ok:
        n = len(result.refused) + len(result.stale)
        what = f"{n} change(s) of the downgrade" if down else f"{n} change(s)"
        raise Refused(
            f"{target.label}: the destructive-change lint refused {what} "
            "(listed above); nothing was applied"
        )


def _has_rows(connection: sa.Connection, table: str, schema: str | None) -> bool:
    if not sa.inspect(connection).has_table(table, schema=schema):
        return False
    query = sa.select(sa.literal(1)).select_from(sa.table(table, schema=schema)).limit(1)
    return connection.execute(query).first() is not None


def _loses(connection: sa.Connection, change: Any, schema: str | None) -> bool | None:
    """Whether a downgrade's change would lose data on the live database: a dropped table with
    rows, a dropped or narrowed column holding a value (False when there is nothing to lose;
    None, i.e. refused unless allowed, for what cannot be told)."""
    key = change.key.split(":", 1)[0]
    if key == "drop_table" and change.table is not None:
        return _has_rows(connection, change.table, schema)
    if key not in ("drop_column", "narrow_type") or change.table is None or not change.column:
        return None
    inspector = sa.inspect(connection)
    if not inspector.has_table(change.table, schema=schema):
        return False
    if change.column not in {c["name"] for c in inspector.get_columns(change.table, schema)}:
        return False
    column: sa.ColumnClause[Any] = sa.column(change.column)
    query = (
        sa.select(sa.literal(1))
        .select_from(sa.table(change.table, column, schema=schema))
        .where(column.is_not(None))
        .limit(1)
    )
    return connection.execute(query).first() is not None


def _refuse_downgrade(
    target: Target, before: tuple[str, ...], to: str, undone: list[Script]
) -> None:
    """A downgrade without ``--yes-downgrade``: one line naming what it would undo."""
    names = ", ".join(s.revision for s in undone)
    raise UsageError(
        f"{target.label}: is at {_revs(before)}; --to {to} is a downgrade: it would undo "
        f"{names} (running their downgrade()); pass --yes-downgrade to do it, or --dry-run to "
        "see its SQL"
    )
