"""An external content FTS table a revision drops and makes again: its index is empty until a
'rebuild' (stranger78 007).

``migrate`` and ``lint`` let the drop of an external content FTS5 table (``content='notes'``)
through with a note, "no data is lost": it stores no row of its own, and SQLite makes its index
again from ``notes`` by ``INSERT INTO notes_fts(notes_fts) VALUES('rebuild')``. But a revision
that drops it and makes it again (another tokenizer) without that 'rebuild' leaves the new
table's index empty: on SQLite 3.40, ``MATCH 'dough'`` finds the row before the revision and
nothing after it, upgrade or downgrade, until the 'rebuild'. That revision is refused now (its
marker lets it through), saying so; the same revision with the 'rebuild' after each CREATE
VIRTUAL TABLE keeps the note, and the round trip finds the row (the near miss). Real SQLite
files, ``twinschema migrate local`` and ``twinschema lint`` in-process."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from test_migrate_safety import HEADS, run_migrate, scratch_project
from test_sqlite_batch_triggers import migrate, revision

from twinschema.commands import lint_project
from twinschema.config import load_config

NOTES = "CREATE TABLE notes (id INTEGER PRIMARY KEY, title TEXT, body TEXT)"
FTS = (
    "CREATE VIRTUAL TABLE notes_fts USING fts5(title, body, content='notes', content_rowid='id'{})"
)
REBUILD = "INSERT INTO notes_fts(notes_fts) VALUES('rebuild')"
PLAIN, PORTER = FTS.format(""), FTS.format(", tokenize='porter'")
DIRECTIONS = ("upgrade", "downgrade")
REBUILT = {"no_rebuild": (), "upgrade_only": ("upgrade",), "rebuild": DIRECTIONS}


def _project(tmp_path: Path, rebuilt: tuple[str, ...]) -> Path:
    """0002 makes notes and notes_fts (and rebuilds it); 0003 drops notes_fts and makes it
    again with the porter tokenizer, its downgrade the same back; each direction in
    ``rebuilt`` (upgrade, downgrade) followed by the 'rebuild'."""
    project = scratch_project(tmp_path)
    made = revision(
        project, "0002_notes_sqlite", HEADS["sqlite"], 2,
        f"op.execute({NOTES!r})\nop.execute({PLAIN!r})\nop.execute({REBUILD!r})",
        "op.execute('DROP TABLE notes_fts')\nop.execute('DROP TABLE notes')",
    )  # fmt: skip
    after = {d: f"\nop.execute({REBUILD!r})" if d in rebuilt else "" for d in DIRECTIONS}
    revision(
        project, "0003_porter_sqlite", made, 3,
        f"op.execute('DROP TABLE notes_fts')\nop.execute({PORTER!r}){after['upgrade']}",
        f"op.execute('DROP TABLE notes_fts')\nop.execute({PLAIN!r}){after['downgrade']}",
    )  # fmt: skip
    return project


def _search(path: str, word: str) -> list[int]:
    with sqlite3.connect(path) as db:
        found = db.execute("SELECT rowid FROM notes_fts WHERE notes_fts MATCH ?", (word,))
        return [int(r[0]) for r in found]


@pytest.mark.parametrize("case", list(REBUILT))
def test_a_revision_remaking_an_external_content_fts_table_rebuilds_it_or_is_refused(
    tmp_path: Path, sqlite_url: str, case: str
) -> None:
    """Without the 'rebuild' the upgrade (or the downgrade) is refused, nothing applied and
    the row still found, naming the statement to add; the revision applied as it is (as the
    user did) finds nothing, which is what the refusal says. With it, the note stays and the
    round trip (upgrade, then downgrade) finds the row."""
    rebuilt = REBUILT[case]
    project = _project(tmp_path, rebuilt)
    migrate(project, sqlite_url, "--to", "0002_notes_sqlite")
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO notes VALUES (7, 'bread', 'knead the dough')")
        db.execute(REBUILD)
    assert _search(path, "dough") == [7]
    up = run_migrate(project, "sqlite", sqlite_url)
    if "upgrade" not in rebuilt:
        _refused(up.exit_code, up.output, "revision")
        assert _search(path, "dough") == [7]  # nothing applied
        # What the refusal says, seen: the revision's statements as they are find nothing.
        with sqlite3.connect(path) as db:
            db.execute("DROP TABLE notes_fts")
            db.execute(PORTER)
        assert _search(path, "dough") == []
        return
    assert up.exit_code == 0, up.output
    (note,) = [x for x in up.output.splitlines() if x.startswith("note:")]
    assert "no data is lost" in note and "external content FTS table notes_fts" in note
    assert _search(path, "dough") == [7]
    down = ("--to", "0002_notes_sqlite", "--yes-downgrade")
    back = run_migrate(project, "sqlite", sqlite_url, *down)
    if "downgrade" not in rebuilt:
        _refused(back.exit_code, back.output, "the downgrade of revision")
        assert _search(path, "dough") == [7]  # nothing undone
        return
    assert back.exit_code == 0, back.output
    assert "no data is lost" in back.output, back.output
    assert _search(path, "dough") == [7]  # the round trip finds the row


def _refused(code: int, output: str, of: str) -> None:
    """``migrate``'s refusal of 0003 (its upgrade, or its downgrade: ``of``), naming the
    'rebuild' to add, and no note that no data is lost."""
    assert code == 1, output
    assert "no data is lost" not in output, output
    refused = [x for x in output.splitlines() if x.startswith("refused:")]
    assert len(refused) == 1 and "0003_porter_sqlite.py:" in refused[0], output
    assert f"{of} 0003_porter_sqlite drops the external content FTS table notes_fts" in output
    assert "makes it again without rebuilding its index" in refused[0], refused
    assert f'op.execute("{REBUILD}")' in refused[0], refused


@pytest.mark.parametrize("case", list(REBUILT))
def test_lint_refuses_an_external_content_fts_table_made_again_without_rebuild(
    tmp_path: Path, case: str
) -> None:
    """``twinschema lint`` (the chain from base on an in-memory database) refuses 0003's
    upgrade as a ``destructive_change`` without the 'rebuild'; with it, an equivalence
    ("no data lost")."""
    rebuilt = REBUILT[case]
    config = load_config(_project(tmp_path, rebuilt) / "pyproject.toml")
    (layer,) = lint_project(config, ["sqlite"]).layers
    found = [d for d in layer.differences if d.table == "notes_fts"]
    noted = [e for e in layer.equivalences if e.table == "notes_fts"]
    if "upgrade" in rebuilt:
        assert found == [], [d.message for d in found]
        assert noted and all(e.rule.startswith("no data lost at ") for e in noted), noted
        return
    assert noted == [], noted
    assert found and {d.kind for d in found} == {"destructive_change"}, found
    assert all("rebuild" in d.message or "rebuild" in d.hint for d in found), found
    assert all(d.fix is not None and d.fix.file.endswith("0003_porter_sqlite.py") for d in found)
