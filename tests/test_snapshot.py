"""A PostgreSQL check sees one moment of the database, and a lock never holds it without end.

Each test races a real check (the installed ``twinschema``, in a subprocess) against real DDL on a
second connection: the DDL is held uncommitted until ``pg_stat_activity`` shows the check
waiting for its lock, then committed, so the commit lands in the middle of the check's read
every time. The checks that race nothing run in-process (``pg_helpers.invoke_afresh``).

The project: ``items (id, name)`` in both metadata modules and in the SQLite file. The PostgreSQL
database has an extra index, and the DDL drops it and adds a column: the database is out of sync
before, during and after the change, and a read that mixed the moments would find it in sync.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from pg_helpers import (
    TWINSCHEMA,
    Project,
    admin,
    build,
    clean_env,
    invoke_afresh,
    make_project,
    module_source,
)
from sqlalchemy.engine import make_url

# Only against a hang, no claim on speed (the machine is shared and busy): each wait ends as
# soon as its condition holds.
WAIT = 600.0
HOLDER = "twinschema-test-holder"
EXTRA_INDEX = "CREATE INDEX ix_items_name ON items (name)"
DDL = ("DROP INDEX ix_items_name", "ALTER TABLE items ADD COLUMN note text")
CHANGED = "the schema changed while it was read"
# The differences of each moment: once against the metadata, once against the SQLite file.
INDEX_EXTRA = [("index", "items", None, "ix_items_name")] * 2
NOTE_MISSING = [("column_missing", "items", "note", "note")] * 2


@dataclass
class Setup:
    project: Project
    pg_url: str
    env: dict[str, str]


@pytest.fixture
def setup(tmp_path: Path, pg_url: str) -> Setup:
    """The project, its PostgreSQL database with an extra index, and a generous lock_timeout."""
    project = make_project(tmp_path)
    build(pg_url, module_source())
    admin(pg_url, EXTRA_INDEX)
    set_top_key(tmp_path, "lock_timeout = 120")
    env = clean_env(LOCAL_DATABASE_URL=project.sqlite, DATABASE_URL=pg_url)
    return Setup(project, pg_url, env)


def set_top_key(root: Path, line: str) -> None:
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text()
    assert "connect_timeout = 3\n" in text
    pyproject.write_text(text.replace("connect_timeout = 3\n", f"connect_timeout = 3\n{line}\n"))


def libpq(url: str, application_name: str = HOLDER) -> dict[str, Any]:
    parsed = make_url(url)
    return {
        "host": parsed.query["host"],
        "dbname": parsed.database,
        "user": parsed.username,
        "application_name": application_name,
    }


def start(args: list[str], setup: Setup) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [TWINSCHEMA, *args],
        cwd=setup.project.root,
        env=setup.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


CHECK = ["check", "--layer", "live", "--format", "json"]


def finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=WAIT * 2)
    assert "Traceback" not in out + err
    return proc.returncode, out, err


@pytest.fixture
def watcher(setup: Setup) -> Iterator[psycopg.Connection[Any]]:
    """An autocommit connection that watches ``pg_stat_activity``."""
    with psycopg.connect(**libpq(setup.pg_url, "twinschema-test-watcher"), autocommit=True) as conn:
        yield conn


def blockers(watcher: psycopg.Connection[Any], proc: subprocess.Popen[str]) -> set[int]:
    """The backends a waiting twinschema session waits for (empty while it does not wait)."""
    rows = watcher.execute(
        "SELECT pg_blocking_pids(pid) FROM pg_stat_activity"
        " WHERE application_name = 'twinschema' AND wait_event_type = 'Lock'"
        " AND datname = current_database()"
    ).fetchall()
    assert proc.poll() is None, "the check ended before it was blocked: " + str(proc.communicate())
    return {pid for (pids,) in rows for pid in pids}


def wait_until(condition: Any, what: str) -> None:
    """Wait until ``condition()`` holds; ``WAIT`` is no claim on speed, only how long a wait
    may go on before the test stops rather than hang."""
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"still waiting until {what}: the test would hang")
        time.sleep(0.05)


def holder(url: str, *statements: str) -> psycopg.Connection[Any]:
    """A connection that has run ``statements`` in a transaction it has not committed yet."""
    conn = psycopg.connect(**libpq(url))
    for statement in statements:
        conn.execute(statement)
    return conn


def pid_of(conn: psycopg.Connection[Any]) -> int:
    return int(conn.info.backend_pid)


def catalog(url: str) -> tuple[list[Any], list[Any]]:
    """The columns and indexes of ``items``: what the DDL changes, and what a check must not."""
    with psycopg.connect(**libpq(url, "twinschema-test-reader")) as conn:
        columns = conn.execute(
            "SELECT attname::text, format_type(atttypid, atttypmod) FROM pg_attribute"
            " WHERE attrelid = 'items'::regclass AND attnum > 0 AND NOT attisdropped"
            " ORDER BY attnum"
        ).fetchall()
        indexes = conn.execute(
            "SELECT indexrelid::regclass::text FROM pg_index"
            " WHERE indrelid = 'items'::regclass ORDER BY 1"
        ).fetchall()
    return columns, indexes


def file_digest(project: Project) -> str:
    return hashlib.sha256((project.root / "local.db").read_bytes()).hexdigest()


def differences(out: str) -> list[tuple[str, str, str | None, str | None]]:
    document = json.loads(out)
    return sorted((d["kind"], d["table"], d["column"], d["name"]) for d in document["differences"])


def test_the_database_is_out_of_sync_before_and_after_the_change(setup: Setup) -> None:
    """The premise: both moments are drift, each its own; only a mixed read is in sync."""
    # Nothing races these two checks: in-process (invoke_afresh), the project read afresh.
    before = invoke_afresh(CHECK, setup.project.root, setup.env)
    assert before.returncode == 1, before.stdout + before.stderr
    assert differences(before.stdout) == INDEX_EXTRA
    admin(setup.pg_url, *DDL)
    after = invoke_afresh(CHECK, setup.project.root, setup.env)
    assert after.returncode == 1, after.stdout + after.stderr
    assert differences(after.stdout) == NOTE_MISSING


def test_ddl_committed_during_the_read_is_never_in_sync(
    setup: Setup, watcher: psycopg.Connection[Any]
) -> None:
    """The DDL commits while the check's read waits for its lock: the first read saw two
    moments, so it is made again, and the second read sees the change whole."""
    sqlite_before = file_digest(setup.project)
    ddl = holder(setup.pg_url, *DDL)
    try:
        check = start(CHECK, setup)
        try:
            wait_until(lambda: pid_of(ddl) in blockers(watcher, check), "the check waits")
            ddl.commit()
            code, out, err = finish(check)
        finally:
            if check.poll() is None:
                check.kill()
    finally:
        ddl.close()
    assert code == 1, out + err
    assert err == ""
    # What the database holds after the change, and nothing of the moment before it.
    assert differences(out) == NOTE_MISSING
    assert json.loads(out)["in_sync"] is False
    # Nothing else changed: the database is what the DDL made it, the SQLite file untouched.
    assert catalog(setup.pg_url) == (
        [("id", "integer"), ("name", "text"), ("note", "text")],
        [("items_pkey",)],
    )
    assert file_digest(setup.project) == sqlite_before


def test_ddl_committed_during_both_reads_exits_3(
    setup: Setup, watcher: psycopg.Connection[Any]
) -> None:
    """DDL lands during both reads: the check gives up, exit 3, with one line saying why, and
    never a report of a mixed moment. A first DDL holds the table while the check starts; a
    second queues behind the check's catalog read and runs when the first commits, so the
    check's read of the largest ids (the sequence-state statement, stranger76 008) waits for
    it; a third queues behind that read, and the check's second read waits for the third."""
    sqlite_before = file_digest(setup.project)
    first = holder(setup.pg_url, *DDL)
    second = psycopg.connect(**libpq(setup.pg_url))
    third = psycopg.connect(**libpq(setup.pg_url))
    queued: list[BaseException | None] = []

    def run(conn: psycopg.Connection[Any], ddl: str) -> None:
        try:
            conn.execute(ddl)
            queued.append(None)
        except BaseException as exc:  # reported by the test thread
            queued.append(exc)

    def waits(conn: psycopg.Connection[Any]) -> bool:
        found = watcher.execute(
            "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", (pid_of(conn),)
        ).fetchone()
        return found == ("Lock",)

    thread = threading.Thread(target=run, args=(second, "ALTER TABLE items ADD COLUMN extra text"))
    later = threading.Thread(target=run, args=(third, "ALTER TABLE items ADD COLUMN more text"))
    try:
        check = start(CHECK, setup)
        try:
            wait_until(lambda: pid_of(first) in blockers(watcher, check), "the check waits")
            # The second DDL queues for the table behind the check, so the check's first read
            # gets the lock first when the first DDL commits, and the second DDL right after.
            thread.start()
            wait_until(lambda: waits(second), "the second DDL waits")
            first.commit()
            thread.join(timeout=WAIT)
            assert queued == [None], queued
            # The first read's largest ids wait for the second DDL, uncommitted; a third DDL
            # queues behind that read.
            wait_until(lambda: pid_of(second) in blockers(watcher, check), "the ids wait")
            later.start()
            wait_until(lambda: waits(third), "the third DDL waits")
            second.commit()
            later.join(timeout=WAIT)
            assert queued == [None, None], queued
            # The check's second read now waits for the third DDL, uncommitted.
            wait_until(lambda: pid_of(third) in blockers(watcher, check), "the retry waits")
            third.commit()
            code, out, err = finish(check)
        finally:
            if check.poll() is None:
                check.kill()
    finally:
        first.close()
        second.close()
        third.close()
        thread.join(timeout=WAIT)
        if later.ident is not None:  # started
            later.join(timeout=WAIT)
    assert code == 3, out + err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("twinschema: error: cannot read "), lines[0]
    assert CHANGED in lines[0]
    document = json.loads(out)
    assert document["in_sync"] is False and document["exit_code"] == 3
    postgres = [
        layer for layer in document["layers"]
        if layer["name"] == "live" and "postgres" in (layer["left"] + layer["right"]).lower()
    ]  # fmt: skip
    assert postgres and {layer["status"] for layer in postgres} <= {"error", "skipped"}
    assert catalog(setup.pg_url) == (
        [
            ("id", "integer"),
            ("name", "text"),
            ("note", "text"),
            ("extra", "text"),
            ("more", "text"),
        ],
        [("items_pkey",)],
    )
    assert file_digest(setup.project) == sqlite_before


@pytest.mark.parametrize("command", ["check", "diff"])
def test_a_table_locked_longer_than_lock_timeout_exits_3_naming_it(
    setup: Setup, watcher: psycopg.Connection[Any], command: str
) -> None:
    """A session holds ACCESS EXCLUSIVE on ``items`` (as a long migration would) past the
    configured lock_timeout: the read gives up, exit 3, one line naming the table and the lock.
    The lock is held until the check has ended, so the check cannot have simply waited it out."""
    pyproject = setup.project.root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace("lock_timeout = 120\n", "lock_timeout = 1\n")
    )
    sqlite_before = file_digest(setup.project)
    before = catalog(setup.pg_url)
    locker = holder(setup.pg_url, "LOCK TABLE items IN ACCESS EXCLUSIVE MODE")
    try:
        args = CHECK if command == "check" else ["diff", setup.project.sqlite, setup.pg_url]
        proc = start(args, setup)
        try:
            code, out, err = finish(proc)
        finally:
            if proc.poll() is None:
                proc.kill()
        # Still held: the check gave up while the lock was in place.
        assert locker.execute("SELECT count(*) FROM items").fetchone() == (0,)
    finally:
        locker.rollback()
        locker.close()
    assert code == 3, out + err
    lines = err.splitlines()
    assert len(lines) == 1, err
    line = lines[0]
    assert line.startswith("twinschema: error: cannot read "), line
    assert "table public.items locked ACCESS EXCLUSIVE (held by another session)" in line
    assert "lock_timeout (1 s) ran out" in line
    assert make_url(setup.pg_url).database in line
    assert catalog(setup.pg_url) == before
    assert file_digest(setup.project) == sqlite_before


@pytest.mark.parametrize("value", ['"soon"', "0", "-1", "true"])
def test_lock_timeout_must_be_a_positive_number(setup: Setup, value: str) -> None:
    pyproject = setup.project.root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace("lock_timeout = 120", f"lock_timeout = {value}")
    )
    result = invoke_afresh(CHECK, setup.project.root, setup.env)  # refused before any read
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert (
        "pyproject.toml [tool.twinschema]: lock_timeout must be a finite positive number"
        in lines[0]
    )


# ---------------------------------------------------------------------------------------------
# What the fingerprint sees: every committed change a pg_get_* function or format_type could
# print differently, and nothing else.

FINGERPRINTED = """
CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE DOMAIN short_text AS text CHECK (length(VALUE) < 10);
CREATE TABLE parent (id serial PRIMARY KEY);
CREATE TABLE child (
    id int PRIMARY KEY, parent_id int REFERENCES parent (id), name text DEFAULT 'x',
    feeling mood, tag short_text, score int CHECK (score > 0));
CREATE INDEX ix_child_name ON child (lower(name)) WHERE score > 1;
CREATE POLICY p_child ON child USING (parent_id > 0);
"""

SCHEMA_CHANGES = {
    "rename column": "ALTER TABLE child RENAME COLUMN name TO title",
    "retype column": "ALTER TABLE child ALTER COLUMN score TYPE bigint",
    "new default": "ALTER TABLE child ALTER COLUMN name SET DEFAULT 'y'",
    "drop default": "ALTER TABLE child ALTER COLUMN name DROP DEFAULT",
    "not null": "ALTER TABLE child ALTER COLUMN name SET NOT NULL",
    "add check": "ALTER TABLE child ADD CONSTRAINT c_name CHECK (name <> '')",
    "rename index": "ALTER INDEX ix_child_name RENAME TO ix_child_title",
    "drop index": "DROP INDEX ix_child_name",
    "rename table": "ALTER TABLE parent RENAME TO parents",
    "enum label": "ALTER TYPE mood ADD VALUE 'glad'",
    "rename enum": "ALTER TYPE mood RENAME TO feeling",
    "rename domain": "ALTER DOMAIN short_text RENAME TO tiny_text",
    "policy": "ALTER POLICY p_child ON child USING (parent_id > 2)",
    "row level security": "ALTER TABLE child ENABLE ROW LEVEL SECURITY",
    "trigger": "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';"
    " CREATE TRIGGER tg BEFORE INSERT ON child FOR EACH ROW EXECUTE FUNCTION f()",
    "view": "CREATE VIEW v AS SELECT 1 AS one",
    "referenced schema": "CREATE SCHEMA other; ALTER TABLE parent SET SCHEMA other",
}

NOT_SCHEMA_CHANGES = (
    "INSERT INTO parent DEFAULT VALUES",
    "ANALYZE child",
    "VACUUM child",
    "CREATE TABLE elsewhere.unrelated (id int)",
)


def fingerprint(url: str) -> Any:
    from twinschema.dialects.postgresql import SQL_FINGERPRINT

    with psycopg.connect(**libpq(url, "twinschema-test-reader"), autocommit=True) as conn:
        return conn.execute(SQL_FINGERPRINT, {"schema": "public"}).fetchall()


@pytest.mark.parametrize("change", sorted(SCHEMA_CHANGES))
def test_every_schema_change_changes_the_fingerprint(pg_url: str, change: str) -> None:
    admin(pg_url, FINGERPRINTED)
    before = fingerprint(pg_url)
    assert fingerprint(pg_url) == before
    admin(pg_url, SCHEMA_CHANGES[change])
    assert fingerprint(pg_url) != before


def test_rows_statistics_and_other_schemas_leave_the_fingerprint_alone(pg_url: str) -> None:
    admin(pg_url, FINGERPRINTED, "CREATE SCHEMA elsewhere")
    before = fingerprint(pg_url)
    admin(pg_url, *NOT_SCHEMA_CHANGES)
    assert fingerprint(pg_url) == before


def test_a_locked_catalog_is_named_too(pg_url: str) -> None:
    """A lock on a catalog the read needs (pg_policy) is named like a table's."""
    from twinschema.dialects import ReflectOptions
    from twinschema.dialects.postgresql import reflect
    from twinschema.errors import DatabaseError

    build(pg_url, module_source())
    locker = holder(pg_url, "LOCK TABLE pg_catalog.pg_policy IN ACCESS EXCLUSIVE MODE")
    try:
        with pytest.raises(DatabaseError) as raised:
            reflect(make_url(pg_url), ReflectOptions(lock_timeout=0.5))
    finally:
        locker.rollback()
        locker.close()
    message = raised.value.message
    assert "\n" not in message
    assert "table pg_catalog.pg_policy locked ACCESS EXCLUSIVE (held by another session)" in message
    assert "lock_timeout (0.5 s) ran out" in message
    # Released: the same read now succeeds.
    assert set(reflect(make_url(pg_url), ReflectOptions(lock_timeout=0.5)).tables) == {"items"}


def test_a_locked_alembic_version_is_bounded_by_lock_timeout(pg_url: str) -> None:
    """Found by a stranger's trial: the migrations layer waited as long as a session held
    alembic_version locked (150 s), then said in sync. It waits lock_timeout, then names it."""
    import psycopg

    from twinschema.dialects import ReflectOptions
    from twinschema.dialects.postgresql import connect_kwargs
    from twinschema.errors import DatabaseError
    from twinschema.migrations.migrations_state import current_revisions
    from twinschema.urls import parse_url

    kwargs = connect_kwargs(parse_url(pg_url), ReflectOptions())
    with psycopg.connect(**kwargs, autocommit=True) as setup:
        setup.execute("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)")
        setup.execute("INSERT INTO alembic_version VALUES ('0001')")
    assert current_revisions(pg_url) == ("0001",)
    with psycopg.connect(**kwargs) as holder:
        holder.execute("LOCK TABLE alembic_version IN ACCESS EXCLUSIVE MODE")
        with pytest.raises(
            DatabaseError, match=r"alembic_version is locked .*lock_timeout \(1 s\)"
        ):
            current_revisions(pg_url, lock_timeout=1)
        holder.rollback()
    assert current_revisions(pg_url) == ("0001",)  # nothing changed
