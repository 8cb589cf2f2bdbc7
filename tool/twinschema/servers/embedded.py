"""The embedded PostgreSQL server: a real server the project starts by itself when no URL is given.

It is ``pgserver`` (PostgreSQL 16 shipped as a pip wheel): it installs from the package index like
any dependency, starts in well under a second, listens only on a Unix socket (nothing exposed on
the network), and runs as root by switching to an unprivileged system user, which CI needs since
PostgreSQL refuses to run as root. A server a command starts is stopped when the last command
using it exits (a command that finds it running joins it on those terms); one that runs with no
command holding it (``twinschema db start``) is reused and left running; one whose holders all
died without letting go (killed with SIGKILL) is taken over, and stopped, by the next command.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from twinschema.errors import DatabaseError
from twinschema.paths import make_kept_folder

DEFAULT_DATABASE = "postgres"

# pgserver has no public API for the processes holding a server (it stops the server when the
# last one lets go). Its bookkeeping is used as it is: this file of holder pids, ``DiskList``
# and ``PostgresServer._lock``. pyproject pins pgserver below its next release and
# tests/test_embedded.py::test_pgserver_holder_bookkeeping_is_what_we_rely_on fails if any moves.
HOLDERS_FILE = ".handle_pids.json"


@dataclass
class EmbeddedServer:
    """A running embedded server; ``url(db)`` gives a SQLAlchemy URL to one of its databases."""

    datadir: Path
    socket_dir: str
    _handle: Any

    def url(self, database: str = DEFAULT_DATABASE) -> str:
        """A ``postgresql+psycopg`` URL over the server's Unix socket."""
        return f"postgresql+psycopg://postgres@/{database}?host={quote(self.socket_dir, safe='/')}"

    def stop(self) -> None:
        """Stop the server now if this process started it (and no other process uses it)."""
        self._handle.cleanup()


def _pgserver() -> Any:
    """Import pgserver quietly: it warns about XDG_RUNTIME_DIR and logs at INFO on import."""
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver  # imported only by the commands that need a server

    return pgserver


@dataclass(frozen=True)
class Postmaster:
    """What ``postmaster.pid`` says of the server running on a data directory (PostgreSQL's own
    file, documented in "Database File Layout": pid, data directory, start time, port, socket
    directory, listen address, shared memory key, status)."""

    pid: int
    socket_dir: str
    status: str


def postmaster(datadir: Path) -> Postmaster | None:
    """The server running on ``datadir``, read from its ``postmaster.pid``; None when there is
    none (no file, an unreadable one, or its process is gone)."""
    try:
        lines = (Path(datadir) / "postmaster.pid").read_text().splitlines()
        pid = int(lines[0])
    except (OSError, ValueError, IndexError):
        return None
    if not process_is_running(pid):
        return None
    field_of = dict(enumerate(line.strip() for line in lines))
    return Postmaster(pid, field_of.get(4, ""), field_of.get(7, ""))


def process_is_running(pid: int) -> bool:
    """True when process ``pid`` exists (signal 0 checks without sending anything)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, owned by another user
        return True
    return True


def is_running(datadir: Path) -> bool:
    """True when a server is already running on ``datadir``."""
    return postmaster(datadir) is not None


def start(
    datadir: Path, *, keep_running: bool = False, delete: bool = False, var: Path | None = None
) -> EmbeddedServer:
    """Start (or attach to) the embedded server whose data lives in ``datadir``.

    Unless ``keep_running``, a server this call starts is stopped when the process exits; one that
    was already running is left as it was. ``delete`` removes the data directory at exit (tests).
    ``var`` is the project's folder for what twinschema keeps (``Config.var``): when the data is
    made in it, it gets a ``.gitignore`` (``make_kept_folder``); without it, a parent folder
    this call makes gets one.
    """
    datadir = Path(datadir).resolve()
    held = _HELD.get(datadir)
    if held is not None:  # this process started it and still uses it: share that start
        held.users += 1
        return EmbeddedServer(datadir=datadir, socket_dir=held.socket_dir, _handle=held)
    if not delete:
        attached = _attach(datadir)
        if attached is not None:
            return attached
    # Imported only here: attaching to a running server needs nothing of pgserver (nor psutil).
    pgserver = _pgserver()
    # The folder of the data (the project's var/) holds only what twinschema keeps there: git
    # ignores it, also when the migrations cache made it first (stranger32 case 079). A parent
    # that is not var/ (embedded_dir = "pgdata" at the root) is the user's: left as it is.
    if var is None:
        make_kept_folder(datadir.parent, datadir.parent)
    else:
        make_kept_folder(var, datadir, make=False)
    mode: str | None
    if delete:
        mode = "delete"
    elif keep_running:
        mode = None
    elif is_running(datadir) and holders(datadir) == []:
        mode = None  # kept running on purpose (``twinschema db start``), not yet ready
    else:
        # Not running, or started by a command that holds it (or held it and died): join on the
        # starter's terms, the last holder out stops it. A joiner that left it running
        # (mode None) made a server outlive every command whenever the second of two
        # concurrent commands ended last. Holders that died (SIGKILL) are forgotten first,
        # else pgserver, which stops only when the list empties, would never stop it.
        _forget_dead_holders(datadir)
        mode = "stop"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            handle = pgserver.get_server(datadir, cleanup_mode=mode)
    except Exception as exc:  # pgserver raises CalledProcessError, TimeoutExpired, OSError...
        log = datadir / "log"
        tail = log.read_text(errors="replace").strip().splitlines()[-1:] if log.exists() else []
        raise DatabaseError(
            f"cannot start the embedded PostgreSQL in {datadir}: {type(exc).__name__}"
            + (f" ({tail[0]})" if tail else "")
        ) from None
    # pgserver keeps one handle per directory for the process, and lists the process as a
    # holder only when it makes that handle: after this process let go of the server (a first
    # SQL file loaded) while another command held it, a new start gets the old handle and is
    # not listed, and the other command, ending first, stops the server under this one.
    _hold(datadir)
    uri = handle.get_uri()
    socket_dir = uri.split("host=", 1)[1] if "host=" in uri else str(datadir)
    shared = _Held(datadir, socket_dir, handle)
    _HELD[datadir] = shared
    return EmbeddedServer(datadir=datadir, socket_dir=socket_dir, _handle=shared)


class _Held:
    """A server this process started, shared by every start() of the same data directory in
    the process (two SQL files of one diff each load into it): pgserver keeps one handle per
    directory, so the first stop() would otherwise stop it under the others. The server is
    cleaned up when the last user stops."""

    def __init__(self, datadir: Path, socket_dir: str, handle: Any) -> None:
        self.datadir, self.socket_dir, self.handle, self.users = datadir, socket_dir, handle, 1

    def cleanup(self) -> None:
        """One user fewer; the last one cleans the server up as it was started to be."""
        self.users -= 1
        if self.users == 0:
            _HELD.pop(self.datadir, None)
            try:
                self.handle.cleanup()
            except Exception:
                # A server that went away meanwhile (shut down by a signal, an administrator)
                # needs no stopping: pgserver's cleanup then fails to signal its postmaster.
                if is_running(self.datadir):
                    raise


_HELD: dict[Path, _Held] = {}


class _Attached:
    """The handle of a server this process found running and does not own: stop() leaves it."""

    def cleanup(self) -> None:
        """Nothing to do: whoever started the server stops it (``twinschema db stop``)."""


def _attach(datadir: Path) -> EmbeddedServer | None:
    """The server already running on ``datadir`` with no process holding it (one that
    ``twinschema db start`` left running), used as it is; else None.

    pgserver's own attach takes a machine-wide lock and polls it with sleeps (seen: 1.3 s
    while another process held it); a server nobody holds cannot be stopped under us by a
    process's exit, so it is safe to use without registering.
    """
    info = postmaster(datadir)
    if info is None or info.status != "ready" or not info.socket_dir:
        return None
    if holders(datadir) != []:  # a command holds it, or held it and died: see start()
        return None
    return EmbeddedServer(datadir=datadir, socket_dir=str(info.socket_dir), _handle=_Attached())


def holders(datadir: Path) -> list[int] | None:
    """The processes pgserver lists as holding the server of ``datadir`` (alive or not): empty
    for a server nobody holds (``twinschema db start`` left it running); None when the list
    cannot be read."""
    try:
        found = json.loads((Path(datadir) / HOLDERS_FILE).read_text() or "[]")
    except FileNotFoundError:
        return []
    except (OSError, ValueError):
        return None
    if not isinstance(found, list) or not all(isinstance(pid, int) for pid in found):
        return None
    return found


def stop(datadir: Path) -> bool:
    """Stop the embedded server of ``datadir`` if it runs; True when one was stopped, False when
    none ran, a ``DatabaseError`` when a live process still uses it (it is left running).

    The server is found by its data directory (``postmaster.pid``), whoever started it. pgserver
    stops a server only when the last process that holds it lets go; a holder that died without
    letting go (a command killed with SIGKILL) would keep it running for ever, so dead holders
    are forgotten first. A server that a live process still uses is left running.
    """
    datadir = Path(datadir).resolve()
    if not is_running(datadir):
        return False
    pgserver = _pgserver()
    _forget_dead_holders(datadir)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        handle = pgserver.get_server(datadir, cleanup_mode="stop")
    handle.cleanup()  # stops it unless another process still holds it
    if is_running(datadir):
        users = ", ".join(str(pid) for pid in _forget_dead_holders(datadir)) or "unknown"
        raise DatabaseError(
            f"the embedded PostgreSQL in {datadir} is in use by process {users}; it stops when "
            "that command ends (or run `twinschema db stop` again after it)"
        )
    return True


def _hold(datadir: Path) -> None:
    """List this process among the server's holders (once), under pgserver's lock."""
    from pgserver.postgres_server import PostgresServer
    from pgserver.utils import DiskList

    with PostgresServer._lock:
        DiskList(datadir / HOLDERS_FILE).get_and_add(os.getpid())


def _forget_dead_holders(datadir: Path) -> list[int]:
    """Remove from pgserver's list of the server's holders every process that no longer runs
    (under pgserver's own machine-wide lock, as it edits that list); the live ones."""
    from pgserver.postgres_server import PostgresServer
    from pgserver.utils import DiskList

    holders = DiskList(datadir / HOLDERS_FILE)
    with PostgresServer._lock:
        try:
            pids = [int(pid) for pid in holders.get()]
        except (OSError, ValueError, TypeError):
            pids = []
        alive = [pid for pid in pids if process_is_running(pid)]
        if alive != pids:
            holders.put(alive)
    return alive
