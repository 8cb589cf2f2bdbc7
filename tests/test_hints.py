"""Hints name the command that fixes the cause (issue 13): a database changed by hand while at
its chain's head is not told to migrate (that changes nothing) but to write a revision or revert
the edit; one behind its chain is told to migrate; a difference between the two live databases
points at its cause, the database that differs from its module or the modules themselves."""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from pg_helpers import DOMAIN, build, make_project, module_source, notes_of

from twinschema.cli import cli
from twinschema.config import Config, load_config
from twinschema.hints import AT_HEAD, BEHIND, chain_state

ROOT = Path(__file__).resolve().parent.parent


def _check(*args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["check", *args, "--format", "json"], env=env)
    assert result.exit_code == 1, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def _edit(url: str, ddl: str) -> None:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(ddl))
    finally:
        engine.dispose()


def _project_check(sqlite_url: str, pg_url: str) -> dict[str, Any]:
    return _check(
        "--layer", "domain", "--layer", "models", "--layer", "live",
        "--sqlite-url", sqlite_url, "--postgres-url", pg_url,
    )  # fmt: skip


def _migrate(side: str, flag: str, url: str) -> None:
    result = CliRunner().invoke(cli, ["migrate", side, flag, url])
    assert result.exit_code == 0, result.output


def test_hand_edits_at_head_are_told_to_write_a_revision_or_revert(
    sqlite_url: str, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    _migrate("local", "--sqlite-url", sqlite_url)
    _migrate("remote", "--postgres-url", pg_url)
    _edit(sqlite_url, "DROP INDEX ix_profiles_wallet_address")
    _edit(pg_url, "ALTER TABLE badges ADD COLUMN note text")
    report = _project_check(sqlite_url, pg_url)
    index = [
        d for d in report["differences"]
        if d["kind"] == "index" and d["left_source"] == "schemas/sqlite.py"
    ]  # fmt: skip
    assert len(index) == 1
    hint, note = index[0]["hint"], notes_of(report, index[0])
    assert "migrate local" not in hint and "make migrate" not in hint, hint
    # What to do at the head is said once, in the comparison's note, to which the hint refers
    # (stranger80 005: each hint repeated it)
    assert "twinschema revision" in note and "revert the hand edit" in note, note
    assert "The SQLite database is at its chain's head" in note, note
    assert "at its chain's head" in hint and "revert" not in hint, hint
    column = [
        d for d in report["differences"]
        if d["kind"] == "column_missing" and d["left_source"] == "schemas/postgres.py"
    ]  # fmt: skip
    assert len(column) == 1
    assert "migrate remote" not in column[0]["hint"]
    assert "revert" in notes_of(report, column[0]), notes_of(report, column[0])

    pair = [d for d in report["differences"] if d["left_source"] == index[0]["right_source"]]
    assert {d["kind"] for d in pair} == {"index", "column_missing"}
    for d in pair:
        module = "schemas/sqlite.py" if d["kind"] == "index" else "schemas/postgres.py"
        assert f"the database of {module} differs from that module here" in d["hint"], d["hint"]
        assert "migrate" not in d["hint"]


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_what_to_do_at_head_is_said_once_per_database(
    dialect: str, sqlite_url: str, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """stranger80 005: three hand edits on a database at its chain's head gave each of their
    hints the same 700 characters of what to do (revert the edit, write a revision, put an
    edited revision back, stamp back). Said once now, in the note of the comparison of the
    module with that database (JSON: the layer's ``notes``; text: under its header); each hint
    keeps its own fix and refers to the note. Near miss: the other database, unedited, has no
    difference and no note."""
    monkeypatch.chdir(ROOT)
    _migrate("local", "--sqlite-url", sqlite_url)
    _migrate("remote", "--postgres-url", pg_url)
    url = sqlite_url if dialect == "sqlite" else pg_url
    for column in ("note", "remark", "memo"):
        _edit(url, f"ALTER TABLE badges ADD COLUMN {column} text")
    module = "schemas/sqlite.py" if dialect == "sqlite" else "schemas/postgres.py"
    report = _project_check(sqlite_url, pg_url)
    edited = [d for d in report["differences"] if d["left_source"] == module]
    assert sorted(d["column"] for d in edited) == ["memo", "note", "remark"], edited
    for d in edited:
        assert d["hint"].endswith(
            "(the database is at its chain's head: see this comparison's note)"
        )
        assert "revert" not in d["hint"] and "stamp" not in d["hint"], d["hint"]
        assert len(d["hint"]) < 250, d["hint"]  # was over 600
    (layer,) = [r for r in report["layers"] if r["left"] == module and r["name"] == "live"]
    (note,) = layer["notes"]
    assert note["kind"] == "at_head" and note["text"] == notes_of(report, edited[0]), note
    for said in ("revert the hand edit", "twinschema revision", "stamp", "edited afterwards"):
        assert said in note["text"], note
    other = "schemas/postgres.py" if dialect == "sqlite" else "schemas/sqlite.py"
    (unedited,) = [r for r in report["layers"] if r["left"] == other and r["name"] == "live"]
    assert unedited["notes"] == [] and unedited["status"] == "in_sync", unedited

    text = CliRunner().invoke(
        cli,
        ["check", "--layer", "live", "--sqlite-url", sqlite_url, "--postgres-url", pg_url],
    )
    assert text.exit_code == 1, text.output
    assert text.stdout.count(f"  note: {note['text']}\n") == 1, text.stdout
    assert text.stdout.count("so migrating it changes nothing") == 1, text.stdout


def test_a_check_changed_by_hand_at_head_is_not_told_to_migrate(
    sqlite_url: str, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CHECK edited on the server at head: the evaluation stage pairs the module's CHECK with
    the database's into one difference with a witness row; its hint too says the database is at
    its chain's head (it said "run: make migrate-remote", which changes nothing: stranger17)."""
    monkeypatch.chdir(ROOT)
    _migrate("local", "--sqlite-url", sqlite_url)
    _migrate("remote", "--postgres-url", pg_url)
    _edit(pg_url, "ALTER TABLE manifests DROP CONSTRAINT ck_manifests_version_positive")
    _edit(
        pg_url,
        "ALTER TABLE manifests ADD CONSTRAINT ck_manifests_version_positive CHECK (version > 1)",
    )
    report = _project_check(sqlite_url, pg_url)
    (check,) = [
        d for d in report["differences"]
        if d["kind"] == "check" and d["left_source"] == "schemas/postgres.py"
    ]  # fmt: skip
    assert check["left"] is not None and check["right"] is not None, check
    assert "migrate" not in check["hint"], check["hint"]
    assert "at its chain's head" in check["hint"], check["hint"]
    assert "twinschema revision" in notes_of(report, check), notes_of(report, check)


def test_a_database_behind_its_chain_is_told_to_migrate(
    sqlite_url: str, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    _migrate("remote", "--postgres-url", pg_url)
    _edit(sqlite_url, "CREATE TABLE unrelated (id integer)")  # a file, never migrated
    report = _project_check(sqlite_url, pg_url)
    behind = [d for d in report["differences"] if d["left_source"] == "schemas/sqlite.py"]
    assert behind
    for d in behind:
        assert f"twinschema migrate local --sqlite-url {sqlite_url}" in d["hint"], d["hint"]
        assert "twinschema revision" not in d["hint"]


def test_live_pair_differences_caused_by_the_modules_point_at_the_modules(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each database matches its own module; the modules differ: the live pair's difference
    points at the modules, not at either database."""
    project = make_project(tmp_path, sqlite_src=module_source(extra_column=True))
    build(pg_url, module_source())
    monkeypatch.chdir(tmp_path)
    report = _check(
        "--layer", "models", "--layer", "live",
        "--sqlite-url", project.sqlite, "--postgres-url", pg_url,
    )  # fmt: skip
    pair = [
        d for d in report["differences"]
        if d["layer"] == "live" and d["left_source"].startswith("sqlite:")
    ]  # fmt: skip
    assert [(d["kind"], d["column"]) for d in pair] == [("column_missing", "note")]
    hint = pair[0]["hint"]
    assert hint.startswith("each database matches its module: the modules differ (")
    assert f"{project.sqlite_module}.py" in hint and f"{project.postgres_module}.py" in hint
    # A revision for each chain, then both migrated: said once, in the pair's note
    assert hint.endswith("; see this comparison's note"), hint
    assert "write a revision for each chain with `twinschema revision" in notes_of(report, pair[0])
    models = [d for d in report["differences"] if d["layer"] == "models"]
    assert [(d["kind"], d["column"]) for d in models] == [("column_missing", "note")]


def test_a_live_layer_in_sync_reads_no_chain(sqlite_url: str, pg_url: str) -> None:
    """Where a database stands on its chain is read once, for the hints of the differences
    left after the evaluation stage: a live layer that finds none (here, spellings that only
    running them shows equal) never reads a chain, so Alembic is not imported (a fresh
    process: what it imported is the point)."""
    import subprocess
    import sys

    _migrate("local", "--sqlite-url", sqlite_url)
    _migrate("remote", "--postgres-url", pg_url)
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from twinschema.cli import cli\n"
        f"args = ['check', '--layer', 'models', '--layer', 'live', '--sqlite-url', {sqlite_url!r},"
        f" '--postgres-url', {pg_url!r}]\n"
        "r = CliRunner().invoke(cli, args)\n"
        "assert r.exit_code == 0, r.output\n"
        "print('alembic' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False", out.stdout + out.stderr


def _indexed(name: str) -> str:
    return module_source() + f'sa.Index("{name}", metadata.tables["items"].c.name)\n'


def test_live_pair_differences_point_at_the_database_that_left_its_module(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index each dialect names its own way, dropped by hand from SQLite, and a column added
    by hand to PostgreSQL: each live pair difference names the database that left its module,
    and its GitHub annotation is on that database's module, not on the SQLite one for both."""
    project = make_project(
        tmp_path, sqlite_src=_indexed("ix_items_name"), pg_src=_indexed("items_name_idx")
    )
    build(pg_url, _indexed("items_name_idx"))
    _edit(project.sqlite, "DROP INDEX ix_items_name")
    _edit(pg_url, "ALTER TABLE items ADD COLUMN foo text")
    monkeypatch.chdir(tmp_path)
    args = ("--layer", "live", "--sqlite-url", project.sqlite, "--postgres-url", pg_url)
    report = _check(*args)
    pair = {
        d["kind"]: d
        for d in report["differences"]
        if d["layer"] == "live" and d["left_source"].startswith("sqlite:")
    }
    assert sorted(pair) == ["column_missing", "index"]
    modules = {"index": project.sqlite_module, "column_missing": project.postgres_module}
    # Named shortly (the report's header of the pair gives their URLs), not by URL again.
    for kind, d in pair.items():
        assert d["hint"].startswith(
            f"the database of {modules[kind]}.py differs from that module here: fix that "
            f"(the hint of [live] {modules[kind]}.py <> its database)"
        ), d
        assert pg_url.split("?")[0] not in d["hint"] and project.sqlite not in d["hint"], d
        assert d["fix"]["file"] == f"{modules[kind]}.py", d
    github = CliRunner().invoke(cli, ["check", *args, "--format", "github"])
    assert github.exit_code == 1, github.output
    annotated = sorted(
        (line.split("file=")[1].split(",")[0], line.split("the database of ")[1][:30])
        for line in github.stdout.splitlines()
        if "differs from that module" in line
    )
    assert annotated == sorted(
        (f"{module}.py", f"{module}.py differs from that module"[:30])
        for module in (project.sqlite_module, project.postgres_module)
    ), github.stdout


# ---------------------------------------------------------------------------------------------
# chain_state: "cannot be read" is a broken chain or an unreadable database, never a bug


def _with_sqlite_chain(folder: Path) -> Config:
    """The project's configuration with ``folder`` as the SQLite side's chain."""
    config = load_config(ROOT / "pyproject.toml")
    side = replace(config.side("sqlite"), migrations=folder)
    return replace(config, dialects={**config.dialects, "sqlite": side})


def test_chain_state_tells_a_database_at_head_from_one_behind(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    config = load_config(ROOT / "pyproject.toml")
    _migrate("local", "--sqlite-url", sqlite_url)
    assert chain_state(config, "sqlite", sqlite_url) == AT_HEAD
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    assert chain_state(config, "sqlite", f"sqlite:///{empty}") == BEHIND


def test_a_broken_chain_or_an_unreadable_database_has_no_state(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    _migrate("local", "--sqlite-url", sqlite_url)
    chain = tmp_path / "chain"
    shutil.copytree(ROOT / "migrations_sqlite", chain)
    assert chain_state(_with_sqlite_chain(chain), "sqlite", sqlite_url) == AT_HEAD
    # A revision module whose own code fails when Alembic imports it.
    (chain / "versions" / "0002_broken.py").write_text("revision = undefined_name\n")
    assert chain_state(_with_sqlite_chain(chain), "sqlite", sqlite_url) is None
    # A folder that is no Alembic environment.
    assert chain_state(_with_sqlite_chain(tmp_path), "sqlite", sqlite_url) is None
    # A file that is not a SQLite database, and one that does not exist.
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database" * 100)
    config = load_config(ROOT / "pyproject.toml")
    assert chain_state(config, "sqlite", f"sqlite:///{garbage}") is None
    assert chain_state(config, "sqlite", f"sqlite:///{tmp_path / 'missing.db'}") is None


def test_a_bug_is_not_taken_for_an_unreadable_database() -> None:
    """A programming error (here a caller passing no URL at all) surfaces as itself."""
    config = load_config(ROOT / "pyproject.toml")
    with pytest.raises(TypeError):
        chain_state(config, "sqlite", None)  # type: ignore[arg-type]


def test_a_duplicated_allowance_in_the_live_pair_points_at_the_copy_not_at_revisions(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """stranger57 043 (cases/050): an allowance written twice is stale in the models layer and
    in the live pair alike; the live pair's hint points at the copy's line in domain.yaml, as
    the models layer's does, never at revisions and migrations (no schema change is needed).
    Near miss: the same project without the copy is in sync."""
    allow = (
        "    allow:\n      - {kind: column_missing, column: note, dialect: sqlite, reason: app}\n"
    )
    copy = "      - {kind: column_missing, column: note, dialect: sqlite, reason: again}\n"
    domain = DOMAIN_WITH_NOTE.replace("    columns:\n", allow + copy + "    columns:\n", 1)
    source = module_source(extra_column=True)
    project = make_project(tmp_path, domain=domain, sqlite_src=source)
    build(pg_url, module_source())
    monkeypatch.chdir(tmp_path)
    report = _check(
        "--layer", "models", "--layer", "live",
        "--sqlite-url", project.sqlite, "--postgres-url", pg_url,
    )  # fmt: skip
    stale = [d for d in report["differences"] if d["kind"] == "stale_allowance"]
    assert {d["layer"] for d in stale} == {"models", "live"}, report["differences"]
    models = next(d for d in stale if d["layer"] == "models")
    for d in stale:
        assert "domain.yaml:6: remove this allowance" in d["hint"], d["hint"]
        assert "it is a copy; keep the first" in d["hint"], d["hint"]
        assert "revision" not in d["hint"] and "migrate" not in d["hint"], d["hint"]
        assert d["fix"] == models["fix"], d
    (tmp_path / "domain.yaml").write_text(domain.replace(copy, ""))
    result = CliRunner().invoke(
        cli,
        ["check", "--layer", "models", "--layer", "live", "--sqlite-url", project.sqlite,
         "--postgres-url", pg_url],
    )  # fmt: skip
    assert result.exit_code == 0, result.output


DOMAIN_WITH_NOTE = DOMAIN + "      note: {kind: text}\n"
