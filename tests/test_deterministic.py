"""Reports come out the same on every run, in every format (issue 13): CI diffs and SARIF
baselines depend on it. Python's hash seed changes the order of sets and of dicts built from
them; a report must not depend on it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pg_helpers import TWINSCHEMA, clean_env

SAKILA = Path(__file__).parent / "fixtures" / "realworld" / "sakila"
FORMATS = ("text", "json", "junit", "github", "sarif")


def _report(fmt: str, seed: int, tmp_path: Path) -> str:
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
        env=clean_env(PYTHONHASHSEED=str(seed)),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 1, result.stderr  # Sakila's two schemas really differ
    return result.stdout


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_same_report_whatever_the_hash_seed(fmt: str, tmp_path: Path, pg_server: str) -> None:
    reports = {seed: _report(fmt, seed, tmp_path) for seed in (0, 1, 2, 3)}
    assert reports[0].strip(), "an empty report proves nothing"
    for seed, text in reports.items():
        assert text == reports[0], f"--format {fmt}: hash seed {seed} gave another report"
