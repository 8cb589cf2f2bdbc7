"""SQLite URLs with two slashes (``sqlite://device.db``) and SQLite's URI filename
(``file:device.db``), refused by every command that takes a URL (stranger67 008): SQLAlchemy
reads ``device.db`` as a host and opens an empty in-memory database, so ``check`` said every
table missing, ``migrate local`` ended in an internal error, ``inspect`` read ``:memory:``."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from twinschema.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def _device(folder: Path) -> Path:
    """A real SQLite file holding a table, that the refused URLs mean."""
    path = folder / "device.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE meters (id INTEGER PRIMARY KEY, reading REAL)")
    return path


# Each command that takes a SQLite URL, and how: by LOCAL_DATABASE_URL or by its argument.
COMMANDS = [
    ("check-variable", ["check", "--layer", "live"], True),
    ("check-flag", ["check", "--layer", "live", "--sqlite-url", "{url}"], False),
    ("migrate-variable", ["migrate", "local"], True),
    ("migrate-flag", ["migrate", "local", "--sqlite-url", "{url}"], False),
    ("current-flag", ["current", "local", "--sqlite-url", "{url}"], False),
    ("diff", ["diff", "{url}", "{url}", "--no-domain"], False),
    ("inspect", ["inspect", "{url}"], False),
]


@pytest.mark.parametrize(("name", "args", "variable"), COMMANDS, ids=[c[0] for c in COMMANDS])
def test_two_slashes_are_refused_with_the_file_url(
    name: str, args: list[str], variable: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    device = _device(tmp_path)
    url = f"sqlite://{device.name}"
    # A project's commands where its configuration is; diff and inspect where the file is.
    monkeypatch.chdir(tmp_path if name in ("diff", "inspect") else ROOT)
    env = {"LOCAL_DATABASE_URL": url} if variable else {}
    result = CliRunner(env=env).invoke(cli, [a.replace("{url}", url) for a in args])
    assert result.exit_code == 2, (name, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "names no SQLite file" in lines[0], result.stderr
    assert "write sqlite:///device.db" in lines[0], lines[0]
    with sqlite3.connect(device) as conn:  # untouched: nothing migrated into it
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("meters",)]


@pytest.mark.parametrize(
    "url",
    ["sqlite:///device.db", "sqlite://", "sqlite://?mode=ro", "sqlite://app:pw@/device.db"],
    ids=["three", "bare", "query", "credentials"],
)
def test_near_misses_are_not_said_to_name_a_host(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file's URL opens the file (inspect lists its table); ``sqlite://`` alone, with a
    query only, and with credentials before an empty host (test_hostile_input's URL, which
    names a missing file) are not refused as naming a host."""
    _device(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["inspect", url])
    assert "after sqlite:// comes a host" not in result.output
    if url == "sqlite:///device.db":
        assert result.exit_code == 0, result.output
        assert "meters" in result.stdout


@pytest.mark.parametrize("args", [["check", "--layer", "live"], ["migrate", "local"]])
def test_sqlite_uri_filename_in_the_variable_is_refused(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``file:device.db`` is this side's database, written in a form twinschema does not take:
    refused (exit 2) with the URL to write, never ignored with the SQLite side skipped."""
    monkeypatch.chdir(ROOT)
    _device(tmp_path)
    result = CliRunner(env={"LOCAL_DATABASE_URL": "file:device.db"}).invoke(cli, args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "SQLite's URI filename" in lines[0], result.stderr
    assert "write sqlite:///device.db" in lines[0], lines[0]
