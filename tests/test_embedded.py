"""The embedded PostgreSQL: started by the commands that need it and stopped when they exit (no
orphan server), or kept running by ``db start`` and then reused as it is, until ``db stop``."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_helpers import invoke_afresh, invoke_cli

from twinschema.servers import embedded

TWINSCHEMA = str(Path(sys.executable).with_name("twinschema"))


@pytest.fixture
def project() -> Iterator[Path]:
    """A project whose embedded server lives in a fresh directory (outside pytest's basetemp,
    which is private to root and would lock out the server's unprivileged user)."""
    folder = Path(tempfile.mkdtemp(prefix="twinschema-embedded-"))
    (folder / "pyproject.toml").write_text('[tool.twinschema]\nembedded_dir = "pg"\n')
    try:
        yield folder
    finally:
        embedded.stop(folder / "pg")
        shutil.rmtree(folder, ignore_errors=True)


def run(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TWINSCHEMA, *args], cwd=project, capture_output=True, text=True, timeout=120, check=False
    )


def test_a_command_stops_the_server_it_started(project: Path) -> None:
    result = run(project, "db", "url")
    assert result.returncode == 0, result.stderr
    assert f"host={project / 'pg'}" in result.stdout
    assert not embedded.is_running(project / "pg")


def test_db_start_keeps_it_running_for_later_commands_until_db_stop(project: Path) -> None:
    assert run(project, "db", "start").returncode == 0
    datadir = project / "pg"
    assert embedded.is_running(datadir)
    pid = (datadir / "postmaster.pid").read_text().split()[0]
    assert run(project, "db", "url").returncode == 0
    assert embedded.is_running(datadir)
    assert (datadir / "postmaster.pid").read_text().split()[0] == pid  # reused, not restarted
    result = run(project, "db", "stop")
    assert result.stdout.strip() == "stopped the embedded server in pg"
    assert not embedded.is_running(datadir)
    # In-process: with no server left, what it says is the subject, not the process.
    again = invoke_cli(["db", "stop"], project, dict(os.environ))
    assert (again.returncode, again.stderr) == (0, "")
    assert again.stdout.strip() == "not running: no embedded server in pg"


def test_db_stop_outside_a_project_says_which_server_it_looked_at(tmp_path: Path) -> None:
    """Outside a project ``db stop`` looks at the user's server (in the cache folder), not at
    any project's: it says which folder, and where a project's server is stopped."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    result = invoke_cli(["db", "stop"], folder, env)  # in-process: no server to stop
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.strip() == (
        f"not running: no embedded server in {tmp_path / 'cache' / 'twinschema' / 'pg'}, the "
        "one commands use outside a project (no pyproject.toml with [tool.twinschema] here or "
        "above; a project's server is stopped in its folder)"
    )


def test_two_postgresql_sql_files_share_the_server_one_command_started(project: Path) -> None:
    """A diff of two PostgreSQL files loads each into the embedded server it starts; the first
    file's end must not stop the server under the second (it did: exit 3, 'cannot drop scratch
    database')."""
    (project / "a.sql").write_text("CREATE TABLE t (x integer);\n")
    (project / "b.sql").write_text("CREATE TABLE t (x bigint);\n")
    env = {k: v for k, v in os.environ.items() if k != "TWINSCHEMA_SCRATCH_URL"}
    result = subprocess.run(
        [TWINSCHEMA, "diff", "a.sql", "b.sql", "--dialect", "postgresql", "--format", "json"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert [d["kind"] for d in json.loads(result.stdout)["differences"]] == ["column_type"]
    assert not embedded.is_running(project / "pg")  # stopped once both were done


MODULE = """import sqlalchemy as sa
metadata = sa.MetaData()
sa.Table("t", metadata, sa.Column("id", sa.Integer, {identity}primary_key=True),
         sa.Column("n", sa.Integer, server_default="{default}"))
"""


@pytest.mark.parametrize("default", ["3000000000", "2000000000"])
def test_diff_in_a_project_gives_check_s_verdict_on_what_only_the_server_settles(
    project: Path, default: str
) -> None:
    """Inside a project that configures PostgreSQL, ``diff`` of its two metadata modules starts
    the embedded server for the evaluation stage where ``check`` does (stranger W8): a default
    past int4 fails every insert that omits it on PostgreSQL, which only the server says;
    ``diff`` called it in sync where ``check``'s models layer found it. Near miss: a default
    in range is in sync for both. No TWINSCHEMA_SCRATCH_URL, no server running before."""
    tag = default[0]
    (project / "pyproject.toml").write_text(
        '[tool.twinschema]\nembedded_dir = "pg"\n'
        f'[tool.twinschema.sqlite]\nmetadata = "w8_{tag}_sqlite:metadata"\n'
        f'[tool.twinschema.postgresql]\nmetadata = "w8_{tag}_postgres:metadata"\n'
    )
    (project / f"w8_{tag}_sqlite.py").write_text(MODULE.format(identity="", default=default))
    pg = MODULE.format(identity="sa.Identity(), ", default=default)
    (project / f"w8_{tag}_postgres.py").write_text(pg)
    env = {
        k: v for k, v in os.environ.items() if k not in ("TWINSCHEMA_SCRATCH_URL", "DATABASE_URL")
    }
    assert not embedded.is_running(project / "pg")
    checked = json.loads(invoke_afresh(["check", "--format", "json"], project, env).stdout)
    [models] = [c for c in checked["layers"] if c["name"] == "models"]
    diffed = invoke_afresh(
        ["diff", f"w8_{tag}_sqlite:metadata", f"w8_{tag}_postgres:metadata", "--format", "json"],
        project,
        env,
    )
    assert diffed.returncode in (0, 1), diffed.stderr
    report = json.loads(diffed.stdout)
    [pair] = report["layers"]
    kinds = [(d["kind"], d["column"]) for d in report["differences"]]
    found = [(d["kind"], d["column"]) for d in checked["differences"] if d["layer"] == "models"]
    assert kinds == found, (report, checked)
    assert kinds == ([("column_default", "n")] if default == "3000000000" else []), kinds
    assert pair["status"] == models["status"], (pair, models)
    assert pair["values_unprobed"] == models["values_unprobed"] == "", (pair, models)
    assert not embedded.is_running(project / "pg")  # each command stopped the one it started


def test_pgserver_holder_bookkeeping_is_what_we_rely_on() -> None:
    """pgserver publishes no API for the processes holding a server; ``embedded`` reads and
    edits its bookkeeping (``HOLDERS_FILE``, ``DiskList`` and its ``get_and_add``,
    ``PostgresServer._lock``). pyproject
    pins pgserver below its next release; this fails loudly if an allowed release moves any of it."""
    from pgserver.postgres_server import PostgresServer
    from pgserver.utils import DiskList

    folder = Path(tempfile.mkdtemp(prefix="twinschema-contract-"))
    try:
        server = embedded.start(folder / "pg")
        try:
            holders = folder / "pg" / embedded.HOLDERS_FILE
            assert os.getpid() in json.loads(holders.read_text())
            assert os.getpid() in DiskList(holders).get()
            with PostgresServer._lock:  # a lock held across processes, as pgserver holds it
                assert DiskList(holders).get_and_add(os.getpid()) == [os.getpid()]  # added once
            assert json.loads(holders.read_text()) == [os.getpid()]
            info = embedded.postmaster(folder / "pg")
            assert info is not None and info.status == "ready"
            assert info.socket_dir == server.socket_dir
        finally:
            server.stop()
        assert not embedded.is_running(folder / "pg")
    finally:
        embedded.stop(folder / "pg")
        shutil.rmtree(folder, ignore_errors=True)


# A command that holds the server while the test acts: it loads a file whose statement sleeps
# until the test cancels it (pg_cancel_backend) or the command is signalled.
PLAIN = "CREATE TABLE t (id integer PRIMARY KEY);\n"
SLEEPY = "CREATE TABLE t (id integer PRIMARY KEY);\nSELECT pg_sleep(100);\n"


# Starts the command with SIGHUP at its default, as a shell in a terminal starts it: a run of
# the suite under ``nohup`` (SIGHUP ignored, which exec passes on) gave the command an ignored
# SIGHUP, which twinschema rightly leaves ignored, so the SIGHUP test below waited out the whole
# pg_sleep(100) and failed. ``-S``: the wrapper needs nothing from site-packages.
_DEFAULT_HUP = (
    "import os, signal, sys; signal.signal(signal.SIGHUP, signal.SIG_DFL); "
    "os.execv(sys.argv[1], sys.argv[1:])"
)


def _command(folder: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    clean = {k: v for k, v in os.environ.items() if k != "TWINSCHEMA_SCRATCH_URL"}
    return subprocess.Popen(
        [sys.executable, "-S", "-c", _DEFAULT_HUP, TWINSCHEMA, *args],
        cwd=folder,
        env={**clean, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _sleeping(command: subprocess.Popen[str], datadir: Path) -> int:
    """The backend running the command's pg_sleep, once it runs (while the command lives)."""
    import psycopg

    while command.poll() is None:
        time.sleep(0.2)  # a poll, not a measure: nothing here depends on how long it takes
        info = embedded.postmaster(datadir)
        if info is None or info.status != "ready":
            continue
        with psycopg.connect(host=info.socket_dir, user="postgres", dbname="postgres") as conn:
            row = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE query LIKE '%pg_sleep(100)%' "
                "AND pid <> pg_backend_pid()"
            ).fetchone()
        if row is not None:
            return int(row[0])
    raise AssertionError(f"the command ended first: {command.communicate()}")


def _cancel(datadir: Path, backend: int) -> None:
    import psycopg

    info = embedded.postmaster(datadir)
    assert info is not None
    with psycopg.connect(host=info.socket_dir, user="postgres", dbname="postgres") as conn:
        row = conn.execute("SELECT pg_cancel_backend(%s)", (backend,)).fetchone()
    assert row == (True,)


def test_a_command_that_joined_a_running_server_and_ends_last_stops_it(project: Path) -> None:
    """Two commands at once: the second joins the server the first started, and the last one
    out stops it. The joiner used to leave it running (it joined as if the server had been kept
    by ``db start``), and, having let go of it after its first SQL file, was no longer listed as
    a holder, so the first command's end stopped the server under the second file's load."""
    (project / "a.sql").write_text(PLAIN)
    (project / "sleepy.sql").write_text(SLEEPY)
    datadir = project / "pg"
    first = embedded.start(datadir)  # this test is the first command
    try:
        joiner = _command(project, "diff", "a.sql", "sleepy.sql", "--dialect", "postgresql")
        backend = _sleeping(joiner, datadir)
    finally:
        first.stop()
    assert embedded.is_running(datadir)  # the joiner still holds it
    _cancel(datadir, backend)
    _, err = joiner.communicate(timeout=300)
    assert joiner.returncode == 2, err  # the cancelled statement: an error in the file
    assert "canceling statement" in err
    assert not embedded.is_running(datadir)


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGHUP])
def test_a_terminated_command_stops_the_server_it_started(signal_number: int) -> None:
    """Outside a project the server lives in the user's cache folder: a command ended by
    SIGTERM (``timeout``, a cancelled CI job) or SIGHUP (a closed terminal) exits with the
    shell's code for it and stops the server it started (it used to stay running there)."""
    folder = Path(tempfile.mkdtemp(prefix="twinschema-signal-"))
    datadir = folder / "cache" / "twinschema" / "pg"
    try:
        (folder / "a.sql").write_text(PLAIN)
        (folder / "sleepy.sql").write_text(SLEEPY)
        command = _command(
            folder,
            "diff",
            "a.sql",
            "sleepy.sql",
            "--dialect",
            "postgresql",
            HOME=str(folder),
            XDG_CACHE_HOME=str(folder / "cache"),
        )
        _sleeping(command, datadir)
        command.send_signal(signal_number)
        _, err = command.communicate(timeout=300)
        assert command.returncode == 128 + signal_number, err
        assert "Traceback" not in err
        assert not embedded.is_running(datadir)
    finally:
        embedded.stop(datadir)
        shutil.rmtree(folder, ignore_errors=True)


def test_a_server_left_by_a_killed_command_is_stopped_by_the_next(project: Path) -> None:
    """SIGKILL leaves no chance to clean up: the server runs on, listing a dead holder. The
    next command takes it over and stops it when it ends (a server nobody ever held, as
    ``db start`` leaves it, is left running: see above)."""
    (project / "a.sql").write_text(PLAIN)
    (project / "sleepy.sql").write_text(SLEEPY)
    datadir = project / "pg"
    killed = _command(project, "diff", "a.sql", "sleepy.sql", "--dialect", "postgresql")
    _sleeping(killed, datadir)
    killed.kill()
    killed.communicate(timeout=300)
    assert embedded.is_running(datadir)
    assert embedded.holders(datadir) == [killed.pid]
    following = _command(project, "diff", "a.sql", "a.sql", "--dialect", "postgresql")
    _, err = following.communicate(timeout=300)
    assert following.returncode == 0, err
    assert not embedded.is_running(datadir)


@pytest.mark.parametrize("made_here", [True, False])
def test_a_folder_made_for_the_server_is_ignored_by_git(tmp_path: Path, made_here: bool) -> None:
    """init's projects keep the server under var/pg: var/ is made with a .gitignore of its own
    (a new user's round 20 found it shown by git status). A folder that existed is not touched."""
    folder = tmp_path / "var"
    if not made_here:
        folder.mkdir()
    server = embedded.start(folder / "pg", delete=True)
    try:
        assert embedded.is_running(folder / "pg")
    finally:
        server.stop()
    ignore = folder / ".gitignore"
    assert (ignore.read_text() if ignore.exists() else None) == ("*\n" if made_here else None)
