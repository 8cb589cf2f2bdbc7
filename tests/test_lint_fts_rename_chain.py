"""A chain that renames the content table of an external content FTS5 table twice, after a
column rename that made the FTS table again, triggers that name the renamed column and a batch
CHECK (stranger77 012): a new database could not be migrated from base, because the lint's
in-memory replay of the chain did not follow the column rename, so the triggers naming the new
column made SQLite refuse the first table rename there ("error in trigger ...: no such
column"), and at the second rename the FTS table's content table was "not there": its
re-creation was "drops table notes_fts and every row in it".

Near miss: the same chain with an FTS5 table holding its own rows (no ``content=``) is still
refused at the revision that drops it. Real SQLite files, ``twinschema migrate local`` and
``twinschema lint`` in-process."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from test_migrate_safety import HEADS, run_migrate, scratch_project
from test_sqlite_batch_triggers import revision

from twinschema.commands import lint_project
from twinschema.config import load_config

FTS = "CREATE VIRTUAL TABLE notes_fts USING fts5({column}{options})"
TRIGGER = (
    "CREATE TRIGGER notes_ai AFTER INSERT ON {table} BEGIN "
    "INSERT INTO notes_fts(rowid, text) VALUES (new.id, new.text); END"
)


def _remake(column: str, options: str, content: str) -> str:
    """The FTS re-creation ``revision`` writes: drop, create anew (over ``content``), rebuild."""
    made = FTS.format(column=column, options=options.format(content=content))
    rebuild = (
        "op.execute(\"INSERT INTO notes_fts(notes_fts) VALUES('rebuild')\")" if options else ""
    )
    return f"op.execute('DROP TABLE notes_fts')\nop.execute({made!r})\n{rebuild}"


def _project(tmp_path: Path, options: str, column: str = "renamed") -> Path:
    """0002 notes(id, body) with notes_fts; 0003 renames body -> text (FTS made again); 0004 a
    trigger naming text; 0005 a batch CHECK (trigger made again); 0006 notes -> coach_notes,
    0007 coach_notes -> staff_notes, each making the FTS table again over the new name."""
    project = scratch_project(tmp_path)
    notes = "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"
    fts = FTS.format(column="body", options=options.format(content="notes"))
    down = "op.execute('DROP TABLE notes_fts')\nop.execute('DROP TABLE notes')"
    at = revision(project, "0002_notes_sqlite", HEADS["sqlite"], 2,
                  f"op.execute({notes!r})\nop.execute({fts!r})", down)  # fmt: skip
    rename = "op.alter_column('notes', 'body', new_column_name='text', existing_nullable=False)"
    if column == "added":  # an operation the replay does not make: the table rename still is
        rename = "op.add_column('notes', sa.Column('text', sa.TEXT(), nullable=True))"
    at = revision(project, "0003_text_sqlite", at, 3,
                  f"{rename}\n{_remake('text', options, 'notes')}", "pass")  # fmt: skip
    trigger = TRIGGER.format(table="notes")
    at = revision(project, "0004_trigger_sqlite", at, 4, f"op.execute({trigger!r})", "pass")
    check = (
        "with op.batch_alter_table('notes') as batch_op:\n"
        "    batch_op.create_check_constraint('notes_len', 'length(text) <= 2000')\n"
        f"op.execute({trigger!r})"
    )
    at = revision(project, "0005_check_sqlite", at, 5, check, "pass")
    for name, version, old, new in (("0006_coach", 6, "notes", "coach_notes"),
                                    ("0007_staff", 7, "coach_notes", "staff_notes")):  # fmt: skip
        body = f"op.rename_table({old!r}, {new!r})\n{_remake('text', options, new)}"
        at = revision(project, f"{name}_sqlite", at, version, body, "pass")
    return project


EXTERNAL = ", content='{content}', content_rowid='id'"


def test_the_chain_lints_clean_and_a_new_database_migrates_from_base(
    tmp_path: Path, sqlite_url: str
) -> None:
    """The lint (whole chain, no database) finds nothing; ``migrate local`` runs base -> head on
    a new SQLite file with a note (not a refusal) at the second rename; the FTS table then
    finds a row inserted into staff_notes (the trigger feeds it): nothing was lost."""
    project = _project(tmp_path, EXTERNAL)
    report = lint_project(load_config(project / "pyproject.toml"), ["sqlite"])
    (layer,) = report.layers
    assert layer.differences == [], [d.message for d in layer.differences]
    noted = [e.rule for e in layer.equivalences if e.table == "notes_fts"]
    assert any("0007_staff_sqlite.py:" in rule for rule in noted), noted
    result = run_migrate(project, "sqlite", sqlite_url)
    assert result.exit_code == 0, result.output
    assert "refused" not in result.output
    (note,) = [x for x in result.output.splitlines() if "0007_staff_sqlite.py" in x]
    assert "they are the rows of staff_notes (named coach_notes before this revision)" in note
    db = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))
    db.execute("INSERT INTO staff_notes (text) VALUES ('cornice collapse')")
    found = db.execute("SELECT rowid FROM notes_fts WHERE notes_fts MATCH 'cornice'").fetchall()
    assert found == [(1,)]
    db.close()


@pytest.mark.parametrize("step", ["lint", "migrate"])
def test_near_miss_an_fts_table_with_its_own_rows_is_still_refused(
    tmp_path: Path, sqlite_url: str, step: str
) -> None:
    """The same chain with notes_fts holding its own rows (no ``content=``): dropping it loses
    them, so its first drop (0003) is refused by the lint and by ``migrate`` on a new file."""
    project = _project(tmp_path, "")
    if step == "lint":
        report = lint_project(load_config(project / "pyproject.toml"), ["sqlite"])
        (layer,) = report.layers
        found = {(d.kind, d.name, d.fix.file.rsplit("/", 1)[-1] if d.fix else "")
                 for d in layer.differences}  # fmt: skip
        assert ("destructive_change", "drop_table:notes_fts", "0003_text_sqlite.py") in found
        assert ("destructive_change", "drop_table:notes_fts", "0007_staff_sqlite.py") in found
        return
    result = run_migrate(project, "sqlite", sqlite_url)
    assert result.exit_code == 1, result.output
    assert "drops table notes_fts and every row in it" in result.output


def test_a_rename_after_a_column_the_replay_cannot_make_still_tracks_the_content_table(
    tmp_path: Path,
) -> None:
    """The column the trigger names added by ``op.add_column``, which the replay does not make:
    SQLite refuses the replayed rename (the trigger no longer parses there), which is made in
    legacy mode instead, so the content table is followed and the lint is clean."""
    project = _project(tmp_path, EXTERNAL, column="added")
    report = lint_project(load_config(project / "pyproject.toml"), ["sqlite"])
    (layer,) = report.layers
    assert layer.differences == [], [d.message for d in layer.differences]
