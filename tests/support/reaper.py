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
import subprocess
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


_STARTED: list[subprocess.Popen[bytes]] = []  # kept: a Popen collected while running warns


def reap_after(folder: Path) -> None:
    """Stop the servers in ``folder`` and remove it once this process has ended, however."""
    process = subprocess.Popen(
        [sys.executable, "-I", "-S", "-c", _REAPER, str(os.getpid()), str(folder)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # not in the run's process group: a Ctrl-C there spares it
    )
    _STARTED.append(process)
