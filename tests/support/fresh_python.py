"""Python source run in a new process, without paying a new interpreter's imports each time.

Some tests prove that a file ``init`` wrote works as an application uses it: ``python -c
"import sys, sqlalchemy as sa; sys.path.insert(0, '.'); from schemas.sqlite import metadata;
metadata.create_all(...)"`` in the project's folder. A new interpreter there spends about 0.35 s
of CPU importing SQLAlchemy before the line under test runs (``python -c "import sqlalchemy"``:
0.30 s user + 0.04 s system on the 2-core machine), 31 times in test_init_roundtrip alone.

``run(script, cwd)`` runs ``script`` in a child forked from a waiting interpreter of this test
process that has imported SQLAlchemy and nothing else of its own (its ``-c`` program imports only
``os`` and ``sys``, which every interpreter has at start): the child changes to ``cwd``, forgets
the interpreter's cached folder listings, runs ``script`` as ``python -c`` would (``__main__``,
``sys.path[0]`` the current folder, stdin empty), and ends as such a process does (its
exceptions printed, exit 1; ``SystemExit`` its code). So what the script imports that SQLAlchemy
does not is imported afresh in each child, and nothing the test process imported is there. What
differs from a new interpreter: SQLAlchemy was imported before the script's first line (every
script given here imports it first), and the children of one waiting interpreter share its hash
seed. The child's environment is the one given (``os.environ`` set to it before the script
runs). One waiting interpreter per environment (but ``PYTEST_CURRENT_TEST``, which pytest
changes for each test) and interpreter flags (``-B``), started on first use and ended with this
process (its stdin closes).
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

_PROGRAM = r"""
import os, sys
import sqlalchemy
for line in sys.stdin:
    request = line.rstrip("\n")
    with open(os.path.join(request, "cwd"), encoding="utf-8") as f:
        cwd = f.read()
    with open(os.path.join(request, "script"), encoding="utf-8") as f:
        script = f.read()
    with open(os.path.join(request, "env"), encoding="utf-8") as f:
        env = dict(item.split("=", 1) for item in f.read().split("\0") if item)
    pid = os.fork()
    if pid == 0:
        os.environ.clear()
        os.environ.update(env)
        os.chdir(cwd)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        for fd, name in ((1, "stdout"), (2, "stderr")):
            flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
            out = os.open(os.path.join(request, name), flags, 0o600)
            os.dup2(out, fd)
            os.close(out)
        sys.path_importer_cache.clear()
        main = {"__name__": "__main__", "__builtins__": __builtins__}
        exec(compile(script, "<string>", "exec"), main)
        raise SystemExit(0)
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(f"{os.waitstatus_to_exitcode(status)}\n")
    sys.stdout.flush()
"""

_lock = threading.Lock()
_waiting: dict[tuple[object, ...], subprocess.Popen[str]] = {}


def run(
    script: str, cwd: Path, env: dict[str, str] | None = None, flags: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """``python *flags -c script`` in ``cwd`` with the environment ``env`` (this process's when
    None), as a child of a waiting interpreter started with ``flags`` (see the module's
    docstring): its exit code, stdout and stderr."""
    environment = dict(os.environ if env is None else env)
    with _lock, tempfile.TemporaryDirectory(prefix="twinschema-fresh-") as folder:
        Path(folder, "cwd").write_text(str(cwd), encoding="utf-8")
        Path(folder, "script").write_text(script, encoding="utf-8")
        text = "".join(f"{name}={value}\0" for name, value in environment.items())
        Path(folder, "env").write_text(text, encoding="utf-8")
        waiting = _interpreter(environment, flags)
        assert waiting.stdin is not None and waiting.stdout is not None
        waiting.stdin.write(folder + "\n")
        waiting.stdin.flush()
        answer = waiting.stdout.readline()
        if not answer:
            raise RuntimeError(f"the waiting interpreter ended (exit {waiting.wait()})")
        read = {
            name: Path(folder, name).read_text(encoding="utf-8", errors="replace")
            if Path(folder, name).exists()
            else ""
            for name in ("stdout", "stderr")
        }
    args = [sys.executable, *flags, "-c", script]
    return subprocess.CompletedProcess(args, int(answer), read["stdout"], read["stderr"])


def _interpreter(environment: dict[str, str], flags: tuple[str, ...]) -> subprocess.Popen[str]:
    """The waiting interpreter for ``environment`` (but the name of the test pytest is running,
    which the child is given with the rest) and ``flags``, started on first use."""
    key = (flags, *sorted(i for i in environment.items() if i[0] != "PYTEST_CURRENT_TEST"))
    found = _waiting.get(key)
    if found is not None and found.poll() is None:
        return found
    started = subprocess.Popen(
        [sys.executable, *flags, "-c", _PROGRAM],
        cwd="/",
        env=environment,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    _waiting[key] = started
    return started


@atexit.register
def _end() -> None:
    """Close each waiting interpreter's stdin: it ends (and its stdout, once it has)."""
    for waiting in _waiting.values():
        if waiting.stdin is not None:
            waiting.stdin.close()
        waiting.wait(timeout=60)
        if waiting.stdout is not None:
            waiting.stdout.close()
