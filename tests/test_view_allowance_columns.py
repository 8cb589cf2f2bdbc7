"""stranger82 006: a view allowance written for the rows two sides return (``{kind: view,
reason: ...}``, no ``sides:``) also allowed the view's column list changed later on one side (a
column renamed under the view: SQLite rewrites the view's column, PostgreSQL keeps ``battery_pct
AS battery``; the app's ``SELECT battery`` fails on the device), in sync and silent. Such an
allowance accepts the rows difference it was written for, as before; a difference in the view's
columns is reported, naming the allowance. Checked on a real SQLite file and a real PostgreSQL
database."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner
from support.testing import execute, sqlite_file
from test_init_project import adopt_in_sync, check, migrate_both, replace_in, revised
from test_revision_renamed_view_column import (
    POSTGRES as RENAMED_POSTGRES,
    SQLITE as RENAMED_SQLITE,
    _query,
)
from test_view_allowance import DOMAIN, TABLE

from twinschema.cli import cli
from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect_kwargs
from twinschema.urls import parse_url

VIEW = "CREATE VIEW avg_len AS SELECT artist, {a} FROM play GROUP BY artist;"


def _build(tmp_path: Path, pg_url: str, sqlite_a: str, pg_a: str) -> str:
    """A SQLite file and ``pg_url`` holding ``play`` and view ``avg_len``; the file's URL."""
    execute(pg_url, "DROP VIEW IF EXISTS avg_len", "DROP TABLE IF EXISTS play")
    execute(pg_url, TABLE["postgresql"], VIEW.format(a=pg_a))
    (tmp_path / "dev.db").unlink(missing_ok=True)
    return sqlite_file(tmp_path / "dev.db", TABLE["sqlite"] + VIEW.format(a=sqlite_a))


def _diff(tmp_path: Path, sqlite: str, pg_url: str) -> tuple[int, Any]:
    """``twinschema diff`` of the two under the unpinned view allowance: exit code, report."""
    (tmp_path / "domain.yaml").write_text(DOMAIN)
    args = ["diff", sqlite, pg_url, "--format", "json", "--domain", str(tmp_path / "domain.yaml")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def _reads(tmp_path: Path, pg_url: str, column: str) -> tuple[bool, bool]:
    """Whether ``SELECT column FROM avg_len`` runs on each real database."""
    conn = sqlite3.connect(tmp_path / "dev.db")
    try:
        conn.execute(f"SELECT {column} FROM avg_len").fetchall()
        mine = True
    except sqlite3.OperationalError:
        mine = False
    finally:
        conn.close()
    with psycopg.connect(**connect_kwargs(parse_url(pg_url), ReflectOptions())) as pg:
        try:
            pg.execute(f"SELECT {column} FROM avg_len".encode()).fetchall()
            theirs = True
        except psycopg.errors.UndefinedColumn:
            theirs = False
    return mine, theirs


def test_an_unpinned_view_allowance_still_accepts_the_rows(tmp_path: Path, pg_url: str) -> None:
    """The rows difference it was written for (avg against avg rounded), the same columns:
    allowed, exit 0 (a file that worked before works)."""
    sqlite = _build(tmp_path, pg_url, "avg(secs) AS a", "avg(secs)::integer AS a")
    code, found = _diff(tmp_path, sqlite, pg_url)
    assert (code, found["differences"]) == (0, []), found
    assert [a["kind"] for a in found["accepted"]] == ["view"]


@pytest.mark.parametrize(
    ("sqlite_a", "pg_a"),
    [
        ("avg(secs) AS secs_avg", "avg(secs)::integer AS a"),  # rows and columns differ
        ("avg(secs) AS secs_avg", "avg(secs) AS a"),  # the columns alone
    ],
)
def test_a_view_column_list_changed_is_reported_naming_the_allowance(
    tmp_path: Path, pg_url: str, sqlite_a: str, pg_a: str
) -> None:
    """One side's view column renamed (``SELECT a`` fails on the device, runs on the server):
    the view's columns difference is reported (exit 1), naming the allowance's line, which
    does not allow it, and is the only difference."""
    sqlite = _build(tmp_path, pg_url, sqlite_a, pg_a)
    assert _reads(tmp_path, pg_url, "a") == (False, True)
    code, found = _diff(tmp_path, sqlite, pg_url)
    views = [d for d in found["differences"] if d["kind"] == "view"]
    columns = [d for d in views if d["left"] == "columns (artist, secs_avg)"]
    assert code == 1 and len(columns) == 1, found["differences"]
    assert columns[0]["right"] == "columns (artist, a)"
    assert "not allowed by the view allowance at" in columns[0]["message"]
    assert "domain.yaml:11" in columns[0]["message"], columns[0]["message"]
    # Its rows are not compared while the columns differ: the allowance is not called stale
    # (its hint offered a pin of the two column lists, which would hide them again).
    assert [d["kind"] for d in found["differences"]] == ["view"], found["differences"]


def test_the_chains_report_a_view_column_renamed_under_a_view_allowance(
    sqlite_url: str, pg_url: str, tmp_path: Path
) -> None:
    """The migrations layer (stranger73 007's chains: ``title`` renamed ``label`` through
    domain.yaml, which renames SQLite's view column, not PostgreSQL's), with the view allowed by
    an unpinned allowance written for its rows: ``revision`` still warns and the chains'
    comparison still reports the columns, naming the allowance; once migrated, ``SELECT
    title`` fails on the device and answers on the server, and ``check`` exits 1."""
    project = tmp_path / "app"
    shell = adopt_in_sync(project, sqlite_url, pg_url, RENAMED_SQLITE, RENAMED_POSTGRES)
    domain = project / "domain.yaml"
    domain.write_text(
        domain.read_text("utf-8")
        + "views:\n  fragile_costume:\n    dialects: [sqlite, postgresql]\n    allow:\n"
        + '      - {kind: view, reason: "device text timestamps"}\n',
        "utf-8",
    )
    line = len(domain.read_text("utf-8").splitlines())
    replace_in(domain, "      title: {kind: text}", "      title: {kind: text, name: label}")
    said = revised(shell, "title to label")
    assert "warning: not written: fragile_costume: at the two chains' heads" in said, said
    result = shell("check", "--layer", "migrations", "--format", "json")
    report = json.loads(result.stdout)
    [d] = [d for d in report["differences"] if d["name"] == "fragile_costume"]
    assert (d["left"], d["right"]) == ("columns (id, label)", "columns (id, title)"), d
    assert f"not allowed by the view allowance at domain.yaml:{line}" in d["message"], d
    migrate_both(shell)
    assert _query(sqlite_url, "title").startswith("error: no such column: title")
    assert _query(pg_url, "title") == "[('Velvet cloak',)]"
    code, report = check(shell)
    found = [d for d in report["differences"] if d["name"] == "fragile_costume"]
    assert code == 1 and found, report["differences"]
