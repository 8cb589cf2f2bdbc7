"""Reports come out the same on every run, in every format (issue 13): CI diffs and SARIF
baselines depend on it. Python's hash seed changes the order of sets and of dicts built from
them; a report must not depend on it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from pg_helpers import TWINSCHEMA, clean_env, run_cli

SAKILA = Path(__file__).parent / "fixtures" / "realworld" / "sakila"
FORMATS = ("text", "json", "junit", "github", "sarif")


def _report(fmt: str, seed: str, tmp_path: Path) -> str:
    result = subprocess.run(
        [
            TWINSCHEMA,
            "diff",
            str(SAKILA / "sqlite-sakila-schema.sql"),
            str(SAKILA / "postgres-sakila-schema.sql"),
            "--format",
            fmt,
        ],
        cwd=tmp_path,
        env=clean_env(PYTHONHASHSEED=seed),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 1, result.stderr  # Sakila's two schemas really differ
    return result.stdout


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_same_report_whatever_the_hash_seed(fmt: str, tmp_path: Path, pg_server: str) -> None:
    reports = {seed: _report(fmt, seed, tmp_path) for seed in ("0", "1", "2", "random")}
    assert reports["0"].strip(), "an empty report proves nothing"
    for seed, text in reports.items():
        assert text == reports["0"], f"--format {fmt}: hash seed {seed} gave another report"


@pytest.fixture
def drifted_project(sqlite_url: str, pg_url: str) -> tuple[str, str]:
    """This repository's project, both databases migrated to head and then edited by hand
    (a column on the server, an index dropped from the file, a CHECK changed)."""
    root = Path(__file__).resolve().parent.parent
    for side, flag, url in (
        ("local", "--sqlite-url", sqlite_url),
        ("remote", "--postgres-url", pg_url),
    ):
        result = run_cli(["migrate", side, flag, url], root, clean_env())
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
    return sqlite_url, pg_url


@pytest.mark.parametrize("fmt", FORMATS)
def test_check_reports_the_same_bytes_whatever_the_hash_seed(
    fmt: str, drifted_project: tuple[str, str]
) -> None:
    """``check`` over the domain, models and live layers, in subprocesses whose hash seeds are
    0, 1 and random: the same bytes every time, in every format."""
    root = Path(__file__).resolve().parent.parent
    sqlite_url, pg_url = drifted_project
    args = [
        "check", "--layer", "domain", "--layer", "models", "--layer", "live",
        "--sqlite-url", sqlite_url, "--postgres-url", pg_url, "--format", fmt,
    ]  # fmt: skip
    outputs = {}
    for seed in ("0", "1", "random"):
        result = run_cli(args, root, clean_env(PYTHONHASHSEED=seed), timeout=300)
        assert result.returncode == 1, result.stderr
        outputs[seed] = result.stdout
    assert "badges" in outputs["0"] and "profiles" in outputs["0"]
    assert outputs["1"] == outputs["0"], f"--format {fmt}: seed 1 gave another report"
    assert outputs["random"] == outputs["0"], f"--format {fmt}: a random seed gave another report"
