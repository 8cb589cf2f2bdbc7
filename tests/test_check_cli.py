"""``twinschema check``, ``diff`` and ``inspect`` on the project's own schemas, through the CLI as a
user runs them: exit codes, the JSON contract, every output format, layer selection."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner, Result

from twinschema.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def check(urls: tuple[str, str], *args: str) -> Result:
    return invoke("check", "--sqlite-url", urls[0], "--postgres-url", urls[1], *args)


def test_the_project_is_in_sync_on_every_layer(migrated: tuple[str, str]) -> None:
    result = check(migrated, "--format", "json")
    document = json.loads(result.stdout)
    assert result.exit_code == 0, result.output
    assert document["in_sync"] is True
    assert document["differences"] == []
    statuses = {(layer["name"], layer["status"]) for layer in document["layers"]}
    for name in ("domain", "models", "live"):
        assert (name, "in_sync") in statuses
    assert sum(layer["name"] == "live" for layer in document["layers"]) == 3


def test_json_contract_of_a_difference(migrated: tuple[str, str]) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(migrated[1])
    with engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE badges ADD COLUMN note text"))
    engine.dispose()
    result = check(migrated, "--layer", "live", "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["in_sync"] is False
    keys = {
        "layer",
        "left_source",
        "right_source",
        "kind",
        "table",
        "column",
        "name",
        "left",
        "right",
        "severity",
        "message",
        "hint",
    }
    found = [(d["layer"], d["kind"], d["table"], d["column"]) for d in document["differences"]]
    assert found == [("live", "column_missing", "badges", "note")] * 2
    for difference in document["differences"]:
        assert keys <= difference.keys()
        assert difference["left"] is None
        assert difference["right"] == "text"
    assert {"name", "left", "right", "status"} <= document["layers"][0].keys()
    assert isinstance(document["equivalences"], list)
    assert "not_compared" in document


def test_layers_can_be_chosen(migrated: tuple[str, str]) -> None:
    document = json.loads(check(migrated, "--layer", "models", "--format", "json").stdout)
    assert [layer["name"] for layer in document["layers"]] == ["models"]


def test_verbose_lists_the_equivalence_rules(migrated: tuple[str, str]) -> None:
    result = check(migrated, "--layer", "models", "--verbose")
    assert result.exit_code == 0, result.output
    assert "communities.id: TEXT ~ UUID  (rule: uuid)" in result.output
    assert "(rule: boolean)" in result.output
    assert "(rule: enum)" in result.output
    quiet = check(migrated, "--layer", "models")
    assert "rule:" not in quiet.output
    document = json.loads(check(migrated, "--layer", "models", "--format", "json").stdout)
    rules = {(e["table"], e["column"], e["rule"]) for e in document["equivalences"]}
    assert ("communities", "settings", "json") in rules


def test_junit_and_github_formats(migrated: tuple[str, str], tmp_path: Path) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(migrated[0])
    with engine.begin() as conn:
        conn.execute(sa.text("DROP INDEX ix_profiles_wallet_address"))
    engine.dispose()
    out = tmp_path / "report.xml"
    result = check(migrated, "--layer", "live", "--format", "junit", "--output", str(out))
    assert result.exit_code == 1
    root = ET.fromstring(out.read_text())
    failures = [
        case.get("name") for case in root.iter("testcase") if case.find("failure") is not None
    ]
    assert failures == ["profiles", "profiles"]
    assert root.get("failures") == "2"
    lines = check(migrated, "--layer", "live", "--format", "github").output.splitlines()
    github = [line for line in lines if line.startswith("::error ")]  # the rest: warnings, notices
    assert len(github) == 2
    assert all(line.startswith(("::warning ", "::notice ")) for line in lines if line not in github)
    assert "title=twinschema live%3A index profiles" in github[0]


def test_inspect_prints_the_neutral_model(migrated: tuple[str, str]) -> None:
    result = invoke("inspect", migrated[1])
    document = json.loads(result.stdout)
    assert document["dialect"] == "postgresql"
    profiles = document["tables"]["profiles"]
    assert profiles["primary_key"] == ["id"]
    assert {fk["on_delete"] for fk in profiles["foreign_keys"]} == {"CASCADE"}
    assert profiles["row_level_security"] is True


def test_diff_of_the_two_metadata_modules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = invoke(
        "diff", "schemas.sqlite:metadata", "schemas.postgres:metadata", "--domain", "domain.yaml"
    )
    assert result.exit_code == 0, result.output
    # Inside the project, its configured domain.yaml is the default (issue 13).
    result = invoke("diff", "schemas.sqlite:metadata", "schemas.postgres:metadata")
    assert result.exit_code == 0, result.output
    # Without the domain the PostgreSQL-only objects are differences.
    result = invoke(
        "diff", "schemas.sqlite:metadata", "schemas.postgres:metadata", "--no-domain",
        "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 1
    kinds = {d["kind"] for d in json.loads(result.stdout)["differences"]}
    assert kinds == {"index", "dialect_object"}


def test_diff_refuses_domain_and_no_domain_together(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = invoke("diff", "a.sql", "b.sql", "--domain", "domain.yaml", "--no-domain")
    assert result.exit_code == 2
    assert "--no-domain" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_missing_sqlite_database_is_an_error_never_in_sync(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    missing = tmp_path / "nope.db"
    result = invoke(
        "check",
        "--layer",
        "live",
        "--sqlite-url",
        f"sqlite:///{missing}",
        "--postgres-url",
        pg_url,
        "--format",
        "json",
    )
    assert result.exit_code == 3
    document = json.loads(result.stdout)
    assert document["in_sync"] is False
    assert any(layer["status"] == "error" for layer in document["layers"])
    assert not missing.exists()


def test_a_metadata_module_takes_the_dialect_of_the_database_it_meets(
    migrated: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unconfigured module compared with a live database is read in that database's dialect;
    a SQL file keeps the dialect its content says, whatever it is compared with."""
    module = tmp_path / "other_models.py"
    module.write_text((ROOT / "schemas" / "postgres.py").read_text())
    monkeypatch.syspath_prepend(str(tmp_path))
    result = invoke("diff", "other_models:metadata", migrated[1], "--format", "json")
    assert result.exit_code == 0, result.output
    sql = tmp_path / "dump.sql"
    sql.write_text("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT);\n")
    result = invoke("inspect", str(sql))
    assert json.loads(result.stdout)["dialect"] == "sqlite"
    result = invoke("diff", str(sql), migrated[1], "--format", "json")
    assert json.loads(result.stdout)["layers"][0]["left"] == str(sql)
    kinds = {d["kind"] for d in json.loads(result.stdout)["differences"]}
    assert "table_missing" in kinds  # compared as SQLite against the PostgreSQL database


def test_the_script_runs_a_command_without_the_cyclic_collector_and_restores_it(
    tmp_path: Path,
) -> None:
    """``main`` (the script's entry point) turns the collector off for the command: no
    collection runs in its code, where the same command through the click group alone runs
    some. Afterwards the collector is as the caller had it."""
    import gc
    import sqlite3
    import sys

    from twinschema.cli import main

    db = tmp_path / "a.db"
    with sqlite3.connect(db) as conn:
        conn.executescript(
            "".join(f"CREATE TABLE t{n} (id INTEGER PRIMARY KEY);" for n in range(30))
        )
    conn.close()
    args = ["inspect", str(db), "--format", "json"]
    seen: list[str] = []

    def record(phase: str, info: dict[str, int]) -> None:
        # Passes while the command's code runs (a pass may follow main's return at once: the
        # collector is back on then, with the command's allocations counted).
        frame = sys._getframe(1)
        while frame is not None:
            if "/twinschema/" in frame.f_code.co_filename:
                seen.append(phase)
                return
            frame = frame.f_back

    thresholds = gc.get_threshold()
    gc.set_threshold(50)  # a pass every 50 objects kept: any command would run many
    gc.callbacks.append(record)
    try:
        assert gc.isenabled()
        with pytest.raises(SystemExit) as exit_info:
            main(args)
        assert exit_info.value.code == 0
        assert seen == []
        assert gc.isenabled()
        # The same command, its modules already imported, through the group alone: the
        # collector runs, so the empty record above is main's doing.
        assert CliRunner().invoke(cli, args).exit_code == 0
        assert "start" in seen
        gc.disable()
        with pytest.raises(SystemExit):
            main(args)
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.callbacks.remove(record)
        gc.set_threshold(*thresholds)


def test_python_dash_m_runs_the_same_command() -> None:
    """``python -m twinschema`` is the script under another name: same help, same exit code."""
    done = subprocess.run(
        [sys.executable, "-m", "twinschema", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: twinschema ")
    refused = subprocess.run(
        [sys.executable, "-m", "twinschema", "no-such-command"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 2
    assert "No such command" in refused.stderr
