"""A reader that stops reading ends a command without a word (stranger51 025).

``twinschema history | head`` printed ``twinschema: error: cannot write to standard output:
Broken pipe`` once ``head`` had its lines: the reader asked for no more, which is no error.
Every command now ends as a program SIGPIPE stops does: nothing on stderr, exit 141 (128 +
SIGPIPE), and no "Exception ignored" when Python exits. Standard output here is a real pipe
whose read end is closed before the process starts, so every write to it fails with EPIPE
(no timing involved); a full disk is still an error (tests/test_hostile_input.py)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from pg_helpers import ROOT, TWINSCHEMA, clean_env


def _into_closed_pipe(
    args: list[str], cwd: Path, tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    read, write = os.pipe()
    os.close(read)  # no reader: each write the command makes gets EPIPE
    try:
        return subprocess.run(
            [TWINSCHEMA, *args], cwd=cwd, stdout=write, stderr=subprocess.PIPE, text=True,
            timeout=120, check=False, env=clean_env(XDG_CACHE_HOME=str(tmp_path / "cache")),
        )  # fmt: skip
    finally:
        os.close(write)


@pytest.mark.parametrize(
    "args",
    [
        ["history"],  # lines printed one by one (click's echo)
        ["diff", "{a}", "{b}", "--no-domain", "--format", "json"],  # a report, written at once
        ["inspect", "{a}"],
    ],
    ids=["history", "diff-report", "inspect"],
)
def test_a_closed_pipe_ends_the_command_quietly(args: list[str], tmp_path: Path) -> None:
    for name, sql in (
        ("a", "CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT);"),
        ("b", "CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER);"),
    ):
        with sqlite3.connect(tmp_path / f"{name}.db") as db:
            db.executescript(sql)
    argv = [a.format(a=tmp_path / "a.db", b=tmp_path / "b.db") for a in args]
    result = _into_closed_pipe(argv, ROOT, tmp_path)
    assert result.stderr == "", result.stderr
    assert result.returncode == 141
