"""URLs a careless environment gives (found by a stranger's trial): a stray space around a
variable's URL, and SQLite URLs that name no file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from twinschema.cli import cli

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///", "sqlite:///:memory:", "SQLITE:///"])
@pytest.mark.parametrize("how", ["flag", "variable"])
def test_a_sqlite_url_naming_no_file_is_refused(
    url: str, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    args = ["check", "--layer", "live"]
    env = {"LOCAL_DATABASE_URL": url} if how == "variable" else {}
    if how == "flag":
        args += ["--sqlite-url", url]
    result = CliRunner(env=env).invoke(cli, args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "names no SQLite file" in lines[0], result.stderr
    for command in (["migrate", "local"], ["current", "local"]):
        again = CliRunner(env=env).invoke(
            cli, [*command, *(["--sqlite-url", url] if how == "flag" else [])]
        )
        assert again.exit_code == 2, (command, again.output)


def test_a_variable_with_a_stray_space_is_still_the_database_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """' postgresql://...' names a database: it is checked (and found unreachable, exit 3), not
    ignored for the embedded server (which said in sync without looking)."""
    monkeypatch.chdir(ROOT)
    env = {"DATABASE_URL": " postgresql://app@127.0.0.1:1/nowhere ", "TWINSCHEMA_SCRATCH_URL": ""}
    result = CliRunner(env=env).invoke(cli, ["check", "--layer", "live", "--format", "json"])
    assert result.exit_code == 3, result.output
    assert "127.0.0.1" in result.stderr and "embedded" not in result.stderr


def test_inputs_remembered_afresh_are_masked_inside_the_block_only() -> None:
    """A command run in-process masks what it was given, as a new process would: not what an
    earlier command of the same process was given, and nothing of its own once it is done.
    (A space in a password: only remembering the input masks it whole.)"""
    from twinschema import urls

    with urls.remembered_afresh():  # what the test remembers goes with it
        earlier = "postgresql://app:Earlier Secret@db.example/app"
        inner = "postgresql://app:Inner Secret@db.example/app"
        masked = "postgresql://app:***@db.example/app"
        urls.remember(earlier)
        assert urls.mask_output(f"read {earlier}") == f"read {masked}"
        with urls.remembered_afresh():
            assert urls.mask_output(f"read {earlier}") == f"read {earlier}"
            urls.remember(inner)
            assert urls.mask_output(f"read {inner}") == f"read {masked}"
        assert urls.mask_output(f"read {inner}") == f"read {inner}"
        assert urls.mask_output(f"read {earlier}") == f"read {masked}"
