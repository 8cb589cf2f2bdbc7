"""A SQLite batch block that copies a table with an ON CONFLICT clause makes the copy from
reflection, which has no ON CONFLICT: ``UNIQUE (code) ON CONFLICT REPLACE`` becomes a plain
UNIQUE, and a row that used to replace its twin is refused (stranger69 finding 011: ``revision``
wrote such a block, ``lint`` said in sync and ``migrate local`` applied it). The lint refuses it
(``drop_on_conflict:T``) unless the block gives the constraint again in ``table_args`` or the
revision says why it may go; on real SQLite files, with the witness row."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from test_migrate_safety import HEADS, run_migrate, scratch_project as make_project
from test_sqlite_batch_triggers import migrate, revision

from twinschema.commands import lint_project
from twinschema.config import load_config

KEPT = "sa.UniqueConstraint('code', sqlite_on_conflict='REPLACE')"
MARKER = 'allow_destructive = {"drop_on_conflict:p": "codes are unique from now on"}'
# case: (the clause of p's code column, the block's table_args, the revision's header,
#        whether the lint refuses the block, whether a second 'a' then replaces the first)
CASES = {
    "dropped": ("UNIQUE ON CONFLICT REPLACE", "", "", True, True),
    "given-again": ("UNIQUE ON CONFLICT REPLACE", f", {KEPT}", "", False, True),
    "allowed": ("UNIQUE ON CONFLICT REPLACE", "", MARKER, False, False),
    # Near miss: no ON CONFLICT to lose, nothing to say.
    "plain-unique": ("UNIQUE", "", "", False, False),
}


def _project(tmp_path: Path, case: str) -> Path:
    """0002 makes p (code with the case's clause), 0003 copies p in a batch to add a CHECK."""
    clause, args, header, _, _ = CASES[case]
    project = make_project(tmp_path)
    table = (
        f"CREATE TABLE p (id INTEGER PRIMARY KEY, x INTEGER NOT NULL, code TEXT NOT NULL {clause})"
    )
    made = revision(
        project, "0002_p_sqlite", HEADS["sqlite"], 2, f"op.execute({table!r})",
        "op.execute('DROP TABLE p')",
    )  # fmt: skip
    block = (
        "with op.batch_alter_table('p', recreate='always', "
        f"table_args=(sa.CheckConstraint('x > 0'){args})):\n    pass"
    )
    revision(project, "0003_x_positive_sqlite", made, 3, block, "pass", header)
    return project


def _second_a_replaces(path: str) -> bool:
    """Insert code 'a' twice: True when the second replaced the first, False when refused."""
    db = sqlite3.connect(path)
    try:
        db.execute("INSERT INTO p (x, code) VALUES (1, 'a')")
        try:
            db.execute("INSERT INTO p (x, code) VALUES (2, 'a')")
        except sqlite3.IntegrityError:
            return False
        assert db.execute("SELECT x FROM p WHERE code = 'a'").fetchall() == [(2,)]
        return True
    finally:
        db.rollback()
        db.close()


@pytest.mark.parametrize("case", list(CASES))
def test_lint_refuses_a_batch_copy_that_drops_on_conflict(tmp_path: Path, case: str) -> None:
    """``twinschema lint`` (no database): a ``destructive_change`` at the block's line naming
    the clause and the table_args that keep it, only where the copy loses the clause."""
    refused = CASES[case][3]
    report = lint_project(load_config(_project(tmp_path, case) / "pyproject.toml"), ["sqlite"])
    (layer,) = report.layers
    found = [d for d in layer.differences if d.table == "p"]
    if not refused:
        assert found == [], [d.message for d in found]
        return
    (difference,) = found
    assert (difference.kind, difference.name) == ("destructive_change", "drop_on_conflict:p")
    assert "without UNIQUE (code) ON CONFLICT REPLACE" in difference.message
    assert KEPT in difference.message, difference.message
    assert difference.fix is not None and difference.fix.file.endswith("0003_x_positive_sqlite.py")


@pytest.mark.parametrize("case", list(CASES))
def test_migrate_keeps_what_the_lint_says(tmp_path: Path, sqlite_url: str, case: str) -> None:
    """On a real SQLite file: refused, the database is left at 0002 and still replaces; let
    through, the copy replaces where the clause was given again and refuses where the revision
    said it may go (what the lint warned of)."""
    _, _, _, refused, replaces = CASES[case]
    project = _project(tmp_path, case)
    migrate(project, sqlite_url, "--to", "0002_p_sqlite")
    path = sqlite_url.removeprefix("sqlite:///")
    before = _second_a_replaces(path)
    assert before == ("ON CONFLICT" in CASES[case][0])
    result = run_migrate(project, "sqlite", sqlite_url)
    if refused:
        assert result.exit_code == 1, result.output
        assert '"drop_on_conflict:p": "<why>"' in result.output, result.output
        assert _second_a_replaces(path), "the refused revision changed the table"
        return
    assert result.exit_code == 0, result.output
    assert _second_a_replaces(path) == replaces
