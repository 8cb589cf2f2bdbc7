"""The CI integration files: the pre-commit hooks run the database-free layers and pass on the
project, and the example GitHub Actions workflow is wired as docs/ci.md says."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from click.testing import CliRunner
from pg_helpers import clean_env

from twinschema.cli import cli
from twinschema.report import FORMATS

# One worker runs the tests that use or watch this repository's var/: `make check-sync` on this
# repository starts its embedded server in var/pg.
pytestmark = pytest.mark.xdist_group("repository-var")

ROOT = Path(__file__).resolve().parent.parent
UNREACHABLE = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2"
# pre-commit's manifest: required keys, and the languages that fit a Python tool.
REQUIRED = {"id", "name", "entry", "language"}
KNOWN = REQUIRED | {
    "description", "files", "exclude", "types", "types_or", "exclude_types", "pass_filenames",
    "require_serial", "always_run", "stages", "args", "additional_dependencies", "verbose",
    "minimum_pre_commit_version", "language_version", "fail_fast", "log_file",
}  # fmt: skip


def hooks() -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    return loaded


def test_pre_commit_manifest_is_well_formed() -> None:
    found = hooks()
    assert [hook["id"] for hook in found] == ["twinschema", "twinschema-system"]
    for hook in found:
        assert REQUIRED <= hook.keys() <= KNOWN
        assert hook["language"] in ("python", "system")
        assert hook["pass_filenames"] is False
        files = re.compile(hook["files"])
        for path in ("domain.yaml", "schemas/sqlite.py", "pyproject.toml", "app/domain.yml"):
            assert files.search(path), path
        for path in ("README.md", "migrations_sqlite/script.py.mako", "docs/ci.md"):
            assert not files.search(path), path


@pytest.mark.parametrize("hook", hooks(), ids=lambda h: h["id"])
def test_the_hook_passes_on_the_project_without_a_database(
    hook: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    program, *args = shlex.split(hook["entry"])
    assert program == "twinschema"
    assert {"--layer", "domain", "models"} <= set(args)
    assert "live" not in args and "migrations" not in args
    # An unreachable database in the environment: the hook's layers never connect to one.
    env = {"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none", "LOCAL_DATABASE_URL": ""}
    result = CliRunner().invoke(cli, args, env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("in sync\n")


def test_the_workflow_example() -> None:
    workflow = yaml.safe_load((ROOT / "docs" / "github-actions.yml").read_text())
    job = workflow["jobs"]["check-sync"]
    service = job["services"]["postgres"]
    assert service["image"].startswith("postgres:")
    env = service["env"]
    url = job["env"]["DATABASE_URL"]
    expected = (
        f"postgresql://{env['POSTGRES_USER']}:{env['POSTGRES_PASSWORD']}@localhost:5432/"
        f"{env['POSTGRES_DB']}"
    )
    assert url == expected
    assert "5432:5432" in service["ports"]
    runs = [step.get("run", "") for step in job["steps"]]
    # twinschema check itself, not make check-sync (make turns 1 and 3 into 2).
    assert not [run for run in runs if "make check-sync" in run]
    assert runs.index("make migrate-remote") < runs.index(check_step(job)["run"])
    assert runs.index("make migrate-local") < runs.index(check_step(job)["run"])
    commands = [
        line.strip()
        for run in runs
        for line in run.splitlines()
        if "twinschema " in line and "--format" in line
    ]
    formats = [shlex.split(c)[shlex.split(c).index("--format") + 1] for c in commands]
    assert set(formats) <= set(FORMATS) and {"github", "junit", "sarif"} <= set(formats)
    junit = next(c for c in commands if "--format junit" in c)
    junit_path = shlex.split(junit)[shlex.split(junit).index("--output") + 1]
    uploads = [s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact")]
    assert [s["with"]["path"] for s in uploads] == [junit_path]
    # The report steps run when the check failed: that is when they matter.
    for step in job["steps"]:
        if "--format" in step.get("run", "") or ("uses" in step and "upload" in step["uses"]):
            assert step.get("if") == "${{ !cancelled() }}"


def check_step(job: dict[str, Any]) -> dict[str, Any]:
    """The workflow's step that runs ``twinschema check`` for its verdict."""
    found = [s for s in job["steps"] if s.get("name") == "twinschema check"]
    assert len(found) == 1
    step: dict[str, Any] = found[0]
    return step


def _run_step(script: str, variables: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The step's script as GitHub Actions runs it (``bash -e``), in this project."""
    return subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=ROOT,
        env=clean_env(**variables),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _make_check_sync(variables: dict[str, str]) -> subprocess.CompletedProcess[str]:
    stamp = ROOT / ".venv" / ".installed-stamp"
    return subprocess.run(
        ["make", "--no-print-directory", "-o", str(stamp), "check-sync"],
        cwd=ROOT,
        env=clean_env(**variables),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_the_workflow_check_keeps_twinschema_exit_codes_where_make_gives_2(
    sqlite_url: str, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Drift is 1 and an unreadable database 3 in the workflow's check step; ``make
    check-sync`` exits 2 for both, because make does for any failing command."""
    monkeypatch.chdir(ROOT)
    for side, flag, url in (
        ("local", "--sqlite-url", sqlite_url),
        ("remote", "--postgres-url", pg_url),
    ):
        assert CliRunner().invoke(cli, ["migrate", side, flag, url]).exit_code == 0
    engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE badges ADD COLUMN note text"))
    engine.dispose()
    script = check_step(
        yaml.safe_load((ROOT / "docs" / "github-actions.yml").read_text())["jobs"]["check-sync"]
    )["run"]
    drift = {"LOCAL_DATABASE_URL": sqlite_url, "DATABASE_URL": pg_url}
    unreadable = {"LOCAL_DATABASE_URL": sqlite_url, "DATABASE_URL": UNREACHABLE}
    for variables, code, said in ((drift, 1, "drifted"), (unreadable, 3, "could not be read")):
        step = _run_step(script, variables)
        assert step.returncode == code, step.stdout + step.stderr
        assert "::error::" in step.stdout and said in step.stdout
        made = _make_check_sync(variables)
        assert made.returncode == 2, made.stdout + made.stderr
