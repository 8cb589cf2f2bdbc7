"""The CI integration files: the pre-commit hooks run the database-free layers and pass on the
project, and the example GitHub Actions workflow is wired as docs/ci.md says."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from twinschema.cli import cli
from twinschema.report import FORMATS

ROOT = Path(__file__).resolve().parent.parent
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
    assert "make check-sync" in runs
    assert "check-sync:" in (ROOT / "Makefile").read_text()
    commands = [line.strip() for run in runs for line in run.splitlines() if "twinschema " in line]
    formats = [shlex.split(c)[shlex.split(c).index("--format") + 1] for c in commands]
    assert set(formats) <= set(FORMATS) and {"github", "junit", "sarif"} <= set(formats)
    junit = next(c for c in commands if "--format junit" in c)
    junit_path = shlex.split(junit)[shlex.split(junit).index("--output") + 1]
    uploads = [s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact")]
    assert [s["with"]["path"] for s in uploads] == [junit_path]
    # The report steps run when make check-sync failed: that is when they matter.
    for step in job["steps"]:
        if "twinschema" in step.get("run", "") or ("uses" in step and "upload" in step["uses"]):
            assert step.get("if") == "${{ !cancelled() }}"
