"""The embedded PostgreSQL: started by the commands that need it and stopped when they exit (no
orphan server), or kept running by ``db start`` and then reused as it is, until ``db stop``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from twinschema import embedded

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
    assert run(project, "db", "stop").stdout.strip() == "not running: no embedded server in pg"


def test_db_stop_outside_a_project_says_which_server_it_looked_at(tmp_path: Path) -> None:
    """Outside a project ``db stop`` looks at the user's server (in the cache folder), not at
    any project's: it says which folder, and where a project's server is stopped."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    result = subprocess.run(
        [TWINSCHEMA, "db", "stop"], cwd=folder, env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
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


def test_pgserver_holder_bookkeeping_is_what_we_rely_on() -> None:
    """pgserver publishes no API for the processes holding a server; ``embedded`` reads and
    edits its bookkeeping (``HOLDERS_FILE``, ``DiskList``, ``PostgresServer._lock``). pyproject
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
                pass
            info = embedded.postmaster(folder / "pg")
            assert info is not None and info.status == "ready"
            assert info.socket_dir == server.socket_dir
        finally:
            server.stop()
        assert not embedded.is_running(folder / "pg")
    finally:
        embedded.stop(folder / "pg")
        shutil.rmtree(folder, ignore_errors=True)
