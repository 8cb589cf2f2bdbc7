"""The statement ``revision`` makes an external content FTS table again by after a rename
(``revision_fts_renames.renamed_statement``; stranger65 007), run on real SQLite 3.40: after the
renames the old statement fails, the new one answers MATCH after its 'rebuild'. Near misses: a
rename of another table, or of a column the FTS table does not read, leaves it as it is."""

from __future__ import annotations

import sqlite3

import pytest

from twinschema.migrations.revision_fts_renames import renamed_statement

# (content table, its renames (ALTER TABLE ...), the FTS statement, table and column renames)
CASES = [
    (
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, tag TEXT)",
        ["ALTER TABLE notes RENAME TO entries"],
        "CREATE VIRTUAL TABLE s USING fts5(body, tag UNINDEXED, content='notes', content_rowid='id')",
        {"notes": "entries"},
        {},
    ),
    (
        'CREATE TABLE "my notes" (id INTEGER PRIMARY KEY, "the body" TEXT, tag TEXT)',
        ['ALTER TABLE "my notes" RENAME COLUMN "the body" TO "new body"'],
        'CREATE VIRTUAL TABLE s USING fts5("the body", tag UNINDEXED, content="my notes", '
        "content_rowid=id)",
        {},
        {("my notes", "the body"): "new body"},
    ),
    (
        "CREATE TABLE notes (nid INTEGER PRIMARY KEY, body TEXT)",
        ["ALTER TABLE notes RENAME COLUMN nid TO note_id", "ALTER TABLE notes RENAME TO entries"],
        "CREATE VIRTUAL TABLE s USING fts5(body, content=notes, content_rowid=nid)",
        {"notes": "entries"},
        {("entries", "nid"): "note_id"},
    ),
    (
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)",
        ["ALTER TABLE notes RENAME COLUMN body TO text"],
        "CREATE VIRTUAL TABLE s USING fts4(body, content='notes')",
        {},
        {("notes", "body"): "text"},
    ),
]


@pytest.mark.parametrize(("table", "renames", "fts", "tables", "columns"), CASES)
def test_the_statement_made_again_answers_after_the_renames(
    table: str,
    renames: list[str],
    fts: str,
    tables: dict[str, str],
    columns: dict[tuple[str, str], str],
) -> None:
    db = sqlite3.connect(":memory:")
    db.execute(table)
    name = table.split(" (")[0].removeprefix("CREATE TABLE ")
    db.execute(f"INSERT INTO {name} (rowid, body) VALUES (1, 'knead dough')".replace(
        "body", "\"the body\"" if "the body" in table else "body"))  # fmt: skip
    db.execute(fts)
    db.execute("INSERT INTO s(s) VALUES('rebuild')")
    match = "SELECT rowid FROM s WHERE s MATCH 'dough'"
    assert db.execute(match).fetchall() == [(1,)]
    for statement in renames:
        db.execute(statement)
    with pytest.raises(sqlite3.OperationalError):
        db.execute("INSERT INTO s(s) VALUES('rebuild')")
    new = renamed_statement(fts, tables, columns)
    assert new is not None and new != fts
    db.execute("DROP TABLE s")
    db.execute(new)
    db.execute("INSERT INTO s(s) VALUES('rebuild')")
    assert db.execute(match).fetchall() == [(1,)]


@pytest.mark.parametrize(
    ("tables", "columns"),
    [({"other": "others"}, {}), ({}, {("notes", "heading"): "title"}), ({}, {})],
)
def test_a_rename_the_fts_table_does_not_read_leaves_it(
    tables: dict[str, str], columns: dict[tuple[str, str], str]
) -> None:
    fts = "CREATE VIRTUAL TABLE s USING fts5(body, content='notes', content_rowid='id')"
    assert renamed_statement(fts, tables, columns) is None
    assert renamed_statement("CREATE VIRTUAL TABLE s USING fts5(body)", {"notes": "x"}, {}) is None
