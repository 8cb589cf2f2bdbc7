"""Servers a test process started are stopped even when that process dies without its teardown.

pytest-xdist ends its workers without their teardown when the run is interrupted (SIGTERM or
Ctrl-C to the controller: seen, the workers' session servers kept running in their folders).
``reap_after(folder)`` starts a small process of its own session that waits, without polling,
for this process to end (a pidfd), then stops every PostgreSQL server whose data directory is in
``folder`` (SIGQUIT to its postmaster: an immediate shutdown, as ``pg_ctl -m immediate`` sends)
and removes ``folder``. After a normal teardown there is nothing left for it to do.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_REAPER = r"""
import os, select, shutil, signal, sys
owner, folder = int(sys.argv[1]), sys.argv[2]
try:
    select.select([os.pidfd_open(owner)], [], [])
except ProcessLookupError:
    pass
for top, dirs, files in os.walk(folder):
    if "postmaster.pid" in files:
        try:
            with open(os.path.join(top, "postmaster.pid")) as f:
                pid = int(f.readline())
            waiter = os.pidfd_open(pid)
            os.kill(pid, signal.SIGQUIT)
            select.select([waiter], [], [], 60)
        except (OSError, ValueError):
            pass
shutil.rmtree(folder, ignore_errors=True)
"""


def reap_after(folder: Path) -> None:
    """Stop the servers in ``folder`` and remove it once this process has ended, however.

    Spawned without a ``subprocess.Popen`` object: the reaper outlives this process by design,
    and a Popen still running when the interpreter shuts down warns (ResourceWarning) at the
    end of every run."""
    devnull = os.open(os.devnull, os.O_RDWR)
    try:
        os.posix_spawn(
            sys.executable,
            [sys.executable, "-I", "-S", "-c", _REAPER, str(os.getpid()), str(folder)],
            os.environ,
            file_actions=[(os.POSIX_SPAWN_DUP2, devnull, fd) for fd in (0, 1, 2)],
            setsid=True,  # not in the run's process group: a Ctrl-C there spares it
        )
    finally:
        os.close(devnull)
