"""The destructive-change lint does not count a generated column's values as data (stranger44
011): they are computed from other columns, which stay, and the next upgrade computes them
again. A downgrade dropping a STORED generated column runs without a marker; a plain column
with values dropped by the same downgrade is still refused (the near miss), and once allowed
the downgrade keeps every row."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from support import testing
from support.dbpool import DatabasePool
from test_alembic_habits import label, on, twinschema, write_revision
from test_migrate_safety import (  # noqa: F401  (engine: a fixture)
    CHAIN,
    HEADS,
    SIDE,
    at,
    engine,
    fill_every_table,
    scratch_project,
    upgrade_to,
)

REVISION = {"sqlite": "0002_doubled_sqlite", "postgresql": "0002_doubled_postgresql"}
GENERATED = 'sa.Column("doubled", sa.Integer(), sa.Computed("current_rank * 2", persisted=True))'
PLAIN = 'sa.Column("note", sa.Text(), nullable=True)'
BODY = {
    "sqlite": (  # SQLite adds a STORED generated column only by copying the table
        f"""
    with op.batch_alter_table("profiles", recreate="always") as batch:
        batch.add_column({GENERATED})
        batch.add_column({PLAIN})
""",
        """
    with op.batch_alter_table("profiles") as batch:
        batch.drop_column("note")
        batch.drop_column("doubled")
""",
    ),
    "postgresql": (
        f"""
    op.add_column("profiles", {GENERATED})
    op.add_column("profiles", {PLAIN})
""",
        """
    op.drop_column("profiles", "note")
    op.drop_column("profiles", "doubled")
""",
    ),
}


def add_revision(project: Path, dialect: str, header: str = "") -> str:
    """``0002_doubled_<dialect>``: a generated column and a plain one on profiles."""
    title = "a generated column and a plain one on profiles"
    return write_revision(project, dialect, REVISION[dialect], title, BODY[dialect], header)


def test_a_downgrade_dropping_a_generated_column_loses_nothing(
    dialect: str,
    db_url: str,
    tmp_path: Path,
    engine: Any,  # noqa: F811
) -> None:
    project = scratch_project(tmp_path)
    revision = add_revision(project, dialect)
    upgrade_to(project, dialect, db_url, HEADS[dialect])
    with engine(db_url).begin() as connection:
        fill_every_table(connection)
    upgrade_to(project, dialect, db_url, "head")
    with engine(db_url).begin() as connection:
        connection.execute(sa.text("UPDATE profiles SET note = 'keep me'"))
        rows = connection.execute(sa.text("SELECT current_rank, doubled FROM profiles")).all()
    assert rows and all(doubled == 2 * rank for rank, doubled in rows)
    args = ("migrate", SIDE[dialect], "--to", "-1", "--yes-downgrade")

    refused = twinschema(project, *args, **on(dialect, db_url))
    assert refused.returncode == 1, refused.stdout + refused.stderr
    lines = [line for line in refused.stdout.splitlines() if line.startswith("refused: ")]
    assert len(lines) == 1, refused.stdout
    assert "drops column profiles.note and every value in it" in lines[0]
    assert "profiles.doubled and every value" not in refused.stdout
    assert "drops the generated column profiles.doubled: no data is lost" in refused.stdout

    allowed = 'allow_destructive_downgrade = {"drop_column:profiles.note": "notes were a trial"}'
    add_revision(project, dialect, allowed)
    result = twinschema(project, *args, **on(dialect, db_url))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == (
        f"{label(db_url)}: downgraded from {revision} to {HEADS[dialect]}"
    )
    with engine(db_url).connect() as connection:
        assert at(connection) == (HEADS[dialect],)
        columns = {c["name"] for c in sa.inspect(connection).get_columns("profiles")}
        assert not {"doubled", "note"} & columns
        assert connection.execute(sa.text("SELECT count(*) FROM profiles")).scalar() == len(rows)


DROP_BODY = {
    "sqlite": (
        """
    with op.batch_alter_table("profiles") as batch:
        batch.drop_column("doubled")
""",
        f"""
    with op.batch_alter_table("profiles", recreate="always") as batch:
        batch.add_column({GENERATED})
""",
    ),
    "postgresql": (
        """
    op.drop_column("profiles", "doubled")
""",
        f"""
    op.add_column("profiles", {GENERATED})
""",
    ),
}


def test_an_upgrade_dropping_a_generated_column_needs_no_marker(
    dialect: str,
    db_url: str,
    tmp_path: Path,
    engine: Any,  # noqa: F811
) -> None:
    project = scratch_project(tmp_path)
    allowed = 'allow_destructive_downgrade = {"drop_column:profiles.note": "a test"}'
    add_revision(project, dialect, allowed)
    revision = write_revision(
        project, dialect, f"0003_undoubled_{dialect}", "profiles.doubled dropped",
        DROP_BODY[dialect], after=REVISION[dialect], domain_version=3,
    )  # fmt: skip
    upgrade_to(project, dialect, db_url, REVISION[dialect])
    with engine(db_url).begin() as connection:
        fill_every_table(connection)

    columns = migrated_columns(project, dialect, db_url, revision, engine)
    assert "doubled" not in columns and "note" in columns


def migrated_columns(
    project: Path, dialect: str, url: str, revision: str, make_engine: Any
) -> set[str]:
    """The columns of profiles once ``migrate`` has taken the database at ``url`` to
    ``revision``, unrefused (``make_engine``: the ``engine`` fixture)."""
    result = twinschema(project, "migrate", SIDE[dialect], **on(dialect, url))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "refused" not in result.stdout, result.stdout
    with make_engine(url).connect() as connection:
        assert at(connection) == (revision,)
        return {c["name"] for c in sa.inspect(connection).get_columns("profiles")}


# A new database migrated from base to head in one run (stranger46 019): the columns a revision
# drops live on a table that holds no rows, so they lose nothing; a run whose earlier revision
# may write rows is still refused (the near miss), and leaves no new SQLite file behind.

TRIPLED = 'sa.Computed("current_rank * 3", persisted=True)'
REDO_BODY = {
    "sqlite": f"""
    with op.batch_alter_table("profiles", recreate="always") as batch:
        batch.drop_column("doubled")
        batch.drop_column("note")
        batch.add_column(sa.Column("doubled", sa.Integer(), {TRIPLED}))
""",
    "postgresql": f"""
    op.drop_column("profiles", "doubled")
    op.drop_column("profiles", "note")
    op.add_column("profiles", sa.Column("doubled", sa.Integer(), {TRIPLED}))
""",
}


def write_redo(project: Path, dialect: str, before: str = "") -> str:
    """``0003_redone_<dialect>``: profiles.doubled dropped and added again, profiles.note
    dropped; ``before``: statements run first."""
    return write_revision(
        project, dialect, f"0003_redone_{dialect}", "profiles.doubled redone, profiles.note dropped",
        (before + REDO_BODY[dialect], "\n    pass\n"), after=REVISION[dialect], domain_version=3,
    )  # fmt: skip


def test_a_new_database_migrates_through_drops_in_one_run(
    dialect: str,
    db_url: str,
    tmp_path: Path,
    engine: Any,  # noqa: F811
) -> None:
    project = scratch_project(tmp_path)
    add_revision(project, dialect)
    url = testing.sqlite_url(tmp_path / "device.db") if dialect == "sqlite" else db_url
    write_redo(project, dialect, '\n    op.execute("SELECT 1")')  # it might write rows

    refused = twinschema(project, "migrate", SIDE[dialect], **on(dialect, url))
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "drops column profiles.note" in refused.stdout, refused.stdout
    if dialect == "sqlite":
        assert not (tmp_path / "device.db").exists()
    else:
        with engine(url).connect() as connection:
            assert sa.inspect(connection).get_table_names() == []

    revision = write_redo(project, dialect)
    columns = migrated_columns(project, dialect, url, revision, engine)
    assert "doubled" in columns and "note" not in columns
    with engine(url).begin() as connection:
        fill_every_table(connection)
        rows = connection.execute(sa.text("SELECT current_rank, doubled FROM profiles")).all()
    assert rows and all(doubled == 3 * rank for rank, doubled in rows)


# stranger71 010: a generated column dropped and added again (the only way to change its
# expression) on a new database migrated from base to head, after an INSERT earlier in the run
# (so rows may be there, and the new-database exemption does not apply): the lint reads what the
# chain has made of the table at that revision (generated), not the database before the run
# (where the table does not exist yet). Near miss, refused: a plain column dropped in the same
# revision. Without the INSERT, the rename of a table the run made (empty) moves no row, so on
# a new database the plain column goes too; `lint`, which reads no database, still asks.

RENAMED_REDO = {
    "sqlite": f"""
    op.rename_table("profiles", "members")
    {{before}}
    with op.batch_alter_table("members", recreate="always") as batch:
        batch.drop_column("doubled")
        {{plain}}
        batch.add_column(sa.Column("doubled", sa.Integer(), {TRIPLED}))
""",
    "postgresql": f"""
    op.rename_table("profiles", "members")
    {{before}}
    op.drop_column("members", "doubled")
    {{plain}}
    op.add_column("members", sa.Column("doubled", sa.Integer(), {TRIPLED}))
""",
}
DROP_PLAIN = {
    "sqlite": 'batch.drop_column("note")',
    "postgresql": 'op.drop_column("members", "note")',
}
INSERT = 'op.execute("INSERT INTO members (id) VALUES (1)")'


def write_renamed_redo(project: Path, dialect: str, plain: bool, before: str = "pass") -> str:
    """``0003_renamed_<dialect>``: profiles renamed members, its generated column doubled
    dropped and added again; ``plain``: members.note dropped too; ``before``: run between."""
    body = RENAMED_REDO[dialect].format(before=before, plain=DROP_PLAIN[dialect] if plain else "")
    return write_revision(
        project, dialect, f"0003_renamed_{dialect}", "profiles renamed, doubled redone",
        (body, "\n    pass\n"), after=REVISION[dialect], domain_version=3,
    )  # fmt: skip


def test_a_new_database_drops_a_generated_column_the_chain_made(
    dialect: str,
    db_url: str,
    tmp_path: Path,
    engine: Any,  # noqa: F811
    pg_databases: DatabasePool,
) -> None:
    project = scratch_project(tmp_path)
    add_revision(project, dialect)
    url = testing.sqlite_url(tmp_path / "device.db") if dialect == "sqlite" else db_url
    note = "drops the generated column members.doubled: no data is lost"
    write_renamed_redo(project, dialect, plain=True, before=INSERT)
    refused = twinschema(project, "migrate", SIDE[dialect], **on(dialect, url))
    assert refused.returncode == 1, refused.stdout + refused.stderr
    lines = [line for line in refused.stdout.splitlines() if line.startswith("refused: ")]
    assert len(lines) == 1, refused.stdout
    assert "drops column members.note and every value in it" in lines[0]
    assert "members.doubled and every value" not in refused.stdout
    assert note in refused.stdout, refused.stdout
    for before in (INSERT, "pass"):  # lint reads no database: members may have rows
        write_renamed_redo(project, dialect, plain=True, before=before)
        linted = twinschema(project, "lint")
        assert linted.returncode == 1, linted.stdout + linted.stderr
        assert "members.note" in linted.stdout and "members.doubled" not in linted.stdout

    # Without the INSERT, the renamed table was made by the run and holds no row: on a new
    # database the plain column goes too (a rename of an empty table moves no row).
    with contextlib.ExitStack() as stack:
        if dialect == "sqlite":
            other = testing.sqlite_url(tmp_path / "other.db")
        else:
            other = stack.enter_context(pg_databases.database())
        result = twinschema(project, "migrate", SIDE[dialect], **on(dialect, other))
        assert result.returncode == 0, result.stdout + result.stderr
        assert "refused" not in result.stdout and note in result.stdout, result.stdout
        with engine(other).connect() as connection:
            columns = {c["name"] for c in sa.inspect(connection).get_columns("members")}
        assert "note" not in columns and "doubled" in columns

    revision = write_renamed_redo(project, dialect, plain=False)
    linted = twinschema(project, "lint")
    assert linted.returncode == 0, linted.stdout + linted.stderr
    result = twinschema(project, "migrate", SIDE[dialect], **on(dialect, url))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "refused" not in result.stdout and note in result.stdout, result.stdout
    with engine(url).connect() as connection:
        assert at(connection) == (revision,)
        columns = {c["name"]: c for c in sa.inspect(connection).get_columns("members")}
    assert "note" in columns and "* 3" in str(columns["doubled"]["computed"]["sqltext"])
