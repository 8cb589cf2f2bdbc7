"""The run's ``XDG_RUNTIME_DIR`` is made private again only between pgserver's server starts.

pgserver, run as root, starts each server as its own user ``pgserver``. When a data folder is
too deep for a socket path, the socket goes to ``<runtime>/python_PostgresServer/<hash>`` and
pgserver opens every folder above it to others (g+rx, o+rx) so that user can reach it. The run
closes its runtime folder again after each test (``conftest.pytest_runtest_logfinish``): an
open one makes platformdirs hand later processes the machine-wide lock. Closing it while
another worker's server is starting leaves that server's user outside its own socket folder:
``could not open lock file ".../.s.PGSQL.5432.lock": Permission denied`` (seen once in a CI
run, in ``test_hostile_input``). pgserver starts and stops servers holding one lock file in
that folder, so the folder is closed holding the same lock: never in the middle of a start.
"""

from __future__ import annotations

import os
from pathlib import Path

import fasteners  # pgserver's own lock: the same kind of lock (POSIX record locks) on its file

# Where pgserver keeps its lock under platformdirs' user runtime folder (pgserver 0.1.x).
_PGSERVER_LOCK = Path("python_PostgresServer") / ".lockfile"


def make_private(runtime: Path) -> None:
    """Give ``runtime`` mode 0700 again if a server start opened it, waiting for any server
    start or stop in progress (pgserver's lock) so a starting server is never shut out."""
    if not os.stat(runtime).st_mode & 0o077:
        return
    lock = runtime / _PGSERVER_LOCK
    if not lock.exists():  # no pgserver has locked here: nothing of its can be under way
        os.chmod(runtime, 0o700)
        return
    with fasteners.InterProcessLock(str(lock)):
        os.chmod(runtime, 0o700)
