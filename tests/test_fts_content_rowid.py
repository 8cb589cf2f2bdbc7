"""FTS5's ``content_rowid`` naming the content table's INTEGER PRIMARY KEY (its rowid alias)
restates the default, ``rowid`` (stranger64 006): real SQLite 3.40 makes the same shadow tables
and answers alike, and the reader compares the two alike. Naming a plain INTEGER column is a
near miss: the FTS rowids are that column's values, so a query answers other rowids."""

from __future__ import annotations

import sqlite3

import pytest

from twinschema.dialects import ReflectOptions
from twinschema.dialects.sqlite import reflect_connection

ALIAS = "CREATE TABLE notes (id INTEGER PRIMARY KEY, heading TEXT, body TEXT);"
PLAIN = "CREATE TABLE notes (id INTEGER NOT NULL UNIQUE, heading TEXT, body TEXT);"
DESC = "CREATE TABLE notes (id INTEGER PRIMARY KEY DESC, heading TEXT, body TEXT);"
BARE = "fts5(heading, body, content='notes')"
NAMED = "fts5(heading, body, content='notes', content_rowid='id')"


def _answers(table: str, arguments: str) -> tuple[object, ...]:
    """Shadow tables, each MATCH's (rowid, highlight) rows, and a row deleted through the FTS
    table's 'delete' command then searched again, on real SQLite over three notes whose ids
    are not their insertion order."""
    db = sqlite3.connect(":memory:")
    db.execute(table)
    db.execute(f"CREATE VIRTUAL TABLE f USING {arguments}")
    rows = [(30, "bread", "knead the dough"), (10, "trip", "pack the passport"), (20, "x", "dough")]
    db.executemany("INSERT INTO notes (id, heading, body) VALUES (?, ?, ?)", rows)
    db.execute("INSERT INTO f (f) VALUES ('rebuild')")
    shadow = "SELECT name, sql FROM sqlite_master WHERE name LIKE 'f\\_%' ESCAPE '\\' ORDER BY name"
    match = "SELECT rowid, highlight(f, 1, '[', ']') FROM f WHERE f MATCH ? ORDER BY rowid"
    found: list[object] = [db.execute(shadow).fetchall()]
    found += [db.execute(match, (q,)).fetchall() for q in ("dough", "passport", "pack OR knead")]
    found.append(db.execute("SELECT * FROM f WHERE rowid = 30").fetchall())
    db.execute(
        "INSERT INTO f (f, rowid, heading, body) VALUES ('delete', 30, 'bread', 'knead the dough')"
    )
    found.append(db.execute(match, ("dough",)).fetchall())
    found.append(db.execute("INSERT INTO f (f, rank) VALUES ('integrity-check', 0)").fetchall())
    return tuple(found)


def _definition(table: str, arguments: str) -> str:
    db = sqlite3.connect(":memory:")
    db.executescript(f"{table} CREATE VIRTUAL TABLE f USING {arguments};")
    schema = reflect_connection(db, ReflectOptions(), "t")
    (found,) = [o for o in schema.objects if o.name == "f"]
    assert not found.broken
    return found.definition


def test_content_rowid_naming_the_rowid_alias_compares_as_the_default() -> None:
    """notes.id INTEGER PRIMARY KEY is notes' rowid: content_rowid='id' (any case) reads the
    same rows as none, and the two compare alike."""
    assert _answers(ALIAS, BARE) == _answers(ALIAS, NAMED)
    assert _definition(ALIAS, BARE) == _definition(ALIAS, NAMED)
    assert _definition(ALIAS, BARE) == _definition(ALIAS, NAMED.replace("'id'", "ID"))


@pytest.mark.parametrize("table", [PLAIN, DESC])
def test_content_rowid_naming_another_integer_column_stays_apart(table: str) -> None:
    """A plain INTEGER column (or INTEGER PRIMARY KEY DESC, which SQLite does not make a rowid
    alias) is not the rowid: MATCH answers that column's values as rowids, the default answers
    the insertion rowids, and the two stay apart."""
    assert _answers(table, BARE)[1] != _answers(table, NAMED)[1]
    assert _definition(table, BARE) != _definition(table, NAMED)
