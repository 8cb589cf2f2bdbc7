"""Security (issue 6): the checker never leaks a secret, never writes, and sends no SQL but
catalog reads.

* No password from a URL (user-info or ``?password=``) or from the environment (``PGPASSWORD``)
  appears in any output format of ``check`` and ``diff`` (text, json, junit, github; stdout and
  ``--output`` files), in error messages, or in log records. The server here really checks the
  password (scram-sha-256, see ``pg_helpers.password_server``), so the secret is really used.
* ``check`` works as a role that holds only CONNECT, USAGE and SELECT, and nothing in the database
  changes; the adapter's PostgreSQL sessions are read-only even for a superuser.
* A SQLite file is opened read-only: its bytes and mtime are unchanged and no ``-journal``,
  ``-wal`` or ``-shm`` file is created, in rollback-journal and in WAL mode.
* Identifiers from ``domain.yaml`` never reach SQL unquoted: with hostile-but-legal names
  (reserved words, mixed case, ``$``) the check works, and a trace of every statement sent to
  SQLite (``set_trace_callback``) and PostgreSQL (libpq's protocol trace) shows catalog reads only.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from pg_helpers import (
    PASSWORD,
    PASSWORD_ROLE,
    PasswordServer,
    admin,
    as_role,
    build,
    clean_env,
    invoke_afresh,
    invoke_cli,
    make_project,
    module_source,
    role,
    secret_database,
)
from sqlalchemy.engine import make_url

import twinschema.dialects.postgresql as pg_adapter
import twinschema.dialects.sqlite as sqlite_adapter
from twinschema.cli import main
from twinschema.dialects import ReflectOptions
from twinschema.errors import DatabaseError

# One worker runs every test on the password server (conftest's password_pg), started once.
pytestmark = pytest.mark.xdist_group("password-server")

FORMATS = ("text", "json", "junit", "github", "sarif")
# Every spelling the secret could be printed in: as given, percent-encoded, or a fragment of it.
SECRET_FRAGMENTS = (PASSWORD, "S3cr3t-P%40ss", "S3cr3t")


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for fragment in SECRET_FRAGMENTS:
            assert fragment not in text, f"secret {fragment!r} shown in:\n{text}"


# ---------------------------------------------------------------------------------------------
# Never leaks


@pytest.fixture(scope="module")
def pw(password_pg: PasswordServer) -> PasswordServer:
    """The session's password server (conftest), shared with the other modules that need one."""
    return password_pg


@pytest.fixture(scope="module")
def secret_db(pw: PasswordServer) -> Iterator[str]:
    """A database on the password server that ``secretuser`` may read; its name. The tests only
    read it, so the module shares one (a CREATE DATABASE per test was most of their time)."""
    with secret_database(pw) as name:
        yield name


def secret_url(pw: PasswordServer, database: str, how: str) -> tuple[str, dict[str, str]]:
    """The URL of ``database`` with the password given ``how``, and the environment it needs."""
    if how == "url":
        return pw.url(database), {}
    if how == "query":
        bare = make_url(pw.url(database, password=None))
        url = bare.update_query_dict({"password": PASSWORD})
        return url.render_as_string(hide_password=False), {}
    assert how == "env"
    return pw.url(database, password=None), {"PGPASSWORD": PASSWORD}


SECRET_HOW = ("url", "query", "env")
SCENARIOS = ("drift", "error")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("command", ["check", "diff"])
@pytest.mark.parametrize("how", SECRET_HOW)
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_no_secret_in_any_output_format(
    tmp_path: Path,
    pw: PasswordServer,
    secret_db: str,
    fmt: str,
    command: str,
    how: str,
    scenario: str,
) -> None:
    # drift: the metadata has a column the database lacks, so the URL is named in differences;
    # error: the database does not exist, so the URL is named in the error message.
    project = make_project(tmp_path, pg_src=module_source(extra_column=True))
    database = secret_db if scenario == "drift" else secret_db + "_gone"
    url, extra_env = secret_url(pw, database, how)
    env = clean_env(LOCAL_DATABASE_URL=project.sqlite, DATABASE_URL=url, **extra_env)
    if command == "check":
        args = ["check", "--layer", "live"]
    else:
        args = ["diff", url, f"{project.postgres_module}:metadata"]
    expected = 1 if scenario == "drift" else 3
    report = tmp_path / f"report.{fmt}"
    for output in ([], ["--output", str(report)]):
        result = invoke_cli([*args, "--format", fmt, *output], tmp_path, env)
        written = report.read_text() if output and report.exists() else ""
        assert result.returncode == expected, result.stdout + result.stderr
        assert "Traceback" not in result.stdout + result.stderr
        assert_no_secret(result.stdout, result.stderr, written)
        if scenario == "drift":
            shown = written or result.stdout
            assert PASSWORD_ROLE in shown  # the URL is in the report, without its secret
            if how == "url":
                assert f"{PASSWORD_ROLE}:***@" in shown
        else:
            assert "does not exist" in result.stderr


@pytest.fixture
def in_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run the CLI in this process: no DATABASE_URL, modules of the project importable."""
    for name in ("DATABASE_URL", "LOCAL_DATABASE_URL", "PGPASSWORD"):
        monkeypatch.delenv(name, raising=False)
    before = set(sys.modules)
    path = list(sys.path)
    yield
    for name in set(sys.modules) - before:
        if name.startswith("sec_"):
            del sys.modules[name]
    sys.path[:] = path


def run_main(args: list[str]) -> int:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    code = exit_info.value.code
    return code if isinstance(code, int) else 0


@pytest.mark.parametrize("scenario", ["drift", "error", "wrong_password"])
def test_no_secret_in_logs_or_exceptions(
    tmp_path: Path,
    pw: PasswordServer,
    secret_db: str,
    scenario: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    in_process: None,
) -> None:
    project = make_project(tmp_path, pg_src=module_source(extra_column=True))
    database = secret_db if scenario != "error" else secret_db + "_gone"
    url = pw.url(database)
    if scenario == "wrong_password":
        url = pw.url(database, password=PASSWORD + "-but-wrong")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LOCAL_DATABASE_URL", project.sqlite)
    caplog.set_level(logging.DEBUG)  # every logger, every level: pgserver, psycopg, SQLAlchemy
    codes = []
    for fmt in FORMATS:
        codes.append(run_main(["check", "--postgres-url", url, "--format", fmt, "-v"]))
        codes.append(
            run_main(["diff", url, f"{project.postgres_module}:metadata", "--format", fmt])
        )
    inspected = run_main(["inspect", url, "--format", "yaml"])
    assert inspected == (0 if scenario == "drift" else 3)
    out, err = capsys.readouterr()
    records = "\n".join(
        f"{r.name} {r.levelname} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records
    )
    assert_no_secret(out, err, records, caplog.text)
    assert set(codes) == ({1} if scenario == "drift" else {3}), (codes, out, err)
    if scenario == "wrong_password":
        assert "password authentication failed" in err

    if scenario == "drift":
        return
    # The exception a library user would catch says why, without the secret, and hides the
    # driver's exception (which a traceback would otherwise print).
    with pytest.raises(DatabaseError) as caught:
        pg_adapter.reflect(make_url(url), ReflectOptions())
    assert_no_secret(str(caught.value), repr(caught.value))
    assert caught.value.__suppress_context__


# ---------------------------------------------------------------------------------------------
# Never writes: PostgreSQL


def snapshot(url: str) -> dict[str, Any]:
    """Everything a write could change: objects, their privileges, rows, per-table write stats."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            objects = conn.execute(
                sa.text(
                    "SELECT n.nspname, c.relname, c.relkind, c.relacl::text "
                    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') "
                    "ORDER BY 1, 2"
                )
            ).all()
            rows = conn.execute(sa.text("SELECT id, name FROM items ORDER BY id")).all()
            schemas = conn.execute(
                sa.text("SELECT nspname, nspacl::text FROM pg_namespace ORDER BY 1")
            ).all()
            roles = conn.execute(sa.text("SELECT rolname FROM pg_roles ORDER BY 1")).all()
            conn.execute(sa.text("SELECT pg_stat_force_next_flush()"))
            writes = conn.execute(
                sa.text(
                    "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del "
                    "FROM pg_stat_user_tables ORDER BY 1"
                )
            ).all()
    finally:
        engine.dispose()
    return {"objects": objects, "rows": rows, "schemas": schemas, "roles": roles, "w": writes}


def test_check_works_as_a_select_only_role_and_writes_nothing(
    tmp_path: Path, pg_server: str, pg_url: str
) -> None:
    project = make_project(tmp_path)
    build(pg_url, module_source())
    admin(pg_url, "INSERT INTO items (name) VALUES ('a'), ('b'), ('c')")
    database = make_url(pg_url).database
    with role(pg_server, "ts_reader", password="reader-pw") as reader:
        admin(
            pg_url,
            f'REVOKE ALL ON DATABASE "{database}" FROM PUBLIC',
            "REVOKE ALL ON SCHEMA public FROM PUBLIC",
            f'GRANT CONNECT ON DATABASE "{database}" TO {reader}',
            f"GRANT USAGE ON SCHEMA public TO {reader}",
            f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {reader}",
        )
        reader_url = as_role(pg_url, reader, "reader-pw")
        # The role really cannot write: not a row, not a table, not a temporary table.
        with psycopg.connect(
            **pg_adapter.connect_kwargs(make_url(reader_url), ReflectOptions())
        ) as c:
            for statement in (
                "INSERT INTO items (name) VALUES ('x')",
                "CREATE TABLE public.t (a int)",
                "CREATE TEMP TABLE t (a int)",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    c.execute(statement)
                c.rollback()

        before = snapshot(pg_url)
        env = clean_env(LOCAL_DATABASE_URL=project.sqlite, DATABASE_URL=reader_url)
        result = invoke_afresh(["check", "--format", "json"], tmp_path, env)
        assert result.returncode == 0, result.stdout + result.stderr
        assert '"in_sync": true' in result.stdout
        assert snapshot(pg_url) == before
        admin(pg_url, f"DROP OWNED BY {reader}")


def test_the_adapters_postgresql_session_is_read_only_even_for_a_superuser(pg_url: str) -> None:
    build(pg_url, module_source())
    conn = pg_adapter.connect(make_url(pg_url), ReflectOptions())
    try:
        assert conn.execute("SHOW transaction_read_only").fetchone() == ("on",)
        is_superuser = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        assert is_superuser.fetchone() == (True,)
        conn.rollback()
        for statement in ("INSERT INTO items (name) VALUES ('x')", "CREATE TABLE t (a int)"):
            with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
                conn.execute(statement)
            conn.rollback()
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------
# Never writes: SQLite


def file_state(folder: Path) -> dict[str, tuple[str, int]]:
    """Each file of ``folder``: its SHA-256 and its mtime in nanoseconds."""
    return {
        p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


@pytest.mark.parametrize("journal_mode", ["delete", "wal"])
def test_sqlite_is_opened_read_only_and_left_untouched(
    tmp_path: Path, pg_url: str, journal_mode: str
) -> None:
    project = make_project(tmp_path)
    build(pg_url, module_source())
    db = tmp_path / "local.db"
    with sqlite3.connect(db) as conn:
        conn.execute(f"PRAGMA journal_mode = {journal_mode}")
        conn.execute("INSERT INTO items (name) VALUES ('a')")
    conn.close()
    assert not (tmp_path / "local.db-wal").exists()  # closed cleanly: all in the main file
    os.utime(db, ns=(1_000_000_000, 1_000_000_000))  # an mtime any write would move
    before = file_state(tmp_path)

    env = clean_env(LOCAL_DATABASE_URL=project.sqlite, DATABASE_URL=pg_url)
    result = invoke_afresh(["check"], tmp_path, env)
    assert result.returncode == 0, result.stdout + result.stderr
    after = file_state(tmp_path)
    assert after == before  # same files (no -journal, -wal, -shm), same bytes, same mtimes

    # And SQLite itself refuses a write through the adapter's connection.
    conn = sqlite_adapter.connect(str(db))
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("INSERT INTO items (name) VALUES ('x')")
    finally:
        conn.close()
    assert file_state(tmp_path) == before


# ---------------------------------------------------------------------------------------------
# Identifiers reach SQL only quoted: hostile-but-legal names, and a trace of every statement.

HOSTILE_DOMAIN = """\
version: 1
tables:
  group:
    columns:
      order: {kind: integer}
      select: {kind: text}
      MixedCase: {kind: text}
  MixedCase:
    columns:
      Id: {kind: integer}
      from: {kind: integer}
  user$data:
    columns:
      where: {kind: integer}
"""

HOSTILE_MODULE = """\
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table(
    "group",
    metadata,
    sa.Column("order", sa.Integer, primary_key=True),
    sa.Column("select", sa.Text, nullable=False, unique=True),
    sa.Column("MixedCase", sa.Text, server_default="drop"),
    sa.CheckConstraint('"order" >= 0', name="ck_group_order"),
)
sa.Index("ix_group_mixed", metadata.tables["group"].c.MixedCase)
sa.Table(
    "MixedCase",
    metadata,
    sa.Column("Id", sa.Integer, primary_key=True),
    sa.Column("from", sa.Integer, sa.ForeignKey("group.order", ondelete="CASCADE")),
)
sa.Table("user$data", metadata, sa.Column("where", sa.Integer, primary_key=True))
"""

# What a statement may start with: reads of the catalog and transaction control, nothing else.
READ_ONLY_STARTS = ("SELECT", "WITH", "PRAGMA", "BEGIN", "SET", "SHOW", "COMMIT", "ROLLBACK")


def first_word(statement: str) -> str:
    # SQLite reports the statements its PRAGMA table-valued functions run as "-- PRAGMA ...".
    text = statement.strip().removeprefix("--")
    return text.strip().split(None, 1)[0].upper().rstrip(";")


def test_hostile_names_work_and_only_catalog_reads_are_sent(
    tmp_path: Path,
    pg_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    in_process: None,
) -> None:
    project = make_project(
        tmp_path, HOSTILE_DOMAIN, sqlite_src=HOSTILE_MODULE, pg_src=HOSTILE_MODULE
    )
    build(pg_url, HOSTILE_MODULE)

    sqlite_statements: list[str] = []
    scratch_statements: list[str] = []  # the evaluation stage's own in-memory database
    real_sqlite_connect = sqlite3.connect

    def traced_sqlite_connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = real_sqlite_connect(*args, **kwargs)
        in_memory = (args[0] if args else kwargs.get("database")) == ":memory:"
        conn.set_trace_callback((scratch_statements if in_memory else sqlite_statements).append)
        return conn

    trace_file = tmp_path / "libpq.trace"
    real_pg_connect = pg_adapter.connect

    def traced_pg_connect(*args: Any, **kwargs: Any) -> psycopg.Connection[Any]:
        conn = real_pg_connect(*args, **kwargs)
        handle = open(trace_file, "a")  # noqa: SIM115 - closed with the connection's process
        conn.pgconn.trace(handle.fileno())
        conn.pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS)
        opened.append(handle)
        return conn

    opened: list[Any] = []
    # Spies, not mocks: they call the real functions and only record what is sent.
    monkeypatch.setattr(sqlite3, "connect", traced_sqlite_connect)
    monkeypatch.setattr(pg_adapter, "connect", traced_pg_connect)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LOCAL_DATABASE_URL", project.sqlite)

    code = run_main(["check", "--postgres-url", pg_url, "--format", "json"])
    out, err = capsys.readouterr()
    for handle in opened:
        handle.close()
    assert code == 0, out + err
    assert '"in_sync": true' in out

    assert sqlite_statements, "the SQLite trace saw nothing"
    for statement in sqlite_statements:
        assert first_word(statement) in READ_ONLY_STARTS, statement
    # The evaluation stage writes only to temporary tables of its own in-memory database.
    for statement in scratch_statements:
        if first_word(statement) not in READ_ONLY_STARTS:
            assert re.search(r"\b(temp\.)?twinschema_(probe|check|value)\b", statement, re.I), (
                statement
            )

    # libpq's trace: one entry per protocol message ("F" from the client), SQL on several lines.
    # The SQL a client sends is in Query (simple protocol) and Parse (extended protocol).
    messages = re.split(r"\n(?=[FB]\t\d+\t)", trace_file.read_text())
    sent = []
    for message in messages:
        parsed = re.match(r'F\t\d+\tParse\t "[^"]*" "(.*)" \d+(?: \d+)*\s*$', message, re.S)
        query = re.match(r'F\t\d+\tQuery\t "(.*)"\s*$', message, re.S)
        if parsed or query:
            sent.append((parsed or query).group(1))  # type: ignore[union-attr]
    assert len(sent) > pg_adapter.QUERY_COUNT, sent  # the catalog queries and BEGIN
    begins = [statement for statement in sent if first_word(statement) == "BEGIN"]
    # One snapshot per read (REPEATABLE READ), and read-only.
    begins_read_only = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
    assert begins and all(b.strip() == begins_read_only for b in begins), begins
    for statement in sent:
        assert first_word(statement) in READ_ONLY_STARTS, statement
        if _SEQUENCE_STATE.fullmatch(statement):
            # Where the key sequences stand (``postgresql_sequence_state``): a relation cannot
            # be a bound parameter, so each is named as the server's own regclass output quotes
            # it (a catalog row of the read's snapshot), and the statement is nothing but
            # SELECTs of those relations and of the max() and min() of the keys drawing from them.
            continue
        # Names are bound parameters or catalog rows, never spliced into the SQL text.
        assert "MixedCase" not in statement and "user$data" not in statement, statement


# The one statement that names relations in its text: each sequence as regclass prints it (a
# plain lower-case name, or one in double quotes with its quotes doubled; schema-qualified where
# the search_path does not find it).
_IDENT = r'(?:"(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)'
_NAME = rf"(?:{_IDENT}\.)?{_IDENT}"
# Beside each, the largest and the smallest id of each key drawing from it, table and column as
# the server quotes them (``postgresql_catalog_sequences.KEY_READ_FOR_MAX``).
_MAX = rf"\(SELECT max\({_IDENT}\) FROM {_NAME}\)"
_MIN = rf"\(SELECT min\({_IDENT}\) FROM {_NAME}\)"
_STATE_ONE = (
    rf"SELECT \d+::oid, last_value, is_called, ARRAY\[(?:{_MAX}(?:, {_MAX})*)?\]::bigint\[\], "
    rf"ARRAY\[(?:{_MIN}(?:, {_MIN})*)?\]::bigint\[\] FROM {_NAME}"
)
_SEQUENCE_STATE = re.compile(rf"{_STATE_ONE}(?: UNION ALL {_STATE_ONE})*")


def test_a_refused_password_on_the_scratch_server_is_not_blamed_on_createdb(
    pw: PasswordServer, pg_server: str
) -> None:
    """stranger32 case 078: `--scratch-server` with a wrong password said "the role needs
    CREATEDB". The password is the cause: the line says it alone, without the secret; a role
    that lacks CREATEDB (the near miss) is still told so."""
    from twinschema.servers import scratch

    wrong = pw.url("postgres", password="S3cr3t-wrong")
    with pytest.raises(DatabaseError) as refused, scratch.database(wrong):
        pass
    said = refused.value.message
    assert "password authentication failed" in said, said
    assert "CREATEDB" not in said, said
    assert_no_secret(said)

    with (
        role(pg_server, "ts_nocreate") as name,
        pytest.raises(DatabaseError) as denied,
        scratch.database(as_role(pg_server, name)),
    ):
        pass
    said = denied.value.message
    assert "permission denied to create database" in said, said
    assert said.endswith(
        "(the role needs CREATEDB, or point TWINSCHEMA_SCRATCH_URL at a server where it has it)"
    ), said
