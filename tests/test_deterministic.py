"""Reports come out the same on every run, in every format (issue 13): CI diffs and SARIF
baselines depend on it. Python's hash seed changes the order of sets and of dicts built from
them; a report must not depend on it.

The seed is a property of a process, so each seed gets a process of its own; within it each
command (Sakila's diff, the drifted project's check) runs once per format (click's
``CliRunner``, as ``twinschema`` itself would), so the same promise costs one interpreter per
seed instead of one per seed, command and format.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from pg_helpers import clean_env, invoke_cli, run_cli
from support import testing

# One worker runs this module: its module fixtures (the reports under each hash seed, the
# drifted project) are computed once, not once per worker that runs one of its tests.
pytestmark = pytest.mark.xdist_group("test_deterministic")

SAKILA = Path(__file__).parent / "fixtures" / "realworld" / "sakila"
ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("text", "json", "junit", "github", "sarif")

# Runs ``twinschema`` once per (folder, argument list) given (as JSON) in this process, in that
# folder, and prints each run's exit code, stdout and stderr (with the traceback of anything that
# escaped) as JSON.
_EACH_RUN = """
import json, os, sys, traceback
from click.testing import CliRunner
from twinschema.cli import cli
runs = []
for cwd, args in json.loads(sys.argv[1]):
    os.chdir(cwd)
    result = CliRunner().invoke(cli, args, prog_name="twinschema")
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    runs.append((result.exit_code, result.stdout, stderr))
json.dump(runs, sys.stdout)
"""

SEEDS = ("0", "1", "2", "random")


def reports_under_seed(
    commands: dict[str, tuple[Path, list[str]]], seed: str, expected_code: int
) -> dict[str, dict[str, str]]:
    """Each command (name -> folder, arguments) with ``--format F`` for every format F, all in
    one new process whose hash seed is ``seed``: name -> format -> report."""
    runs = [
        (name, fmt, str(cwd), [*args, "--format", fmt])
        for name, (cwd, args) in commands.items()
        for fmt in FORMATS
    ]
    done = subprocess.run(
        [sys.executable, "-c", _EACH_RUN, json.dumps([[cwd, args] for _, _, cwd, args in runs])],
        cwd=ROOT,
        env=clean_env(PYTHONHASHSEED=seed),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    reports: dict[str, dict[str, str]] = {name: {} for name in commands}
    for (name, fmt, _, _), (code, stdout, stderr) in zip(
        runs, json.loads(done.stdout), strict=True
    ):
        assert code == expected_code, f"{name} --format {fmt}, seed {seed}: {stderr}"
        reports[name][fmt] = stdout
    return reports


@pytest.fixture(scope="module")
def seeded_reports(
    tmp_path_factory: pytest.TempPathFactory, drifted_project: tuple[str, str]
) -> dict[str, dict[str, dict[str, str]]]:
    """Under the hash seeds 0, 1, 2 and random, one process each: ``diff`` of Sakila's two
    schemas and ``check`` over the domain, models and live layers of the drifted project (exit 1
    every time: Sakila's two schemas really differ, the project drifted): seed -> command ->
    format -> report."""
    sqlite_url, pg_url = drifted_project
    commands = {
        "check": (
            ROOT,
            [
                "check", "--layer", "domain", "--layer", "models", "--layer", "live",
                "--sqlite-url", sqlite_url, "--postgres-url", pg_url,
            ],
        ),
        "diff": (
            tmp_path_factory.mktemp("sakila"),
            [
                "diff",
                str(SAKILA / "sqlite-sakila-schema.sql"),
                str(SAKILA / "postgres-sakila-schema.sql"),
            ],
        ),
    }  # fmt: skip
    return {seed: reports_under_seed(commands, seed, 1) for seed in SEEDS}


@pytest.fixture(scope="module")
def sakila_reports(
    seeded_reports: dict[str, dict[str, dict[str, str]]],
) -> dict[str, dict[str, str]]:
    """``diff`` of Sakila's two schemas under each hash seed: seed -> format -> report."""
    return {seed: by_command["diff"] for seed, by_command in seeded_reports.items()}


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_same_report_whatever_the_hash_seed(
    fmt: str, sakila_reports: dict[str, dict[str, str]]
) -> None:
    reports = {seed: by_format[fmt] for seed, by_format in sakila_reports.items()}
    assert reports["0"].strip(), "an empty report proves nothing"
    for seed, text in reports.items():
        assert text == reports["0"], f"--format {fmt}: hash seed {seed} gave another report"


@pytest.fixture(scope="module")
def drifted_project(
    tmp_path_factory: pytest.TempPathFactory, pg_server: str
) -> Iterator[tuple[str, str]]:
    """This repository's project, both databases migrated to head and then edited by hand
    (a column on the server, an index dropped from the file, a CHECK changed)."""
    sqlite_url = testing.sqlite_url(tmp_path_factory.mktemp("drifted") / "test.db")
    with testing.scratch_database(pg_server) as pg_url:
        for side, flag, url in (
            ("local", "--sqlite-url", sqlite_url),
            ("remote", "--postgres-url", pg_url),
        ):
            # In-process: the migration is the fixture, not the subject (the seeds' processes are).
            result = invoke_cli(["migrate", side, flag, url], ROOT, clean_env())
            assert result.returncode == 0, result.stderr
        for url, ddl in (
            (pg_url, "ALTER TABLE badges ADD COLUMN note text"),
            (pg_url, "ALTER TABLE profiles ADD COLUMN extra integer DEFAULT 0"),
            (sqlite_url, "DROP INDEX ix_profiles_wallet_address"),
        ):
            engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
            with engine.begin() as conn:
                conn.execute(sa.text(ddl))
            engine.dispose()
        yield sqlite_url, pg_url


@pytest.fixture(scope="module")
def check_reports(
    seeded_reports: dict[str, dict[str, dict[str, str]]],
) -> dict[str, dict[str, str]]:
    """``check`` of the drifted project under each hash seed: seed -> format -> report."""
    return {seed: by_command["check"] for seed, by_command in seeded_reports.items()}


@pytest.mark.parametrize("fmt", FORMATS)
def test_check_reports_the_same_bytes_whatever_the_hash_seed(
    fmt: str, check_reports: dict[str, dict[str, str]]
) -> None:
    """``check`` over the domain, models and live layers, in processes whose hash seeds are
    0, 1, 2 and random: the same bytes every time, in every format."""
    outputs = {seed: by_format[fmt] for seed, by_format in check_reports.items()}
    assert "badges" in outputs["0"] and "profiles" in outputs["0"]
    for seed, text in outputs.items():
        assert text == outputs["0"], f"--format {fmt}: hash seed {seed} gave another report"


# A child with four foreign keys, each with another ON DELETE on each side (as Sakila's
# customer and film have two): adopted with init, its two metadata modules differ in all four.
# The models layer read a table's keys from ``Table.constraints``, a set ordered by object
# address, so the four differences came out in another order from run to run (stranger66 011).
KEYED = """
CREATE TABLE parent (id INTEGER PRIMARY KEY);
CREATE TABLE child (
    id INTEGER PRIMARY KEY,
    a INTEGER REFERENCES parent (id) ON DELETE {action},
    b INTEGER REFERENCES parent (id) ON DELETE {action},
    c INTEGER REFERENCES parent (id) ON DELETE {action},
    d INTEGER REFERENCES parent (id) ON DELETE {action}
);
"""


@pytest.fixture(scope="module")
def keyed_reports(
    tmp_path_factory: pytest.TempPathFactory, pg_server: str
) -> dict[str, dict[str, str]]:
    """``check --layer models`` of a project ``init --stamp`` adopted from a real SQLite file
    and a real PostgreSQL database whose four keys on one table differ, under each hash seed
    (a process of its own: its ``schemas`` package is not this repository's): seed -> format
    -> report."""
    folder = tmp_path_factory.mktemp("keyed")
    sqlite_url = testing.sqlite_file(folder / "keyed.db", KEYED.format(action="CASCADE"))
    project = folder / "app"
    project.mkdir()
    with testing.scratch_database(pg_server) as pg_url:
        testing.execute(pg_url, *KEYED.format(action="SET NULL").split(";")[:2])
        args = ["init", "--sqlite-url", sqlite_url, "--postgres-url", pg_url, "--stamp"]
        done = run_cli(args, project, clean_env())  # a process: its imports stay its own
        assert done.returncode == 0, done.stderr
    commands = {"models": (project, ["check", "--layer", "models"])}
    return {seed: reports_under_seed(commands, seed, 1)["models"] for seed in SEEDS}


@pytest.mark.parametrize("fmt", FORMATS)
def test_foreign_key_differences_of_one_table_in_one_order_whatever_the_hash_seed(
    fmt: str, keyed_reports: dict[str, dict[str, str]]
) -> None:
    """The models layer's four ``foreign_key`` differences of ``child``: the same bytes under
    every hash seed, in every format."""
    outputs = {seed: by_format[fmt] for seed, by_format in keyed_reports.items()}
    for column in "abcd":
        assert f"child({column})" in outputs["0"], outputs["0"]
    for seed, text in outputs.items():
        assert text == outputs["0"], f"--format {fmt}: hash seed {seed} gave another report"
