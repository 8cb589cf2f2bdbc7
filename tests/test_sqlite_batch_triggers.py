"""SQLite batch migrations and the triggers and views of OTHER tables (issue 13).

Batch mode rebuilds a table (create ``_alembic_tmp_<t>``, copy, DROP ``<t>``, RENAME the copy to
``<t>``). Since SQLite 3.26 a RENAME re-reads every trigger and view of the schema, and one that
names the dropped ``<t>`` fails it: "error in trigger ...: no such table". twinschema's SQLite
transaction renames batch copies the legacy way (``PRAGMA legacy_alter_table``), and only those:
an ``op.rename_table`` still rewrites the triggers and views that name the table.

Real SQLite files, the project's chain plus the revisions written here, run by
``twinschema migrate local`` (in-process).
"""

from __future__ import annotations

import textwrap
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from test_migrate_safety import CHAIN, HEADS, run_migrate, scratch_project

TRIGGER = """
CREATE TRIGGER badges_score AFTER INSERT ON badges
BEGIN
    UPDATE profiles SET activity_score = activity_score + 1 WHERE id = NEW.profile_id;
END
"""
VIEW = """
CREATE VIEW badge_holders AS
SELECT p.id AS id, count(b.id) AS n FROM profiles p JOIN badges b ON b.profile_id = p.id
GROUP BY p.id
"""


def revision(
    project: Path, name: str, down: str, version: int, up: str, back: str, header: str = ""
) -> str:
    """A SQLite revision with its upgrade and downgrade bodies; its id."""
    text = f'''"""{name}"""

import pytest
import sqlalchemy as sa
from alembic import op

revision = {name!r}
down_revision = {down!r}
branch_labels = None
depends_on = None
domain_version = {version}
{header}


def upgrade() -> None:
{textwrap.indent(textwrap.dedent(up).strip(), "    ")}


def downgrade() -> None:
{textwrap.indent(textwrap.dedent(back).strip(), "    ")}
'''
    (project / CHAIN["sqlite"] / "versions" / f"{name}.py").write_text(text)
    return name


def with_objects(project: Path) -> str:
    """0002: a trigger on badges and a view over badges, both naming profiles."""
    return revision(
        project,
        "0002_objects_sqlite",
        HEADS["sqlite"],
        2,
        f"op.execute({TRIGGER!r})\nop.execute({VIEW!r})",
        'op.execute("DROP VIEW badge_holders")\nop.execute("DROP TRIGGER badges_score")',
    )


def migrate(project: Path, url: str, *args: str) -> None:
    result = run_migrate(project, "sqlite", url, *args)
    assert result.exit_code == 0, result.output


def award(url: str, table: str = "profiles") -> tuple[int, list[tuple[str, int]]]:
    """A new profile gets a badge: its score (raised by the trigger) and the view's rows."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    community, profile = uuid.uuid4().hex, uuid.uuid4().hex
    try:
        with engine.begin() as connection:
            run = connection.exec_driver_sql
            run("INSERT INTO communities (id, name) VALUES (?, 'c')", (community,))
            run(
                f"INSERT INTO {table} (id, community_id) VALUES (?, ?)",
                (profile, community),
            )
            run(
                "INSERT INTO badges (id, community_id, profile_id, badge_type) "
                "VALUES (?, ?, ?, 'gold')",
                (uuid.uuid4().hex, community, profile),
            )
            score = run(f"SELECT activity_score FROM {table} WHERE id = ?", (profile,)).scalar()
            rows = [(str(r[0]), int(r[1])) for r in run("SELECT id, n FROM badge_holders")]
    finally:
        engine.dispose()
    return int(score), [r for r in rows if r[0] == profile]


def columns(url: str, table: str) -> set[str]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            return {c["name"] for c in sa.inspect(connection).get_columns(table)}
    finally:
        engine.dispose()


def test_a_batch_rebuild_keeps_other_tables_triggers_and_views(
    tmp_path: Path, sqlite_url: str
) -> None:
    project = scratch_project(tmp_path)
    objects = with_objects(project)
    revision(
        project,
        "0003_drop_last_seen_sqlite",
        objects,
        3,
        'with op.batch_alter_table("profiles") as batch:\n    batch.drop_column("last_seen_at")',
        'with op.batch_alter_table("profiles", recreate="always") as batch:\n'
        '    batch.add_column(sa.Column("last_seen_at", sa.Text(), nullable=True))',
        header='allow_destructive = {"drop_column:profiles.last_seen_at": "never set yet"}',
    )
    migrate(project, sqlite_url, "--to", objects)
    assert award(sqlite_url)[0] == 1

    migrate(project, sqlite_url)  # the rebuild that dropped the column failed here
    assert "last_seen_at" not in columns(sqlite_url, "profiles")
    score, holders = award(sqlite_url)
    assert score == 1 and [n for _, n in holders] == [1]

    migrate(project, sqlite_url, "--to", objects, "--yes-downgrade")  # a rebuild that adds it
    assert "last_seen_at" in columns(sqlite_url, "profiles")
    score, holders = award(sqlite_url)
    assert score == 1 and [n for _, n in holders] == [1]


def test_rename_table_still_rewrites_the_triggers_and_views_that_name_it(
    tmp_path: Path, sqlite_url: str
) -> None:
    project = scratch_project(tmp_path)
    objects = with_objects(project)
    revision(
        project,
        "0003_rename_sqlite",
        objects,
        3,
        'op.rename_table("profiles", "people")',
        'op.rename_table("people", "profiles")',
    )
    migrate(project, sqlite_url)
    score, holders = award(sqlite_url, "people")  # trigger and view now name people
    assert score == 1 and [n for _, n in holders] == [1]

    migrate(project, sqlite_url, "--to", objects, "--yes-downgrade")
    score, holders = award(sqlite_url)
    assert score == 1 and [n for _, n in holders] == [1]


def test_only_the_batch_rename_is_legacy_and_the_connection_s_setting_comes_back(
    tmp_path: Path,
) -> None:
    """A connection that had ``legacy_alter_table`` ON gets it back; inside the transaction,
    every statement but batch mode's closing RENAME runs with it OFF."""
    from twinschema.migrations.migrate_connect import sqlite_transaction
    from twinschema.testing import sqlite_url

    engine = sa.create_engine(sqlite_url(tmp_path / "legacy.db"), poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            run = connection.exec_driver_sql
            run("PRAGMA legacy_alter_table = ON")
            connection.commit()
            with sqlite_transaction(connection):
                run("CREATE TABLE t (a INTEGER)")
                run("CREATE VIEW v AS SELECT a FROM t")
                run("ALTER TABLE t RENAME TO t2")  # not a batch copy: the view follows it
                inside = run("PRAGMA legacy_alter_table").scalar()
                view = run("SELECT sql FROM sqlite_master WHERE name = 'v'").scalar()
            after = run("PRAGMA legacy_alter_table").scalar()
    finally:
        engine.dispose()
    assert inside == 0
    assert "t2" in str(view)
    assert after == 1


OWN_TRIGGER = """
CREATE TRIGGER profiles_touch AFTER INSERT ON profiles
BEGIN
    UPDATE profiles SET activity_score = 5 WHERE id = NEW.id;
END
"""


def test_migrate_says_the_trigger_a_batch_rebuild_loses(tmp_path: Path, sqlite_url: str) -> None:
    """A batch that recreates a table drops the table's own triggers (Alembic copies none;
    README Limits): the lint refuses such a revision before anything runs (stranger71 007);
    allowed by its marker, ``migrate`` says so in a line of its own, as for a lost index
    (stranger54 004: it said only "upgraded"); not where the revision makes the trigger again."""
    project = scratch_project(tmp_path)
    touch = revision(
        project, "0002_touch_sqlite", HEADS["sqlite"], 2,
        f"op.execute({OWN_TRIGGER!r})", 'op.execute("DROP TRIGGER profiles_touch")',
    )  # fmt: skip
    rebuild = 'with op.batch_alter_table("profiles", recreate="always") as batch:\n    pass'
    revision(project, "0003_rebuild_sqlite", touch, 3, rebuild, "pass")
    migrate(project, sqlite_url, "--to", touch)
    # The lint refuses the copy before anything runs (stranger71 007), naming the statement.
    result = run_migrate(project, "sqlite", sqlite_url)
    assert result.exit_code == 1, result.output
    assert f"add after the block op.execute({' '.join(OWN_TRIGGER.split())!r})" in result.output
    allowed = 'allow_destructive = {"drop_trigger:profiles.profiles_touch": "a trial"}'
    revision(project, "0003_rebuild_sqlite", touch, 3, rebuild, "pass", allowed)
    result = run_migrate(project, "sqlite", sqlite_url)
    assert result.exit_code == 0, result.output
    [line] = [x for x in result.output.splitlines() if x.startswith("warning") and "_touch" in x]
    assert "recreated table 'profiles'" in line and "loses trigger profiles_touch" in line, line
    assert _triggers(sqlite_url) == []  # what the line says: the database lost it

    again = revision(
        project, "0004_rebuild_again_sqlite", "0003_rebuild_sqlite", 4,
        f"op.execute({OWN_TRIGGER!r})\n{rebuild}\nop.execute({OWN_TRIGGER!r})", "pass",
    )  # fmt: skip
    result = run_migrate(project, "sqlite", sqlite_url)
    assert result.exit_code == 0 and again in result.output, result.output
    assert "profiles_touch" not in result.output, result.output


def _triggers(url: str) -> list[str]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            rows = connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
            ).all()
    finally:
        engine.dispose()
    return [str(r[0]) for r in rows]


@pytest.mark.parametrize("restores", [True, False], ids=["batch restores it", "near miss: not"])
@pytest.mark.parametrize("direction", ["upgrade", "downgrade"])
def test_a_trigger_the_batch_s_revision_restores_is_not_lost_when_later_dropped(
    tmp_path: Path, sqlite_url: str, direction: str, restores: bool
) -> None:
    """stranger73 008: 0002 makes trigger profiles_touch (its downgrade drops it), 0003 is a
    batch of profiles that makes it again after the batch, both ways, as ``revision`` writes
    it; 0004 drops it on purpose. One run through the batch and the drop (0001 -> 0004, or
    0003 -> 0001) said "a SQLite batch migration recreated table 'profiles' without its
    trigger": the loss was judged once the whole run was done. It is judged by the chain now:
    a trigger a statement made again after the batch, or dropped on purpose, is not lost.
    Near miss: a batch (allowed to lose it) that does not make it again, the run stopping
    there (0003): the database lost it, and the warning stays."""
    project = scratch_project(tmp_path)
    touch = revision(
        project, "0002_touch_sqlite", HEADS["sqlite"], 2,
        f"op.execute({OWN_TRIGGER!r})", 'op.execute("DROP TRIGGER profiles_touch")',
    )  # fmt: skip
    rebuild = 'with op.batch_alter_table("profiles", recreate="always") as batch:\n    pass'
    restored = f"{rebuild}\nop.execute({OWN_TRIGGER!r})"
    # The near miss loses it in the direction run: upgrade, or downgrade (its upgrade keeps it).
    lossy = not restores and direction == "upgrade"
    allowed = 'allow_destructive = {"drop_trigger:profiles.profiles_touch": "a trial"}'
    up = rebuild if lossy else restored
    back = restored if restores or direction == "upgrade" else rebuild
    batch = revision(project, "0003_rebuild_sqlite", touch, 3, up, back, allowed if lossy else "")
    revision(
        project, "0004_untouch_sqlite", batch, 4,
        'op.execute("DROP TRIGGER profiles_touch")', f"op.execute({OWN_TRIGGER!r})",
    )  # fmt: skip
    if direction == "upgrade":
        migrate(project, sqlite_url, "--to", HEADS["sqlite"])
        target = "heads" if restores else batch
        result = run_migrate(project, "sqlite", sqlite_url, "--to", target)
    else:
        migrate(project, sqlite_url, "--to", "heads" if restores else batch)
        target = HEADS["sqlite"] if restores else touch
        result = run_migrate(project, "sqlite", sqlite_url, "--to", target, "--yes-downgrade")
    assert result.exit_code == 0, result.output
    lost = [x for x in result.output.splitlines() if "without its trigger" in x]
    if restores:
        assert lost == [], result.output
        assert _triggers(sqlite_url) == []  # dropped on purpose, by 0004 or by 0002
    else:
        assert len(lost) == 1 and "loses trigger profiles_touch" in lost[0], result.output
        assert _triggers(sqlite_url) == []  # what the line says: the database lost it
