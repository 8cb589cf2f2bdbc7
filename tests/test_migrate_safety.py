"""``twinschema migrate`` keeps data and never leaves a database half-migrated (issues 4 and 6).

Each test works on a scratch copy of the project (domain.yaml, schemas/, both chains,
pyproject.toml) in ``tmp_path``, adds a second revision to it, and migrates real databases from
the fixtures: a SQLite file, and a scratch PostgreSQL database whose URL is passed explicitly
(the environment's ``DATABASE_URL`` is never read). Concurrency and interruption are tested with
real ``twinschema`` processes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from twinschema.cli import cli
from twinschema.config import load_config
from twinschema.migrations import migrate_chain, migrate_connect
from twinschema.urls import parse_url

ROOT = Path(__file__).resolve().parent.parent
HEADS = {"sqlite": "0001_initial_sqlite", "postgresql": "0001_initial_postgresql"}
URL_ENV = {"sqlite": "LOCAL_DATABASE_URL", "postgresql": "DATABASE_URL"}
SIDE = {"sqlite": "local", "postgresql": "remote"}
CHAIN = {"sqlite": "migrations_sqlite", "postgresql": "migrations_postgres"}
TWINSCHEMA = str(Path(sys.executable).parent / "twinschema")
GATE = 424242  # an advisory lock the test holds to keep a migration waiting mid-way

# ---------------------------------------------------------------------------------------------
# Helpers (also used by test_lint.py and test_revision.py)


def scratch_project(tmp_path: Path) -> Path:
    """A copy of the project's domain, schemas, chains and configuration."""
    project = tmp_path / "project"
    project.mkdir()
    ignore = shutil.ignore_patterns("__pycache__")
    for name in ("schemas", "migrations_sqlite", "migrations_postgres"):
        shutil.copytree(ROOT / name, project / name, ignore=ignore)
    for name in ("domain.yaml", "pyproject.toml"):
        shutil.copy(ROOT / name, project / name)
    return project


def write_revision(
    project: Path,
    dialect: str,
    body: str,
    *,
    revision: str | None = None,
    down: str | None = None,
    header: str = "",
) -> str:
    """Add a revision after the chain's head to the scratch project; its id."""
    revision = revision or f"0002_test_{dialect}"
    down = down or HEADS[dialect]
    text = f'''"""a test revision"""

import os

import sqlalchemy as sa
from alembic import op

revision = {revision!r}
down_revision = {down!r}
branch_labels = None
depends_on = None
domain_version = 2
{textwrap.dedent(header)}

def upgrade() -> None:
{textwrap.indent(textwrap.dedent(body).strip(), "    ")}


def downgrade() -> None:
    pass
'''
    (project / CHAIN[dialect] / "versions" / f"{revision}.py").write_text(text)
    return revision


def upgrade_to(project: Path, dialect: str, url: str, to: str) -> None:
    """Upgrade with the project's chain, in-process, through ``twinschema.migrations.migrate``."""
    config = load_config(project / "pyproject.toml")
    with migrate_connect.connect(migrate_chain.Target(dialect, parse_url(url))) as connection:
        migrate_chain.upgrade(
            migrate_chain.alembic_config(config, dialect, connection=connection), to
        )


def run_migrate(project: Path, dialect: str, url: str, *args: str) -> Any:
    """``twinschema migrate <side> ...`` in-process, from the project, with ``url``."""
    runner = CliRunner(env={URL_ENV[dialect]: url})
    cwd = Path.cwd()
    os.chdir(project)
    try:
        return runner.invoke(cli, ["migrate", SIDE[dialect], *args], catch_exceptions=False)
    finally:
        os.chdir(cwd)


def at_heads(tmp_path: Path, urls: dict[str, str]) -> Path:
    """A scratch project with each database of ``urls`` (by dialect) migrated to its head."""
    project = scratch_project(tmp_path)
    for side in urls:
        upgrade_to(project, side, urls[side], HEADS[side])
    return project


def migrate_afresh(project: Path, dialect: str, url: str) -> Any:
    """``run_migrate`` with the project's modules read afresh (they change between commands)."""
    from pg_helpers import forget_imports

    forget_imports(project)
    return run_migrate(project, dialect, url)


def spawn(project: Path, dialect: str, url: str, *args: str, **env: str) -> subprocess.Popen[str]:
    """A real ``twinschema migrate`` process (unbuffered, so its lines arrive as printed)."""
    environ = {k: v for k, v in os.environ.items() if k not in URL_ENV.values()}
    environ.update({URL_ENV[dialect]: url, "PYTHONUNBUFFERED": "1", **env})
    return subprocess.Popen(
        [TWINSCHEMA, "migrate", SIDE[dialect], *args],
        cwd=project,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.fixture
def engine() -> Iterator[Callable[[str], sa.Engine]]:
    """``engine(url)``: an engine for assertions, disposed after the test."""
    engines: list[sa.Engine] = []

    def _engine(url: str) -> sa.Engine:
        made = sa.create_engine(url, poolclass=sa.pool.NullPool)
        engines.append(made)
        return made

    yield _engine
    for made in engines:
        made.dispose()


def alive(process: subprocess.Popen[str]) -> bool:
    """True while ``process`` runs; its output in the failure when it ended."""
    assert process.poll() is None, process.communicate()[0]
    return True


def wait_for(condition: Callable[[], bool], what: str, limit: float = 120.0) -> None:
    """Poll until ``condition`` holds; a guard against hanging, not a timing assertion."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


# ---------------------------------------------------------------------------------------------
# Data


T0 = dt.datetime(2024, 5, 1, 12, 30, tzinfo=dt.UTC)
C1, P1, P2, B1, M1, S1 = (uuid.UUID(int=n) for n in range(1, 7))

ROWS: dict[str, list[dict[str, Any]]] = {
    "communities": [
        {
            "id": C1,
            "name": "Guild",
            "theme_id": "dark",
            "subscription_tier": "pro",
            "discord_guild_id": "g-1",
            "telegram_chat_id": None,
            "is_active": True,
            "settings": {"lang": "fr", "n": [1, 2]},
            "version": 3,
            "created_at": T0,
            "updated_at": T0,
        }
    ],
    "profiles": [
        {
            "id": pid,
            "community_id": C1,
            "discord_id": f"d-{n}",
            "telegram_id": None,
            "wallet_address": f"0x{n:040x}",
            "tier": "gold",
            "current_rank": n,
            "activity_score": 10 * n,
            "conviction_score": 7,
            "joined_at": T0,
            "last_seen_at": None,
            "first_claim_at": T0,
            "metadata": {"k": n},
            "version": 1,
            "created_at": T0,
            "updated_at": T0,
        }
        for n, pid in ((1, P1), (2, P2))
    ],
    "badges": [
        {
            "id": B1,
            "community_id": C1,
            "profile_id": P1,
            "badge_type": "og",
            "awarded_at": T0,
            "awarded_by": P2,
            "revoked_at": None,
            "metadata": {"x": True},
            "created_at": T0,
        }
    ],
    "manifests": [
        {
            "id": M1,
            "community_id": C1,
            "version": 1,
            "content": {"roles": ["a"]},
            "checksum": "abc",
            "synthesized_at": T0,
            "synthesized_by": "bot",
            "is_active": True,
            "created_at": T0,
        }
    ],
    "shadow_states": [
        {
            "id": S1,
            "community_id": C1,
            "manifest_version": 1,
            "applied_at": T0,
            "applied_by": "bot",
            "resources": {"r": 1},
            "checksum": "abc",
            "status": "applied",
            "created_at": T0,
        }
    ],
}


def _value(value: Any, column: dict[str, Any]) -> Any:
    """A logical value as the reflected column takes it (SQLite stores most things as text)."""
    type_ = column["type"]
    if value is None:
        return None
    if isinstance(type_, sa.Integer) and isinstance(value, bool):
        return int(value)
    if isinstance(type_, sa.String | sa.Enum) and not isinstance(value, str):
        if isinstance(value, dict | list):
            return json.dumps(value)
        if isinstance(value, dt.datetime):
            return value.isoformat(sep=" ")
        return str(value)
    if isinstance(type_, sa.JSON):
        return sa.cast(sa.literal(json.dumps(value)), type_)
    return value


def fill_every_table(connection: sa.Connection) -> None:
    """The rows above, in every application table (parents first)."""
    inspector = sa.inspect(connection)
    for name, rows in ROWS.items():
        columns = {c["name"]: c for c in inspector.get_columns(name)}
        table = sa.table(name, *(sa.column(c) for c in columns))
        for row in rows:
            values = {k: _value(v, columns[k]) for k, v in row.items()}
            connection.execute(sa.insert(table).values(**values))


def contents(connection: sa.Connection) -> dict[str, list[dict[str, Any]]]:
    """Every row of every application table, by table, ordered by id."""
    names = sorted(set(sa.inspect(connection).get_table_names()) - {"alembic_version"})
    return {
        name: [
            dict(row._mapping)
            for row in connection.execute(sa.text(f'SELECT * FROM "{name}" ORDER BY id'))
        ]
        for name in names
    }


def schema_of(connection: sa.Connection) -> Any:
    """Tables with their columns, indexes and foreign keys, comparable as plain values."""
    inspector = sa.inspect(connection)
    return {
        table: (
            [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)],
            sorted(
                json.dumps(i, default=str, sort_keys=True) for i in inspector.get_indexes(table)
            ),
            sorted(
                json.dumps(f, default=str, sort_keys=True)
                for f in inspector.get_foreign_keys(table)
            ),
        )
        for table in sorted(inspector.get_table_names())
    }


def at(connection: sa.Connection) -> tuple[str, ...]:
    return migrate_chain.current_revisions(connection)


def sqlite_file(url: str) -> Path:
    return Path(parse_url(url).database or "")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# A revision that keeps every column and makes SQLite recreate the parent tables (the batch mode
# copy, DROP, RENAME), with ON DELETE CASCADE and SET NULL children present.
KEEPING = {
    "sqlite": """
        for table in ("communities", "profiles"):
            with op.batch_alter_table(table, recreate="always") as batch:
                batch.add_column(sa.Column("note", sa.Text(), nullable=True))
        with op.batch_alter_table("communities") as batch:
            batch.alter_column("name", existing_type=sa.Text(), type_=sa.Text(), nullable=True)
    """,
    "postgresql": """
        for table in ("communities", "profiles"):
            op.add_column(table, sa.Column("note", sa.Text(), nullable=True))
        op.alter_column("communities", "name", existing_type=sa.Text(), nullable=True)
    """,
}


# ---------------------------------------------------------------------------------------------
# Data is never lost


def test_a_migration_that_keeps_columns_keeps_every_row_and_value(
    dialect: str, db_url: str, tmp_path: Path, engine: Any
) -> None:
    """Every table filled, one revision that recreates the parents (SQLite batch mode) or alters
    them (PostgreSQL): every row and every value is still there, children included."""
    project = scratch_project(tmp_path)
    new = write_revision(project, dialect, KEEPING[dialect])
    upgrade_to(project, dialect, db_url, HEADS[dialect])
    with engine(db_url).begin() as connection:
        fill_every_table(connection)
        before = contents(connection)
    assert all(before[table] for table in ROWS), "every table has rows"

    result = run_migrate(project, dialect, db_url)
    assert result.exit_code == 0, result.output
    assert f"upgraded from {HEADS[dialect]} to {new} (head)" in result.output

    with engine(db_url).connect() as connection:
        assert at(connection) == (new,)
        after = contents(connection)
    assert set(after) == set(before)
    for table, rows in before.items():
        kept = [{k: row[k] for k in rows[0]} for row in after[table]]
        assert kept == rows, table
    assert [r["note"] for r in after["communities"] + after["profiles"]] == [None] * 3


def test_sqlite_foreign_keys_are_off_during_the_migration_and_restored_after(
    tmp_path: Path, sqlite_url: str, engine: Any
) -> None:
    """On a connection whose application switched foreign keys ON (as apps do), the batch
    recreate of a CASCADE parent keeps the children, and the setting is ON again after."""
    project = scratch_project(tmp_path)
    write_revision(project, "sqlite", KEEPING["sqlite"])
    upgrade_to(project, "sqlite", sqlite_url, HEADS["sqlite"])
    with engine(sqlite_url).begin() as connection:
        fill_every_table(connection)
        before = contents(connection)

    app = engine(sqlite_url)
    sa.event.listen(app, "connect", lambda dbapi, _: dbapi.execute("PRAGMA foreign_keys = ON"))
    config = load_config(project / "pyproject.toml")
    with app.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        connection.commit()  # leave SQLAlchemy's autobegun transaction: the PRAGMA needs none
        with migrate_connect.sqlite_transaction(connection):
            migrate_chain.upgrade(
                migrate_chain.alembic_config(config, "sqlite", connection=connection)
            )
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        after = contents(connection)
    assert {t: len(r) for t, r in after.items()} == {t: len(r) for t, r in before.items()}
    assert [b["awarded_by"] for b in after["badges"]] == [str(P2)]  # SET NULL did not fire


def test_control_without_it_a_batch_recreate_cascades_children_away(
    tmp_path: Path, sqlite_url: str, engine: Any
) -> None:
    """The hazard the test above guards against is real: the same revision on a plain
    connection with foreign keys ON deletes every CASCADE child and nulls awarded_by."""
    project = scratch_project(tmp_path)
    write_revision(project, "sqlite", KEEPING["sqlite"])
    upgrade_to(project, "sqlite", sqlite_url, HEADS["sqlite"])
    with engine(sqlite_url).begin() as connection:
        fill_every_table(connection)
    app = engine(sqlite_url)
    sa.event.listen(app, "connect", lambda dbapi, _: dbapi.execute("PRAGMA foreign_keys = ON"))
    config = load_config(project / "pyproject.toml")
    with app.begin() as connection:
        migrate_chain.upgrade(migrate_chain.alembic_config(config, "sqlite", connection=connection))
    with engine(sqlite_url).connect() as connection:
        after = contents(connection)
    assert after["communities"] and not after["profiles"] and not after["badges"]


def test_sqlite_a_foreign_key_violation_rolls_everything_back(
    tmp_path: Path, sqlite_url: str, engine: Any
) -> None:
    """A revision that leaves orphans (foreign keys are off while it runs) fails the check
    before COMMIT: exit 3, one line naming the table and its parent, the file byte-identical."""
    project = scratch_project(tmp_path)
    write_revision(
        project,
        "sqlite",
        """
        op.create_table("extra", sa.Column("id", sa.Integer(), primary_key=True))
        op.execute("DELETE FROM communities")
        """,
    )
    upgrade_to(project, "sqlite", sqlite_url, HEADS["sqlite"])
    with engine(sqlite_url).begin() as connection:
        fill_every_table(connection)
    path = sqlite_file(sqlite_url)
    before = digest(path)

    result = run_migrate(project, "sqlite", sqlite_url)
    assert result.exit_code == 3, result.output
    line = result.output.strip().splitlines()[-1]
    assert line.startswith(f"twinschema: error: {redact(sqlite_url)}: foreign key check failed")
    assert "1 row(s) of badges point at no row of communities (and 4 more" in line
    assert f"rolled back: the database is still at {HEADS['sqlite']}" in line
    assert digest(path) == before
    assert not Path(f"{path}-journal").exists()


def redact(url: str) -> str:
    return migrate_chain.Target("", parse_url(url)).label


# ---------------------------------------------------------------------------------------------
# A failing migration leaves the database untouched


FAILING = {
    "sqlite": """
        op.create_table("made_first", sa.Column("id", sa.Integer(), primary_key=True))
        op.execute("INSERT INTO made_first (id) VALUES (1)")
        with op.batch_alter_table("communities", recreate="always") as batch:
            batch.add_column(sa.Column("note", sa.Text()))
        op.execute("UPDATE communities SET name = 'changed'")
        op.execute("DROP INDEX ix_profiles_wallet_address")
        op.execute("INSERT INTO no_such_table VALUES (1)")
    """,
    "postgresql": """
        op.create_table("made_first", sa.Column("id", sa.Integer(), primary_key=True))
        op.execute("INSERT INTO made_first (id) VALUES (1)")
        op.add_column("communities", sa.Column("note", sa.Text()))
        op.execute("UPDATE communities SET name = 'changed'")
        op.execute("DROP INDEX ix_profiles_wallet_address")
        op.execute("INSERT INTO no_such_table VALUES (1)")
    """,
}


def test_a_revision_that_fails_halfway_leaves_schema_data_and_version_as_before(
    dialect: str, db_url: str, tmp_path: Path, engine: Any
) -> None:
    """DDL, data and alembic_version of a failed run are all rolled back (SQLite: the file is
    byte-identical), and the one-line error names the revision and where the database is."""
    project = scratch_project(tmp_path)
    new = write_revision(project, dialect, FAILING[dialect])
    upgrade_to(project, dialect, db_url, HEADS[dialect])
    with engine(db_url).begin() as connection:
        fill_every_table(connection)
    with engine(db_url).connect() as connection:
        schema, data = schema_of(connection), contents(connection)
    file_before = digest(sqlite_file(db_url)) if dialect == "sqlite" else None

    result = run_migrate(project, dialect, db_url)
    assert result.exit_code == 3, result.output
    line = result.output.strip().splitlines()[-1]
    assert f"revision {new} failed" in line and "no_such_table" in line
    assert f"rolled back: the database is still at {HEADS[dialect]}" in line

    with engine(db_url).connect() as connection:
        assert at(connection) == (HEADS[dialect],)
        assert schema_of(connection) == schema
        assert contents(connection) == data
    if dialect == "sqlite":
        assert digest(sqlite_file(db_url)) == file_before


# ---------------------------------------------------------------------------------------------
# Dry runs


def test_dry_run_renders_batch_operations_against_the_live_tables_and_changes_nothing(
    dialect: str, db_url: str, tmp_path: Path, engine: Any
) -> None:
    """The SQL printed is what a real run sends (SQLite's batch recreate included, reflected
    from the live table); afterwards the database is identical (SQLite: byte for byte)."""
    project = scratch_project(tmp_path)
    new = write_revision(project, dialect, KEEPING[dialect])
    upgrade_to(project, dialect, db_url, HEADS[dialect])
    with engine(db_url).begin() as connection:
        fill_every_table(connection)
    with engine(db_url).connect() as connection:
        schema, data = schema_of(connection), contents(connection)
    file_before = digest(sqlite_file(db_url)) if dialect == "sqlite" else None

    result = run_migrate(project, dialect, db_url, "--dry-run")
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"-- {redact(db_url)}: would upgrade from {HEADS[dialect]} to {new} (head)" in out
    assert f"UPDATE alembic_version SET version_num='{new}'" in out
    assert out.index("UPDATE alembic_version") < out.index("COMMIT;\n\n-- ")
    if dialect == "sqlite":
        # Reflected from the live table: its columns, CHECKs and FKs, then the copy and swap.
        assert "CREATE TABLE _alembic_tmp_communities" in out
        assert "ck_communities_subscription_tier_values" in out
        assert "INSERT INTO _alembic_tmp_communities (id, name," in out
        assert "DROP TABLE communities" in out
        assert "ALTER TABLE _alembic_tmp_communities RENAME TO communities" in out
        assert "PRAGMA main.table_xinfo" not in out  # reads are left out
        assert digest(sqlite_file(db_url)) == file_before
    else:
        assert "ALTER TABLE communities ADD COLUMN note TEXT" in out
        assert "ALTER TABLE communities ALTER COLUMN name DROP NOT NULL" in out
    with engine(db_url).connect() as connection:
        assert at(connection) == (HEADS[dialect],)
        assert schema_of(connection) == schema
        assert contents(connection) == data


# ---------------------------------------------------------------------------------------------
# Two runs at once, and a run killed mid-way (PostgreSQL)


GATED = """
    op.create_table("gated", sa.Column("id", sa.Integer(), primary_key=True))
    op.execute("SELECT pg_advisory_xact_lock({gate})")
    op.add_column("communities", sa.Column("note", sa.Text()))
"""


def _waiting_on_gate(connection: sa.Connection) -> bool:
    return bool(
        connection.execute(
            sa.text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                "AND classid = 0 AND objid = :gate AND objsubid = 1"
            ),
            {"gate": GATE},
        ).scalar()
    )


def test_two_remote_migrations_at_once_are_serialized(
    tmp_path: Path, pg_url: str, engine: Any
) -> None:
    """A first run holds the migration lock mid-revision (waiting on a gate this test holds);
    a second run says it is waiting, and once the first commits it finds the database at head
    and does nothing."""
    project = scratch_project(tmp_path)
    new = write_revision(project, "postgresql", GATED.format(gate=GATE))
    upgrade_to(project, "postgresql", pg_url, HEADS["postgresql"])
    with engine(pg_url).connect() as gate, engine(pg_url).connect() as probe:
        gate.execute(sa.text("SELECT pg_advisory_lock(:gate)"), {"gate": GATE})
        first = spawn(project, "postgresql", pg_url, "--lock-timeout", "300")
        try:
            wait_for(
                lambda: alive(first) and _waiting_on_gate(probe), "the first run to reach the gate"
            )
            second = spawn(project, "postgresql", pg_url, "--lock-timeout", "300")
            assert second.stdout is not None
            waiting = second.stdout.readline()
            assert "another migration holds the migration lock (PostgreSQL backend pid" in waiting
            assert "waiting up to 300s" in waiting
            gate.execute(sa.text("SELECT pg_advisory_unlock(:gate)"), {"gate": GATE})
            out_first, _ = first.communicate(timeout=300)
            out_second, _ = second.communicate(timeout=300)
        finally:
            first.kill()
    assert first.returncode == 0, out_first
    assert f"upgraded from {HEADS['postgresql']} to {new} (head)" in out_first
    assert second.returncode == 0, out_second
    assert f"already at {new} (head); nothing to do" in out_second
    with engine(pg_url).connect() as connection:
        assert at(connection) == (new,)


def test_lock_timeout_is_a_clear_error_and_applies_nothing(
    tmp_path: Path, pg_url: str, engine: Any
) -> None:
    """Another session holds the migration lock past --lock-timeout: exit 3, one line."""
    project = scratch_project(tmp_path)
    write_revision(project, "postgresql", 'op.add_column("communities", sa.Column("x", sa.Text()))')
    upgrade_to(project, "postgresql", pg_url, HEADS["postgresql"])
    with engine(pg_url).connect() as holder:
        holder.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": migrate_connect.LOCK_KEY})
        result = run_migrate(project, "postgresql", pg_url, "--lock-timeout", "0.5")
    assert result.exit_code == 3, result.output
    assert "waiting up to 0.5s" in result.output
    last = result.output.strip().splitlines()[-1]
    assert "still holds the migration lock after 0.5s" in last
    assert "nothing was applied" in last and "--lock-timeout" in last
    with engine(pg_url).connect() as connection:
        assert at(connection) == (HEADS["postgresql"],)


SLEEPING = """
    op.create_table("half_done", sa.Column("id", sa.Integer(), primary_key=True))
    op.execute("INSERT INTO half_done VALUES (1)")
    if os.environ.get("TS_TEST_SLEEP"):
        op.execute("SELECT pg_sleep(60)")
    op.add_column("communities", sa.Column("note", sa.Text()))
"""


def test_remote_killed_mid_migration_is_at_the_old_revision_and_the_next_run_completes(
    tmp_path: Path, pg_url: str, engine: Any
) -> None:
    """SIGKILL while a revision sleeps between two of its statements: the database is at the
    previous revision with none of the revision's work, and the next run upgrades it fully."""
    project = scratch_project(tmp_path)
    new = write_revision(project, "postgresql", SLEEPING)
    upgrade_to(project, "postgresql", pg_url, HEADS["postgresql"])
    database = parse_url(pg_url).database

    def sleeping(connection: sa.Connection) -> bool:
        connection.rollback()  # pg_stat_activity is a snapshot per transaction: take a new one
        return bool(
            connection.execute(
                sa.text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = :db "
                    "AND state = 'active' AND query LIKE 'SELECT pg_sleep(60)%'"
                ),
                {"db": database},
            ).scalar()
        )

    def state(connection: sa.Connection) -> tuple[Any, ...]:
        inspector = sa.inspect(connection)
        columns = {c["name"] for c in inspector.get_columns("communities")}
        return at(connection), inspector.has_table("half_done"), "note" in columns

    with engine(pg_url).connect() as probe:
        victim = spawn(project, "postgresql", pg_url, TS_TEST_SLEEP="1")
        try:
            wait_for(lambda: alive(victim) and sleeping(probe), "the revision to start sleeping")
            assert state(probe) == ((HEADS["postgresql"],), False, False)  # never in between
            probe.rollback()
        finally:
            victim.send_signal(signal.SIGKILL)
            victim.communicate()
        assert victim.returncode == -signal.SIGKILL
        # The server notices the dead client and rolls its transaction back.
        wait_for(lambda: not sleeping(probe), "the rollback")
        assert state(probe) == ((HEADS["postgresql"],), False, False)
        probe.rollback()

    again = spawn(project, "postgresql", pg_url, "--lock-timeout", "300")
    out, _ = again.communicate(timeout=300)
    assert again.returncode == 0, out
    assert f"upgraded from {HEADS['postgresql']} to {new} (head)" in out
    with engine(pg_url).connect() as connection:
        assert state(connection) == ((new,), True, True)
        assert connection.execute(sa.text("SELECT id FROM half_done")).scalars().all() == [1]


# stranger54 W4: a revision making a column NOT NULL over rows that hold NULL there.
NOT_NULL = {
    "sqlite": """
        with op.batch_alter_table("communities") as batch:
            batch.alter_column("discord_guild_id", existing_type=sa.Text(), nullable=False)
    """,
    "postgresql": """
        op.alter_column("communities", "discord_guild_id", existing_type=sa.Text(), nullable=False)
    """,
}


def test_not_null_over_nulls_fails_with_the_update_that_fills_them(
    dialect: str, db_url: str, tmp_path: Path, engine: Any
) -> None:
    """The failure (rolled back) says to fill the NULLs first, with the UPDATE to write into
    the revision; with that UPDATE before the change, the migration goes through."""
    project = scratch_project(tmp_path)
    new = write_revision(project, dialect, NOT_NULL[dialect])
    upgrade_to(project, dialect, db_url, HEADS[dialect])
    with engine(db_url).begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO communities (id, name) VALUES ('00000000-0000-0000-0000-0000000000c1', 'one')"
        )
    result = run_migrate(project, dialect, db_url)
    assert result.exit_code == 3, result.output
    line = result.output.strip().splitlines()[-1]
    assert f"revision {new} failed" in line and "rolled back" in line, line
    update = "UPDATE communities SET discord_guild_id = <value> WHERE discord_guild_id IS NULL"
    assert "rows of communities hold NULL in discord_guild_id: fill them first" in line, line
    assert f'op.execute("{update}")' in line, line

    filled = update.replace("<value>", "''")
    write_revision(project, dialect, f"op.execute({filled!r})\n" + NOT_NULL[dialect].strip())
    result = migrate_afresh(project, dialect, db_url)
    assert result.exit_code == 0, result.output
