"""SQLAlchemy's URI-filename form of a SQLite URL, ``sqlite:///file:league.db?mode=ro&uri=true``,
read by every command as SQLAlchemy reads it: the file after ``file:`` (stranger68 008:
``migrate local`` opened league.db while ``current`` and ``check`` said "SQLite database not
found", exit 3); and SQLite's bare URI filename, ``file:league.db``, refused with the URL to
write (exit 2) wherever it is given: an argument of ``inspect`` or ``diff``, ``default_url``,
as ``LOCAL_DATABASE_URL`` already was (tests/test_url_sqlite_host.py)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from twinschema.cli import cli

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def league(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file at the head of this project's chain, made by ``migrate local``."""
    path = tmp_path_factory.mktemp("uri") / "league.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        made = CliRunner(env={}).invoke(
            cli, ["migrate", "local", "--sqlite-url", f"sqlite:///{path}"]
        )
    assert made.exit_code == 0, made.output
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# Each command that takes a SQLite URL, how (variable or argument), and what it says of the file.
COMMANDS = [
    ("current-variable", ["current", "local"], True, "0001_initial_sqlite (head)"),
    ("current-flag", ["current", "local", "--sqlite-url", "{url}"], False, "(head)"),
    ("history-flag", ["history", "local", "--sqlite-url", "{url}"], False, "0001_initial_sqlite"),
    ("migrate-variable", ["migrate", "local"], True, "already at 0001_initial_sqlite (head)"),
    ("migrate-flag", ["migrate", "local", "--sqlite-url", "{url}"], False, "already at"),
    ("stamp-flag", ["stamp", "local", "head", "--sqlite-url", "{url}"], False, "already at"),
    ("check-variable", ["check", "--layer", "live"], True, "in_sync  live       schemas/sqlite.py"),
    ("check-flag", ["check", "--layer", "live", "--sqlite-url", "{url}"], False, "in_sync  live"),
    ("diff", ["diff", "{url}", "{file}", "--no-domain"], False, "in_sync"),
    ("inspect", ["inspect", "{url}"], False, '"profiles"'),
]


@pytest.mark.parametrize(
    ("name", "args", "variable", "said"), COMMANDS, ids=[c[0] for c in COMMANDS]
)
def test_a_uri_filename_url_opens_its_file_in_every_command(
    name: str,
    args: list[str],
    variable: bool,
    said: str,
    league: Path,
    pg_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The file after ``file:`` is read (never "not found"), read-only: it is left as it was."""
    url = f"sqlite:///file:{league}?mode=ro&uri=true"
    before = _digest(league)
    monkeypatch.chdir(ROOT)
    env = {"DATABASE_URL": pg_url, **({"LOCAL_DATABASE_URL": url} if variable else {})}
    given = [a.replace("{url}", url).replace("{file}", f"sqlite:///{league}") for a in args]
    result = CliRunner(env=env).invoke(cli, given)
    assert "not found" not in result.output, (name, result.output)
    assert said in result.stdout, (name, result.output)
    # check compares with an empty PostgreSQL database: drift there (1), nothing else
    assert result.exit_code == (1 if name.startswith("check") else 0), (name, result.output)
    assert _digest(league) == before


def test_a_relative_uri_filename_is_read_from_the_working_folder(
    league: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``sqlite:///file:league.db?uri=true`` names league.db in the working folder, as SQLite
    opens it; without ``uri=true`` (the near miss) SQLAlchemy opens a file named
    ``file:league.db``, which is not there."""
    monkeypatch.chdir(league.parent)
    found = CliRunner().invoke(cli, ["inspect", "sqlite:///file:league.db?uri=true"])
    assert found.exit_code == 0 and '"profiles"' in found.stdout, found.output
    literal = CliRunner().invoke(cli, ["inspect", "sqlite:///file:league.db"])
    assert literal.exit_code == 3, literal.output
    assert "file:league.db: SQLite database not found" in literal.stderr


@pytest.mark.parametrize(
    ("args", "write"),
    [
        (["inspect", "file:league.db"], "write sqlite:///league.db"),
        (["diff", "file:league.db", "sqlite:///league.db"], "write sqlite:///league.db"),
        (["inspect", "file:///{dir}/league.db"], "write sqlite:////{dir}/league.db"),
        (["inspect", "file://localhost/{dir}/league.db"], "write sqlite:////{dir}/league.db"),
    ],
    ids=["inspect", "diff", "inspect-absolute", "inspect-localhost"],
)
def test_a_bare_uri_filename_argument_is_refused_with_the_url_to_write(
    args: list[str], write: str, league: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``file:league.db`` beside league.db: a usage error giving its URL (exit 2), as in
    ``LOCAL_DATABASE_URL``, not "SQLite database not found" (exit 3)."""
    monkeypatch.chdir(league.parent)
    folder = str(league.parent).lstrip("/")
    result = CliRunner().invoke(cli, [a.replace("{dir}", folder) for a in args])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "SQLite's URI filename" in lines[0], result.stderr
    assert write.replace("{dir}", folder) in lines[0]


@pytest.mark.parametrize(
    ("default", "code", "said"),
    [
        ("file:league.db", 2, "default_url: not a database URL: file:league.db is SQLite's URI"),
        ("sqlite:///file:league.db?mode=ro&uri=true", 0, "0001_initial_sqlite (head)"),
        ("sqlite:///league.db", 0, "0001_initial_sqlite (head)"),
    ],
    ids=["bare-refused", "uri-form", "plain"],
)
def test_default_url_is_read_as_the_variable_is(
    default: str,
    code: int,
    said: str,
    league: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``default_url`` in pyproject.toml: the bare URI filename refused with the URL to write,
    the URI form (relative: to the project's folder, run from a folder below it) and the plain
    URL opening the same file."""
    project = tmp_path / "project"
    (project / "below").mkdir(parents=True)
    (project / "league.db").write_bytes(league.read_bytes())
    (project / "pyproject.toml").write_text(
        f'[tool.twinschema.sqlite]\ndefault_url = "{default}"\n'
        f'migrations = "{ROOT / "migrations_sqlite"}"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(project / "below")
    result = CliRunner(env={}).invoke(cli, ["current", "local"])
    assert result.exit_code == code, result.output
    assert said in result.output
    if code == 2:
        assert "write sqlite:///league.db" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "url",
    ["sqlite:///file::memory:?uri=true", "sqlite:///file:league?mode=memory&uri=true"],
    ids=["memory-name", "mode-memory"],
)
@pytest.mark.parametrize("args", [["migrate", "local"], ["check", "--layer", "live"]])
def test_an_in_memory_uri_filename_is_refused_as_naming_no_file(
    url: str, args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite opens these in memory (nothing is checked or kept): refused as
    ``sqlite:///:memory:`` is (exit 2)."""
    monkeypatch.chdir(ROOT)
    result = CliRunner(env={"LOCAL_DATABASE_URL": url}).invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert "names no SQLite file" in result.stderr


def test_a_uri_filename_naming_a_host_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite refuses a URI authority other than localhost: a usage error, not a traceback."""
    result = CliRunner().invoke(cli, ["inspect", "sqlite:///file://server/league.db?uri=true"])
    assert result.exit_code == 2, result.output
    assert "names the host 'server'" in result.stderr


def test_sqlite_file_reads_the_url_as_sqlalchemy_opens_it(league: Path) -> None:
    """The file ``urls.sqlite_file`` names is the one SQLAlchemy's engine opens (its tables)."""
    import sqlalchemy as sa

    from twinschema.urls import parse_url, sqlite_file

    url = f"sqlite:///file:{str(league).replace('league', 'le%61gue')}?mode=ro&uri=true"
    assert sqlite_file(parse_url(url)) == str(league)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        names = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
    engine.dispose()
    with sqlite3.connect(league) as direct:
        assert names == {r[0] for r in direct.execute("SELECT name FROM sqlite_master")}
