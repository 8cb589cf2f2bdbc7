"""The ``Makefile`` ``init`` writes finds the tool as a user who followed README has it: the
``twinschema`` on PATH, else the one that wrote the file (a clone's ``.venv/bin/twinschema``,
which ``make install`` puts on no PATH). It called a bare ``twinschema``, so ``make
migrate-local`` failed with Error 127 while every ``migration_state`` hint says to run it
(stranger76 004). Near miss: a ``twinschema`` on PATH is the one make runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import testing
from test_init_project import adopt

SQLITE = ["CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"]
POSTGRES = ["CREATE TABLE note (id integer PRIMARY KEY, body text NOT NULL)"]


@pytest.mark.parametrize("on_path", [False, True], ids=["clone-venv", "on-path"])
def test_the_written_makefile_finds_the_tool(tmp_path: Path, pg_url: str, on_path: bool) -> None:
    """Not on PATH: ``make migrate-local`` runs the tool that wrote the Makefile, exit 0. On
    PATH: a ``twinschema`` there runs instead."""
    project = tmp_path / "app"
    shell = adopt(project, testing.sqlite_url(tmp_path / "app.db"), pg_url, SQLITE, POSTGRES)
    venv_bin = str(Path(sys.executable).parent)
    path = [p for p in shell.env.get("PATH", os.defpath).split(os.pathsep) if p != venv_bin]
    if on_path:
        fake = tmp_path / "bin"
        fake.mkdir()
        (fake / "twinschema").write_text('#!/bin/sh\necho fake twinschema "$@"\n', "utf-8")
        (fake / "twinschema").chmod(0o755)
        path.insert(0, str(fake))
    env = {**shell.env, "PATH": os.pathsep.join(path)}
    env.pop("TWINSCHEMA", None)
    made = subprocess.run(
        ["make", "-s", "migrate-local"],
        cwd=project, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    if on_path:
        assert made.stdout.strip() == "fake twinschema migrate local", made.stdout
    else:
        assert "already at 0001_baseline_sqlite" in made.stdout, made.stdout
