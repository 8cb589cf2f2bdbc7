"""The ``twinschema`` script ends its process with the cyclic collector off and what it made
frozen (``cli.script``): Python's exit then does not re-scan every object the imports and the
command made. ``main`` called in-process keeps the caller's collector (test_check_cli)."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata

import pytest

# Run last at exit (atexit is last in, first out): what the collector is once the command and
# every cleanup of the script's own are done.
_AT_EXIT = (
    "import atexit, gc, sys\n"
    "atexit.register(lambda: print('collector', gc.isenabled(), gc.get_freeze_count() > 0,"
    " file=sys.stderr))\n"
)


def test_the_installed_script_is_cli_script() -> None:
    """The console script runs ``script``, not ``main``: else its exit pays the collection."""
    (found,) = [e for e in metadata.entry_points(group="console_scripts") if e.name == "twinschema"]
    assert found.value == "twinschema.cli:script"


@pytest.mark.parametrize(
    "run",
    [
        "from twinschema.cli import script\nsys.exit(script())",
        "import runpy\nrunpy.run_module('twinschema', run_name='__main__')",
    ],
    ids=["script", "python-m"],
)
@pytest.mark.parametrize(("args", "code"), [(["--help"], 0), (["no-such-command"], 2)])
def test_the_script_exits_with_the_collector_off_and_its_objects_frozen(
    run: str, args: list[str], code: int
) -> None:
    """Both ways in (the script, ``python -m twinschema``) end with the collector off and the
    process's objects frozen, on success and on a usage error, and keep the exit code."""
    argv = ", ".join(repr(a) for a in ["twinschema", *args])
    done = subprocess.run(
        [sys.executable, "-c", f"{_AT_EXIT}sys.argv = [{argv}]\n{run}\n"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == code, done.stderr
    assert done.stderr.splitlines()[-1] == "collector False True"
    if code == 0:
        assert done.stdout.startswith("Usage: twinschema ")


def test_a_caller_of_main_is_left_unfrozen() -> None:
    """``main`` (what the tests and hosts call in-process) freezes nothing: a long-lived
    process's cyclic garbage stays collectable after the command."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            f"{_AT_EXIT}from twinschema.cli import main\nsys.argv = ['twinschema', '--help']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1] == "collector True False"
