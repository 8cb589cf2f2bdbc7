"""A column declared for the other dialect only, spelled in another case on SQLite, gets the same
note and hint as one spelled as domain.yaml spells it (stranger62 004).

``push_token: {dialects: [postgresql]}`` and, by hand on SQLite, ``ALTER TABLE person ADD
COLUMN Push_Token TEXT``: real SQLite takes it for ``push_token`` (a second ``ADD COLUMN
push_token`` fails: "duplicate column name"), and the checker pairs SQLite names so, but the
lookup of the column's ``dialects:`` was exact: the report lost "domain.yaml declares column
... for postgresql only" and its hint was "add it to schemas/sqlite.py", which cannot be done
(the domain refuses ``names('sqlite')`` the column). Both spellings now give the same note and
hint; PostgreSQL, which matches quoted names exactly, keeps its own rule (the domain lookup is
exact there). Golden cases ``sl-pg.domain-column-on-the-dialect-it-is-not-declared-for`` and
its ``-other-case`` twin, on real SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from probes import Loader, compare_expected

from twinschema.domain_load import load_domain

CASE = "sl-pg.domain-column-on-the-dialect-it-is-not-declared-for"


def _same_folder(text: str) -> str:
    """``text`` naming the exact case's domain.yaml where it names the other case's."""
    return text.replace(f"{CASE}-other-case/", f"{CASE}/")


def test_another_case_on_sqlite_gets_the_same_note_and_hint(loader: Loader) -> None:
    (exact,) = compare_expected(loader, CASE).differences
    (other,) = compare_expected(loader, f"{CASE}-other-case").differences
    assert (other.kind, other.column) == ("column_missing", "Legacy_Code"), other
    note = "declares column users.legacy_code for postgresql only"
    assert note in exact.message and note in other.message, (exact.message, other.message)
    assert _same_folder(other.message) == exact.message.replace(
        "column users.legacy_code exists", "column users.Legacy_Code exists"
    )
    assert other.hint is not None and _same_folder(other.hint) == exact.hint
    assert other.hint.startswith("remove it from a.sql; or declare it for sqlite"), other.hint
    assert other.fix == exact.fix and other.fix is not None and other.fix.side == "left"


def test_real_sqlite_takes_the_other_case_for_the_same_column() -> None:
    """What the folding stands on: SQLite 3.40 refuses a second column in another case."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, Legacy_Code TEXT)")
        try:
            conn.execute("ALTER TABLE users ADD COLUMN legacy_code TEXT")
        except sqlite3.OperationalError as exc:
            assert "duplicate column name" in str(exc), exc
        else:
            raise AssertionError("SQLite took legacy_code beside Legacy_Code")
    finally:
        conn.close()


def test_the_domain_lookup_folds_case_on_sqlite_only(tmp_path: Path) -> None:
    """``declared_column``: any ASCII case on SQLite, the exact name on PostgreSQL."""
    path = tmp_path / "domain.yaml"
    path.write_text(
        "version: 1\ntables:\n  users:\n    columns:\n      id: {kind: integer}\n"
        "      push_token: {kind: text, dialects: [postgresql]}\n",
        "utf-8",
    )
    domain = load_domain(path)
    found = domain.declared_column("users", "Push_Token", "sqlite")
    assert found is not None and found.name == "push_token"
    assert domain.declared_column("users", "Push_Token", "postgresql") is None
    assert domain.declared_column("users", "push_token", "postgresql") is not None
    assert domain.declared_column("users", "Push_Tokens", "sqlite") is None
