"""How a check opens a SQLite database *file* for reading: consistently, and without changing it.

A check must see either the database as last committed or nothing (a busy error): never a mix
of two states, and never a changed file (README: the file's bytes, mtime and folder are left as
they were). What that takes depends on the file's journal state (issue 14):

* **Rollback journal, no ``-wal``** (what ``twinschema migrate local`` makes): opened ``mode=ro``.
  SQLite's own locks give one snapshot per statement: a writer's uncommitted pages are in its
  cache, and once they spill into the file the writer holds an exclusive lock, so a reader
  waits (``busy_timeout``) and then fails busy. A *hot* journal (a writer killed mid-way) cannot
  be rolled back read-only; that is said in words, with what fixes it.
* **WAL mode, or any ``-wal`` beside the file**: read from a *private copy* of the file and its
  ``-wal``, made in a temporary folder and deleted when the connection closes. Opening the
  original, even read-only, creates or rewrites ``-shm`` (a crashed writer's index is rebuilt, a
  restored copy without ``-shm`` gets one), and ``immutable`` ignores the ``-wal`` (committed
  tables would be hidden) and takes no lock (a writer checkpointing during the read would tear
  it). The copy is accepted only if both files were the same before and after copying; SQLite
  then replays the committed frames of the copied ``-wal`` (uncommitted ones are ignored).
* **Not a regular file** (a FIFO, a socket, a device): refused before SQLite opens it (opening
  a FIFO blocks until something writes to it).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import tempfile
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from twinschema.errors import DatabaseError

# Bytes 18 and 19 of a database header: the file format write and read versions, 2 in WAL mode.
_WAL_HEADER = b"\x02\x02"
_MAGIC = b"SQLite format 3\x00"
_RETRY = 0.05  # seconds between two attempts at a stable copy
# A file modified less than this long ago may be modified again within the same tick of the
# file system's coarse clock without its mtime moving: a copy of it is not trusted yet.
_SETTLE_NS = 50_000_000


def connect(path: str, busy_timeout: float, *, probe: bool = True) -> sqlite3.Connection:
    """A read-only connection on a consistent state of the SQLite file at ``path``.

    ``path`` is checked first (missing, a directory, not a regular file: ``DatabaseError``,
    exit 3). A file in WAL mode, or with a ``-wal`` beside it, is read from a private copy (see
    the module docstring); any other is opened ``mode=ro``. With ``probe``, a first read happens
    here, so that a hot journal, a lock held past ``busy_timeout`` or a file that is not a
    database is reported now, in words (see ``explain``); without it (a background reader, which
    must not wait for a lock in the caller's thread) the caller reports its own read's error
    with ``explain``.
    """
    _check_path(path)
    if os.path.exists(path + "-wal") or _in_wal_mode(path):
        conn = _private_copy(path, busy_timeout)
    else:
        target = "file:" + quote(os.path.abspath(path)) + "?mode=ro"
        try:
            conn = sqlite3.connect(target, uri=True, timeout=busy_timeout, check_same_thread=False)
        except sqlite3.Error as exc:
            raise DatabaseError(f"{path}: cannot open SQLite database: {exc}") from None
    if not probe:
        return conn
    try:
        # Page 1's header only: takes and drops a read lock without parsing the schema.
        conn.execute("PRAGMA schema_version").fetchone()
    except sqlite3.Error as exc:
        conn.close()
        raise DatabaseError(explain(path, exc, busy_timeout)) from None
    return conn


def explain(path: str, exc: sqlite3.Error, busy_timeout: float) -> str:
    """The one-line message for a SQLite error met while reading ``path``: what happened and,
    where there is one, what fixes it."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code == sqlite3.SQLITE_READONLY_ROLLBACK:
        return (
            f"{path}: an interrupted migration left a rollback journal ({path}-journal) that a "
            "read-only check cannot roll back; the next `twinschema migrate local` recovers it"
        )
    if code is not None and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return (
            f"{path}: database is locked: another process (a running `twinschema migrate "
            f"local`?) held it for more than busy_timeout = {busy_timeout:g} s; check again "
            "when it is done"
        )
    return f"{path}: cannot read SQLite database: {exc}"


def _check_path(path: str) -> None:
    """Refuse what is not a regular file before SQLite opens it (a missing path would become a
    new database, a FIFO would block the check)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise DatabaseError(f"{path}: SQLite database not found") from None
    except OSError as exc:
        raise DatabaseError(f"{path}: cannot open SQLite database: {exc.strerror}") from None
    if stat.S_ISDIR(mode):
        raise DatabaseError(f"{path}: is a directory, not a SQLite database")
    if not stat.S_ISREG(mode):
        raise DatabaseError(
            f"{path}: is a {_kind(mode)}, not a regular file: not a SQLite database"
        )


def _kind(mode: int) -> str:
    """What a non-regular, non-directory file is, in words."""
    if stat.S_ISFIFO(mode):
        return "FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"


def _in_wal_mode(path: str) -> bool:
    """True when the header of the file at ``path`` says WAL mode."""
    try:
        with open(path, "rb") as file:
            header = file.read(20)
    except OSError:
        return False
    return header[:16] == _MAGIC and header[18:20] == _WAL_HEADER


# ---------------------------------------------------------------------------------------------
# The private copy


@dataclass(frozen=True, slots=True)
class _FileState:
    """What must not change while a file is copied: identity, size, mtime and first bytes."""

    inode: int
    size: int
    mtime_ns: int
    ctime_ns: int
    head: bytes


def _state(path: str, head: int) -> _FileState | None:
    """The state of ``path`` (None when it does not exist), with its first ``head`` bytes."""
    try:
        with open(path, "rb") as file:
            info = os.fstat(file.fileno())
            first = file.read(head)
    except FileNotFoundError:
        return None
    return _FileState(info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns, first)


def _states(path: str) -> tuple[_FileState | None, _FileState | None]:
    """The database (its 100-byte header) and its ``-wal`` (its 32-byte header)."""
    return _state(path, 100), _state(path + "-wal", 32)


def _settled(states: tuple[_FileState | None, _FileState | None]) -> bool:
    """True when no file was modified too recently for its mtime to show a next change."""
    now = time.time_ns()
    return all(s is None or now - max(s.mtime_ns, s.ctime_ns) >= _SETTLE_NS for s in states)


class _Copy(sqlite3.Connection):
    """A connection on a private copy; closing it deletes the copy's folder."""

    _cleanup: Callable[[], Any]  # a weakref.finalize, set by ``_open_copy``

    def close(self) -> None:
        """Close the connection, then delete the private copy."""
        try:
            super().close()
        finally:
            self._cleanup()


def _private_copy(path: str, busy_timeout: float) -> sqlite3.Connection:
    """A read-only connection on a private copy of ``path`` and its ``-wal``, taken while
    neither changed; after ``busy_timeout`` seconds of changes, a busy ``DatabaseError``."""
    deadline = time.monotonic() + busy_timeout
    while True:
        folder = tempfile.mkdtemp(prefix="twinschema-sqlite-")
        copy = os.path.join(folder, "snapshot.db")
        try:
            before = _states(path)
            if before[0] is not None and _settled(before):
                shutil.copyfile(path, copy)
                if before[1] is not None:
                    shutil.copyfile(path + "-wal", copy + "-wal")
                if _states(path) == before:
                    return _open_copy(path, copy, folder, wal=before[1] is not None)
        except FileNotFoundError:
            pass  # the -wal was checkpointed and deleted while copying: try again
        except OSError as exc:
            shutil.rmtree(folder, ignore_errors=True)
            raise DatabaseError(
                f"{path}: cannot make a private copy to read (WAL mode): {exc.strerror}"
            ) from None
        shutil.rmtree(folder, ignore_errors=True)
        if before[0] is None:
            raise DatabaseError(f"{path}: SQLite database not found")
        if time.monotonic() >= deadline:
            raise DatabaseError(
                f"{path}: database is busy: it kept changing while twinschema copied it to read "
                f"(WAL mode) for more than busy_timeout = {busy_timeout:g} s; check again when "
                "the writer is done"
            )
        time.sleep(_RETRY)


def _open_copy(path: str, copy: str, folder: str, *, wal: bool) -> sqlite3.Connection:
    """Open the private copy: read-only; ``immutable`` when it has no ``-wal`` (nothing else
    knows the copy, and no ``-shm`` is needed), else SQLite replays the copied ``-wal`` into
    its own ``-shm`` in the private folder."""
    target = "file:" + quote(copy) + "?mode=ro" + ("" if wal else "&immutable=1")
    try:
        conn = sqlite3.connect(target, uri=True, check_same_thread=False, factory=_Copy)
    except sqlite3.Error as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise DatabaseError(f"{path}: cannot open SQLite database: {exc}") from None
    assert isinstance(conn, _Copy)
    conn._cleanup = weakref.finalize(conn, shutil.rmtree, folder, True)
    return conn
