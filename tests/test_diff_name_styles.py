"""``diff`` without a domain of two sources spelling their names two ways (stranger77 009:
Chinook's two scripts gave 102 "add it / remove it" differences, almost all PascalCase against
snake_case names ``init`` pairs): the diff says so once, a warning naming the pairing and
``init``/``--domain``; the differences stay (exit 1). Near miss: tables only one side has whose
names ``init`` would not pair (really added) get no such warning. SQL files, loaded into real
SQLite and PostgreSQL, the second side of each dialect."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from pg_helpers import invoke_afresh

PASCAL = """CREATE TABLE "InvoiceLine" ("InvoiceLineId" INTEGER PRIMARY KEY, "UnitPrice" REAL);
CREATE TABLE "Album" ("AlbumId" INTEGER PRIMARY KEY, "Title" TEXT);
"""
SNAKE = """CREATE TABLE invoice_line (invoice_line_id integer PRIMARY KEY, unit_price real);
CREATE TABLE album (album_id integer PRIMARY KEY, title text);
"""
OTHER = """CREATE TABLE audit_entry (entry_id integer PRIMARY KEY, unit_price real);
CREATE TABLE "Album" ("AlbumId" integer PRIMARY KEY, "Title" text, rating integer);
"""


def _diff(folder: Path, b: str, dialect: str, fmt: str = "json") -> tuple[int, Any]:
    (folder / "a.sql").write_text(PASCAL)
    (folder / "b.sql").write_text(b)
    args = ["diff", "--no-domain", "--dialect-a", "sqlite", "--dialect-b", dialect]
    result = invoke_afresh([*args, "--format", fmt, "a.sql", "b.sql"], folder, dict(os.environ))
    assert result.returncode in (0, 1), result.stdout + result.stderr
    if fmt != "json":
        return result.returncode, result.stdout
    return result.returncode, dict(json.loads(result.stdout))


EARLY = "most tables and columns below that only one side has are one name spelled two ways"


def _spelled(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [w for w in report["warnings"] if w["kind"] == "names_spelled_apart"]


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_names_init_pairs_are_said_once(tmp_path: Path, dialect: str) -> None:
    code, report = _diff(tmp_path, SNAKE, dialect)
    assert code == 1
    assert any(d["kind"] == "table_missing" for d in report["differences"])
    (warning,) = _spelled(report)
    assert "InvoiceLine = invoice_line" in warning["message"], warning
    assert "twinschema init" in warning["hint"] and "--domain" in warning["hint"], warning
    # Said first too, under the layer's line, before the list of differences.
    _, text = _diff(tmp_path, SNAKE, dialect, "text")
    assert text.index(EARLY) < text.index("table_missing"), text


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_near_miss_tables_really_added_get_no_such_warning(tmp_path: Path, dialect: str) -> None:
    code, report = _diff(tmp_path, OTHER, dialect)
    assert code == 1
    kinds = {(d["kind"], d["table"]) for d in report["differences"]}
    assert ("table_missing", "audit_entry") in kinds, kinds
    assert _spelled(report) == [], _spelled(report)
    _, text = _diff(tmp_path, OTHER, dialect, "text")
    assert EARLY not in text
