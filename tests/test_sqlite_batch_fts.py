"""A SQLite batch copy of a table an external content FTS table reads by rowid (stranger61 005).

The copy (``INSERT INTO _alembic_tmp_t ... SELECT ... FROM t``) numbers the rows of a table
without an INTEGER PRIMARY KEY again from 1, and the FTS index keeps the old numbers: a search
then finds other rows. ``revision`` writes the rebuild after such a batch; ``migrate`` says so
where a revision copies such a table without one. Real SQLite files and ``twinschema migrate
local`` (in-process); the revision directive on a real SQLite connection."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.operations import ops
from alembic.runtime.migration import MigrationContext
from test_migrate_safety import HEADS, run_migrate, scratch_project
from test_sqlite_batch_triggers import migrate, revision

from twinschema.commands import lint_project
from twinschema.config import load_config
from twinschema.migrations.revision_sqlite import rebuild_renumbered_fts
from twinschema.records import Status

NOTES = (
    "CREATE TABLE notes (id TEXT PRIMARY KEY, title TEXT, body TEXT)",
    "CREATE VIRTUAL TABLE notes_fts USING fts5(title, body, content='notes')",
    "CREATE TABLE keyed (id INTEGER PRIMARY KEY, title TEXT, body TEXT)",
    "CREATE VIRTUAL TABLE keyed_fts USING fts5(title, body, content='keyed')",
)
DROP = ("DROP TABLE keyed_fts", "DROP TABLE keyed", "DROP TABLE notes_fts", "DROP TABLE notes")


def _with_notes(project: Path) -> str:
    """0002: the notes tables (one without an INTEGER PRIMARY KEY, one with), each searched by
    an external content FTS5 table."""
    up = "\n".join(f"op.execute({s!r})" for s in NOTES)
    back = "\n".join(f"op.execute({s!r})" for s in DROP)
    return revision(project, "0002_notes_sqlite", HEADS["sqlite"], 2, up, back)


def _fill(url: str) -> None:
    """Three notes in each table, the first deleted (rowids 2 and 3 left), the index built."""
    db = sqlite3.connect(url.removeprefix("sqlite:///"))
    for table in ("notes", "keyed"):
        rows = [("shopping", "milk eggs"), ("secret", "password hint"), ("trip", "pack passport")]
        for at, (title, body) in enumerate(rows, 1):
            db.execute(
                f"INSERT INTO {table} VALUES (?, ?, ?)",
                (at if table == "keyed" else f"n{at}", title, body),
            )
        db.execute(f"DELETE FROM {table} WHERE title = 'shopping'")
        db.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES('rebuild')")
    db.commit()
    db.close()


def _found(url: str, table: str, word: str) -> list[str]:
    """The titles of the rows the app's search finds for ``word`` (joined on rowid)."""
    db = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        query = (
            f"SELECT n.title FROM {table}_fts f JOIN {table} n ON n.rowid = f.rowid "
            f"WHERE {table}_fts MATCH ?"
        )
        return [str(r[0]) for r in db.execute(query, (word,))]
    finally:
        db.close()


def _copy(table: str, after: str = "") -> str:
    return f'with op.batch_alter_table("{table}", recreate="always") as batch:\n    pass\n{after}'


@pytest.mark.parametrize("rebuilt", [False, True])
def test_migrate_says_a_batch_copy_renumbers_what_fts_reads(
    tmp_path: Path, sqlite_url: str, rebuilt: bool
) -> None:
    """A batch copy of notes (no INTEGER PRIMARY KEY) renumbers its rowids and notes_fts finds
    the wrong note: ``migrate`` says so in a line of its own, naming the rebuild. Near misses:
    keyed (INTEGER PRIMARY KEY) copied keeps its rowids and gets no line; a revision that
    rebuilds notes_fts after the batch finds the right note and gets no line."""
    project = scratch_project(tmp_path)
    made = _with_notes(project)
    after = "op.execute(\"INSERT INTO notes_fts(notes_fts) VALUES('rebuild')\")" if rebuilt else ""
    revision(
        project, "0003_copy_sqlite", made, 3, _copy("notes", after) + "\n" + _copy("keyed"), "pass"
    )
    migrate(project, sqlite_url, "--to", made)
    _fill(sqlite_url)
    assert _found(sqlite_url, "notes", "passport") == ["trip"]
    result = run_migrate(project, "sqlite", sqlite_url)
    assert result.exit_code == 0, result.output
    lines = [x for x in result.output.splitlines() if "_fts" in x]
    assert _found(sqlite_url, "keyed", "passport") == ["trip"]
    if rebuilt:
        assert lines == [], result.output
        assert _found(sqlite_url, "notes", "passport") == ["trip"]
    else:
        [line] = lines
        assert "recreated table 'notes'" in line and "notes_fts reads notes by rowid" in line
        assert "INSERT INTO notes_fts(notes_fts) VALUES('rebuild')" in line
        assert _found(sqlite_url, "notes", "passport") == []  # what the line warns of


def _revision_ops(*table_ops: Any) -> list[Any]:
    """The upgrade ops ``rebuild_renumbered_fts`` makes of ``table_ops`` on a real SQLite
    database holding ``NOTES``."""
    engine = sa.create_engine("sqlite://")
    with engine.connect() as connection:
        for statement in NOTES:
            connection.exec_driver_sql(statement)
        context = MigrationContext.configure(connection=connection)
        script = ops.MigrationScript(
            "r", ops.UpgradeOps(ops=list(table_ops)), ops.DowngradeOps(ops=[])
        )
        rebuild_renumbered_fts(context, script)
        return list(script.upgrade_ops.ops)


def _rebuilds(found: list[Any]) -> list[str]:
    return [op.sqltext for op in found if isinstance(op, ops.ExecuteSQLOp)]


EXPRESSION_DEFAULT = sa.Column("flag", sa.Integer, server_default=sa.text("0"))


@pytest.mark.parametrize(
    ("table_ops", "rebuilt"),
    [
        # A CHECK added: the batch copies notes (stranger61 005's revision).
        (ops.ModifyTableOps("notes", [ops.CreateCheckConstraintOp("ck", "notes", "1")]), True),
        # A column with an expression default: Alembic copies for it too.
        (ops.ModifyTableOps("notes", [ops.AddColumnOp("notes", EXPRESSION_DEFAULT)]), True),
        # Near misses: a plain column added in place (no copy), keyed (INTEGER PRIMARY KEY),
        # and a batch renaming a column notes_fts reads (it cannot be rebuilt then).
        (ops.ModifyTableOps("notes", [ops.AddColumnOp("notes", sa.Column("x", sa.Text))]), False),
        (ops.ModifyTableOps("keyed", [ops.CreateCheckConstraintOp("ck", "keyed", "1")]), False),
        (
            ops.ModifyTableOps(
                "notes", [ops.AlterColumnOp("notes", "title", modify_name="heading")]
            ),
            False,
        ),
    ],
)
def test_revision_rebuilds_fts_after_a_copy_that_renumbers(table_ops: Any, rebuilt: bool) -> None:
    """``revision`` writes the rebuild of notes_fts right after a batch block that copies
    notes, and nothing where the batch copies nothing, keeps rowids, or renames a column the
    FTS table reads."""
    found = _revision_ops(table_ops)
    assert found[0] is table_ops
    expected = ["INSERT INTO notes_fts(notes_fts) VALUES('rebuild')"] if rebuilt else []
    assert _rebuilds(found[1:]) == expected


@pytest.mark.parametrize("rebuilt", [False, True])
def test_lint_flags_a_batch_copy_that_renumbers_what_fts_reads(
    tmp_path: Path, rebuilt: bool
) -> None:
    """``twinschema lint`` (no database) reports a revision whose batch block copies notes (no
    INTEGER PRIMARY KEY), which notes_fts reads by rowid, with no rebuild after it, naming the
    statement to add. Near misses: keyed (INTEGER PRIMARY KEY) copied the same way, and the
    revision with the rebuild after the block, are not flagged."""
    project = scratch_project(tmp_path)
    made = _with_notes(project)
    after = "op.execute(\"INSERT INTO notes_fts(notes_fts) VALUES('rebuild')\")" if rebuilt else ""
    revision(
        project, "0003_copy_sqlite", made, 3, _copy("notes", after) + "\n" + _copy("keyed"), "pass"
    )
    report = lint_project(load_config(project / "pyproject.toml"), ["sqlite"])
    found = [d for layer in report.layers for d in layer.differences if d.kind == "fts_rowids"]
    if rebuilt:
        assert found == []
        return
    [difference] = found
    assert (difference.table, difference.name) == ("notes", "notes_fts")
    assert "revision 0003_copy_sqlite copies table notes" in difference.message
    assert "op.execute(\"INSERT INTO notes_fts(notes_fts) VALUES('rebuild')\")" in (
        difference.hint or ""
    )
    assert difference.fix is not None and difference.fix.file.endswith("0003_copy_sqlite.py")
    assert [layer.status for layer in report.layers] == [Status.DRIFT]
