"""A live pair's CHECK difference caused by the modules is given the hint of the same CHECK in
the modules' comparison, never another CHECK's of its table (stranger72 001).

Two unnamed CHECKs of one table differ in the modules: one on one side only
(``length(code) > 2``), one written apart (``weight < 80.5`` against ``weight < 80``: the row
weight = 80 passes SQLite and fails PostgreSQL). Each database is built from its own module, so
the live pair shows the same two differences; the one-sided CHECK's hint was the other CHECK's
allowance (``{kind: check, checks: {sqlite: "weight < 80.5", ...}}``), which allows the wrong
CHECK when pasted. The near miss: two CHECKs both written apart on both sides, each with its own
allowance (stranger72's second instance, queen_mark against weight)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pg_helpers import build, make_project
from support.stored import stored_on_each
from support.table_modules import checked, table_module

DOMAIN = """\
version: 1
tables:
  hive:
    columns:
      id: {kind: integer}
      code: {kind: text}
      mark: {kind: text}
      weight: {kind: integer}
"""


def _module(*checks: str) -> str:
    columns = [("id", "sa.Integer"), ("code", "sa.Text"), ("mark", "sa.Text")]
    columns.append(("weight", "sa.Integer"))
    return table_module("hive", columns, [f"sa.CheckConstraint({c!r})" for c in checks])


def _check(project_sqlite: str, pg_url: str, form: str) -> str:
    result = checked(project_sqlite, pg_url, form)
    assert result.exit_code == 1, result.output
    return result.stdout


def _checks_of(report: dict[str, Any], layer: str) -> dict[str, dict[str, Any]]:
    """The CHECK differences of ``layer`` (of the live pair: SQLite on the left), by the column
    each reads (its CHECKs each read one)."""
    found = {}
    for d in report["differences"]:
        if d["kind"] != "check" or d["layer"] != layer:
            continue
        if layer == "live" and not d["left_source"].startswith("sqlite:"):
            continue
        text = d["left"] or d["right"]
        (column,) = [c for c in ("code", "mark", "weight") if c in text]
        found[column] = d
    return found


def _project(tmp_path: Path, pg_url: str, sqlite_checks: list[str], pg_checks: list[str]) -> str:
    sqlite_src, pg_src = _module(*sqlite_checks), _module(*pg_checks)
    project = make_project(tmp_path, domain=DOMAIN, sqlite_src=sqlite_src, pg_src=pg_src)
    build(pg_url, pg_src)
    return project.sqlite


@pytest.mark.parametrize("alone_on", ["sqlite", "postgresql"])
def test_a_one_sided_check_gets_its_own_allowance_not_its_neighbours(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch, alone_on: str
) -> None:
    """The one-sided CHECK's live hint is its modules' hint, ``{kind: check, dialect: ...,
    check: "length(code) > 2"}``, in JSON and text; the weight CHECK keeps its own."""
    alone = "length(code) > 2"
    sqlite_checks = ["weight < 80.5", *([alone] if alone_on == "sqlite" else [])]
    pg_checks = ["weight < 80", *([alone] if alone_on == "postgresql" else [])]
    sqlite = _project(tmp_path, pg_url, sqlite_checks, pg_checks)
    monkeypatch.chdir(tmp_path)
    report = json.loads(_check(sqlite, pg_url, "json"))
    models, live = _checks_of(report, "models"), _checks_of(report, "live")
    assert sorted(models) == sorted(live) == ["code", "weight"]
    own = f'{{kind: check, dialect: {alone_on}, check: "{alone}", reason: ...}}'
    assert own in models["code"]["hint"]
    for column, d in live.items():
        assert f"the modules differ ({models[column]['hint']})" in d["hint"], d["hint"]
        assert d["fix"] == models[column]["fix"], (d["fix"], models[column]["fix"])
    assert "weight" not in live["code"]["hint"]
    assert "length(code)" not in live["weight"]["hint"]
    (line,) = [
        line
        for line in _check(sqlite, pg_url, "text").splitlines()
        if line.startswith("    check: CHECK (")
        and "length(code) > 2" in line.split(" on hive exists only in the ")[0]
        and "each database matches its module" in line
    ]
    assert own in line and "weight" not in line, line
    # Pasted into domain.yaml, the live hint's allowance allows that CHECK, in both comparisons,
    # and no other (the weight CHECK is still reported in both).
    pasted = own.replace("...", '"on purpose"')
    (tmp_path / "domain.yaml").write_text(f"{DOMAIN}    allow:\n      - {pasted}\n")
    again = json.loads(_check(sqlite, pg_url, "json"))
    assert sorted(_checks_of(again, "models")) == sorted(_checks_of(again, "live")) == ["weight"]
    assert not [d for d in again["differences"] if d["kind"] == "stale_allowance"]
    # The difference is real: the row the witness names passes one database and fails the other.
    row = "INSERT INTO hive (id, code) VALUES (1, 'ab')"
    accepted = stored_on_each(sqlite, pg_url, row).accepted
    assert accepted == (alone_on == "postgresql", alone_on == "sqlite")


def test_two_checks_written_apart_on_both_sides_each_get_their_own(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Near miss: two CHECKs of one table, each written apart on the two sides (no one-sided
    one): each live hint is its own CHECK's pinned allowance (queen_mark was given weight's)."""
    sqlite = _project(
        tmp_path,
        pg_url,
        ["mark = upper(mark)", "weight < 80.5"],
        ["mark = lower(mark)", "weight < 80"],
    )
    monkeypatch.chdir(tmp_path)
    report = json.loads(_check(sqlite, pg_url, "json"))
    models, live = _checks_of(report, "models"), _checks_of(report, "live")
    assert sorted(models) == sorted(live) == ["mark", "weight"]
    for column, d in live.items():
        assert f"the modules differ ({models[column]['hint']})" in d["hint"], d["hint"]
    mark, weight = live["mark"]["hint"], live["weight"]["hint"]
    assert 'sqlite: "mark = upper(mark)", postgresql: "mark = lower(mark)"' in mark, mark
    assert "weight" not in mark, mark
    assert 'sqlite: "weight < 80.5", postgresql: "weight < 80"' in weight, weight
    assert "mark" not in weight, weight
    witness = "INSERT INTO hive (id, weight) VALUES (1, 80)"
    assert stored_on_each(sqlite, pg_url, witness).accepted == (True, False)
