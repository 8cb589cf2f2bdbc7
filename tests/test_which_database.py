"""Never check or migrate the wrong database (issue 14), on real databases.

Each side's database is, in order: its flag (``--sqlite-url`` / ``--postgres-url``), its variable
(``LOCAL_DATABASE_URL`` / ``DATABASE_URL`` in any project; ``url_env`` replaces it), its
``default_url``, and for PostgreSQL the embedded server, said in one line. A variable of the
wrong scheme is ignored with a notice; a flag of the wrong scheme is refused (exit 2).
``make check-sync`` migrates only what the project owns under ``var/`` and checks the rest as
it is. The pytest plugin reads none of the variables.

Every test runs the ``twinschema`` command (in-process, with exactly the environment given and
the project as its folder: what is under test is which database it picks, not the process), or
``make``, in a copy of this project whose
``pyproject.toml`` sets no ``url_env``, against a scratch PostgreSQL database standing for the
user's own, and asserts the exit code, the one line said, and that nothing else changed: the
project's files, the user's tables and rows, the server's roles and databases.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from pg_helpers import clean_env, invoke_cli, project_copy

from twinschema.servers import embedded, scratch_pool
from twinschema.urls import parse_url, redact

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(sys.executable).parent.parent
HEADS = {"sqlite": "0001_initial_sqlite", "postgresql": "0001_initial_postgresql"}
COPIED = ("schemas", "migrations_sqlite", "migrations_postgres", "domain.yaml", "Makefile")

# The project's own configuration, without url_env: the default variables apply.
PYPROJECT = """\
[tool.twinschema]
domain = "domain.yaml"
connect_timeout = 10

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
    """A copy of this project without ``url_env``, outside pytest's basetemp (the embedded
    server's unprivileged user must reach ``var/pg``)."""
    with project_copy("twinschema-which-", PYPROJECT, COPIED) as folder:
        yield folder


def env(pg_server: str, **variables: str) -> dict[str, str]:
    """No variable but those given; scratch databases go to the session's server."""
    return clean_env(TWINSCHEMA_SCRATCH_URL=pg_server, NO_COLOR="1", **variables)


# ---------------------------------------------------------------------------------------------
# What "nothing else changed" is made of


def files(root: Path) -> dict[str, str]:
    """Every file of the project (the embedded server's data, the migrations layer's kept runs,
    the .gitignore the first of them writes in var/, and bytecode aside), hashed."""
    found = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if (
            path.is_file()
            and relative.parts[:2] not in (("var", "pg"), ("var", "cache"), ("var", ".gitignore"))
            and "__pycache__" not in str(path)
        ):
            found[str(relative)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def no_database_made(project: Path) -> bool:
    """True when the project's var/ holds no database: no embedded server, no default SQLite
    file (the migrations layer may keep its runs in var/cache, var/ ignored by git)."""
    var = project / "var"
    return not var.exists() or {p.name for p in var.iterdir()} <= {"cache", ".gitignore"}


def contents(url: str) -> dict[str, list[Any]]:
    """Every table of a database with its rows (empty for a database with no table)."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            names = sa.inspect(conn).get_table_names()
            return {
                name: [tuple(row) for row in conn.execute(sa.text(f'SELECT * FROM "{name}"'))]
                for name in sorted(names)
            }
    finally:
        engine.dispose()


def server_state(pg_server: str) -> tuple[list[str], list[str]]:
    """The server's roles and databases, but the evaluation stage's own scratch database, which
    it keeps on the scratch server (here the test server too) by design, and the scratch
    databases this process keeps there for its next block (``scratch_pool``: dropped when the
    process exits; a command run in this process keeps one, one run as a process drops its own)."""
    kept = set(scratch_pool.kept(pg_server))
    engine = sa.create_engine(pg_server, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            roles = sorted(str(r[0]) for r in conn.execute(sa.text("SELECT rolname FROM pg_roles")))
            databases = sorted(
                str(r[0])
                for r in conn.execute(sa.text("SELECT datname FROM pg_database"))
                if r[0] != "twinschema_evaluate" and r[0] not in kept
            )
    finally:
        engine.dispose()
    return roles, databases


class Unchanged:
    """A snapshot of the project's files, the user's database and the server; ``assert_same``
    fails on any change (``expect`` names the files the command was meant to create)."""

    def __init__(self, project: Path, user_url: str, pg_server: str) -> None:
        self.project, self.user_url, self.pg_server = project, user_url, pg_server
        self.files = files(project)
        self.user = contents(user_url)
        self.server = server_state(pg_server)

    def assert_same(self, *expect: str) -> None:
        now = files(self.project)
        assert {k: v for k, v in now.items() if k not in expect} == self.files
        assert contents(self.user_url) == self.user
        assert server_state(self.pg_server) == self.server


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


def label(url: str) -> str:
    return redact(parse_url(url))


def at_head(url: str, dialect: str) -> bool:
    return contents(url).get("alembic_version") == [(HEADS[dialect],)]


# ---------------------------------------------------------------------------------------------
# The default variables, in a project without url_env


def test_migrate_remote_migrates_DATABASE_URL_not_the_embedded_server(
    project: Path, pg_url: str, pg_server: str
) -> None:
    before = Unchanged(project, pg_url, pg_server)
    result = invoke_cli(["migrate", "remote"], project, env(pg_server, DATABASE_URL=pg_url))
    assert result.returncode == 0, result.stderr
    assert one_line(result.stdout) == (
        f"{label(pg_url)}: upgraded from base to {HEADS['postgresql']} (head)"
    )
    assert result.stderr == ""
    assert at_head(pg_url, "postgresql")
    assert no_database_made(project)  # no embedded server, no default file
    before.user = contents(pg_url)  # the migration was the one change
    before.assert_same()


def test_check_live_reads_DATABASE_URL_not_the_embedded_server(
    project: Path, pg_url: str, pg_server: str, tmp_path: Path
) -> None:
    """The user's database is empty: the live layer must find it so (exit 1), never compare the
    embedded server instead and say in sync."""
    local = f"sqlite:///{tmp_path / 'local.db'}"
    variables = {"DATABASE_URL": pg_url, "LOCAL_DATABASE_URL": local}
    assert invoke_cli(["migrate", "local"], project, env(pg_server, **variables)).returncode == 0
    before = Unchanged(project, pg_url, pg_server)
    result = invoke_cli(
        ["check", "--layer", "live", "--format", "json"], project, env(pg_server, **variables)
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr == ""
    report = json.loads(result.stdout)
    read = {layer["right"] for layer in report["layers"] if layer["name"] == "live"}
    assert redact(pg_url) in read  # as check names a URL: the text given, without a password
    missing = {d["table"] for d in report["differences"] if d["right_source"] == redact(pg_url)}
    assert "communities" in missing
    assert no_database_made(project)
    before.assert_same()


def test_url_env_replaces_the_default_variable(
    project: Path, pg_url: str, pg_server: str, tmp_path: Path
) -> None:
    """With ``url_env = "APP_PG"``, DATABASE_URL is not read: APP_PG is."""
    text = (project / "pyproject.toml").read_text()
    text = text.replace(
        'migrations = "migrations_postgres"\n',
        'migrations = "migrations_postgres"\nurl_env = "APP_PG"\n',
    )
    (project / "pyproject.toml").write_text(text)
    wrong = "postgresql://nobody:s3cr3t@127.0.0.1:9/never"
    before = Unchanged(project, pg_url, pg_server)
    result = invoke_cli(
        ["migrate", "remote"], project, env(pg_server, DATABASE_URL=wrong, APP_PG=pg_url)
    )
    assert result.returncode == 0, result.stderr
    assert one_line(result.stdout).startswith(f"{label(pg_url)}: upgraded from base")
    assert "s3cr3t" not in result.stdout + result.stderr
    before.user = contents(pg_url)
    before.assert_same()


# ---------------------------------------------------------------------------------------------
# The embedded server, said in one line


def test_falling_back_to_the_embedded_server_is_said_in_one_line(
    project: Path, pg_url: str, pg_server: str
) -> None:
    before = Unchanged(project, pg_url, pg_server)
    said = "DATABASE_URL is not set: using the embedded PostgreSQL in var/pg"
    migrated = invoke_cli(["migrate", "remote"], project, env(pg_server))
    assert migrated.returncode == 0, migrated.stderr
    lines = migrated.stdout.strip().splitlines()
    assert lines[0] == said
    assert lines[1].endswith(f"upgraded from base to {HEADS['postgresql']} (head)")
    assert len(lines) == 2
    assert invoke_cli(["migrate", "local"], project, env(pg_server)).returncode == 0
    checked = invoke_cli(
        ["check", "--layer", "live", "--layer", "migrations"], project, env(pg_server)
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert one_line(checked.stderr) == f"twinschema: {said}"
    assert not embedded.is_running(project / "var" / "pg")  # stopped by the command
    # The user's database was never touched; the embedded server's new var/ ignores itself.
    before.assert_same("var/local.db", "var/.gitignore")


def test_a_variable_of_the_wrong_scheme_is_ignored_with_a_notice(
    project: Path, pg_url: str, pg_server: str
) -> None:
    """``DATABASE_URL=sqlite:///dev.db``: not created, not read; the embedded server is used and
    one line says both. ``LOCAL_DATABASE_URL`` of PostgreSQL: the default file instead."""
    dev = project / "dev.db"
    before = Unchanged(project, pg_url, pg_server)
    result = invoke_cli(
        ["migrate", "remote"], project, env(pg_server, DATABASE_URL=f"sqlite:///{dev}")
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == (
        f"DATABASE_URL (sqlite:///{dev}) is not a PostgreSQL URL: ignored; "
        "using the embedded PostgreSQL in var/pg"
    )
    assert len(lines) == 2 and lines[1].endswith("(head)")
    assert not dev.exists()
    user_pg = pg_url.replace("postgresql+psycopg://", "postgresql://")
    local = invoke_cli(["migrate", "local"], project, env(pg_server, LOCAL_DATABASE_URL=user_pg))
    assert local.returncode == 0, local.stderr
    lines = local.stdout.strip().splitlines()
    default = project / "var" / "local.db"
    assert lines[0] == (
        f"LOCAL_DATABASE_URL ({redact(user_pg)}) is not a SQLite URL: ignored; "
        f"using sqlite:///{default} (default_url)"
    )
    assert len(lines) == 2
    assert at_head(f"sqlite:///{default}", "sqlite")
    # The user's PostgreSQL database is still empty; the server's new var/ ignores itself.
    before.assert_same("var/local.db", "var/.gitignore")


def test_init_ignores_a_variable_of_the_wrong_scheme_with_a_notice(
    project: Path, pg_url: str, pg_server: str, tmp_path: Path
) -> None:
    """``init`` reads the same variables: LOCAL_DATABASE_URL of PostgreSQL is ignored, said in
    one line, and the configured default file is read instead. ``init`` writes a project, so it
    runs in a new folder whose configuration names the project's database as its default;
    the project, its database and the server are left as they were."""
    assert invoke_cli(["migrate", "local"], project, env(pg_server)).returncode == 0
    flag = ["--postgres-url", pg_url]
    assert invoke_cli(["migrate", "remote", *flag], project, env(pg_server)).returncode == 0
    before = Unchanged(project, pg_url, pg_server)
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / "pyproject.toml").write_text(
        "[tool.twinschema.sqlite]\n"
        'url_env = "LOCAL_DATABASE_URL"\n'
        f'default_url = "sqlite:///{project / "var" / "local.db"}"\n',
        encoding="utf-8",
    )
    output = fresh / "domain.yaml"
    result = invoke_cli(["init", *flag], fresh, env(pg_server, LOCAL_DATABASE_URL=pg_url))
    assert result.returncode == 0, result.stdout + result.stderr
    assert one_line(result.stderr) == (
        f"twinschema: LOCAL_DATABASE_URL ({redact(pg_url)}) is not a SQLite URL: ignored"
    )
    assert "communities" in yaml.safe_load(output.read_text())["tables"]
    before.assert_same()


def test_a_flag_of_the_wrong_scheme_is_refused(
    project: Path, pg_url: str, pg_server: str, tmp_path: Path
) -> None:
    file = tmp_path / "file.db"
    before = Unchanged(project, pg_url, pg_server)
    attempts = [
        (["check", "--layer", "live", "--postgres-url", f"sqlite:///{file}"], "--postgres-url",
         f"sqlite:///{file}", "PostgreSQL"),
        (["check", "--sqlite-url", pg_url], "--sqlite-url", redact(pg_url), "SQLite"),
        (["migrate", "remote", "--postgres-url", f"sqlite:///{file}"], "--postgres-url",
         f"sqlite:///{file}", "PostgreSQL"),
        (["migrate", "local", "--sqlite-url", pg_url], "--sqlite-url", redact(pg_url), "SQLite"),
    ]  # fmt: skip
    for args, flag, shown, kind in attempts:
        result = invoke_cli(args, project, env(pg_server, DATABASE_URL=pg_url))
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert one_line(result.stderr) == f"twinschema: error: {flag} {shown} is not a {kind} URL"
        assert result.stdout == ""
    assert not file.exists()
    assert no_database_made(project)
    before.assert_same()


def test_migrate_takes_the_flag_of_its_side_only(
    project: Path, pg_url: str, pg_server: str, tmp_path: Path
) -> None:
    before = Unchanged(project, pg_url, pg_server)
    wrong = invoke_cli(["migrate", "local", "--postgres-url", pg_url], project, env(pg_server))
    assert wrong.returncode == 2
    assert one_line(wrong.stderr) == (
        "twinschema: error: twinschema migrate local takes --sqlite-url, not --postgres-url"
    )
    before.assert_same()
    # The flag wins over the variable: the variable's database is not touched.
    elsewhere = "postgresql://nobody:s3cr3t@127.0.0.1:9/never"
    result = invoke_cli(
        ["migrate", "remote", "--postgres-url", pg_url],
        project,
        env(pg_server, DATABASE_URL=elsewhere),
    )
    assert result.returncode == 0, result.stderr
    assert one_line(result.stdout).startswith(f"{label(pg_url)}: upgraded from base")
    local = f"sqlite:///{tmp_path / 'mine.db'}"
    result = invoke_cli(["migrate", "local", "--sqlite-url", local], project, env(pg_server))
    assert result.returncode == 0, result.stderr
    assert one_line(result.stdout).startswith(f"{local}: upgraded from base")
    assert at_head(local, "sqlite")
    assert no_database_made(project)
    before.user = contents(pg_url)
    before.assert_same()


# ---------------------------------------------------------------------------------------------
# make check-sync: a check


def make(project: Path, target: str, variables: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The project's real Makefile target, with this environment's twinschema (never rebuilt)."""
    stamp = VENV / ".installed-stamp"
    return subprocess.run(
        ["make", "--no-print-directory", f"VENV={VENV}", "-o", str(stamp), target],
        cwd=project,
        env=variables,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_check_sync_leaves_a_named_database_alone_and_reports_it_behind(
    project: Path, pg_url: str, pg_server: str
) -> None:
    before = Unchanged(project, pg_url, pg_server)
    result = make(project, "check-sync", env(pg_server, DATABASE_URL=pg_url))
    assert result.returncode != 0, result.stdout
    out = result.stdout.splitlines()
    left = [line for line in out if "left as it is" in line]
    assert left == [
        f"{label(pg_url)}: named by DATABASE_URL, not a database this project owns: left as it "
        "is (--owned-only); `twinschema check` says whether it is behind its chain"
    ]
    # The project's own file was migrated; the user's database was only read.
    assert at_head(f"sqlite:///{project / 'var' / 'local.db'}", "sqlite")
    assert any("migration_state" in line or "behind migrations_postgres" in line for line in out), (
        result.stdout
    )
    assert "run `make migrate-remote`" in result.stdout
    assert not (project / "var" / "pg").exists()  # no embedded server either
    before.assert_same("var/local.db")
    # What the hint says fixes it, and check-sync then passes.
    assert make(project, "migrate-remote", env(pg_server, DATABASE_URL=pg_url)).returncode == 0
    again = make(project, "check-sync", env(pg_server, DATABASE_URL=pg_url))
    assert again.returncode == 0, again.stdout + again.stderr


def test_check_reports_a_named_database_behind_its_chain(
    project: Path, pg_url: str, pg_server: str, tmp_path: Path
) -> None:
    local = f"sqlite:///{tmp_path / 'local.db'}"
    variables = env(pg_server, DATABASE_URL=pg_url, LOCAL_DATABASE_URL=local)
    assert invoke_cli(["migrate", "local"], project, variables).returncode == 0
    before = Unchanged(project, pg_url, pg_server)
    result = invoke_cli(["check", "--layer", "migrations", "--format", "json"], project, variables)
    assert result.returncode == 1, result.stdout + result.stderr
    states = [d for d in json.loads(result.stdout)["differences"] if d["kind"] == "migration_state"]
    assert len(states) == 1
    assert states[0]["left_source"] == redact(pg_url)
    assert states[0]["left"] == "base" and states[0]["right"] == HEADS["postgresql"]
    assert states[0]["hint"] == "run `make migrate-remote`"
    # Named by a flag, the fix names it too: `make migrate-remote` would migrate another one.
    flagged = invoke_cli(
        ["check", "--layer", "migrations", "--format", "json", "--postgres-url", pg_url],
        project,
        env(pg_server, LOCAL_DATABASE_URL=local),
    )
    assert flagged.returncode == 1, flagged.stdout + flagged.stderr
    hints = [d["hint"] for d in json.loads(flagged.stdout)["differences"]]
    assert hints == [f"run `twinschema migrate remote --postgres-url {redact(pg_url)}`"]
    before.assert_same()


def test_check_sync_migrates_the_projects_own_databases(
    project: Path, pg_url: str, pg_server: str
) -> None:
    """No variable: the default file and the embedded server are the project's; migrated, then
    in sync (exit 0), the fallback said once by each command that used it."""
    before = Unchanged(project, pg_url, pg_server)
    result = make(project, "check-sync", env(pg_server))
    assert result.returncode == 0, result.stdout + result.stderr
    said = "DATABASE_URL is not set: using the embedded PostgreSQL in var/pg"
    assert result.stdout.splitlines().count(said) == 1  # migrate remote's first line
    assert result.stderr.splitlines() == [f"twinschema: {said}"]  # check's
    assert at_head(f"sqlite:///{project / 'var' / 'local.db'}", "sqlite")
    before.assert_same("var/local.db")


def test_the_workflow_migrates_its_service_database_before_check_sync() -> None:
    """``make check-sync`` never migrates DATABASE_URL: the example workflow migrates it before
    its check (which it runs as ``twinschema check``, keeping the exit codes make would turn
    into 2)."""
    workflow = yaml.safe_load((ROOT / "docs" / "github-actions.yml").read_text())
    runs = [step.get("run", "").strip() for step in workflow["jobs"]["check-sync"]["steps"]]
    check = next(i for i, run in enumerate(runs) if run.startswith("status=0"))
    assert runs.index("make migrate-remote") < check
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\ncheck-sync:", 1)[1].split("\n\n", 1)[0]
    assert "migrate local --owned-only" in recipe and "migrate remote --owned-only" in recipe


# ---------------------------------------------------------------------------------------------
# The pytest plugin


def test_the_pytest_plugin_never_reads_the_variables(
    project: Path, pg_url: str, pg_server: str, tmp_path: Path, outer_run_options: None
) -> None:
    """Both variables name the user's databases (an empty PostgreSQL one, a SQLite file that does
    not exist): had the plugin read them, its live layer would fail. It passes, and they are as
    they were. The user's pytest sees none of this run's own options."""
    (project / "test_sync.py").write_text("from twinschema.pytest_plugin import *  # noqa: F403\n")
    user_file = tmp_path / "user.db"
    before = Unchanged(project, pg_url, pg_server)
    variables = env(
        pg_server,
        DATABASE_URL=pg_url,
        LOCAL_DATABASE_URL=f"sqlite:///{user_file}",
        TEST_DATABASE_URL=pg_server,
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_sync.py"],
        cwd=project,
        env=variables,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^\d+ passed in ", result.stdout, re.M), result.stdout  # -q's summary
    assert "failed" not in result.stdout and "slowest" not in result.stdout
    assert not user_file.exists()
    assert no_database_made(project)
    before.assert_same()


def test_the_pytest_plugin_blames_a_module_edited_without_a_revision(
    project: Path, pg_server: str, outer_run_options: None
) -> None:
    """The plugin's databases are made by migrating each chain to head, so a live difference
    there is a module that changed without a revision: the failure said "a database was changed
    by hand" (stranger40), which no one did. Now it names ``twinschema revision``."""
    (project / "test_sync.py").write_text("from twinschema.pytest_plugin import *  # noqa: F403\n")
    module = project / "schemas" / "sqlite.py"
    text = module.read_text("utf-8")
    edited = 'sa.Column(c.theme_id, sa.Text, server_default="basic")'
    assert edited in text
    module.write_text(text.replace(edited, edited.replace('"basic"', '"plain"')), "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_sync.py",
         "-k", "test_live"],
        cwd=project, env=env(pg_server, TEST_DATABASE_URL=pg_server),
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    causes = [line for line in result.stdout.splitlines() if "likely cause:" in line]
    assert causes, result.stdout
    assert all("without a revision" in line for line in causes), causes
    assert not any("changed by hand, or" in line for line in causes), causes
    # The hints refer to their comparison's note (stranger80 005): the failure shows it.
    hints = [line for line in result.stdout.splitlines() if "hint: " in line]
    assert hints and all("see this comparison's note" in line for line in hints), hints
    notes = [
        line for line in result.stdout.splitlines() if "note of [live] schemas/sqlite.py" in line
    ]
    assert notes and all("is at its chain's head, so migrating it" in n for n in notes), notes


# ---------------------------------------------------------------------------------------------
# A variable holding a PostgreSQL connection in a form twinschema refuses (stranger66 finding
# 010): refused as the flag is, exit 2, never replaced by the embedded server.

CONNINFO = "host=db.internal password=s3cretPW user=app dbname=app"
CONNINFO_SHOWN = "host=db.internal password=*** user=app dbname=app"
CONNINFO_ERROR = (
    f"not a database URL: {CONNINFO_SHOWN} is a libpq key=value connection string, which "
    "twinschema does not accept: write it as a URL, postgresql://USER@HOST:PORT/DBNAME"
)


@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["check", "--layer", "live"],
        ["migrate", "remote"],
        ["migrate", "remote", "--owned-only"],
        ["current", "remote"],
        ["stamp", "remote", "head"],
        ["make", "check-sync"],
        ["make", "migrate-remote"],
    ],
    ids=" ".join,
)
def test_a_libpq_string_in_DATABASE_URL_is_refused_as_the_flag_is(
    project: Path, pg_url: str, pg_server: str, args: list[str]
) -> None:
    """Before: "DATABASE_URL (...) is not a PostgreSQL URL: ignored; using the embedded
    PostgreSQL in var/pg", then a check of the empty embedded server (exit 1, drift) or a
    migration of it (exit 0). Now: exit 2, the flag's message naming the variable, password
    masked, no embedded server started, nothing written."""
    before = Unchanged(project, pg_url, pg_server)
    variables = env(pg_server, DATABASE_URL=CONNINFO)
    if args[0] == "make":
        result = make(project, args[1], variables)
        assert result.returncode != 0, result.stdout + result.stderr
        said = [line for line in result.stderr.splitlines() if line.startswith("twinschema:")]
        expected_files: tuple[str, ...] = ("var/local.db", "var/.gitignore")  # migrate local
    else:
        result = invoke_cli(args, project, variables)
        assert result.returncode == 2, result.stdout + result.stderr
        said = [one_line(result.stderr)]
        expected_files = ()
    assert len(said) == 1, result.stderr
    assert said[0].startswith(f"twinschema: error: DATABASE_URL: {CONNINFO_ERROR}"), said
    assert "s3cretPW" not in result.stdout + result.stderr
    assert "embedded" not in result.stdout + result.stderr
    assert not (project / "var" / "pg").exists()
    before.assert_same(*(f for f in expected_files if (project / f).exists()))


def test_the_flag_and_the_variable_refuse_a_libpq_string_alike(
    project: Path, pg_url: str, pg_server: str
) -> None:
    """Both paths: the same message, exit 2; only the variable's says which variable."""
    flag = invoke_cli(["check", "--postgres-url", CONNINFO], project, env(pg_server))
    variable = invoke_cli(["check"], project, env(pg_server, DATABASE_URL=CONNINFO))
    assert flag.returncode == variable.returncode == 2
    assert one_line(flag.stderr) == one_line(variable.stderr).replace("DATABASE_URL: ", "")
    assert no_database_made(project)


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        ("postgre://app:s3cretPW@db.internal/app", "unsupported database URL scheme 'postgre'"),
        ("PGSQL://app:s3cretPW@db.internal/app", "unsupported database URL scheme 'pgsql'"),
        # Near misses: another system's URL, shared with another application, stays ignored.
        ("mysql://app:s3cretPW@db.internal/app", None),
        ("sqlite:///dev.db", None),
    ],
)
def test_a_misspelt_postgresql_scheme_is_refused_another_systems_url_ignored(
    project: Path, pg_url: str, pg_server: str, value: str, refused: str | None
) -> None:
    """A misspelt PostgreSQL scheme is this side's database written wrongly: refused (exit 2).
    A MySQL or SQLite URL in DATABASE_URL belongs to another application: ignored, one line, the
    embedded server used, as README promises."""
    before = Unchanged(project, pg_url, pg_server)
    result = invoke_cli(["migrate", "remote"], project, env(pg_server, DATABASE_URL=value))
    assert "s3cretPW" not in result.stdout + result.stderr
    if refused:
        assert result.returncode == 2, result.stdout + result.stderr
        assert one_line(result.stderr).startswith(f"twinschema: error: DATABASE_URL: {refused}")
        assert no_database_made(project)
        before.assert_same()
    else:
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.splitlines()[0] == (
            f"DATABASE_URL ({redact(value)}) is not a PostgreSQL URL: ignored; "
            "using the embedded PostgreSQL in var/pg"
        )
        before.assert_same("var/.gitignore")


@pytest.mark.parametrize(
    ("value", "dialect"),
    [
        ("sqlite:///x.db", "sqlite"),
        ("postgresql://a@h/d", "postgresql"),
        ("postgres://a@h/d", "postgresql"),
        ("host=h user=a", "postgresql"),
        ("  dbname = app", "postgresql"),
        ("postgre://a@h/d", "postgresql"),
        ("pg://a@h/d", "postgresql"),
        ("psql://a@h/d", "postgresql"),
        # Near misses: not a PostgreSQL connection.
        ("mysql://a@h/d", None),
        ("mssql+pyodbc://a@h/d", None),
        ("/var/app/dev.db", "sqlite"),
        ("./dev.sqlite3", "sqlite"),
        ("dev.db", "sqlite"),
        ("app:secret@h/d", None),
        ("app@h/dev.db", None),
        ("dev", None),
    ],
)
def test_which_side_a_variable_was_meant_for(value: str, dialect: str | None) -> None:
    from twinschema.config import meant_dialect

    assert meant_dialect(value) == dialect


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_a_variable_in_its_sides_refused_form_is_refused_in_either_side(
    project: Path, pg_url: str, pg_server: str, tmp_path: Path, dialect: str
) -> None:
    """LOCAL_DATABASE_URL=/path/mine.db (no sqlite:///) used to be ignored for default_url's
    var/local.db, a file the user never named; DATABASE_URL=host=... for the embedded server.
    Each is refused, exit 2, naming its variable; nothing is made."""
    mine = tmp_path / "mine.db"
    empty_file(mine)
    name, value, side = {
        "sqlite": ("LOCAL_DATABASE_URL", str(mine), "local"),
        "postgresql": ("DATABASE_URL", CONNINFO, "remote"),
    }[dialect]
    before = Unchanged(project, pg_url, pg_server)
    result = invoke_cli(["migrate", side], project, env(pg_server, **{name: value}))
    assert result.returncode == 2, result.stdout + result.stderr
    assert one_line(result.stderr).startswith(f"twinschema: error: {name}: not a database URL")
    assert result.stdout == ""
    assert mine.stat().st_size == 0
    assert no_database_made(project)
    before.assert_same()


def empty_file(path: Path) -> None:
    """An empty file: what a check or a migration of it would change shows."""
    path.write_bytes(b"")
