"""The ``twinschema`` command line: thin, it reads configuration, picks layers and calls the rest.

Every failure a user can cause ends in one line on stderr and a documented exit code (see
``errors``); an unexpected exception ends in one line and exit code 4, never a traceback. The
group and what commands share are in ``app``; each command group has its module, imported here
so that its commands join the group.
"""

from __future__ import annotations

import gc
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from twinschema.cli import compare_commands, db_commands, init_command, migration_commands
from twinschema.cli.app import cli

__all__ = [
    "cli",
    "compare_commands",
    "db_commands",
    "init_command",
    "main",
    "migration_commands",
    "script",
]


def main(argv: list[str] | None = None) -> Any:
    """A command run as the ``twinschema`` script runs it (the script's entry point is
    ``script``, which calls this).

    One command is one short process, so the cyclic garbage collector is off while it runs:
    its passes re-scan every object the imports made (SQLAlchemy, sqlglot, psycopg) and cost
    about 8% of a check's CPU (75 ms of ~0.9 s at load 11), and what it would free is a few
    MB (a diff of two 2,000-table files peaks at 134 MB instead of 121 MB and takes 15% less
    CPU). Memory is still freed by reference counting; the collector is back on when ``main``
    returns to a caller that had it on (the tests call ``main`` in-process).
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        with _exit_cleanly_on_termination():
            return cli.main(args=argv, prog_name="twinschema")
    finally:
        if was_on:
            gc.enable()


def script() -> Any:
    """Entry point of the ``twinschema`` script and of ``python -m twinschema``: ``main`` in a
    process that ends with its command, so the collector is never turned back on and what the
    process made is frozen (``gc.freeze``) before Python's exit runs its own full collection
    (collector off or not) over every object the imports and the command made: nothing of a
    command's is freed that way that the exit would not free anyway. Turning the collector
    back on after ``main`` ran a pass over the same objects at once. The two took about 0.3 s
    of a 1.0 s ``twinschema check`` on this project's CPU (medians of 6 at load 13: 1.03 s
    as ``main``, 0.90 s with the collector left off, 0.72 s frozen too). A caller that runs
    ``main`` in its own process (the tests) keeps its collector as it had it."""
    gc.disable()  # off before main, so main leaves it off: it never comes back on
    try:
        return main()
    finally:
        gc.freeze()


# Signals that end a command from outside: ``timeout``, a CI job cancelled, a closed terminal.
_TERMINATING = (signal.SIGTERM, signal.SIGHUP)


@contextmanager
def _exit_cleanly_on_termination() -> Iterator[None]:
    """SIGTERM and SIGHUP end the command as an error does (``SystemExit`` with the shell's
    128 + signal code), so its cleanup runs: the embedded PostgreSQL it started is stopped and
    its scratch databases dropped. Python's default for them ends the process at once, which
    left the server running under the user's cache folder. A handler the caller installed (a
    host running ``main`` in-process) is left alone, and the caller's are restored after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.getsignal(s) for s in _TERMINATING}
    for number, handler in previous.items():
        if handler == signal.SIG_DFL:
            signal.signal(number, _exit_on_signal)
    try:
        yield
    finally:
        for number, handler in previous.items():
            if handler == signal.SIG_DFL:
                signal.signal(number, handler)


def _exit_on_signal(number: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + number)
