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
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
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


# stranger70 012 item 2: a key's and a column's NOT NULL's clause. The fix the lint gives
# (reflect_args) keeps both; a key given in table_args is not used by the copy (the reflected
# key is), so that block is refused too (near miss of the UNIQUE's table_args fix).
Q_TABLE = (
    "CREATE TABLE q (id INTEGER PRIMARY KEY ON CONFLICT REPLACE, x INTEGER NOT NULL, "
    "name TEXT NOT NULL ON CONFLICT IGNORE)"
)
Q_KEY = "sa.PrimaryKeyConstraint('id', sqlite_on_conflict='REPLACE')"
Q_NAME = "sa.Column('name', sa.TEXT(), nullable=False, sqlite_on_conflict_not_null='IGNORE')"
# case: (the block's arguments besides its CHECK, the clauses the lint says the copy loses)
Q_CASES = {
    "nothing-given": ("", ["NOT NULL (name) ON CONFLICT IGNORE", "PRIMARY KEY (id) ON CONFLICT REPLACE"]),
    "reflect-args": (f", reflect_args=[{Q_KEY}, {Q_NAME}]", []),
    "key-in-table-args": (f", {Q_KEY}), reflect_args=[{Q_NAME}]", ["PRIMARY KEY (id) ON CONFLICT REPLACE"]),
}  # fmt: skip


def _q_project(tmp_path: Path, case: str) -> Path:
    """0002 makes q, 0003 copies it in a batch to add a CHECK, with the case's arguments."""
    project = make_project(tmp_path)
    made = revision(
        project, "0002_q_sqlite", HEADS["sqlite"], 2, f"op.execute({Q_TABLE!r})",
        "op.execute('DROP TABLE q')",
    )  # fmt: skip
    args = Q_CASES[case][0]
    if args.startswith(", sa."):  # a constraint for table_args, then reflect_args
        table_args, rest = f"table_args=(sa.CheckConstraint('x > 0'){args}", ""
    else:
        table_args, rest = "table_args=(sa.CheckConstraint('x > 0'),)", args
    block = f"with op.batch_alter_table('q', recreate='always', {table_args}{rest}):\n    pass"
    revision(project, "0003_x_positive_sqlite", made, 3, block, "pass")
    return project


def _q_resolves(path: str) -> tuple[bool, bool]:
    """(a second id 1 replaces the first, a NULL name is dropped silently) on the file."""
    db = sqlite3.connect(path)
    try:
        db.execute("INSERT INTO q (id, x, name) VALUES (1, 1, 'a')")
        try:
            db.execute("INSERT INTO q (id, x, name) VALUES (1, 2, 'b')")
            replaced = db.execute("SELECT x FROM q WHERE id = 1").fetchall() == [(2,)]
        except sqlite3.IntegrityError:
            replaced = False
        try:
            db.execute("INSERT INTO q (id, x, name) VALUES (5, 1, NULL)")
            ignored = db.execute("SELECT count(*) FROM q WHERE id = 5").fetchall() == [(0,)]
        except sqlite3.IntegrityError:
            ignored = False
        return replaced, ignored
    finally:
        db.rollback()
        db.close()


@pytest.mark.parametrize("case", list(Q_CASES))
def test_a_key_s_and_a_not_null_s_clause_are_kept_by_reflect_args(
    tmp_path: Path, sqlite_url: str, case: str
) -> None:
    """The lint names each clause the copy loses, the reflect_args entry that keeps it (the
    column's type read from the chain), that no row is lost and that a key's or a NOT NULL's
    cannot be given in table_args; on a real file, what the lint lets through keeps both
    clauses (a second id 1 replaces, a NULL name is ignored), and a refused block is not
    applied."""
    lost = Q_CASES[case][1]
    project = _q_project(tmp_path, case)
    report = lint_project(load_config(project / "pyproject.toml"), ["sqlite"])
    found = [d for d in report.layers[0].differences if d.table == "q"]
    if lost:
        (difference,) = found
        assert f"without {', '.join(lost)}" in difference.message, difference.message
        assert "no row is lost" in difference.message, difference.message
        assert "give the block it again in reflect_args=[" in difference.message
        assert Q_KEY in difference.message, difference.message
        assert "cannot be given in table_args" in difference.message, difference.message
        if "NOT NULL (name)" in lost[0]:
            assert Q_NAME in difference.message, difference.message
        assert "if the data may go" not in difference.hint, difference.hint
        assert "if later inserts that conflict may fail" in difference.hint, difference.hint
    else:
        assert found == [], [d.message for d in found]
    migrate(project, sqlite_url, "--to", "0002_q_sqlite")
    path = sqlite_url.removeprefix("sqlite:///")
    assert _q_resolves(path) == (True, True)
    result = run_migrate(project, "sqlite", sqlite_url)
    if lost:
        assert result.exit_code == 1, result.output
        assert "if the data may go" not in result.output, result.output
        assert "no row is lost" in result.output, result.output
    else:
        assert result.exit_code == 0, result.output
    assert _q_resolves(path) == (True, True)


def test_a_key_given_in_table_args_is_not_kept_by_the_copy(tmp_path: Path) -> None:
    """Why the lint refuses the key in table_args: Alembic's copy, run on a real file, keeps
    the reflected key, so the second id 1 is refused where it replaced; the same block with the
    key in reflect_args replaces (SQLite's own answer, not the lint's)."""
    results: dict[str, tuple[bool, bool]] = {}
    for where in ("table_args", "reflect_args"):
        path = tmp_path / f"{where}.db"
        db = sqlite3.connect(path)
        db.execute(Q_TABLE)
        db.close()
        key = sa.PrimaryKeyConstraint("id", sqlite_on_conflict="REPLACE")
        name = sa.Column("name", sa.TEXT(), nullable=False, sqlite_on_conflict_not_null="IGNORE")
        kw: dict[str, object] = {"table_args": (key,), "reflect_args": [name]}
        if where == "reflect_args":
            kw = {"reflect_args": [key, name]}
        engine = sa.create_engine(f"sqlite:///{path}")
        with engine.begin() as connection:
            operations = Operations(MigrationContext.configure(connection))
            with operations.batch_alter_table("q", recreate="always", **kw):  # type: ignore[arg-type]
                pass
        engine.dispose()
        results[where] = _q_resolves(str(path))
    assert results == {"table_args": (False, True), "reflect_args": (True, True)}
