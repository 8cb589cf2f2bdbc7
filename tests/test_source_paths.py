"""Sources named by path (issue 13): a SQLite database file without a scheme is read as SQLite,
not as SQL text, whatever its name; a Python file is refused with the form a module path takes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.testing import sqlite_file

from twinschema.cli import cli


@pytest.mark.parametrize("name", ["var/local.db", "app.sqlite3", "no_extension"])
def test_a_sqlite_file_path_is_read_as_sqlite(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    sqlite_file(tmp_path / name, "CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT);")
    before = (tmp_path / name).read_bytes()
    result = CliRunner().invoke(cli, ["inspect", name])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["dialect"] == "sqlite"
    assert list(document["tables"]) == ["items"]
    assert (tmp_path / name).read_bytes() == before  # read, never written


def test_a_sqlite_file_path_diffs_against_a_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    sqlite_file(tmp_path / "a.db", "CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT);")
    url = sqlite_file(tmp_path / "b.db", "CREATE TABLE items (id INTEGER PRIMARY KEY);")
    result = CliRunner().invoke(cli, ["diff", "a.db", url, "--format", "json"])
    assert result.exit_code == 1, result.output
    kinds = [d["kind"] for d in json.loads(result.stdout)["differences"]]
    assert kinds == ["column_missing"]


def test_a_python_file_is_refused_with_the_module_form(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "sqlite.py").write_text(
        "import sqlalchemy\nmetadata = sqlalchemy.MetaData()\n"
    )
    result = CliRunner().invoke(cli, ["inspect", "schemas/sqlite.py"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "schemas/sqlite.py" in lines[0] and "schemas.sqlite:metadata" in lines[0]


def test_a_misspelt_metadata_attribute_gets_the_closest_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    result = CliRunner().invoke(cli, ["inspect", "schemas.sqlite:metadat", "--dialect", "sqlite"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "did you mean 'metadata'?" in lines[0], result.stderr
