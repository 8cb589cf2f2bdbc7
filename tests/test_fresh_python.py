"""``support.fresh_python.run`` runs a script as ``python -c`` does in a new interpreter: the same
output, exit code, imported modules, folder and environment. Near misses: what the test process
imported is not there, and what one script imported or changed is not there for the next."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import fresh_python

SCRIPTS = {
    "modules": "import sys, sqlalchemy as sa; print(len(sys.modules), sorted(sys.modules))",
    "main": "import os, sys; print(__name__, sys.path[0] == '', os.getcwd(), sys.stdin.read())",
    "import-from-cwd": (
        "import sys, sqlalchemy as sa; sys.path.insert(0, '.'); from schemas.sqlite import n; "
        "print(n, 'schemas.sqlite' in sys.modules)"
    ),
    "exit-code": "import sys; print('out'); sys.exit(3)",
    "exit-message": "raise SystemExit('bye')",
    "exception": "print('before'); 1 / 0",
    "not-imported": (
        "import sys, sqlalchemy as sa; print([m for m in ('pytest', 'twinschema', "
        "'sqlalchemy.dialects.postgresql', 'psycopg') if m in sys.modules])"
    ),
}


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "app"
    (project / "schemas").mkdir(parents=True)
    (project / "schemas" / "__init__.py").write_text("")
    (project / "schemas" / "sqlite.py").write_text("n = 1\n")
    return project


@pytest.mark.parametrize("name", list(SCRIPTS))
def test_a_script_runs_as_in_a_new_interpreter(name: str, tmp_path: Path) -> None:
    project = _project(tmp_path)
    script = SCRIPTS[name]
    new = subprocess.run(
        [sys.executable, "-c", script],
        cwd=project,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    forked = fresh_python.run(script, project)
    assert (forked.returncode, forked.stdout) == (new.returncode, new.stdout)
    assert forked.stderr.splitlines()[-1:] == new.stderr.splitlines()[-1:], forked.stderr
    if name == "not-imported":  # near miss: this process has them
        assert forked.stdout == "[]\n"
        assert {"pytest", "twinschema"} <= set(sys.modules)


def test_each_script_starts_from_the_same_interpreter(tmp_path: Path) -> None:
    """What a script imported, set or changed is not there for the next one; the environment is
    the one given, the test's name included; an edited module is read again."""
    project = _project(tmp_path)
    env = {**os.environ, "FRESH_PYTHON_MARK": "one"}
    script = (
        "import os, sys; import wave; print(os.environ.get('FRESH_PYTHON_MARK'), "
        "os.environ.get('PYTEST_CURRENT_TEST', '')[:9]); "
        "sys.path.insert(0, '.'); from schemas.sqlite import n; print(n)"
    )
    first = fresh_python.run(script, project, env)
    assert first.stdout.splitlines() == ["one tests/tes", "1"], first.stderr
    (project / "schemas" / "sqlite.py").write_text("n = 22\n")
    second = fresh_python.run(
        "import sys; print('wave' in sys.modules); sys.path.insert(0, '.'); "
        "from schemas.sqlite import n; print(n)",
        project,
        {**env, "PYTEST_CURRENT_TEST": "another test"},
    )
    assert second.stdout.splitlines() == ["False", "22"], second.stderr
    other = fresh_python.run(script, project, {**os.environ, "FRESH_PYTHON_MARK": "two"})
    assert other.stdout.splitlines()[0] == "two tests/tes", other.stderr


def test_interpreter_flags_are_the_new_interpreter_s(tmp_path: Path) -> None:
    """``-B``: the child writes no bytecode, as ``python -B -c`` does; without it, as ``python
    -c`` does in this environment."""
    project = _project(tmp_path)
    script = "import sys; print(sys.flags.dont_write_bytecode, sys.dont_write_bytecode)"
    for flags in (("-B",), ()):
        new = subprocess.run(
            [sys.executable, *flags, "-c", script], cwd=project, capture_output=True, text=True
        )
        forked = fresh_python.run(script, project, flags=flags)
        assert (forked.returncode, forked.stdout) == (new.returncode, new.stdout), flags
    assert fresh_python.run(script, project, flags=("-B",)).stdout == "1 True\n"
