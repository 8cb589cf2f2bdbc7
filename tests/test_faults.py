"""Faults (issue 6): a check never passes when it could not look.

* The PostgreSQL server stops in the middle of a check (during the catalog reads, or between the
  SQLite and the PostgreSQL reads): exit 3, one clear line on stderr, and a report that says the
  layer could not be read, never one that looks complete.
* A layer that could not be read is ``error`` in every format (JSON ``status: error`` and
  ``in_sync: false``, JUnit ``<error>``, a GitHub ``::error``, text "could not check"), exit 3.

Each server test starts its own embedded PostgreSQL in ``tmp_path`` (it is stopped on purpose)
and stops it the way an operator or a crash would: a signal to the postmaster, whose pid the
server's ``postmaster.pid`` holds. To stop it *during* the catalog reads, a second session holds
an ACCESS EXCLUSIVE lock on ``pg_catalog.pg_policy``, one of the catalogs the adapter reads, so
the check's query waits on it (seen in ``pg_stat_activity``) until the server goes away.

(``migrate remote`` killed mid-migration waits for the migrate hardening of its own issue.)
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from pg_helpers import (
    PYTHON,
    TWINSCHEMA,
    admin,
    as_role,
    build,
    clean_env,
    invoke_afresh,
    make_project,
    module_source,
    role,
)
from sqlalchemy.engine import make_url

from twinschema.servers import embedded

LAYERS = ["--layer", "domain", "--layer", "models", "--layer", "live"]
STOP_SIGNALS = {"fast": signal.SIGINT, "immediate": signal.SIGQUIT}


@pytest.fixture
def doomed_server(private_dir: Path) -> Iterator[embedded.EmbeddedServer]:
    """A dedicated embedded server with the project's table, to be stopped by the test."""
    server = embedded.start(private_dir / "pg", delete=True)
    try:
        build(server.url(), module_source())
        yield server
    finally:
        server.stop()


def postmaster_pid(server: embedded.EmbeddedServer) -> int:
    return int((server.datadir / "postmaster.pid").read_text().split()[0])


def libpq_kwargs(url: str) -> dict[str, Any]:
    parsed = make_url(url)
    return {"host": parsed.query["host"], "dbname": parsed.database, "user": parsed.username}


def wait_for_lock_wait(url: str, timeout: float = 30) -> None:
    """Until a twinschema session waits on a lock (its catalog read is blocked)."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(**libpq_kwargs(url), autocommit=True) as conn:
        while time.monotonic() < deadline:
            rows = conn.execute(
                "SELECT wait_event_type FROM pg_stat_activity WHERE application_name = 'twinschema'"
            ).fetchall()
            if ("Lock",) in rows:
                return
            time.sleep(0.05)
    raise AssertionError("the check never reached the locked catalog")


def start_check(project_root: Path, env: dict[str, str], report: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [TWINSCHEMA, "check", *LAYERS, "--format", "json", "--output", str(report)],
        cwd=project_root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def assert_incomplete(
    result: tuple[int, str, str], report: Path, words: tuple[str, ...]
) -> dict[str, Any]:
    """Exit 3, one line on stderr, and a report whose PostgreSQL layer is ``error``."""
    code, out, err = result
    assert "Traceback" not in out + err
    assert code == 3, out + err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("twinschema: error: "), err
    assert any(word in lines[0] for word in words), lines[0]
    document: dict[str, Any] = json.loads(report.read_text())
    assert document["in_sync"] is False
    assert document["exit_code"] == 3
    by_right = {(layer["name"], layer["right"]): layer for layer in document["layers"]}
    postgres = [
        v for (name, right), v in by_right.items() if name == "live" and "postgres" in right
    ]
    assert any(layer["status"] == "error" for layer in postgres), document["layers"]
    # Nothing that needed the PostgreSQL database is reported in sync.
    for layer in document["layers"]:
        if layer["name"] == "live" and "postgres" in layer["right"].lower():
            assert layer["status"] in ("error", "skipped"), layer
    return document


@pytest.mark.parametrize("mode", list(STOP_SIGNALS))
def test_server_stops_during_the_catalog_reads(
    tmp_path: Path, doomed_server: embedded.EmbeddedServer, mode: str
) -> None:
    project = make_project(tmp_path)
    url = doomed_server.url()
    env = clean_env(LOCAL_DATABASE_URL=project.sqlite, DATABASE_URL=url)
    report = tmp_path / "report.json"
    locker = psycopg.connect(**libpq_kwargs(url))  # its server goes away: closed, not exited
    try:
        locker.execute("LOCK TABLE pg_catalog.pg_policy IN ACCESS EXCLUSIVE MODE")
        check = start_check(tmp_path, env, report)
        try:
            wait_for_lock_wait(url)
            os.kill(postmaster_pid(doomed_server), STOP_SIGNALS[mode])
            out, err = check.communicate(timeout=60)
        finally:
            if check.poll() is None:
                check.kill()
    finally:
        locker.close()
    assert_incomplete(
        (check.returncode, out, err),
        report,
        ("server closed the connection", "terminating connection", "connection"),
    )


def test_server_stops_while_the_sqlite_read_waits(
    tmp_path: Path, doomed_server: embedded.EmbeddedServer
) -> None:
    project = make_project(tmp_path)
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("connect_timeout = 3", "busy_timeout = 60"))
    url = doomed_server.url()
    env = clean_env(LOCAL_DATABASE_URL=project.sqlite, DATABASE_URL=url)
    report = tmp_path / "report.json"
    # The live databases are read one after the other, SQLite first. Another process holds the
    # SQLite file exclusively, so that read waits; the server is stopped meanwhile, so the
    # PostgreSQL read that follows finds it gone.
    holder = subprocess.Popen(
        [
            PYTHON,
            "-c",
            textwrap.dedent(f"""\
            import sqlite3, sys
            conn = sqlite3.connect({str(tmp_path / "local.db")!r}, isolation_level=None)
            conn.execute("PRAGMA locking_mode = EXCLUSIVE")
            conn.execute("BEGIN EXCLUSIVE")
            print("ready", flush=True)
            sys.stdin.readline()
            conn.execute("ROLLBACK")
            conn.close()
            """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    check = None
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        check = start_check(tmp_path, env, report)
        deadline = time.monotonic() + 600  # only against a hang: no claim on speed
        while not any(
            os.path.realpath(f"/proc/{check.pid}/fd/{fd}") == str(tmp_path / "local.db")
            for fd in os.listdir(f"/proc/{check.pid}/fd")
        ):
            if time.monotonic() > deadline:
                raise TimeoutError("the check never opened the SQLite file")
            time.sleep(0.05)
        os.kill(postmaster_pid(doomed_server), signal.SIGINT)
        while embedded.is_running(doomed_server.datadir):
            time.sleep(0.05)
        holder.communicate("go\n", timeout=30)  # the SQLite read goes on and completes
        out, err = check.communicate(timeout=60)
    finally:
        for proc in (holder, check):
            if proc is not None and proc.poll() is None:
                proc.kill()
    document = assert_incomplete(
        (check.returncode, out, err),
        report,
        ("server closed the connection", "terminating connection", "connection"),
    )
    sqlite_live = [
        layer for layer in document["layers"]
        if layer["name"] == "live" and layer["right"].startswith("sqlite")
    ]  # fmt: skip
    assert [layer["status"] for layer in sqlite_live] == ["in_sync"]  # that side did look


@pytest.fixture
def unreadable_url(pg_server: str, pg_url: str) -> Iterator[str]:
    """The URL of a database whose schema the connecting role may not use (no USAGE)."""
    build(pg_url, module_source())
    database = make_url(pg_url).database
    with role(pg_server, "ts_blind") as name:
        admin(
            pg_url,
            "REVOKE USAGE ON SCHEMA public FROM PUBLIC",
            f'GRANT CONNECT ON DATABASE "{database}" TO {name}',
        )
        yield as_role(pg_url, name)
        admin(pg_url, f"DROP OWNED BY {name}")


@pytest.mark.parametrize("fmt", ["json", "text", "junit", "github"])
def test_a_layer_that_could_not_be_read_is_never_in_sync(
    tmp_path: Path, unreadable_url: str, fmt: str
) -> None:
    # The catalog lists the tables even without USAGE: only an explicit privilege check stops
    # the check from reporting them all as missing, or the schema as empty and in sync.
    project = make_project(tmp_path)
    env = clean_env(LOCAL_DATABASE_URL=project.sqlite, DATABASE_URL=unreadable_url)
    # In-process (what the command says is the subject, not the process): invoke_afresh.
    result = invoke_afresh(["check", *LAYERS, "--format", fmt], tmp_path, env)
    out, err = result.stdout, result.stderr
    assert result.returncode == 3, out + err
    assert "Traceback" not in out + err
    assert len(err.splitlines()) == 1 and "lacks USAGE on schema 'public'" in err
    assert "table_missing" not in out
    if fmt == "json":
        document = json.loads(out)
        assert document["in_sync"] is False and document["exit_code"] == 3
        statuses = {
            (layer["name"], layer["right"]): layer["status"] for layer in document["layers"]
        }
        assert "error" in statuses.values()
        assert document["differences"] == []
    elif fmt == "text":
        assert out.rstrip().splitlines()[-1].startswith("could not check 1 comparison")
        assert "\nin sync\n" not in out
    elif fmt == "junit":
        assert "<error " in out and 'errors="1"' in out
    else:
        assert any(
            line.startswith("::error ") and "lacks USAGE" in line for line in out.splitlines()
        )
