"""A table or column on one side only names the table and column as the side that holds them
does, the logical name after (stranger67 011): after domain.yaml renamed ``sites`` to
``depots`` and a hand edit renamed its column ``notes`` to ``remarks`` on one side, the messages
said ``column sites.notes exists only in ...`` / ``column sites.remarks ...``, a table no
database or module has, beside a virtual_table message naming ``depots.notes``. Now
``column depots.notes (domain: sites.notes) exists only in a.sql``; a table on one side only,
``table annexes (domain: extras) exists only in a.sql``. One side holds the object, so its own
name is known even where each dialect names the table its own way (``names:``). The JSON's
``table`` and ``column`` stay logical. Near miss: nothing renamed, no ``(domain: ...)``. Both
dialects, each pair, SQL files on real SQLite 3.40 and PostgreSQL; the names' witness is a
query on real databases of each dialect."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pg_helpers import invoke_afresh
from support.testing import execute

DOMAIN = """version: 1
tables:
  sites:
    %s
    columns:
      id: {kind: integer}
      notes: {kind: text}
  extras:
    %s
    columns:
      id: {kind: integer}
"""
ALIKE = ("name: depots", "name: annexes")
APART = ("names: {sqlite: depots_sl, postgresql: depots_pg}", "names: {sqlite: annexes_sl}")
NONE = ("dialects: [sqlite, postgresql]", "dialects: [sqlite, postgresql]")
# a: the table as migrated, and a second table; b: the column renamed by hand, no second table.
A = "CREATE TABLE {t} (id integer PRIMARY KEY, notes text);\nCREATE TABLE {x} (id integer);\n"
B = "CREATE TABLE {t} (id integer PRIMARY KEY, remarks text);\n"
PAIRS = [
    ("sqlite", "postgresql"),
    ("postgresql", "sqlite"),
    ("sqlite", "sqlite"),
    ("postgresql", "postgresql"),
]


def _own(names: tuple[str, str], dialect: str) -> tuple[str, str]:
    """The table names ``dialect`` gives ``sites`` and ``extras`` under ``names``."""
    if names == ALIKE:
        return "depots", "annexes"
    if names == APART:
        return ("depots_sl", "annexes_sl") if dialect == "sqlite" else ("depots_pg", "extras")
    return "sites", "extras"


def _diff(
    tmp_path: Path, dialects: tuple[str, str], names: tuple[str, str]
) -> list[dict[str, Any]]:
    (tmp_path / "domain.yaml").write_text(DOMAIN % names)
    ta, xa = _own(names, dialects[0])
    tb, _ = _own(names, dialects[1])
    (tmp_path / "a.sql").write_text(A.format(t=ta, x=xa))
    (tmp_path / "b.sql").write_text(B.format(t=tb))
    args = ["diff", "--domain", "domain.yaml", "--format", "json", "a.sql", "b.sql"]
    args += ["--dialect-a", dialects[0], "--dialect-b", dialects[1]]
    result = invoke_afresh(args, tmp_path, dict(os.environ))
    assert result.returncode == 1, result.stdout + result.stderr
    return list(json.loads(result.stdout)["differences"])


# What the column pair's messages add since stranger79 010: notes renamed to remarks by hand
# (same position, type, nullability and default) looks renamed, said after the names.
LOOKS_RENAMED = "; it looks renamed: "


def _messages(found: list[dict[str, Any]]) -> dict[tuple[str, str | None], str]:
    """Each one-sided difference's message by its (logical) JSON ``table`` and ``column``, up
    to the rename it says (``LOOKS_RENAMED``: each column message of the pair says one)."""
    kinds = {"table_missing", "column_missing"}
    said = {(d["table"], d["column"]): d["message"] for d in found if d["kind"] in kinds}
    for key, message in said.items():
        assert (LOOKS_RENAMED in message) == (key[1] is not None), message
    return {key: message.split(LOOKS_RENAMED)[0] for key, message in said.items()}


@pytest.mark.parametrize("dialects", PAIRS, ids=["-".join(p) for p in PAIRS])
def test_renamed_alike_one_sided_messages_name_the_databases_tables(
    tmp_path: Path, dialects: tuple[str, str]
) -> None:
    said = _messages(_diff(tmp_path, dialects, ALIKE))
    assert said == {  # JSON fields logical, messages by the names the databases have
        ("sites", "notes"): "column depots.notes (domain: sites.notes) exists only in a.sql",
        ("sites", "remarks"): "column depots.remarks (domain: sites.remarks) exists only in b.sql",
        ("extras", None): "table annexes (domain: extras) exists only in a.sql",
    }, said


@pytest.mark.parametrize("dialects", PAIRS[:2], ids=["-".join(p) for p in PAIRS[:2]])
def test_each_side_its_own_name_the_holding_side_names_it(
    tmp_path: Path, dialects: tuple[str, str]
) -> None:
    """``names:`` gives each dialect its own table name: a one-sided column is named by the
    table name of the side that holds it (the other's is not where it is); a table renamed on
    SQLite only, by SQLite's name there, by its logical name on PostgreSQL (nothing renamed)."""
    said = _messages(_diff(tmp_path, dialects, APART))
    ta, xa = _own(APART, dialects[0])
    tb, _ = _own(APART, dialects[1])
    table = f"table {xa} (domain: extras)" if xa != "extras" else "table extras"
    assert said == {
        ("sites", "notes"): f"column {ta}.notes (domain: sites.notes) exists only in a.sql",
        ("sites", "remarks"): f"column {tb}.remarks (domain: sites.remarks) exists only in b.sql",
        ("extras", None): f"{table} exists only in a.sql",
    }, said


def test_nothing_renamed_no_domain_note(tmp_path: Path) -> None:
    """Near miss: the logical names are the databases' own: the messages name them alone."""
    said = _messages(_diff(tmp_path, ("sqlite", "postgresql"), NONE))
    assert said == {
        ("sites", "notes"): "column sites.notes exists only in a.sql",
        ("sites", "remarks"): "column sites.remarks exists only in b.sql",
        ("extras", None): "table extras exists only in a.sql",
    }, said


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_the_named_table_is_the_one_a_person_queries(
    dialect: str, sqlite_url: str, pg_url: str
) -> None:
    """The witness for the names: on a real database of each dialect built as a.sql and b.sql
    (the table renamed alike), ``depots.notes`` answers on a and fails on b (the difference),
    and ``sites``, the logical name the messages said before, answers on neither."""
    url = {"sqlite": sqlite_url, "postgresql": pg_url}[dialect]
    execute(url, *A.format(t="depots", x="annexes").strip().split(";\n")[:2])

    def answers(query: str) -> bool:
        try:
            execute(url, query)
        except sa.exc.DatabaseError:
            return False
        return True

    assert answers("SELECT notes FROM depots")
    assert not answers("SELECT notes FROM sites")
    execute(url, "ALTER TABLE depots RENAME COLUMN notes TO remarks")  # b's hand edit
    assert not answers("SELECT notes FROM depots")
    assert answers("SELECT remarks FROM depots")
    assert not answers("SELECT remarks FROM sites")
