"""An FTS external content table that reads a column its content table lacks (stranger61 006:
a RENAME COLUMN of the content table leaves the FTS5 table naming the old column) is said
broken by the SQLite reader exactly where real SQLite fails its queries and its 'rebuild'."""

from __future__ import annotations

import sqlite3

import pytest

from twinschema.dialects import ReflectOptions
from twinschema.dialects.sqlite import reflect_connection

NOTES = (
    "CREATE TABLE notes (id TEXT PRIMARY KEY, heading TEXT, body TEXT);"
    "CREATE VIEW notes_v AS SELECT rowid, heading, body FROM notes;"
    "CREATE TABLE keyed (note_id INTEGER PRIMARY KEY, heading TEXT, body TEXT);"
)
# (module arguments, whether SQLite fails the table's queries)
CASES = [
    ("fts5(title, body, content='notes')", True),
    ("fts5(title, body, content='notes', content_rowid='rowid')", True),
    ("fts5(heading, body, content='notes', content_rowid='note_id')", True),
    ("fts5(heading, body, content='nothere')", True),
    ("fts4(title, body, content='notes')", True),
    ("fts5(heading, title, content='notes_v')", True),
    ("fts5(heading, body, content='notes')", False),
    ('fts5(HEADING, "body" UNINDEXED, content=notes, content_rowid=rowid)', False),
    ("fts5(heading, body, content='notes_v')", False),
    ("fts5(heading, body, content='keyed', content_rowid='note_id')", False),
    ("fts4(heading, body, content='notes')", False),
    ("fts5(title, body, content='')", False),
    ("fts5(title, body)", False),
]


def _fails(arguments: str) -> bool:
    """Whether real SQLite fails the FTS table's 'rebuild' and a query reading its rows."""
    db = sqlite3.connect(":memory:")
    db.executescript(NOTES)
    db.execute("INSERT INTO notes VALUES ('n1', 'trip', 'pack the passport')")
    db.execute("INSERT INTO keyed VALUES (1, 'trip', 'pack the passport')")
    db.execute(f"CREATE VIRTUAL TABLE f USING {arguments}")
    outcomes = []
    for statement in ("INSERT INTO f (f) VALUES ('rebuild')", "SELECT * FROM f"):
        try:
            db.execute(statement).fetchall()
            outcomes.append(False)
        except sqlite3.Error:
            outcomes.append(True)
    if "content=''" in arguments or "content=" not in arguments:
        return False  # the table holds its own text: 'rebuild' is refused, reads work
    assert outcomes[0] == outcomes[1]  # both fail, or neither does
    return outcomes[0]


@pytest.mark.parametrize(("arguments", "broken"), CASES)
def test_broken_exactly_where_sqlite_fails(arguments: str, broken: bool) -> None:
    """The reader marks the FTS table broken (with how to make it again) exactly where real
    SQLite fails it."""
    assert _fails(arguments) is broken
    db = sqlite3.connect(":memory:")
    db.executescript(NOTES + f"CREATE VIRTUAL TABLE f USING {arguments};")
    (found,) = [o for o in reflect_connection(db, ReflectOptions(), "t").objects if o.name == "f"]
    assert bool(found.broken) is broken
    assert bool(found.mend) is broken
    if broken:
        assert "rebuild" in found.mend


def test_the_message_names_the_lacking_columns() -> None:
    """The columns the content table lacks are named, and a missing content table is said."""
    db = sqlite3.connect(":memory:")
    db.executescript(
        NOTES
        + "CREATE VIRTUAL TABLE f USING fts5(title, body, content='notes', content_rowid='nid');"
        + "CREATE VIRTUAL TABLE g USING fts5(title, content='gone');"
    )
    objects = {o.name: o for o in reflect_connection(db, ReflectOptions(), "t").objects}
    assert objects["f"].broken.startswith("it reads notes.title, notes.nid, which notes does not")
    assert objects["g"].broken.startswith("its content table gone is not in the database")
