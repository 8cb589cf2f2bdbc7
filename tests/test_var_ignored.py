"""The project's ``var/`` (what twinschema keeps: the migrations cache, the ``default_url`` file,
the embedded server's data) is ignored by git whichever command makes it first, and a
``.gitignore`` of the user's own is never replaced (stranger32 case 079: the migrations cache of
a first check made ``var/`` with no ``.gitignore``, and the server's data, made later, was left
to git). On a real git repository, with the real commands."""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_helpers import clean_env, invoke_cli, project_copy

from twinschema.paths import make_kept_folder

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("schemas", "migrations_sqlite", "migrations_postgres", "domain.yaml")

PYPROJECT = """\
[tool.twinschema]
domain = "domain.yaml"

[tool.twinschema.sqlite]
metadata = "schemas.sqlite:metadata"
migrations = "migrations_sqlite"
default_url = "sqlite:///var/local.db"

[tool.twinschema.postgresql]
metadata = "schemas.postgres:metadata"
migrations = "migrations_postgres"
"""


@pytest.fixture
def project() -> Iterator[Path]:
    """A git repository holding a copy of this project, outside pytest's basetemp (the embedded
    server's unprivileged user must reach ``var/pg``)."""
    with project_copy("twinschema-var-", PYPROJECT, COPIED) as folder:
        subprocess.run(["git", "init", "-q", str(folder)], check=True)
        yield folder


def untracked(project: Path) -> list[str]:
    """What ``git status`` shows under var/."""
    done = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all", "--ignored=no"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    )
    return [line for line in done.stdout.splitlines() if line[3:].startswith("var")]


def twinschema(project: Path, *args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    return invoke_cli(list(args), project, clean_env(NO_COLOR="1", **variables))


def test_the_migrations_cache_of_a_first_check_makes_var_ignored_and_the_server_data_with_it(
    project: Path, pg_server: str, pg_url: str, sqlite_url: str
) -> None:
    """The order of the case: a check keeps its chains' runs in var/cache (the first thing in
    var/), then a fallback to the embedded server puts its data in var/pg."""
    sqlite3.connect(sqlite_url.removeprefix("sqlite:///")).close()
    checked = twinschema(
        project,
        "check",
        "--layer",
        "migrations",
        TWINSCHEMA_SCRATCH_URL=pg_server,
        DATABASE_URL=pg_url,
        LOCAL_DATABASE_URL=sqlite_url,
    )
    assert checked.returncode in (0, 1), checked.stdout + checked.stderr
    assert sorted(p.name for p in (project / "var").iterdir()) == [".gitignore", "cache"]
    assert (project / "var" / ".gitignore").read_text() == "*\n"
    assert untracked(project) == []
    url = twinschema(project, "db", "url")
    assert url.returncode == 0, url.stderr
    assert (project / "var" / "pg").is_dir()
    assert (project / "var" / ".gitignore").read_text() == "*\n"
    assert untracked(project) == []


def test_migrating_the_default_file_makes_var_ignored(project: Path) -> None:
    migrated = twinschema(project, "migrate", "local")
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    assert (project / "var" / "local.db").is_file()
    assert (project / "var" / ".gitignore").read_text() == "*\n"
    assert untracked(project) == []


def test_the_server_data_in_a_var_an_older_version_left_unignored_is_ignored(
    project: Path,
) -> None:
    """var/cache made before this fix, with no .gitignore: the server's new data folder writes
    one."""
    (project / "var" / "cache" / "migrations").mkdir(parents=True)
    (project / "var" / "cache" / "migrations" / "sqlite-x.json").write_text("{}")
    url = twinschema(project, "db", "url")
    assert url.returncode == 0, url.stderr
    assert (project / "var" / ".gitignore").read_text() == "*\n"
    assert untracked(project) == []


def test_a_gitignore_of_the_users_own_is_kept(tmp_path: Path) -> None:
    """A user who keeps var/local.db in git but not the rest: each of twinschema's folders is
    made in var/ and the user's file stays as it was."""
    var = tmp_path / "var"
    var.mkdir()
    (var / ".gitignore").write_text("cache/\npg/\n")
    make_kept_folder(var, var / "cache" / "migrations")
    make_kept_folder(var, var / "pg", make=False)
    make_kept_folder(var, var)
    assert (var / "cache" / "migrations").is_dir()
    assert not (var / "pg").exists()
    assert (var / ".gitignore").read_text() == "cache/\npg/\n"


def test_a_folder_outside_var_gets_no_gitignore(tmp_path: Path) -> None:
    """A SQLite file the user named in a folder of theirs: the folder is made, nothing more."""
    make_kept_folder(tmp_path / "var", tmp_path / "data")
    assert (tmp_path / "data").is_dir()
    assert not (tmp_path / "data" / ".gitignore").exists()
    assert not (tmp_path / "var").exists()


def test_a_user_named_sqlite_file_in_a_new_folder_gets_no_gitignore(project: Path) -> None:
    """LOCAL_DATABASE_URL names a file in a folder of the user's: migrating makes the folder,
    and writes no .gitignore there nor in var/."""
    migrated = twinschema(
        project, "migrate", "local", LOCAL_DATABASE_URL=f"sqlite:///{project}/data/app.db"
    )
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    assert (project / "data" / "app.db").is_file()
    assert not (project / "data" / ".gitignore").exists()
    assert not (project / "var").exists()
