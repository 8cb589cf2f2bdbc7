"""A SQLite column declared JSON against jsonb is probed with JSON documents (stranger79 003, 004).

SQLite's JSON (SQLAlchemy's sa.JSON) has NUMERIC affinity, so the pair stays a column_type
difference; but it was probed as a NUMERIC column, with numbers and NULL only: a CHECK pair on
it was "not evaluated: no value but NULL is held by both", a view over its table "not
compared", and, the type allowed, no value_compatibility warning was given although the column
stores plain text jsonb refuses. The golden cases ``sl-pg.check-json-type-object-*`` and
``sl-pg.view-answers-json-unread-*`` pin the first two; the warning is pinned here, on real
databases.
"""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
from probes import Loader, compare_texts

from twinschema.records import Difference

DIALECTS = ("sqlite", "postgresql")
PG = "CREATE TABLE g (id integer PRIMARY KEY, notes jsonb NOT NULL);\n"
PLAIN = "sprouted on a wet towel"


def _notes(sqlite: str, loader: Loader) -> list[str]:
    warnings: list[Difference] = []
    compare_texts(loader, DIALECTS, sqlite, PG, warnings)
    return [w.message for w in warnings if w.column == "notes"]


def test_plain_text_in_a_json_column_is_a_warning(loader: Loader) -> None:
    """SQLite's JSON column stores text that is no JSON, jsonb refuses it: a warning with the
    direction that fails; on the real databases, the same."""
    sqlite = "CREATE TABLE g (id INTEGER PRIMARY KEY, notes JSON NOT NULL);\n"
    said = [m for m in _notes(sqlite, loader) if "'{not json'" in m]
    assert len(said) == 1 and "SQLite stores it, PostgreSQL rejects it" in said[0], said
    conn = sqlite3.connect(":memory:")
    conn.executescript(sqlite)
    conn.execute("INSERT INTO g VALUES (1, ?)", (PLAIN,))
    assert conn.execute("SELECT notes FROM g").fetchone() == (PLAIN,)
    conn.close()
    with loader.load("postgresql", PG) as schema:
        held = loader.held("rows")
        held.execute(f"SET search_path TO {schema}, public".encode())
        try:
            with pytest.raises(psycopg.errors.InvalidTextRepresentation):
                held.execute(b"INSERT INTO g VALUES (1, %s)", (PLAIN,))
        finally:
            held.rollback()


def test_text_kept_to_json_gives_no_such_warning(loader: Loader) -> None:
    """Near miss: TEXT kept to valid JSON by CHECK (json_valid(notes)) refuses that text
    itself, so no warning names it."""
    sqlite = (
        "CREATE TABLE g (id INTEGER PRIMARY KEY, notes TEXT NOT NULL CHECK (json_valid(notes)));\n"
    )
    assert not [m for m in _notes(sqlite, loader) if "'{not json'" in m]
