"""The lint's in-memory copy of a SQLite chain makes the columns its revisions add and drop,
and makes each batch block's copy as Alembic does: the ON CONFLICT clauses a later batch copy
loses are judged on the table as the chain made it.

- A column added with ``op.add_column`` carrying ``NOT NULL ON CONFLICT IGNORE`` was not in the
  copy, so a later batch copy of its table (which rebuilds it from reflection, without the
  clause) went through ``lint`` with nothing said: a missed ``drop_on_conflict``. Witness on a
  real file: before the copy ``INSERT ... (code) VALUES (NULL)`` is ignored, after it refused.
- A column with ``UNIQUE ON CONFLICT REPLACE`` dropped in a batch block stayed in the copy, so
  every later batch copy of its table was refused for a clause no longer there (a false
  ``drop_on_conflict``): the database at that revision has no such clause to lose.

Real SQLite files; ``twinschema lint`` and ``twinschema migrate local`` in-process."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from test_migrate_safety import HEADS, run_migrate, scratch_project
from test_sqlite_batch_triggers import migrate, revision

from twinschema.commands import lint_project
from twinschema.config import load_config

P = "CREATE TABLE p (id INTEGER PRIMARY KEY, x INTEGER NOT NULL{extra})"
CHECK = (
    "with op.batch_alter_table('p', recreate='always', "
    "table_args=(sa.CheckConstraint('x > 0'),)):\n    pass"
)
ADD = (
    "op.add_column('p', sa.Column('code', sa.TEXT(), nullable=False, server_default='-', "
    "sqlite_on_conflict_not_null='IGNORE'))"
)
DROP = "with op.batch_alter_table('p') as batch_op:\n    batch_op.drop_column('code')"
MARKER = 'allow_destructive = {"drop_column:p.code": "codes are no longer kept"}'


def _added(tmp_path: Path) -> Path:
    """0002 makes p; 0003 adds code NOT NULL ON CONFLICT IGNORE; 0004 copies p for a CHECK."""
    project = scratch_project(tmp_path)
    at = revision(project, "0002_p_sqlite", HEADS["sqlite"], 2,
                  f"op.execute({P.format(extra='')!r})", "op.drop_table('p')")  # fmt: skip
    at = revision(project, "0003_code_sqlite", at, 3, ADD, "op.drop_column('p', 'code')")
    revision(project, "0004_check_sqlite", at, 4, CHECK, "pass")
    return project


def _dropped(tmp_path: Path, again: bool = False) -> Path:
    """0002 makes p with code UNIQUE ON CONFLICT REPLACE; 0003 drops code in a batch block;
    0004 copies p for a CHECK (``again``: with code added back, plain, before the copy)."""
    project = scratch_project(tmp_path)
    table = P.format(extra=", code TEXT UNIQUE ON CONFLICT REPLACE")
    at = revision(project, "0002_p_sqlite", HEADS["sqlite"], 2, f"op.execute({table!r})",
                  "op.drop_table('p')")  # fmt: skip
    at = revision(project, "0003_nocode_sqlite", at, 3, DROP, "pass", MARKER)
    body = CHECK
    if again:  # near miss: a column of the same name, but the clause is gone with the old one
        body = "op.add_column('p', sa.Column('code', sa.TEXT()))\n" + CHECK
    revision(project, "0004_check_sqlite", at, 4, body, "pass")
    return project


def _refused(project: Path) -> list[tuple[str, str, str]]:
    """(kind, name, revision file) of each difference ``twinschema lint`` reports on p."""
    report = lint_project(load_config(project / "pyproject.toml"), ["sqlite"])
    (layer,) = report.layers
    return sorted(
        (d.kind, d.name or "", d.fix.file.rsplit("/", 1)[-1] if d.fix else "")
        for d in layer.differences
        if d.table == "p"
    )


def _null_code_ignored(path: str) -> bool:
    """Insert a row with code NULL: True when SQLite ignored it, False when it refused it."""
    db = sqlite3.connect(path)
    try:
        try:
            db.execute("INSERT INTO p (x, code) VALUES (5, NULL)")
        except sqlite3.IntegrityError:
            return False
        assert db.execute("SELECT count(*) FROM p WHERE x = 5").fetchone() == (0,)
        return True
    finally:
        db.rollback()
        db.close()


def test_lint_refuses_a_copy_losing_the_clause_of_an_added_column(tmp_path: Path) -> None:
    """The clause came with 0003's add_column: 0004's copy loses it, and the lint says so."""
    found = _refused(_added(tmp_path))
    assert found == [("destructive_change", "drop_on_conflict:p", "0004_check_sqlite.py")]


def test_the_added_clause_is_real_and_the_copy_loses_it(tmp_path: Path, sqlite_url: str) -> None:
    """The witness on a real file: at 0003 a NULL code is ignored; 0004 is refused by
    ``migrate`` (the database left at 0003, still ignoring); forced through with its marker,
    the same insert is refused."""
    project = _added(tmp_path)
    path = sqlite_url.removeprefix("sqlite:///")
    migrate(project, sqlite_url, "--to", "0003_code_sqlite")
    assert _null_code_ignored(path)
    result = run_migrate(project, "sqlite", sqlite_url)
    assert result.exit_code == 1, result.output
    assert '"drop_on_conflict:p": "<why>"' in result.output, result.output
    assert _null_code_ignored(path)
    file = project / "migrations_sqlite" / "versions" / "0004_check_sqlite.py"
    text = file.read_text().replace(
        "domain_version = 4\n",
        'domain_version = 4\nallow_destructive = {"drop_on_conflict:p": "x"}\n',
    )
    file.write_text(text)
    result = run_migrate(project, "sqlite", sqlite_url)
    assert result.exit_code == 0, result.output
    assert not _null_code_ignored(path)


@pytest.mark.parametrize("again", [False, True])
def test_lint_lets_a_copy_through_after_the_column_went(tmp_path: Path, again: bool) -> None:
    """code (and its REPLACE) went at 0003: 0004's copy loses no clause, whether or not code
    is added back (plain) before it; the drop itself is judged at 0003 (its marker given)."""
    assert _refused(_dropped(tmp_path, again)) == []


def test_near_miss_a_column_kept_keeps_its_clause(tmp_path: Path) -> None:
    """Near misses: 0003 drops another column, y, and code keeps its REPLACE: 0003's copy is
    refused for losing it; where 0003 gives the clause again, 0003 passes and 0004 (which
    does not) is refused."""
    project = _dropped(tmp_path)
    versions = project / "migrations_sqlite" / "versions"
    made = versions / "0002_p_sqlite.py"
    made.write_text(made.read_text().replace("x INTEGER NOT NULL", "x INTEGER NOT NULL, y TEXT"))
    file = versions / "0003_nocode_sqlite.py"
    text = file.read_text().replace("'code'", "'y'").replace("p.code", "p.y")
    file.write_text(text)
    assert _refused(project) == [
        ("destructive_change", "drop_on_conflict:p", "0003_nocode_sqlite.py")
    ]
    kept = "table_args=(sa.UniqueConstraint('code', sqlite_on_conflict='REPLACE'),)"
    file.write_text(text.replace("batch_alter_table('p')", f"batch_alter_table('p', {kept})"))
    assert _refused(project) == [
        ("destructive_change", "drop_on_conflict:p", "0004_check_sqlite.py")
    ]


def test_a_renamed_column_given_its_clause_by_the_new_name(tmp_path: Path) -> None:
    """A block renaming code to ref that gives REPLACE again on ref loses nothing; near miss,
    given on the old name code (a column the copy no longer has), it is refused."""
    project = _dropped(tmp_path)
    file = project / "migrations_sqlite" / "versions" / "0003_nocode_sqlite.py"
    rename = "batch_op.alter_column('code', new_column_name='ref')"
    text = file.read_text().replace("batch_op.drop_column('code')", rename)
    given = "batch_alter_table('p', table_args=(sa.UniqueConstraint({}, sqlite_on_conflict='REPLACE'),))"
    file.write_text(text.replace("batch_alter_table('p')", given.format("'ref'")))
    assert _refused(project) == [
        ("destructive_change", "drop_on_conflict:p", "0004_check_sqlite.py")
    ]
    file.write_text(text.replace("batch_alter_table('p')", given.format("'code'")))
    assert _refused(project) == [
        ("destructive_change", "drop_on_conflict:p", "0003_nocode_sqlite.py"),
        ("destructive_change", "drop_on_conflict:p", "0004_check_sqlite.py"),
    ]


def test_migrate_runs_the_dropped_chain_with_rows(tmp_path: Path, sqlite_url: str) -> None:
    """On a real file holding a row at 0002 (its code replacing a twin): ``migrate local``
    runs 0003 (its drop_column marker given) and 0004 (no clause left to lose: refused before
    the fix), the row kept, code gone."""
    project = _dropped(tmp_path)
    path = sqlite_url.removeprefix("sqlite:///")
    migrate(project, sqlite_url, "--to", "0002_p_sqlite")
    db = sqlite3.connect(path)
    db.execute("INSERT INTO p (x, code) VALUES (1, 'a')")
    db.execute("INSERT INTO p (x, code) VALUES (2, 'a')")  # replaces the first
    db.commit()
    db.close()
    result = run_migrate(project, "sqlite", sqlite_url)
    assert result.exit_code == 0, result.output
    db = sqlite3.connect(path)
    assert db.execute("SELECT id, x FROM p").fetchall() == [(2, 2)]
    assert [r[1] for r in db.execute("PRAGMA table_info(p)")] == ["id", "x"]
    db.close()
