"""The suite's xdist groups hold on the pytest and pytest-xdist it runs: with ``--dist loadgroup``
every test of one ``xdist_group`` runs on one worker. The tests that use or watch this
repository's ``var/`` rely on it, and so do the extra servers started once per run. pytest-xdist
3.8 on pytest 9.2 spread every group over the workers (pyproject.toml pins pytest below 9.2);
this is the contract test that fails loudly on the next pair of versions that does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pg_helpers import clean_env

TESTS = Path(__file__).resolve().parent

# Eight tests in each of two groups and eight in none; each writes its worker's id to a file
# named after itself. xdist 3.8 on pytest 9.2 spread every group over both workers (as it does
# the ungrouped tests).
_MODULE = """
import os
from pathlib import Path

import pytest

OUT = Path(os.environ["GROUPS_OUT"])


def record(name):
    (OUT / name).write_text(os.environ["PYTEST_XDIST_WORKER"])


@pytest.mark.xdist_group("first")
@pytest.mark.parametrize("i", range(8))
def test_first(i):
    record(f"first-{i}")


@pytest.mark.parametrize("i", range(8))
def test_free(i):
    record(f"free-{i}")


@pytest.mark.xdist_group(name="second")
@pytest.mark.parametrize("i", range(8))
def test_second(i):
    record(f"second-{i}")
"""


def test_each_group_runs_on_one_worker(tmp_path: Path, outer_run_options: None) -> None:
    (tmp_path / "test_grouped.py").write_text(_MODULE)
    out = tmp_path / "out"
    out.mkdir()
    done = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-q",
            "-p", "no:cacheprovider", "test_grouped.py",
        ],
        cwd=tmp_path,
        env=clean_env(GROUPS_OUT=str(out), PYTHONPATH=str(TESTS)),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    workers: dict[str, set[str]] = {}
    for path in out.iterdir():
        workers.setdefault(path.name.split("-")[0], set()).add(path.read_text())
    assert sorted(workers) == ["first", "free", "second"], done.stdout
    assert len(list(out.iterdir())) == 24
    assert len(workers["first"]) == 1, f"group 'first' ran on {sorted(workers['first'])}"
    assert len(workers["second"]) == 1, f"group 'second' ran on {sorted(workers['second'])}"
