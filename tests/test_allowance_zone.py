"""stranger49 042: an allowance of a clock default that the live layer needs (the database's
TimeZone is not UTC) was stale in the models layer, which compares the two metadata modules with
no server zone, so ``twinschema check`` was never green. The models layer does not call stale an
allowance of a default whose value depends on the server's TimeZone; the live layer still does
where the database is in UTC (nothing differs there)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pg_helpers import build, database_in_zone, make_project

from twinschema.cli import cli

DOMAIN = """\
version: 1
tables:
  items:
    columns:
      id: {kind: integer}
      trial_ends: {kind: date}
    allow:
      - {kind: column_default, column: trial_ends, reason: "the server's own date on purpose"}
"""


def _module(default: str) -> str:
    return (
        "import sqlalchemy as sa\n\n"
        "metadata = sa.MetaData()\n"
        'sa.Table(\n    "items",\n    metadata,\n'
        '    sa.Column("id", sa.Integer, primary_key=True),\n'
        f'    sa.Column("trial_ends", sa.Date, server_default=sa.text("{default}")),\n'
        ")\n"
    )


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "UTC"])
def test_a_clock_defaults_allowance_is_not_stale_for_want_of_a_zone(
    zone: str, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sqlite_src = _module("(date('now', '+30 days'))")
    pg_src = _module("(CURRENT_DATE + 30)")
    project = make_project(tmp_path, DOMAIN, sqlite_src, pg_src)
    build(pg_url, pg_src)
    database_in_zone(pg_url, zone)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        cli,
        [
            "check", "--layer", "domain", "--layer", "models", "--layer", "live",
            "--sqlite-url", project.sqlite, "--postgres-url", pg_url, "--format", "json",
        ],
    )  # fmt: skip
    report: dict[str, Any] = json.loads(result.stdout)
    found = [(d["layer"], d["kind"], d["column"]) for d in report["differences"]]
    if zone == "UTC":  # the near miss: the database stores UTC's date, as SQLite does
        assert found == [("live", "stale_allowance", "trial_ends")], found
        assert result.exit_code == 1
        return
    assert found == [], report["differences"]
    assert result.exit_code == 0, result.output
