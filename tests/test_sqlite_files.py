"""A check reads a SQLite *file* in every state it can be found in, consistently and without
changing it (issue 14).

Each state is made for real, by real processes: a ``twinschema migrate local`` held open inside
its write transaction (by a revision that waits on a file), a migration killed by SIGKILL with
its rollback journal left behind, a WAL-mode writer killed with its ``-wal`` and ``-shm`` left,
a restored copy (the database and its ``-wal`` only), a FIFO and a socket given as the database.
Each test runs ``twinschema check --layer live`` against it (the PostgreSQL side is a scratch
database migrated to head, so it is in sync) and asserts the exit code, the one line that
matters, and that the database's files (the db, ``-wal``, ``-shm``, ``-journal``) have the same
bytes and mtimes after the check as before it. The check runs in-process
(``pg_helpers.invoke_afresh``, which reads the project and ``TMPDIR`` as a new process would): the
other process that holds the file (a held migration, a busy writer) gives up its lock by itself
after ``HOLD_LIMIT`` seconds, so a check that waited on it forever ends then and fails its test
(the writer's end, the migration's exit code) instead of blocking the suite. A check of a FIFO
(opening one blocks, whatever else happens) is the installed script in a process of its own,
whose timeout fails a hang.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from pg_helpers import clean_env, invoke_afresh, run_cli
from support.dbpool import DatabasePool
from test_migrate_safety import (
    fill_every_table,
    scratch_project,
    spawn,
    wait_for,
    write_revision,
)

SIDECARS = ("", "-wal", "-shm", "-journal")
# The index the SQLite database lacks in its "old" state (the 0002 revision below adds it).
INDEX = "ix_badges_profile_id"
OLD_SCHEMA_LINE = f"index: index {INDEX} (profile_id) on badges exists only in"
# Seconds after which a process holding the SQLite file (a held migration, a busy writer) lets
# go of it by itself: a check in this process that hangs on the file then ends, and its test
# fails, instead of the suite blocking. Far beyond what any check here takes.
HOLD_LIMIT = 300


@dataclass
class Setup:
    """A scratch project with both databases at head: the SQLite file and the check's env."""

    project: Path
    db: Path
    env: dict[str, str]

    @property
    def url(self) -> str:
        return f"sqlite:///{self.db}"

    def check(self) -> subprocess.CompletedProcess[str]:
        """``twinschema check --layer live``, in-process (reading the project afresh)."""
        return invoke_afresh(["check", "--layer", "live"], self.project, self.env)

    def migrate(self, side: str) -> subprocess.CompletedProcess[str]:
        """``twinschema migrate local|remote`` (in-process, reading the project afresh; its
        modules are forgotten afterwards)."""
        return invoke_afresh(["migrate", side], self.project, self.env)

    def temporary_files(self) -> list[str]:
        """What the check left in its temporary folder (``TMPDIR``)."""
        return sorted(p.name for p in Path(self.env["TMPDIR"]).iterdir())

    def files(self) -> dict[str, tuple[str, int]]:
        """The database's files that exist: SHA-256 and mtime (ns) of each."""
        return file_state(self.db)


def file_state(db: Path) -> dict[str, tuple[str, int]]:
    """SHA-256 and mtime (ns) of ``db`` and each of its ``-wal``, ``-shm``, ``-journal``."""
    found = {}
    for suffix in SIDECARS:
        path = Path(f"{db}{suffix}")
        if path.exists():
            found[path.name] = (
                hashlib.sha256(path.read_bytes()).hexdigest(),
                path.stat().st_mtime_ns,
            )
    return found


@pytest.fixture(scope="module")
def migrated(
    tmp_path_factory: pytest.TempPathFactory, pg_databases: DatabasePool
) -> Iterator[tuple[Path, Path, str]]:
    """The scratch project (the check waits at most 1 s for a locked SQLite file) and its SQLite
    file, migrated to head once for the module by the real ``twinschema migrate local`` and
    ``migrate remote``; the PostgreSQL database at head, which every test's check only reads
    (no test here writes to it). Two migrations per test were most of this module's CPU."""
    base = tmp_path_factory.mktemp("sqlite-files")
    project = scratch_project(base)
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    pyproject.write_text(
        text.replace("[tool.twinschema]\n", "[tool.twinschema]\nbusy_timeout = 1\n", 1)
    )
    db = base / "local.db"
    with pg_databases.database() as pg_url:
        env = clean_env(LOCAL_DATABASE_URL=f"sqlite:///{db}", DATABASE_URL=pg_url)
        for side in ("local", "remote"):
            done = invoke_afresh(["migrate", side], project, env)
            assert done.returncode == 0, done.stdout + done.stderr
        assert sorted(p.name for p in db.parent.iterdir() if p.name.startswith("local.db")) == [
            "local.db"
        ]  # closed cleanly: no -journal, -wal or -shm to copy
        yield project, db, pg_url


@pytest.fixture
def setup(tmp_path: Path, migrated: tuple[Path, Path, str]) -> Setup:
    """Both databases at head: a copy of the module's migrated project and SQLite file (a test
    adds revisions to its project and changes its file), and the module's PostgreSQL database."""
    project, migrated_db, pg_url = migrated
    shutil.copytree(project, tmp_path / "project")
    db = tmp_path / "data" / "local.db"
    db.parent.mkdir()
    shutil.copyfile(migrated_db, db)
    private = tmp_path / "tmp"  # the checks' temporary folder: private copies go there
    private.mkdir()
    env = clean_env(LOCAL_DATABASE_URL=f"sqlite:///{db}", DATABASE_URL=pg_url, TMPDIR=str(private))
    return Setup(tmp_path / "project", db, env)


def fill_badges(db: Path, rows: int) -> None:
    """A row in every table, then ``rows`` more badges (foreign keys hold)."""
    engine = sa.create_engine(f"sqlite:///{db}", poolclass=sa.pool.NullPool)
    with engine.begin() as connection:
        fill_every_table(connection)
    engine.dispose()
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        community, profile = conn.execute("SELECT community_id, id FROM profiles").fetchone()
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO badges (id, community_id, profile_id, badge_type, metadata) "
            "VALUES (?, ?, ?, ?, ?)",
            ((f"b{n}", community, profile, f"type-{n}", "m" * 300) for n in range(rows)),
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


def sqlite_run(db: Path, *statements: str, journal_mode: str | None = None) -> None:
    """Statements in autocommit on ``db`` (a connection closed cleanly afterwards)."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        if journal_mode:
            conn.execute(f"PRAGMA journal_mode = {journal_mode}")
        for statement in statements:
            conn.execute(statement)
    finally:
        conn.close()


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The check's stderr, asserted to be exactly one ``twinschema: error:`` line."""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("twinschema: error: "), lines[0]
    assert "Traceback" not in result.stdout + result.stderr
    return lines[0]


def held_migration(setup: Setup, gate: Path) -> subprocess.Popen[str]:
    """A real ``twinschema migrate local`` held inside its write transaction: its revision
    recreates ``badges`` (batch mode: copy, DROP, RENAME) and creates the index, then waits for
    ``gate`` to exist before returning (and the migration commits); a gate that never opens
    fails the migration after ``HOLD_LIMIT`` seconds (rolled back, the file let go)."""
    write_revision(
        setup.project,
        "sqlite",
        f"""
        with op.batch_alter_table("badges", recreate="always"):
            pass
        op.create_index({INDEX!r}, "badges", ["profile_id"])
        if not op.get_context().as_sql:  # the lint runs upgrade() first, recording only
            import time

            open({str(gate)!r} + ".ready", "w").close()
            deadline = time.monotonic() + {HOLD_LIMIT}
            while not os.path.exists({str(gate)!r}):
                if time.monotonic() > deadline:
                    raise RuntimeError("the gate never opened")
                time.sleep(0.05)
        """,
    )
    process = spawn(setup.project, "sqlite", setup.url)
    ready = Path(f"{gate}.ready")
    wait_for(lambda: ready.exists() or process.poll() is not None, "the migration to wait")
    assert process.poll() is None, process.communicate()[0]
    return process


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes a test starts; killed (by their own id) if the test left them running."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate()


# ---------------------------------------------------------------------------------------------
# A check while `migrate local` runs: the old schema or busy, never the new one, never a mix


@pytest.mark.parametrize(
    ("journal_mode", "rows", "expected"),
    [
        ("delete", 10, 1),  # the writer's changes are in its cache: the file is the old state
        ("delete", 100_000, 3),  # they spilled into the file under an exclusive lock: busy
        ("wal", 10, 1),  # the -wal holds no commit of them: the private copy is the old state
        ("wal", 100_000, 1),  # spilled frames in the -wal, uncommitted: ignored
    ],
    ids=["delete-in-cache", "delete-spilled", "wal-in-cache", "wal-spilled"],
)
def test_check_during_migrate_sees_the_old_schema_or_busy(
    setup: Setup,
    tmp_path: Path,
    processes: list[subprocess.Popen[str]],
    journal_mode: str,
    rows: int,
    expected: int,
) -> None:
    fill_badges(setup.db, rows)
    sqlite_run(setup.db, f"DROP INDEX {INDEX}", journal_mode=journal_mode)
    gate = tmp_path / "gate"
    migration = held_migration(setup, gate)
    processes.append(migration)
    held = setup.files()
    assert ("local.db-journal" in held) == (journal_mode == "delete")  # really mid-transaction

    during = setup.check()  # the migration holds the file

    assert setup.files() == held  # the check changed nothing, not even the writer's -shm
    assert setup.temporary_files() == []  # a private copy, if one was made, is gone
    assert during.returncode == expected, during.stdout + during.stderr
    if expected == 1:
        assert during.stdout.count(OLD_SCHEMA_LINE) == 2, during.stdout  # vs metadata and PG
        assert during.stderr == ""
    else:
        line = one_error_line(during)
        assert f"{setup.db}: database is locked: another process" in line
        assert OLD_SCHEMA_LINE not in during.stdout
    gate.touch()
    output, _ = migration.communicate(timeout=120)
    assert migration.returncode == 0, output
    after = setup.check()  # the new schema, once committed: what the test changed was real
    assert after.returncode == 0, after.stdout + after.stderr


# ---------------------------------------------------------------------------------------------
# A path that is not a regular file


@pytest.mark.parametrize("kind", ["fifo", "socket"])
def test_a_file_that_is_not_regular_is_refused(setup: Setup, tmp_path: Path, kind: str) -> None:
    special = tmp_path / "data" / f"special.{kind}"
    listener = None
    if kind == "fifo":
        os.mkfifo(special)
    else:
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(special))
    try:
        before = sorted(p.name for p in special.parent.iterdir())
        env = {**setup.env, "LOCAL_DATABASE_URL": f"sqlite:///{special}"}
        run = run_cli if kind == "fifo" else invoke_afresh  # opening a FIFO blocks: a timeout
        result = run(["check", "--layer", "live"], setup.project, env)
    finally:
        if listener is not None:
            listener.close()
    assert result.returncode == 3, result.stdout + result.stderr
    line = one_error_line(result)
    described = "a FIFO (named pipe)" if kind == "fifo" else "a socket"
    assert (
        line
        == f"twinschema: error: {special}: is {described}, not a regular file: not a SQLite database"
    )
    assert sorted(p.name for p in special.parent.iterdir()) == before  # nothing created


# ---------------------------------------------------------------------------------------------
# A migration killed mid-way: a hot rollback journal


def test_hot_journal_says_what_happened_and_what_fixes_it(
    setup: Setup, tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    fill_badges(setup.db, 100_000)  # enough that the migration's pages spill into the file
    sqlite_run(setup.db, f"DROP INDEX {INDEX}")
    migration = held_migration(setup, tmp_path / "gate")
    processes.append(migration)
    migration.send_signal(signal.SIGKILL)
    migration.communicate(timeout=120)
    assert migration.returncode == -signal.SIGKILL
    before = setup.files()
    assert "local.db-journal" in before

    result = setup.check()

    assert setup.files() == before
    assert result.returncode == 3, result.stdout + result.stderr
    assert one_error_line(result) == (
        f"twinschema: error: {setup.db}: an interrupted migration left a rollback journal "
        f"({setup.db}-journal) that a read-only check cannot roll back; the next "
        "`twinschema migrate local` recovers it"
    )
    # And it does: the journal is rolled back, then the migration applied from the old state.
    (tmp_path / "gate").touch()
    recovered = setup.migrate("local")
    assert recovered.returncode == 0, recovered.stdout + recovered.stderr
    assert not Path(f"{setup.db}-journal").exists()
    assert setup.check().returncode == 0


# ---------------------------------------------------------------------------------------------
# WAL mode: a crashed writer's -wal and -shm, a restored copy's -wal without -shm


def crashed_wal_writer(db: Path) -> None:
    """A writer in WAL mode that commits a change (DROP INDEX) into the ``-wal``, starts a
    transaction whose pages spill into the ``-wal`` uncommitted (a new table and rows), and is
    killed: the ``-wal`` and ``-shm`` stay, never checkpointed."""
    script = textwrap.dedent(
        f"""
        import sqlite3, time
        conn = sqlite3.connect({str(db)!r}, isolation_level=None)
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        conn.execute("DROP INDEX {INDEX}")
        conn.execute("PRAGMA cache_size = 10")
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("CREATE TABLE uncommitted_table (id INTEGER PRIMARY KEY, a TEXT)")
        conn.executemany("INSERT INTO uncommitted_table (a) VALUES (?)", [("x" * 500,)] * 2000)
        print("ready", flush=True)
        time.sleep(600)
        """
    )
    writer = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline() == "ready\n"
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.communicate(timeout=120)


@pytest.mark.parametrize("state", ["crashed-writer", "restored-copy", "idle"])
def test_wal_database_is_read_from_a_private_copy(setup: Setup, tmp_path: Path, state: str) -> None:
    sqlite_run(setup.db, journal_mode="wal")
    if state == "idle":  # no -wal: the dropped index is in the main file
        sqlite_run(setup.db, f"DROP INDEX {INDEX}")
    else:
        crashed_wal_writer(setup.db)
    if state == "restored-copy":  # the database and its -wal, as a backup restores them
        restored = tmp_path / "restored" / "local.db"
        restored.parent.mkdir()
        for suffix in ("", "-wal"):
            Path(f"{restored}{suffix}").write_bytes(Path(f"{setup.db}{suffix}").read_bytes())
        setup.db = restored
        setup.env["LOCAL_DATABASE_URL"] = setup.url
    present = {"crashed-writer": ["-shm", "-wal"], "restored-copy": ["-wal"], "idle": []}[state]
    before = setup.files()
    assert sorted(name.removeprefix("local.db") for name in before if name != "local.db") == present
    assert sorted(p.name for p in setup.db.parent.iterdir()) == sorted(before)

    result = setup.check()

    assert setup.files() == before  # no -shm created or rewritten, nothing checkpointed
    assert setup.temporary_files() == []  # the private copy is gone
    assert sorted(p.name for p in setup.db.parent.iterdir()) == sorted(before)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr == ""
    # The committed DROP INDEX (in the -wal) is seen; the uncommitted table is not.
    assert result.stdout.count(OLD_SCHEMA_LINE) == 2, result.stdout
    assert "uncommitted_table" not in result.stdout
    assert "table_missing" not in result.stdout and "exists only in sqlite" not in result.stdout


# ---------------------------------------------------------------------------------------------
# A writer that keeps changing the schema: every check sees one committed state, or is busy


@pytest.mark.parametrize("journal_mode", ["delete", "wal"])
def test_checks_against_a_busy_writer_see_one_committed_state(
    setup: Setup, processes: list[subprocess.Popen[str]], journal_mode: str
) -> None:
    """A writer drops and re-creates the index in turn, one commit each (checkpoints included
    in WAL mode), for ``HOLD_LIMIT`` seconds at most. Each check sees the index (exit 0), or its
    absence and nothing else (exit 1), or says the file is busy (exit 3): never another
    difference, never a damaged read."""
    fill_badges(setup.db, 2_000)
    sqlite_run(setup.db, journal_mode=journal_mode)
    script = textwrap.dedent(
        f"""
        import sqlite3, time
        conn = sqlite3.connect({str(setup.db)!r}, isolation_level=None)
        print("ready", flush=True)
        deadline = time.monotonic() + {HOLD_LIMIT}
        while time.monotonic() < deadline:
            conn.execute("DROP INDEX {INDEX}")
            time.sleep(0.1)
            conn.execute("CREATE INDEX {INDEX} ON badges (profile_id)")
            time.sleep(0.1)
        """
    )
    writer = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    processes.append(writer)
    assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
    for _ in range(4):
        result = setup.check()  # the writer holds the file
        assert result.returncode in (0, 1, 3), result.stdout + result.stderr
        if result.returncode == 0:
            assert result.stderr == "" and "in sync" in result.stdout
        elif result.returncode == 1:
            assert result.stderr == ""
            assert result.stdout.count(OLD_SCHEMA_LINE) == 2, result.stdout
            assert "2 difference(s) found" in result.stdout
        else:
            assert "database is" in one_error_line(result)
    assert writer.poll() is None  # the writer ran all along (no check outwaited it)
    writer.kill()
    writer.communicate(timeout=120)
    assert setup.temporary_files() == []
