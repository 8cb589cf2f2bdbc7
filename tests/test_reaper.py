"""A server a test process starts is stopped, and its folder removed, when that process dies
without its teardown (``support/reaper.py``), wherever it dies: before its server has started,
while it starts, or while it serves.

The system's PostgreSQL (``support/systempg.py``) registered its reaper only once ``pg_ctl start``
had returned: a test process killed while the server started (a CI run cancelled; seen with
SIGKILL right after ``pg_ctl start``) left a postmaster running under /tmp/twinschema-pg15-*,
and one killed right after ``initdb`` left its folder. Here a child process starts that server
and kills itself (SIGKILL: no teardown of any kind) at each stage; the test waits for the reaper
and asserts that no server runs from the folder and that the folder is gone.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import EMBEDDED_MAJOR

TESTS = Path(__file__).resolve().parent

# argv: the folder to start the server in, the stage to die at.
_CHILD = f"""
import os, signal, sys, tempfile
from support import systempg

tempfile.tempdir, stage = sys.argv[1], sys.argv[2]
major, bindir = systempg.find_bindir(exclude=({EMBEDDED_MAJOR},))
real_run = systempg._run


def run(command, doing):
    real_run(command, doing)
    tool = os.path.basename(command[command.index("-D") - 1]) if "-D" in command else ""
    if (stage, tool, command[-1]) in (("initdb", "initdb", "--no-sync"), ("started", "pg_ctl", "start")):
        os.kill(os.getpid(), signal.SIGKILL)


systempg._run = run
with systempg.system_server(bindir, major):
    os.kill(os.getpid(), signal.SIGKILL)
"""


def _servers_in(folder: Path) -> list[int]:
    """The pids of the PostgreSQL processes whose command line names a path under ``folder``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if os.path.basename(argv[0]).startswith(b"postgres") and any(
            str(folder).encode() + b"/" in arg for arg in argv
        ):
            found.append(int(entry.name))
    return found


@pytest.fixture
def parent() -> Iterator[Path]:
    """A folder for the child's server folder, open to the server's own user (under root)."""
    path = Path(tempfile.mkdtemp(prefix="twinschema-test-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        for pid in _servers_in(path):  # only when the reaper failed: never leave one running
            os.kill(pid, signal.SIGQUIT)
        shutil.rmtree(path, ignore_errors=True)


@pytest.mark.parametrize("stage", ["initdb", "started", "serving"])
def test_a_system_server_is_reaped_when_its_process_dies(parent: Path, stage: str) -> None:
    """SIGKILL after ``initdb``, right after ``pg_ctl start``, or inside the ``with`` block:
    the server is stopped and its folder removed all the same."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), *sys.path])}
    child = subprocess.run(
        [sys.executable, "-c", _CHILD, str(parent), stage],
        cwd=TESTS, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert child.returncode == -signal.SIGKILL, child.stderr
    # The reaper stops the server (SIGQUIT, then waits for it) before it removes the folder.
    for _ in range(1200):
        if not any(parent.iterdir()):
            break
        time.sleep(0.1)
    assert _servers_in(parent) == []
    assert list(parent.iterdir()) == []
