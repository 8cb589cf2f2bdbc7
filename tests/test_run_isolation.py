"""A test run keeps pgserver's server-start lock in a folder of its own (README "Isolation").

pgserver serialises the server starts and stops of every process that imports it on one lock
file under platformdirs' user runtime folder, which is ``XDG_RUNTIME_DIR``, set by the run
(``conftest.pytest_configure``) to a folder of its own. platformdirs 4.14 takes that folder only
when it is private (mode 0700) and otherwise falls back to ``/tmp/runtime-<uid>``: one lock for
every run on the machine. The run's folder was made 0755, so each server start and stop of a
run waited on those of every other run (seen: 16 s for one stop at load average 11).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

# What a process started by a test prints: where its pgserver locks.
_LOCK_PATH = (
    "import warnings; warnings.simplefilter('ignore'); import pgserver; "
    "print(pgserver.PostgresServer.lock_path)"
)


def _lock_path_of_a_new_process(runtime: Path) -> Path:
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime)}
    done = subprocess.run(
        [sys.executable, "-c", _LOCK_PATH], env=env, capture_output=True, text=True, check=True
    )
    return Path(done.stdout.strip())


def test_the_server_start_lock_is_in_the_runs_own_folder() -> None:
    runtime = Path(os.environ["XDG_RUNTIME_DIR"])
    assert runtime.parent.name.startswith("twinschema-run-"), runtime
    import pgserver  # already imported by the session's server: nothing is printed again

    # This worker's (imported by the session's server) and a new process's, as a command the
    # tests start has it.
    assert pgserver.PostgresServer.lock_path.is_relative_to(runtime)
    assert _lock_path_of_a_new_process(runtime).is_relative_to(runtime)


def test_a_runtime_folder_others_may_read_is_not_taken(tmp_path: Path) -> None:
    """The near miss: the same folder at mode 0755, as the run made it before, is passed over
    for the machine-wide fallback."""
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o755)
    runtime.chmod(0o755)  # whatever the umask
    assert not _lock_path_of_a_new_process(runtime).is_relative_to(runtime)
    runtime.chmod(0o700)
    assert _lock_path_of_a_new_process(runtime).is_relative_to(runtime)


# A process standing in for another worker's pgserver in the middle of a server start: it holds
# pgserver's lock until its stdin closes.
_HOLD_THE_LOCK = (
    "import sys, fasteners; lock = fasteners.InterProcessLock(sys.argv[1]); lock.acquire(); "
    "print('held', flush=True); sys.stdin.read(); lock.release()"
)


def test_the_runtime_folder_is_closed_only_between_server_starts(tmp_path: Path) -> None:
    """Closing the run's runtime folder during another worker's server start shut that server's
    user out of its socket folder (a CI run failed so); it waits for pgserver's lock now."""
    from support.runtime_dir import make_private

    runtime = tmp_path / "runtime"
    (runtime / "python_PostgresServer").mkdir(parents=True)
    runtime.chmod(0o755)  # as pgserver leaves it after putting a socket folder there
    lock = runtime / "python_PostgresServer" / ".lockfile"
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_THE_LOCK, str(lock)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        closer = threading.Thread(target=make_private, args=(runtime,))
        closer.start()
        closer.join(1)
        assert closer.is_alive()  # waiting for the lock, however long the start takes
        assert runtime.stat().st_mode & 0o777 == 0o755
    finally:
        holder.communicate("")  # the start is over: the lock is released
    closer.join()
    assert runtime.stat().st_mode & 0o777 == 0o700


def test_a_runtime_folder_without_a_server_start_is_closed_at_once(tmp_path: Path) -> None:
    """The near miss: no lock file (no pgserver ever started one here), nothing to wait for."""
    from support.runtime_dir import make_private

    runtime = tmp_path / "runtime"
    runtime.mkdir()
    runtime.chmod(0o755)
    make_private(runtime)
    assert runtime.stat().st_mode & 0o777 == 0o700
