"""A CHECK that differs, where one side's is a PostgreSQL domain's, names the domain and the
constraint (left by the rounds before stranger70).

A domain's CHECK is read as its column's; one on one side only said "as CHECK brix_min of domain
brix" with the ``ALTER DOMAIN`` that drops it, but two that differ (paired by a witness row)
said only ``CHECK (sugar >= (0)::numeric) on PostgreSQL``: a text the table's DDL does not
hold, so the CHECK to change could not be found. Now that message names it too, on whichever
side it is. Near miss: a table's own CHECK against the same SQLite one names no domain.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from twinschema.cli import cli

SQLITE = "CREATE TABLE picks (id INTEGER PRIMARY KEY, sugar NUMERIC NOT NULL CHECK (sugar >= 1));"
DOMAIN = (
    "CREATE DOMAIN brix AS numeric CONSTRAINT brix_min CHECK (VALUE >= 0);\n"
    "CREATE TABLE picks (id integer PRIMARY KEY, sugar brix NOT NULL);"
)
OWN = "CREATE TABLE picks (id integer PRIMARY KEY, sugar numeric NOT NULL CHECK (sugar >= 0));"
SAID = "CHECK brix_min of domain brix"


def checks_differ(tmp_path: Path, left: tuple[str, str], right: tuple[str, str]) -> str:
    """The one ``check`` difference of ``diff`` of two SQL files (text, dialect): its message,
    which must name a witness."""
    (tmp_path / "a.sql").write_text(left[0], "utf-8")
    (tmp_path / "b.sql").write_text(right[0], "utf-8")
    args = ["a.sql", "b.sql", "--no-domain"]  # run in tmp_path: the files named so
    args += ["--dialect-a", left[1], "--dialect-b", right[1], "--format", "json"]
    result = CliRunner().invoke(cli, ["diff", *args], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    (found,) = [d for d in report["differences"] if d["kind"] == "check"]
    assert "; witness (sugar) = (" in found["message"], found["message"]
    message: str = found["message"]
    return message


@pytest.mark.parametrize(
    ("left", "right", "said"),
    [
        ((SQLITE, "sqlite"), (DOMAIN, "postgresql"), f"(PostgreSQL's is {SAID})"),
        ((DOMAIN, "postgresql"), (SQLITE, "sqlite"), f"(PostgreSQL's is {SAID})"),
        (
            (DOMAIN.replace(">= 0", ">= 1"), "postgresql"),
            (DOMAIN, "postgresql"),
            f"(a.sql's is {SAID}; b.sql's is {SAID})",
        ),
    ],
    ids=["sqlite-pg", "pg-sqlite", "pg-pg"],
)
def test_a_domain_check_that_differs_is_named(
    tmp_path: Path,
    pg_server: str,
    monkeypatch: pytest.MonkeyPatch,
    left: tuple[str, str],
    right: tuple[str, str],
    said: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    message = checks_differ(tmp_path, left, right)
    assert message.startswith("CHECK on picks differs: "), message
    assert said in message, message


def test_near_miss_a_table_s_own_check_names_no_domain(
    tmp_path: Path, pg_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    message = checks_differ(tmp_path, (SQLITE, "sqlite"), (OWN, "postgresql"))
    assert message.startswith("CHECK on picks differs: "), message
    assert "domain" not in message, message
