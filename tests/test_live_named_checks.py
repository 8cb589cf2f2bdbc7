"""CHECKs both sides name alike are paired by name in the models and the live layer alike
(stranger85 005).

A table with ``CHECK (mark LIKE 'K%')`` and ``CONSTRAINT hive_mark_upper CHECK (mark =
upper(mark))`` on both sides: the upper CHECK differs (SQLite's upper() is ASCII-only: 'KÉé'
passes SQLite and fails PostgreSQL). The models layer paired the two by their text, written alike
in both modules; the live layer, reading ``(mark = upper(mark))`` back from PostgreSQL, paired
SQLite's CHECKs with PostgreSQL's conjunction instead, called the named CHECK "only in the
PostgreSQL database", and called the models layer's two-sided allowance stale. Now both layers
report one difference of both CHECKs, and the models layer's allowance, pasted, allows it in
both. Near miss: the named CHECK on PostgreSQL only is still "only in the PostgreSQL database".
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import psycopg
import pytest
from pg_helpers import build, make_project
from support.table_modules import checked, table_module

from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect_kwargs
from twinschema.urls import parse_url

DOMAIN = """\
version: 1
tables:
  hive:
    columns:
      id: {kind: integer}
      mark: {kind: text}
"""
LIKE = "sa.CheckConstraint(\"mark LIKE 'K%'\")"
UPPER = 'sa.CheckConstraint("mark = upper(mark)", name="hive_mark_upper")'


def _module(*checks: str) -> str:
    return table_module("hive", [("id", "sa.Integer"), ("mark", "sa.Text")], checks)


def _report(sqlite: str, pg_url: str) -> dict[str, Any]:
    result = checked(sqlite, pg_url, "json")
    assert result.exit_code in (0, 1), result.output
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def _checks(report: dict[str, Any], layer: str) -> list[dict[str, Any]]:
    """The CHECK differences of ``layer`` (of the live layer, the pair of databases)."""
    return [
        d
        for d in report["differences"]
        if d["kind"] == "check"
        and d["layer"] == layer
        and (layer != "live" or d["left_source"].startswith("sqlite:"))
    ]


@pytest.mark.parametrize("on_sqlite", [True, False], ids=["named_on_both", "postgresql_only"])
def test_a_check_named_alike_is_one_difference_in_both_layers(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch, on_sqlite: bool
) -> None:
    """Both layers: one difference of hive_mark_upper, both sides named, never "only in";
    the models layer's allowance, pasted, allows it in both and is stale in neither. Near
    miss (``postgresql_only``): the CHECK on PostgreSQL alone is "only in the PostgreSQL
    database" in both layers."""
    sqlite_src = _module(LIKE, *([UPPER] if on_sqlite else []))
    pg_src = _module(LIKE, UPPER)
    project = make_project(tmp_path, domain=DOMAIN, sqlite_src=sqlite_src, pg_src=pg_src)
    build(pg_url, pg_src)
    monkeypatch.chdir(tmp_path)
    report = _report(project.sqlite, pg_url)
    models, live = _checks(report, "models"), _checks(report, "live")
    assert len(models) == len(live) == 1, (models, live)
    for d in (models[0], live[0]):
        assert d["name"] == "hive_mark_upper", d
        assert "upper(mark)" in (d["right"] or ""), d
        assert ("exists only in" in d["message"]) != on_sqlite, d["message"]
        assert (d["left"] is not None) == on_sqlite, d
    if on_sqlite:  # what the models layer offers where an allowance of it is stale (005)
        allowance = (
            '{kind: check, name: hive_mark_upper, checks: {sqlite: "mark = upper(mark)", '
            'postgresql: "mark = upper(mark)"}, reason: ...}'
        )
    else:
        allowance = (
            '{kind: check, name: hive_mark_upper, dialect: postgresql, check: "mark = upper(mark)", '
            "reason: ...}"
        )
        assert allowance in models[0]["hint"], models[0]["hint"]
    pasted = allowance.replace("...", '"on purpose"')
    (tmp_path / "domain.yaml").write_text(f"{DOMAIN}    allow:\n      - {pasted}\n")
    again = _report(project.sqlite, pg_url)
    assert _checks(again, "models") == _checks(again, "live") == [], again["differences"]
    assert [d for d in again["differences"] if d["kind"] == "stale_allowance"] == []
    # The witness on the real databases: 'KÉé' with the CHECK on both, 'Kab' with it on one.
    row = "INSERT INTO hive (id, mark) VALUES (1, '{}')".format("KÉé" if on_sqlite else "Kab")
    assert _accepts(project.sqlite, pg_url, row) == (True, False)


def _accepts(sqlite_url: str, pg_url: str, row: str) -> tuple[bool, bool]:
    """Whether each real database (SQLite's file, PostgreSQL's) takes ``row``, rolled back."""
    taken = []
    conn = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))
    try:
        conn.execute(row)
        taken.append(True)
    except sqlite3.IntegrityError:
        taken.append(False)
    finally:
        conn.rollback()
        conn.close()
    with psycopg.connect(**connect_kwargs(parse_url(pg_url), ReflectOptions())) as pg:
        try:
            pg.execute(row)
            taken.append(True)
        except psycopg.errors.CheckViolation:
            taken.append(False)
        pg.rollback()
    return (taken[0], taken[1])
