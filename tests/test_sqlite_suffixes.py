"""The suffixes a SQLite file's name carries (``records.dialects.FILE_SUFFIXES``: .db, .db3,
.sqlite, .sqlite3), one table read in three places that each listed them and disagreed on
``.db3``: a source on the command line (a missing ``x.db3`` was read as a module path, "cannot
import metadata module"), a SQL file's name (``schema.db3`` named no dialect) and a database
variable without ``sqlite:///``. Each suffix is tried in each place, on real files; PostgreSQL's
suffixes (``.pg``) are the near miss: a SQL file's only, no database file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from pg_helpers import clean_env, invoke_cli

from twinschema.config import load_config, meant_dialect
from twinschema.errors import UsageError
from twinschema.records.dialects import FILE_SUFFIXES
from twinschema.sources import sqlfile

ROOT = Path(__file__).resolve().parent.parent
SQLITE_SUFFIXES = FILE_SUFFIXES["sqlite"]
TABLE = "CREATE TABLE t (id integer PRIMARY KEY, body text);"


def test_the_table_holds_every_suffix_once() -> None:
    assert set(SQLITE_SUFFIXES) == {".db", ".db3", ".sqlite", ".sqlite3"}
    every = [s for suffixes in FILE_SUFFIXES.values() for s in suffixes]
    assert len(every) == len(set(every))


def _database(path: Path) -> Path:
    with sqlite3.connect(path) as conn:
        conn.execute(TABLE)
    conn.close()
    return path


@pytest.mark.parametrize("suffix", [*SQLITE_SUFFIXES, ".DB3"])
def test_two_database_files_of_each_suffix_are_compared(tmp_path: Path, suffix: str) -> None:
    """``twinschema diff x.db3 y.db3`` on two real SQLite files: in sync; a missing one is
    "SQLite database not found" (exit 3), as its sqlite:/// URL is, and is not created."""
    _database(tmp_path / f"x{suffix}")
    _database(tmp_path / f"y{suffix}")
    result = invoke_cli(["diff", f"x{suffix}", f"y{suffix}"], tmp_path, clean_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "in sync" in result.stdout
    result = invoke_cli(["diff", f"x{suffix}", f"missing{suffix}"], tmp_path, clean_env())
    assert result.returncode == 3, result.stdout + result.stderr
    assert result.stderr.strip() == f"twinschema: error: missing{suffix}: SQLite database not found"
    assert not (tmp_path / f"missing{suffix}").exists()


def test_a_missing_file_of_a_postgresql_suffix_is_no_database(tmp_path: Path) -> None:
    """Near miss: a PostgreSQL database is no file, so a missing ``x.pg`` is not said to be a
    SQLite database (it is read as the module path it may be)."""
    _database(tmp_path / "x.db")
    result = invoke_cli(["diff", "x.db", "missing.pg"], tmp_path, clean_env())
    assert result.returncode == 2, result.stdout + result.stderr
    assert "SQLite database not found" not in result.stderr
    assert "cannot import metadata module 'missing.pg'" in result.stderr


@pytest.mark.parametrize("suffix", [*SQLITE_SUFFIXES, ".SQLITE3"])
def test_a_sql_file_of_each_suffix_is_read_as_sqlite(tmp_path: Path, suffix: str) -> None:
    """A SQL file both databases take, named ``schema.db3``: its name says SQLite (it could not
    tell before), and it is in sync with the SQLite database it describes."""
    (tmp_path / f"schema{suffix}").write_text(TABLE + "\n")
    _database(tmp_path / "live.db")
    assert sqlfile.named_dialect(f"schema{suffix}") == "sqlite"
    result = invoke_cli(["diff", f"schema{suffix}", "live.db"], tmp_path, clean_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "in sync" in result.stdout


@pytest.mark.parametrize("suffix", FILE_SUFFIXES["postgresql"])
def test_a_sql_file_of_a_postgresql_suffix_is_read_as_postgresql(suffix: str) -> None:
    """Near miss: the same text under PostgreSQL's suffixes names PostgreSQL."""
    assert sqlfile.named_dialect(f"schema{suffix}") == "postgresql"


@pytest.mark.parametrize("suffix", SQLITE_SUFFIXES)
@pytest.mark.parametrize("folder", ["", "/tmp/"])
def test_a_variable_naming_a_file_of_each_suffix_was_meant_for_sqlite(
    suffix: str, folder: str
) -> None:
    """``LOCAL_DATABASE_URL=/tmp/x.db3`` or ``=x.db3`` (no ``sqlite:///``): this side's database
    in a form twinschema refuses, refused naming the variable, never replaced by default_url's."""
    value = f"{folder}x{suffix}"
    assert meant_dialect(value) == "sqlite"
    config = load_config(ROOT / "pyproject.toml")
    with pytest.raises(UsageError, match=r"^LOCAL_DATABASE_URL: not a database URL"):
        config.database("sqlite", environ={"LOCAL_DATABASE_URL": value})


def test_a_variable_naming_a_file_of_a_postgresql_suffix_is_ignored() -> None:
    """Near miss: ``LOCAL_DATABASE_URL=x.pg`` is no SQLite file's name: another application's
    value, ignored with a note, the side's default_url used."""
    assert meant_dialect("x.pg") is None
    config = load_config(ROOT / "pyproject.toml")
    chosen = config.database("sqlite", environ={"LOCAL_DATABASE_URL": "x.pg"})
    assert chosen.ignored == "LOCAL_DATABASE_URL (x.pg) is not a SQLite URL: ignored"
