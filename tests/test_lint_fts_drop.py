"""Dropping an FTS5 table: an external content one loses no data, the others do (stranger64).

An external content table (``content='notes'``) stores no row of its own, only an index SQLite
makes again from ``notes`` (``'rebuild'``): ``migrate`` and ``lint`` let its drop through with a
note. Near misses, each refused as destructive unless the revision says why: a contentless table
(``content=''``: its index is the only record of which rowid holds which words, and SQLite
refuses its ``'rebuild'``), a normal one (its ``_content`` shadow table holds the rows), and an
external content table whose content table is not there (nothing to rebuild it from). Real
SQLite files, ``twinschema migrate local`` and ``twinschema lint`` in-process."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from test_migrate_safety import HEADS, run_migrate, scratch_project
from test_sqlite_batch_triggers import migrate, revision

from twinschema.commands import lint_project
from twinschema.config import load_config

# The FTS table's options, and whether dropping it loses no data.
CASES = {
    "external-content": ("content='notes', content_rowid='id'", True),
    "contentless": ("content=''", False),
    "normal": ("", False),
    "content-table-gone": ("content='gone'", False),
}
NOTES = "CREATE TABLE notes (id INTEGER PRIMARY KEY, title TEXT, body TEXT)"


def _project(tmp_path: Path, options: str) -> Path:
    """0002 makes notes and notes_fts (with ``options``), 0003 drops notes_fts."""
    project = scratch_project(tmp_path)
    columns = ", ".join(["title", "body", *([options] if options else [])])
    fts = f"CREATE VIRTUAL TABLE notes_fts USING fts5({columns})"
    made = revision(
        project, "0002_notes_sqlite", HEADS["sqlite"], 2,
        f"op.execute({NOTES!r})\nop.execute({fts!r})",
        "op.execute('DROP TABLE notes_fts')\nop.execute('DROP TABLE notes')",
    )  # fmt: skip
    revision(project, "0003_drop_sqlite", made, 3, "op.execute('DROP TABLE notes_fts')", "pass")
    return project


def _search(db: sqlite3.Connection, word: str) -> list[int]:
    return [
        int(r[0])
        for r in db.execute("SELECT rowid FROM notes_fts WHERE notes_fts MATCH ?", (word,))
    ]


@pytest.mark.parametrize("case", list(CASES))
def test_migrate_drops_an_external_content_fts_table_and_refuses_the_others(
    tmp_path: Path, sqlite_url: str, case: str
) -> None:
    """A note for the external content table (dropped; made again and rebuilt, it finds the
    row again: nothing was lost); the others refused, the table and its row still there."""
    options, lossless = CASES[case]
    project = _project(tmp_path, options)
    migrate(project, sqlite_url, "--to", "0002_notes_sqlite")
    path = sqlite_url.removeprefix("sqlite:///")
    db = sqlite3.connect(path)
    db.execute("INSERT INTO notes VALUES (7, 'bread', 'knead the dough')")
    if case == "external-content":
        db.execute("INSERT INTO notes_fts(notes_fts) VALUES('rebuild')")
    else:
        db.execute(
            "INSERT INTO notes_fts(rowid, title, body) VALUES (7, 'bread', 'knead the dough')"
        )
    db.commit()
    assert _search(db, "dough") == [7]
    db.close()
    result = run_migrate(project, "sqlite", sqlite_url)
    db = sqlite3.connect(path)
    if not lossless:
        assert result.exit_code == 1, result.output
        assert "drops table notes_fts and every row in it" in result.output
        assert '"drop_table:notes_fts": "<why>"' in result.output
        assert _search(db, "dough") == [7]
        return
    assert result.exit_code == 0, result.output
    (note,) = [x for x in result.output.splitlines() if x.startswith("note:")]
    assert "0003_drop_sqlite.py:" in note and "external content FTS table notes_fts" in note
    assert "INSERT INTO notes_fts(notes_fts) VALUES('rebuild')" in note
    # Near miss of the renamed content table below: notes is not renamed, and said so.
    assert "they are the rows of notes, which stays" in note and "(named" not in note, note
    assert "refused" not in result.output
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
    assert not {t for t in tables if t.startswith("notes_fts")}
    # What the note says, followed: nothing was lost.
    db.execute(f"CREATE VIRTUAL TABLE notes_fts USING fts5(title, body, {options})")
    db.execute("INSERT INTO notes_fts(notes_fts) VALUES('rebuild')")
    assert _search(db, "dough") == [7]
    db.close()


@pytest.mark.parametrize("case", list(CASES))
def test_lint_lets_an_external_content_fts_drop_through(tmp_path: Path, case: str) -> None:
    """``twinschema lint`` (no database: the chain's tables made on an in-memory database)
    gives the same verdicts: an equivalence saying why nothing is lost, or a
    ``destructive_change`` at the revision's line."""
    options, lossless = CASES[case]
    report = lint_project(load_config(_project(tmp_path, options) / "pyproject.toml"), ["sqlite"])
    (layer,) = report.layers
    found = [d for d in layer.differences if d.table == "notes_fts"]
    noted = [e for e in layer.equivalences if e.table == "notes_fts"]
    if lossless:
        assert found == [], [d.message for d in found]
        (equivalence,) = noted
        assert equivalence.rule.startswith("no data lost at ")
        assert "0003_drop_sqlite.py:" in equivalence.rule
        return
    assert noted == []
    (difference,) = found
    assert (difference.kind, difference.name) == ("destructive_change", "drop_table:notes_fts")
    assert difference.fix is not None and difference.fix.file.endswith("0003_drop_sqlite.py")


def test_the_note_names_the_content_table_as_the_revision_leaves_it(
    tmp_path: Path, sqlite_url: str
) -> None:
    """stranger70 012-1: a revision that renames the content table (notes -> memos) and makes
    the FTS table again over it said "the rows of notes, which stays", in the very revision
    that renames notes; the note names memos now, and following it finds the row."""
    project = scratch_project(tmp_path)
    fts = "CREATE VIRTUAL TABLE notes_fts USING fts5(title, body, content='{}', content_rowid='id')"
    made = revision(
        project, "0002_notes_sqlite", HEADS["sqlite"], 2,
        f"op.execute({NOTES!r})\nop.execute({fts.format('notes')!r})",
        "op.execute('DROP TABLE notes_fts')\nop.execute('DROP TABLE notes')",
    )  # fmt: skip
    revision(
        project, "0003_memos_sqlite", made, 3,
        "op.execute('DROP TABLE notes_fts')\nop.rename_table('notes', 'memos')\n"
        f"op.execute({fts.format('memos')!r})\n"
        "op.execute(\"INSERT INTO notes_fts(notes_fts) VALUES('rebuild')\")",
        "pass",
    )  # fmt: skip
    migrate(project, sqlite_url, "--to", "0002_notes_sqlite")
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO notes VALUES (7, 'bread', 'knead the dough')")
        db.execute("INSERT INTO notes_fts(notes_fts) VALUES('rebuild')")
    result = run_migrate(project, "sqlite", sqlite_url)
    assert result.exit_code == 0, result.output
    (note,) = [x for x in result.output.splitlines() if x.startswith("note:")]
    assert (
        "they are the rows of memos (named notes before this revision), which stays; its index "
        "is made again from memos by INSERT INTO notes_fts(notes_fts) VALUES('rebuild')"
    ) in note, note
    db = sqlite3.connect(path)
    assert {
        r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE name = 'notes'")
    } == set()
    assert _search(db, "dough") == [7]
    db.close()
