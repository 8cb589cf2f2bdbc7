"""An FTS5 external content table whose content table was renamed away (stranger64 007): the
reader says the content table is missing with SQLite's own error, and its mend, followed on real
SQLite, makes a table whose queries and 'rebuild' work."""

from __future__ import annotations

import sqlite3

import pytest

from twinschema.dialects import ReflectOptions
from twinschema.dialects.sqlite import reflect_connection

FTS = "fts5(heading, body, content='notes', content_rowid='id')"


def _renamed() -> sqlite3.Connection:
    """notes (with a row, indexed by notes_fts) renamed to entries, as a migration does."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, heading TEXT, body TEXT)")
    db.execute(f"CREATE VIRTUAL TABLE notes_fts USING {FTS}")
    db.execute("INSERT INTO notes VALUES (1, 'bread', 'knead the dough')")
    db.execute("INSERT INTO notes_fts (notes_fts) VALUES ('rebuild')")
    db.execute("ALTER TABLE notes RENAME TO entries")
    return db


def test_a_renamed_content_table_is_said_missing_with_sqlites_error() -> None:
    """SQLite fails a read with 'no such table: main.notes'; the reader says so, names no
    RENAME COLUMN, and its mend points notes_fts at entries, the table holding its columns."""
    db = _renamed()
    with pytest.raises(sqlite3.OperationalError) as error:
        db.execute("SELECT * FROM notes_fts WHERE notes_fts MATCH 'dough'").fetchall()
    (found,) = [
        o for o in reflect_connection(db, ReflectOptions(), "t").objects if o.name == "notes_fts"
    ]
    assert found.broken.startswith("its content table notes is not in the database")
    assert f"({error.value})" in found.broken
    assert "RENAME COLUMN" not in found.broken
    assert "content='entries'" in found.mend
    # The mend, followed: the table is made again over entries and answers.
    db.execute("DROP TABLE notes_fts")
    db.execute(f"CREATE VIRTUAL TABLE notes_fts USING {FTS.replace('notes', 'entries')}")
    db.execute("INSERT INTO notes_fts (notes_fts) VALUES ('rebuild')")
    assert db.execute("SELECT rowid FROM notes_fts WHERE notes_fts MATCH 'dough'").fetchall() == [
        (1,)
    ]
    (fixed,) = [
        o for o in reflect_connection(db, ReflectOptions(), "t").objects if o.name == "notes_fts"
    ]
    assert not fixed.broken


def test_several_tables_holding_the_columns_are_named_not_guessed() -> None:
    """Where two tables have every column the FTS table reads, the mend names both and leaves
    the choice to the user."""
    db = _renamed()
    db.execute("CREATE TABLE archive (id INTEGER PRIMARY KEY, heading TEXT, body TEXT)")
    (found,) = [
        o for o in reflect_connection(db, ReflectOptions(), "t").objects if o.name == "notes_fts"
    ]
    assert "archive, entries have every column" in found.mend
    assert "content='<the table that holds its rows>'" in found.mend


def test_the_missing_content_table_adds_no_second_difference() -> None:
    """The renamed-away table's statement is the one a source with notes still there holds
    (content_rowid='id' naming notes' rowid alias, left out there): the two compare alike, so
    the only difference reported is that it is broken."""
    healthy = sqlite3.connect(":memory:")
    healthy.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, heading TEXT, body TEXT)")
    healthy.execute(f"CREATE VIRTUAL TABLE notes_fts USING {FTS}")
    schemas = [reflect_connection(db, ReflectOptions(), "t") for db in (healthy, _renamed())]
    ours, renamed = (next(o for o in s.objects if o.name == "notes_fts") for s in schemas)
    assert renamed.broken and not ours.broken
    assert ours.definition == renamed.definition
