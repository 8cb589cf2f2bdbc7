"""A SQLite batch migration that adds a column the table already has (stranger35 finding 26).

A column added by hand to the live database, then to both modules and written by ``revision``
as ``batch_op.add_column(...)``: Alembic's batch copy recreated the table with the revision's
column in place of the one there and copied none of its values, so ``migrate local`` said
"upgraded" and every value of the column was gone. PostgreSQL (and SQLite's own ``ALTER TABLE
ADD COLUMN``) refuse such a revision: ``migrate local`` now refuses it the same way, exit 3,
rolled back, with the made-by-hand hint. Real SQLite files, revisions run by ``twinschema
migrate local`` (in-process).
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from test_migrate_safety import HEADS, run_migrate, scratch_project
from test_sqlite_batch_triggers import migrate, revision

from twinschema import testing

ADD = (
    'with op.batch_alter_table("notes") as batch:\n'
    '    batch.add_column(sa.Column("shared", sa.Integer(), server_default=sa.text("\'0\'"),'
    " nullable=False))"
)


def rows(url: str, query: str) -> list[tuple[object, ...]]:
    """The rows of ``query``, or none for a statement that returns none."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as connection:
            result = connection.exec_driver_sql(query)
            return [tuple(r) for r in result] if result.returns_rows else []
    finally:
        engine.dispose()


DOWN = 'allow_destructive_downgrade = {"drop_column:notes.shared": "the upgrade adds it"}'


def with_notes(project: Path, add: str = ADD, header: str = DOWN) -> tuple[str, str]:
    """0002 makes a table notes, 0003 adds notes.shared in a batch (recreating the table: its
    default is an expression); their ids."""
    made = revision(
        project,
        "0002_notes_sqlite",
        HEADS["sqlite"],
        2,
        'op.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")',
        'op.drop_table("notes")',
    )
    added = revision(
        project,
        "0003_notes_shared_sqlite",
        made,
        3,
        add,
        'with op.batch_alter_table("notes") as batch:\n    batch.drop_column("shared")',
        header=header,
    )
    return made, added


def test_adding_a_column_the_table_has_is_refused_and_keeps_its_values(
    tmp_path: Path, sqlite_url: str
) -> None:
    project = scratch_project(tmp_path)
    made, added = with_notes(project)
    migrate(project, sqlite_url, "--to", made)
    rows(sqlite_url, "ALTER TABLE notes ADD COLUMN shared TEXT DEFAULT 'no'")
    rows(sqlite_url, "INSERT INTO notes (id, body, shared) VALUES (1, 'hello', 'yes')")

    failed = run_migrate(project, "sqlite", sqlite_url)
    assert failed.exit_code == 3, failed.output
    said = failed.output.strip()
    assert said.count("\n") == 0, said
    assert f"revision {added} failed:" in said, said
    assert 'column "shared" of table "notes" already exists' in said, said
    assert "made by hand on this database before its revision? drop it" in said, said
    assert f"`twinschema stamp local {added}`" in said, said
    assert said.endswith(f"rolled back: the database is still at {made}"), said
    # Nothing was written: the value and the hand-made column's declaration are kept.
    assert rows(sqlite_url, "SELECT id, shared FROM notes") == [(1, "yes")]
    assert rows(
        sqlite_url, "SELECT type FROM pragma_table_info('notes') WHERE name = 'shared'"
    ) == [("TEXT",)]
    assert rows(sqlite_url, "SELECT version_num FROM alembic_version") == [(made,)]


def test_the_near_misses_still_migrate(tmp_path: Path, sqlite_url: str) -> None:
    """The column not there: added. A batch that drops the column, then adds it anew (a
    column redefined by hand in a revision): the copy has it once, as the revision says."""
    project = scratch_project(tmp_path)
    _, added = with_notes(project)
    migrate(project, sqlite_url)
    assert rows(sqlite_url, "SELECT version_num FROM alembic_version") == [(added,)]
    assert rows(sqlite_url, "SELECT name FROM pragma_table_info('notes') ORDER BY cid") == [
        ("id",),
        ("body",),
        ("shared",),
    ]

    again = tmp_path / "again"
    again.mkdir()
    project = scratch_project(again)
    redo = ADD.replace("as batch:\n", 'as batch:\n    batch.drop_column("shared")\n', 1)
    allow = 'allow_destructive = {"drop_column:notes.shared": "made anew by the same batch"}'
    made, added = with_notes(project, redo, f"{DOWN}\n{allow}")
    url = testing.sqlite_url(again / "again.db")
    migrate(project, url, "--to", made)
    rows(url, "ALTER TABLE notes ADD COLUMN shared TEXT")
    migrate(project, url)
    assert rows(url, "SELECT type FROM pragma_table_info('notes') WHERE name = 'shared'") == [
        ("INTEGER",)
    ]
