"""An external content FTS5 table a revision makes over a content table an earlier revision made,
with no 'rebuild' after it: its index is empty (``migrations/lint_fts_made``; the drop and make
again of stranger78 007 is ``test_lint_fts_remade``).

On SQLite 3.40, ``CREATE VIRTUAL TABLE notes_fts USING fts5(..., content='notes')`` over a
``notes`` holding a row finds nothing by ``MATCH`` until ``INSERT INTO notes_fts(notes_fts)
VALUES('rebuild')``. ``lint`` and ``migrate`` refuse such a revision (its marker lets it
through); near misses, let be: the same with the 'rebuild'; a contentless (``content=''``) or
regular FTS5 table; a content table made in the same revision (empty); on ``migrate``, a
content table the database holds no row in. Real SQLite files, in-process commands.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from test_migrate_safety import HEADS, run_migrate, scratch_project
from test_sqlite_batch_triggers import migrate, revision

from twinschema.commands import lint_project
from twinschema.config import load_config

NOTES = "CREATE TABLE notes (id INTEGER PRIMARY KEY, title TEXT, body TEXT)"
FTS = "CREATE VIRTUAL TABLE notes_fts USING fts5(title, body{})"
EXTERNAL = FTS.format(", content='notes', content_rowid='id'")
REBUILD = "INSERT INTO notes_fts(notes_fts) VALUES('rebuild')"
# (0002's upgrade, 0003's upgrade, whether the lint refuses 0003)
CASES = {
    "external": ([NOTES], [EXTERNAL], True),
    # Near misses.
    "rebuilt": ([NOTES], [EXTERNAL, REBUILD], False),
    "contentless": ([NOTES], [FTS.format(", content=''")], False),
    "regular": ([NOTES], [FTS.format("")], False),
    "same_revision": ([], [NOTES, EXTERNAL], False),
}


def _project(tmp_path: Path, case: str) -> Path:
    """0002 runs the case's first statements (or none), 0003 the second; each downgrade drops
    what its upgrade made."""
    first, second, _ = CASES[case]
    project = scratch_project(tmp_path)

    def body(statements: list[str]) -> str:
        return "\n".join(f"op.execute({s!r})" for s in statements) or "pass"

    made = revision(
        project, "0002_notes_sqlite", HEADS["sqlite"], 2, body(first),
        "op.execute('DROP TABLE notes')" if first else "pass",
    )  # fmt: skip
    undo = ["DROP TABLE notes_fts"] + ([] if first else ["DROP TABLE notes"])
    revision(project, "0003_fts_sqlite", made, 3, body(second), body([f"{u}" for u in undo]))
    return project


@pytest.mark.parametrize("case", list(CASES))
def test_lint_refuses_an_external_content_fts_table_made_over_rows_without_rebuild(
    tmp_path: Path, case: str
) -> None:
    """``twinschema lint`` refuses 0003 as a ``destructive_change`` naming the 'rebuild' to
    add at its file; each near miss has no finding on notes_fts."""
    config = load_config(_project(tmp_path, case) / "pyproject.toml")
    (layer,) = lint_project(config, ["sqlite"]).layers
    found = [d for d in layer.differences if d.table == "notes_fts"]
    if not CASES[case][2]:
        assert found == [], [d.message for d in found]
        return
    (refused,) = found
    assert refused.kind == "destructive_change", refused
    assert "without rebuilding its index" in refused.message, refused.message
    assert REBUILD in refused.message + refused.hint, refused
    assert refused.fix is not None and refused.fix.file.endswith("0003_fts_sqlite.py")


def _search(path: str) -> list[int]:
    with sqlite3.connect(path) as db:
        found = db.execute("SELECT rowid FROM notes_fts WHERE notes_fts MATCH 'dough'")
        return [int(r[0]) for r in found]


@pytest.mark.parametrize("held", [True, False])
@pytest.mark.parametrize("case", ["external", "rebuilt"])
def test_migrate_refuses_it_where_the_content_table_holds_rows(
    tmp_path: Path, sqlite_url: str, case: str, held: bool
) -> None:
    """``migrate local`` over a notes holding a row refuses 0003 without the 'rebuild'
    (nothing applied); the witness: its statement as written finds nothing, the 'rebuild'
    finds the row. Near misses: with the 'rebuild' it migrates and finds the row; over an
    empty notes it migrates (the empty index is right)."""
    project = _project(tmp_path, case)
    migrate(project, sqlite_url, "--to", "0002_notes_sqlite")
    path = sqlite_url.removeprefix("sqlite:///")
    if held:
        with sqlite3.connect(path) as db:
            db.execute("INSERT INTO notes VALUES (7, 'bread', 'knead the dough')")
    up = run_migrate(project, "sqlite", sqlite_url)
    if case == "external" and held:
        assert up.exit_code == 1, up.output
        refused = [x for x in up.output.splitlines() if x.startswith("refused:")]
        assert len(refused) == 1 and "0003_fts_sqlite.py:" in refused[0], up.output
        assert f'op.execute("{REBUILD}")' in refused[0], refused
        with sqlite3.connect(path) as db:  # nothing applied
            assert db.execute(
                "SELECT count(*) FROM sqlite_master WHERE name = 'notes_fts'"
            ).fetchone() == (0,)
            db.execute(EXTERNAL)  # what the refusal says, seen
        assert _search(path) == []
        with sqlite3.connect(path) as db:
            db.execute(REBUILD)
        assert _search(path) == [7]
        return
    assert up.exit_code == 0, up.output
    assert _search(path) == ([7] if held else [])
