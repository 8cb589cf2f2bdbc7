"""What a migration can end in besides success (failed and rolled back, refused by the lint,
interrupted by a signal), and the signal handling that turns SIGINT and SIGTERM into a rollback."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import FrameType
from typing import Any

import sqlalchemy as sa
from alembic.script.revision import RevisionError
from alembic.util import CommandError

from twinschema.errors import (
    EXIT_DRIFT,
    DatabaseError,
    TwinschemaError,
    UsageError,
)
from twinschema.migrations.migrate_chain import Target, revisions_text
from twinschema.urls import first_line, scrub


class MigrationFailed(DatabaseError):
    """A migration failed (a statement, or the foreign key check before COMMIT) and everything it
    did was rolled back. Exit code 3, as for any database that refused: the user's data or a
    revision must change, and the message names the revision, the table and the revision the
    database is still at."""


class AlreadyThere(DatabaseError):
    """A revision makes what the database already has, refused before any statement of it ran,
    as the database itself refuses such a statement (``already exists``): a SQLite batch copy
    adding a column the table has, which Alembic would recreate empty."""


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


def interruption(message: str, signum: int) -> MigrationInterrupted:
    """The error for a migration stopped by ``signum``."""
    if signum == signal.SIGTERM:
        return MigrationTerminated(message)
    return MigrationInterrupted(message)


class Signalled(KeyboardInterrupt):
    """Raised in the main thread by SIGINT or SIGTERM during a migration. A KeyboardInterrupt,
    so that psycopg cancels the running query and SQLAlchemy drops the connection, as for Ctrl-C:
    the server (or SQLite) then rolls the transaction back."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class _SignalGuard:
    """While armed, the first SIGINT or SIGTERM raises ``Signalled``; once disarmed (the COMMIT
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
            raise Signalled(signum)


_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def signals_roll_back() -> Iterator[_SignalGuard]:
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


class RollBack(Exception):
    """Leaves a dry run's transaction through its rollback."""


@contextmanager
def as_user_errors(label: str) -> Iterator[None]:
    """What Alembic or the driver raise while ``migrate`` or ``stamp`` runs, as the one-line
    errors of their exit codes: a revision Alembic cannot find or order (2), a database
    that fails (3)."""
    try:
        yield
    except (CommandError, RevisionError) as exc:
        raise UsageError(f"{label}: Alembic: {scrub(str(exc))}") from None
    except sa.exc.DBAPIError as exc:
        raise DatabaseError(f"{label}: {first_line(exc)}") from None


def interrupted_message(target: Target, state: Mapping[str, Any]) -> str:
    """The line for a migration stopped by a signal: where the database still is."""
    if "before" not in state:
        return f"{target.label}: interrupted; nothing was applied"
    at = revisions_text(state["before"])
    return f"{target.label}: interrupted; rolled back: the database is still at {at}"
