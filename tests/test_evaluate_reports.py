"""What the evaluation stage found appears in every report format: the value warnings (text,
rich, JSON, JUnit, GitHub ``::warning``, SARIF level ``warning``) and, per layer, how many pairs
it evaluated and where each dialect's expressions ran.

One real diff of a SQLite file against a PostgreSQL database gives both: ``t.n`` takes past
int4 on SQLite only (a value warning), and ``t.c``'s defaults agree only by evaluation.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from twinschema.cli import cli

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def invoke(*args: str, color: bool = False) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, color=color)


@pytest.fixture
def pair(tmp_path: Path, pg_url: str) -> tuple[str, str]:
    """A SQLite file and a PostgreSQL database: t.n past int4 on one side only, t.c's
    defaults equal only by evaluation."""
    conn = sqlite3.connect(tmp_path / "a.db")
    conn.executescript(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, c INTEGER DEFAULT ((1 + 2) * 3));"
    )
    conn.close()
    engine = sa.create_engine(pg_url)
    with engine.begin() as pg:
        pg.execute(
            sa.text("CREATE TABLE t (id integer PRIMARY KEY, n integer, c integer DEFAULT 9)")
        )
    engine.dispose()
    return f"sqlite:///{tmp_path / 'a.db'}", pg_url


def diff(pair: tuple[str, str], fmt: str, *args: str, color: bool = False) -> str:
    result = invoke("diff", *pair, "--no-domain", "--format", fmt, *args, color=color)
    assert result.exit_code == 0, result.stdout
    return result.stdout


def test_json_lists_the_warnings_and_each_layers_evaluation(pair: tuple[str, str]) -> None:
    report = json.loads(diff(pair, "json"))
    assert report["in_sync"] is True
    assert {(w["column"], w["severity"]) for w in report["warnings"]} >= {("n", "warning")}
    [layer] = report["layers"]
    assert layer["evaluated"] >= 1
    assert layer["evaluated_on"]["sqlite"] == "SQLite in memory"
    assert layer["evaluated_on"]["postgresql"].startswith("PostgreSQL")
    rules = {e["rule"] for e in report["equivalences"]}
    assert "equal by evaluation: both give 9" in rules


@pytest.mark.parametrize("color", [False, True], ids=["text", "rich"])
def test_text_and_rich_list_the_warnings_and_say_what_was_evaluated(
    pair: tuple[str, str], color: bool
) -> None:
    shown = " ".join(ANSI.sub("", diff(pair, "text", "--verbose", color=color)).split())
    assert "value_compatibility warning(s)" in shown
    assert "value_compatibility: t.n:" in shown
    found = re.search(r"evaluated (\d+) pair\(s\) by running them \((.*?)\)", shown)
    assert found is not None and int(found.group(1)) >= 1, shown
    assert "sqlite: SQLite in memory" in found.group(2)
    assert "postgresql: PostgreSQL" in found.group(2)


def test_junit_carries_the_warnings_and_the_evaluation_without_failing(
    pair: tuple[str, str],
) -> None:
    root = ET.fromstring(diff(pair, "junit"))
    [suite] = root.findall("testsuite")
    assert suite.get("failures") == "0"
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert int(properties["evaluated"] or 0) >= 1
    assert properties["evaluated_on.sqlite"] == "SQLite in memory"
    assert (properties["evaluated_on.postgresql"] or "").startswith("PostgreSQL")
    out = suite.find("system-out")
    assert out is not None and "warning: value_compatibility: t.n:" in (out.text or "")


def test_github_annotates_warnings_as_warnings_and_notes_the_evaluation(
    pair: tuple[str, str],
) -> None:
    lines = diff(pair, "github").splitlines()
    warnings = [line for line in lines if line.startswith("::warning ")]
    assert any("value_compatibility t.n" in line for line in warnings), lines
    assert not [line for line in lines if line.startswith("::error")]
    [notice] = [line for line in lines if line.startswith("::notice ")]
    assert re.search(r"evaluated \d+ pair\(s\) by running them", notice)
    assert "sqlite: SQLite in memory" in notice


def test_sarif_reports_warnings_at_level_warning_and_the_evaluation(
    pair: tuple[str, str],
) -> None:
    [run] = json.loads(diff(pair, "sarif"))["runs"]
    levels = {(r["ruleId"], r["properties"]["column"], r["level"]) for r in run["results"]}
    assert ("value_compatibility", "n", "warning") in levels
    assert all(level == "warning" for _, _, level in levels)
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert all(rule_ids[r["ruleIndex"]] == r["ruleId"] for r in run["results"])
    [evaluation] = run["properties"]["evaluation"]
    assert evaluation["evaluated"] >= 1
    assert evaluation["evaluatedOn"]["sqlite"] == "SQLite in memory"
