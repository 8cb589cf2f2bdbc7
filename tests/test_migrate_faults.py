"""Faults of ``twinschema migrate`` and bounded waits (issue 14).

Each attempt is made on real databases (a SQLite file, a scratch PostgreSQL database, an
embedded server of the test's own) with real ``twinschema`` processes where a signal or a
second run is involved, and each test asserts the exit code, the one line said, and that
nothing else changed: the rows, the schema, the revision, the SQLite file's bytes and the
project's files.

* a server that accepts and never answers is given up after ``connect_timeout``, by ``migrate
  remote`` and by the migrations layer's scratch server (``TWINSCHEMA_SCRATCH_URL``);
* a revision whose ``upgrade()`` raises a Python error is rolled back (exit 3), and so is a run
  stopped by SIGINT (exit 130) or SIGTERM (exit 143);
* a new SQLite file in a read-only folder, ``connect_timeout = 1e309`` and ``--lock-timeout
  nan`` are clear errors (exit 3, 2, 2), never exit 4;
* a second ``migrate local`` waits for the first, names it, and finds the database at head;
  it waits no longer than ``--lock-timeout``, and a signal while it waits (either dialect)
  ends it at once with nothing applied;
* ``db stop`` stops an embedded server whose starting command was killed with SIGKILL, and
  leaves one that a live command still uses, naming that command's process.
"""

# ruff: noqa: F811  (the `engine` fixture, imported, is each test's argument)

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil
import pytest
import sqlalchemy as sa
from pg_helpers import PYTHON, clean_env, invoke_afresh, run_cli, silent_listener
from test_migrate_safety import (
    HEADS,
    SIDE,
    TWINSCHEMA,
    alive,
    at,
    contents,
    digest,
    engine,  # noqa: F401  (a fixture)
    fill_every_table,
    redact,
    run_migrate,
    schema_of,
    scratch_project,
    spawn,
    sqlite_file,
    upgrade_to,
    wait_for,
    write_revision,
)

from twinschema.migrations import migrate_connect
from twinschema.servers import embedded

# ---------------------------------------------------------------------------------------------
# Helpers


def set_config(project: Path, lines: str) -> None:
    """Add ``lines`` to the project's ``[tool.twinschema]`` table."""
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    assert "[tool.twinschema]\n" in text
    pyproject.write_text(text.replace("[tool.twinschema]\n", f"[tool.twinschema]\n{lines}\n", 1))


def files_of(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the digest of its bytes; caches left out (bytecode, and
    the migrations layer's kept runs of a chain that did run, under var/cache, with the
    .gitignore they give var/)."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
        and "__pycache__" not in path.parts
        and path.relative_to(folder).parts[:2] not in (("var", "cache"), ("var", ".gitignore"))
    }


def state(project: Path, db_url: str, make: Any) -> dict[str, Any]:
    """Everything a failed or refused run must leave as it was: the database's revision, schema
    and rows, the SQLite file's bytes, and the project's files."""
    with make(db_url).connect() as connection:
        found = {"at": at(connection), "schema": schema_of(connection)}
        found["rows"] = contents(connection)
    if db_url.startswith("sqlite"):
        path = sqlite_file(db_url)
        found["file"] = digest(path)
        found["journal"] = sorted(p.name for p in path.parent.glob(f"{path.name}-*"))
    found["project"] = files_of(project)
    return found


def filled(tmp_path: Path, dialect: str, db_url: str, make: Any, body: str, **kw: Any) -> Path:
    """A scratch project with one more revision (``body``), its database at the previous head
    with a row in every table."""
    project = scratch_project(tmp_path)
    write_revision(project, dialect, body, **kw)
    upgrade_to(project, dialect, db_url, HEADS[dialect])
    with make(db_url).begin() as connection:
        fill_every_table(connection)
    return project


def last_line(output: str) -> str:
    return output.strip().splitlines()[-1]


@contextmanager
def read_only(folder: Path) -> Iterator[Path]:
    """``folder`` made read-only for the block, for root too (which ignores mode bits): the
    immutable attribute, where the file system has it, as well as mode 0555."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o555)
    immutable = False
    if os.geteuid() == 0:
        done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
        immutable = done.returncode == 0
        assert immutable, f"cannot make {folder} read-only for root: {done.stderr!r}"
    try:
        yield folder
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)


# ---------------------------------------------------------------------------------------------
# connect_timeout applies to every connection


def test_migrate_remote_gives_up_on_a_server_that_never_answers(
    tmp_path: Path,
    engine: Any,
) -> None:
    """``migrate remote`` against a listener that accepts and never answers: exit 3 after
    ``connect_timeout``, one line naming the server. In-process (``invoke_afresh``): what the
    command says and returns is the subject; without the timeout psycopg would wait 130 s and
    then fail with another message."""
    project = scratch_project(tmp_path)
    set_config(project, "connect_timeout = 1")
    before = files_of(project)
    with silent_listener() as (port, accepted):
        url = f"postgresql+psycopg://app:s3cret@127.0.0.1:{port}/app"
        result = invoke_afresh(["migrate", "remote"], project, clean_env(DATABASE_URL=url))
        assert accepted, "the migration connected to the listener"
    assert result.returncode == 3, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr.strip() == (
        f"twinschema: error: cannot connect to {redact(url)}: connection timeout expired"
    )
    assert "s3cret" not in result.stderr
    assert files_of(project) == before


def test_the_migrations_layer_gives_up_on_a_scratch_server_that_never_answers(
    tmp_path: Path,
    pg_url: str,
    sqlite_url: str,
    engine: Any,
) -> None:
    """``TWINSCHEMA_SCRATCH_URL`` names a listener that never answers: the migrations layer is
    ``error`` after ``connect_timeout`` (exit 3, one line on stderr), and the live databases
    are untouched."""
    project = scratch_project(tmp_path)
    set_config(project, "connect_timeout = 1")
    for dialect, url in (("sqlite", sqlite_url), ("postgresql", pg_url)):
        upgrade_to(project, dialect, url, HEADS[dialect])
    before = {url: state(project, url, engine) for url in (sqlite_url, pg_url)}
    with silent_listener() as (port, accepted):
        scratch = f"postgresql+psycopg://app:s3cret@127.0.0.1:{port}/postgres"
        env = clean_env(
            LOCAL_DATABASE_URL=sqlite_url, DATABASE_URL=pg_url, TWINSCHEMA_SCRATCH_URL=scratch
        )
        result = invoke_afresh(["check", "--layer", "migrations"], project, env)
        assert accepted, "the layer connected to the scratch server"
    assert result.returncode == 3, result.stdout + result.stderr
    assert result.stderr.strip() == (
        f"twinschema: error: cannot connect to {redact(scratch)}: connection timeout expired"
    )
    assert "s3cret" not in result.stdout + result.stderr
    assert {url: state(project, url, engine) for url in (sqlite_url, pg_url)} == before


# ---------------------------------------------------------------------------------------------
# A revision's own Python error is a failed migration, rolled back


# The destructive-change lint runs each upgrade() in recording mode (offline, ``as_sql``) before
# the migration: what a test revision does besides operations happens only when it really runs.
LIVE = """
import time


def live() -> bool:
    return not op.get_context().as_sql
"""

RAISING = {
    "sqlite": """
        with op.batch_alter_table("communities", recreate="always") as batch:
            batch.add_column(sa.Column("note", sa.Text()))
        op.execute("UPDATE communities SET name = 'changed'")
        if live():
            raise RuntimeError("the revision's own bug")
    """,
    "postgresql": """
        op.create_table("communities_copy", sa.Column("id", sa.Integer(), primary_key=True))
        op.add_column("communities", sa.Column("note", sa.Text()))
        op.execute("UPDATE communities SET name = 'changed'")
        if live():
            raise RuntimeError("the revision's own bug")
    """,
}


def test_a_revision_that_raises_after_recreating_a_table_is_rolled_back(
    dialect: str,
    db_url: str,
    tmp_path: Path,
    engine: Any,
) -> None:
    """``upgrade()`` raises a Python exception after recreating a table: exit 3, the README's
    line, and schema, rows, revision and (SQLite) the file's bytes as before."""
    project = filled(tmp_path, dialect, db_url, engine, RAISING[dialect], header=LIVE)
    before = state(project, db_url, engine)
    result = run_migrate(project, dialect, db_url)
    assert result.exit_code == 3, result.output
    assert last_line(result.output) == (
        f"twinschema: error: {redact(db_url)}: revision 0002_test_{dialect} failed: "
        f"RuntimeError: the revision's own bug; rolled back: the database is still at "
        f"{HEADS[dialect]}"
    )
    assert state(project, db_url, engine) == before


# ---------------------------------------------------------------------------------------------
# SIGINT and SIGTERM roll back


WAITING = {
    "sqlite": """
        with op.batch_alter_table("communities", recreate="always") as batch:
            batch.add_column(sa.Column("note", sa.Text()))
        op.execute("UPDATE communities SET name = 'changed'")
        if live():
            open(os.environ["TS_READY"], "w").close()
            while not os.path.exists(os.environ["TS_GO"]):
                time.sleep(0.05)
    """,
    "postgresql": """
        op.create_table("half_done", sa.Column("id", sa.Integer(), primary_key=True))
        op.add_column("communities", sa.Column("note", sa.Text()))
        op.execute("UPDATE communities SET name = 'changed'")
        if live():
            open(os.environ["TS_READY"], "w").close()
            while not os.path.exists(os.environ["TS_GO"]):
                time.sleep(0.05)
    """,
}
EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_during_the_migration_rolls_it_back(
    dialect: str,
    db_url: str,
    tmp_path: Path,
    engine: Any,
    signum: int,
) -> None:
    """SIGINT (Ctrl-C) or SIGTERM while a revision is half done: exit 130 or 143, "interrupted;
    rolled back", and the database exactly as before."""
    project = filled(tmp_path, dialect, db_url, engine, WAITING[dialect], header=LIVE)
    before = state(project, db_url, engine)
    ready, go = tmp_path / "ready", tmp_path / "go"
    process = spawn(project, dialect, db_url, TS_READY=str(ready), TS_GO=str(go))
    try:
        wait_for(lambda: alive(process) and ready.exists(), "the revision to be half done")
        process.send_signal(signum)
        out, _ = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == EXIT_CODES[signum], out
    assert last_line(out) == (
        f"twinschema: error: {redact(db_url)}: interrupted; rolled back: the database is still "
        f"at {HEADS[dialect]}"
    )
    assert "Traceback" not in out
    assert state(project, db_url, engine) == before


def test_sigint_during_a_postgresql_statement_cancels_it_and_rolls_back(
    tmp_path: Path,
    pg_url: str,
    engine: Any,
) -> None:
    """Ctrl-C while the server runs one of the revision's statements: the statement is
    cancelled, the transaction rolled back, exit 130."""
    body = """
        op.add_column("communities", sa.Column("note", sa.Text()))
        op.execute("SELECT pg_sleep(600)")
    """
    project = filled(tmp_path, "postgresql", pg_url, engine, body)
    before = state(project, pg_url, engine)
    database = engine(pg_url).url.database

    def sleeping(connection: sa.Connection) -> bool:
        connection.rollback()  # a new snapshot of pg_stat_activity
        return bool(
            connection.execute(
                sa.text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = :db "
                    "AND state = 'active' AND query = 'SELECT pg_sleep(600)'"
                ),
                {"db": database},
            ).scalar()
        )

    with engine(pg_url).connect() as probe:
        process = spawn(project, "postgresql", pg_url)
        try:
            wait_for(lambda: alive(process) and sleeping(probe), "the statement to run")
            process.send_signal(signal.SIGINT)
            out, _ = process.communicate(timeout=120)
        finally:
            process.kill()
        assert not sleeping(probe), "the statement was cancelled"
    assert process.returncode == 130, out
    assert last_line(out) == (
        f"twinschema: error: {redact(pg_url)}: interrupted; rolled back: the database is still "
        f"at {HEADS['postgresql']}"
    )
    assert state(project, pg_url, engine) == before


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_while_waiting_for_another_migration_applies_nothing(
    dialect: str, db_url: str, tmp_path: Path, engine: Any, signum: int
) -> None:
    """A run waits (up to 300 s) for the lock another session holds, and is stopped by a
    signal: it ends at once (exit 130 / 143), "interrupted; nothing was applied"."""
    body = 'op.add_column("communities", sa.Column("note", sa.Text()))'
    project = filled(tmp_path, dialect, db_url, engine, body)
    before = state(project, db_url, engine)
    with engine(db_url).connect() as holder:
        if dialect == "sqlite":
            holder.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            holder.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": migrate_connect.LOCK_KEY})
        process = spawn(project, dialect, db_url, "--lock-timeout", "300")
        try:
            assert process.stdout is not None
            waiting = process.stdout.readline()
            assert "waiting up to 300s" in waiting, waiting
            process.send_signal(signum)
            out, _ = process.communicate(timeout=120)
        finally:
            process.kill()
        holder.rollback()
    assert process.returncode == EXIT_CODES[signum], out
    assert out.strip() == f"twinschema: error: {redact(db_url)}: interrupted; nothing was applied"
    assert state(project, db_url, engine) == before


# ---------------------------------------------------------------------------------------------
# Clear errors where an internal error was


@pytest.mark.parametrize("where", ["folder", "subfolder"])
def test_a_new_sqlite_file_in_a_read_only_folder_is_a_database_error(
    tmp_path: Path, where: str
) -> None:
    """``migrate local`` must create the file (or its folder) in a read-only folder: exit 3,
    one line naming the file; nothing is created."""
    project = scratch_project(tmp_path)
    before = files_of(project)
    with read_only(tmp_path / "locked") as folder:
        path = folder / "new.db" if where == "folder" else folder / "sub" / "new.db"
        url = f"sqlite:///{path}"
        result = run_migrate(project, "sqlite", url)
        assert list(folder.iterdir()) == []
    assert result.exit_code == 3, result.output
    if where == "folder":
        why = f"cannot create the SQLite file in {folder}: the folder is not writable"
    else:
        why = (
            "cannot create the folder of the SQLite file: "
            f"{os.strerror(1 if os.geteuid() == 0 else 13)}: {folder / 'sub'}"
        )
    assert result.output.strip() == f"twinschema: error: {url}: {why}"
    assert files_of(project) == before


def test_an_endless_connect_timeout_is_refused(
    tmp_path: Path,
    sqlite_url: str,
    engine: Any,
) -> None:
    """``connect_timeout = 1e309`` (TOML reads infinity) in [tool.twinschema]: exit 2, one
    line; the database is not touched."""
    project = filled(tmp_path, "sqlite", sqlite_url, engine, "pass")
    set_config(project, "connect_timeout = 1e309")
    before = state(project, sqlite_url, engine)
    result = run_migrate(project, "sqlite", sqlite_url)
    assert result.exit_code == 2, result.output
    assert result.output.strip() == (
        f"twinschema: error: {project / 'pyproject.toml'} [tool.twinschema]: connect_timeout "
        "must be a finite positive number of seconds, not inf"
    )
    assert state(project, sqlite_url, engine) == before


@pytest.mark.parametrize("value", ["nan", "inf"])
def test_a_lock_timeout_that_is_not_a_finite_number_is_refused(
    tmp_path: Path,
    sqlite_url: str,
    engine: Any,
    value: str,
) -> None:
    """``--lock-timeout nan`` (and ``inf``): exit 2, one line; the database is not touched."""
    project = filled(tmp_path, "sqlite", sqlite_url, engine, "pass")
    before = state(project, sqlite_url, engine)
    result = run_migrate(project, "sqlite", sqlite_url, "--lock-timeout", value)
    assert result.exit_code == 2, result.output
    [line] = result.output.strip().splitlines()
    assert line.startswith("twinschema: error: ")
    assert line.endswith(
        f"migrate: Invalid value for '--lock-timeout': {value} is not a finite positive number "
        "of seconds (see cli migrate --help)"  # in process, click names the command "cli"
    )
    assert state(project, sqlite_url, engine) == before


# ---------------------------------------------------------------------------------------------
# Two `migrate local` runs at once


def test_two_local_migrations_at_once_are_serialized(
    tmp_path: Path,
    sqlite_url: str,
    engine: Any,
) -> None:
    """The first run holds the file mid-revision, longer than ``busy_timeout``; the second says
    it waits for the write lock, waits (up to --lock-timeout), then finds the database at head
    and does nothing."""
    project = filled(tmp_path, "sqlite", sqlite_url, engine, WAITING["sqlite"], header=LIVE)
    set_config(project, "busy_timeout = 0.2")
    ready, go = tmp_path / "ready", tmp_path / "go"
    env = {"TS_READY": str(ready), "TS_GO": str(go)}
    first = spawn(project, "sqlite", sqlite_url, "--lock-timeout", "300", **env)
    second = None
    try:
        wait_for(lambda: alive(first) and ready.exists(), "the first run to hold the file")
        second = spawn(project, "sqlite", sqlite_url, "--lock-timeout", "300", **env)
        assert second.stdout is not None
        waiting = second.stdout.readline()
        assert waiting.strip() == (
            f"{redact(sqlite_url)}: another migration (process {first.pid}: twinschema migrate "
            "local) holds the SQLite write lock; waiting up to 300s for it to finish"
        )
        time.sleep(1.0)  # five times busy_timeout: the second run still waits
        assert alive(second)
        go.touch()
        out_first, _ = first.communicate(timeout=300)
        out_second, _ = second.communicate(timeout=300)
    finally:
        first.kill()
        if second is not None:
            second.kill()
    new = "0002_test_sqlite"
    assert first.returncode == 0, out_first
    assert last_line(out_first) == (
        f"{redact(sqlite_url)}: upgraded from {HEADS['sqlite']} to {new} (head)"
    )
    assert second.returncode == 0, out_second
    assert out_second.strip() == f"{redact(sqlite_url)}: already at {new} (head); nothing to do"
    with engine(sqlite_url).connect() as connection:
        assert at(connection) == (new,)


def test_a_local_migration_waits_no_longer_than_lock_timeout(
    tmp_path: Path,
    sqlite_url: str,
    engine: Any,
) -> None:
    """Another connection holds the write lock past --lock-timeout: exit 3, the waiting line
    and one error line; nothing applied."""
    project = filled(
        tmp_path,
        "sqlite",
        sqlite_url,
        engine,
        'op.add_column("communities", sa.Column("x", sa.Text()))',
    )
    before = state(project, sqlite_url, engine)
    with engine(sqlite_url).connect() as holder:
        holder.exec_driver_sql("BEGIN IMMEDIATE")
        result = run_migrate(project, "sqlite", sqlite_url, "--lock-timeout", "0.5")
        holder.rollback()
    assert result.exit_code == 3, result.output
    label = redact(sqlite_url)
    # The holder is this test's own process: named by its program, never its command line.
    holder = (
        f"another connection (process {os.getpid()}: {Path(psutil.Process().cmdline()[0]).name})"
    )
    assert result.output.strip().splitlines() == [
        f"{label}: {holder} holds the SQLite write lock; waiting up to 0.5s for it to finish",
        f"twinschema: error: {label}: {holder} still holds the SQLite write lock after 0.5s; "
        "nothing was applied. Run again when it is done, or wait longer with --lock-timeout "
        "(migrate_lock_timeout)",
    ]
    assert state(project, sqlite_url, engine) == before


# ---------------------------------------------------------------------------------------------
# An embedded server whose starting command was killed


def postmasters(datadir: Path) -> list[int]:
    """The PostgreSQL processes whose command line names ``datadir``."""
    found = []
    for proc in psutil.process_iter(attrs=["name", "cmdline"]):
        cmdline = proc.info["cmdline"] or []
        if proc.info["name"] == "postgres" and any(str(datadir) in part for part in cmdline):
            found.append(proc.pid)
    return found


def test_db_stop_stops_a_server_whose_starting_command_was_killed() -> None:
    """``migrate remote`` starts the embedded server and is killed with SIGKILL mid-revision:
    the server outlives it; ``db stop`` finds it by its data directory and stops it."""
    folder = Path(tempfile.mkdtemp(prefix="twinschema-killed-"))
    datadir = (folder / "project" / "pg").resolve()
    try:
        project = scratch_project(folder)
        set_config(project, 'embedded_dir = "pg"')
        body = """
            if live():
                open(os.environ["TS_READY"], "w").close()
                while True:
                    time.sleep(0.05)
        """
        write_revision(project, "postgresql", body, header=LIVE)
        ready = folder / "ready"
        env = clean_env(TS_READY=str(ready), PYTHONUNBUFFERED="1")
        starter = subprocess.Popen(
            [TWINSCHEMA, "migrate", SIDE["postgresql"]],
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            wait_for(lambda: alive(starter) and ready.exists(), "the migration to run")
        finally:
            starter.send_signal(signal.SIGKILL)
            starter.communicate(timeout=60)
        assert embedded.is_running(datadir), "the server outlived its starting command"
        assert postmasters(datadir)

        result = run_cli(["db", "stop"], project, clean_env())
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "stopped the embedded server in pg"
        assert not embedded.is_running(datadir)
        wait_for(lambda: not postmasters(datadir), "every server process to end", limit=60)
        # In-process: with no server left, what it says is the subject, not the process.
        again = invoke_afresh(["db", "stop"], project, clean_env())
        assert (again.returncode, again.stdout.strip()) == (
            0,
            "not running: no embedded server in pg",
        )
    finally:
        embedded.stop(datadir)
        for pid in postmasters(datadir):
            psutil.Process(pid).kill()
        shutil.rmtree(folder, ignore_errors=True)


HOLDER = """
import sys, time
from pathlib import Path
from twinschema.migrations import migrate
from twinschema.servers import embedded
from twinschema.migrations import migrate_connect
embedded.start(Path(sys.argv[1]))
Path(sys.argv[2]).touch()
time.sleep(600)
"""


def test_db_stop_leaves_a_server_a_live_command_uses_and_says_so() -> None:
    """A live process holds the embedded server: ``db stop`` says which one, exit 3, and the
    server keeps running; once that process is gone (SIGTERM: no cleanup), ``db stop`` stops
    it."""
    folder = Path(tempfile.mkdtemp(prefix="twinschema-held-"))
    project = folder / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text('[tool.twinschema]\nembedded_dir = "pg"\n')
    datadir = (project / "pg").resolve()
    ready = folder / "ready"
    holder = subprocess.Popen([PYTHON, "-c", HOLDER, str(datadir), str(ready)], env=clean_env())
    try:
        wait_for(lambda: holder.poll() is None and ready.exists(), "the holder to start it")
        held = run_cli(["db", "stop"], project, clean_env())
        assert held.returncode == 3, held.stdout + held.stderr
        assert held.stdout == ""
        assert held.stderr.strip() == (
            f"twinschema: error: the embedded PostgreSQL in {datadir} is in use by process "
            f"{holder.pid}; it stops when that command ends (or run `twinschema db stop` again "
            "after it)"
        )
        assert embedded.is_running(datadir)
        holder.send_signal(signal.SIGTERM)
        holder.wait(timeout=60)
        assert embedded.is_running(datadir), "SIGTERM left the server running"
        result = run_cli(["db", "stop"], project, clean_env())
        assert (result.returncode, result.stdout.strip()) == (
            0,
            "stopped the embedded server in pg",
        ), result.stderr
        wait_for(lambda: not postmasters(datadir), "every server process to end", limit=60)
    finally:
        holder.kill()
        holder.wait(timeout=60)
        embedded.stop(datadir)
        shutil.rmtree(folder, ignore_errors=True)
