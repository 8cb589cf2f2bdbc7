"""SQL files are untrusted input (issue 14): loading one may only build a schema in its scratch
database, and pg_dump output still loads.

Each attempt runs ``twinschema inspect FILE`` as a user would (in-process, with exactly the
environment and folder a user's shell would give it: nothing here is about the process), on real
databases, and asserts the
exit code, the single line on stderr, and that nothing else changed: the other SQLite file's
bytes and its folder; the server's roles (with their password hashes) and databases; the
superuser's ability to log in with its password on a server that checks passwords.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from pg_helpers import admin, clean_env, invoke_cli, role, silent_listener

from twinschema.errors import DatabaseError, UsageError
from twinschema.servers import embedded
from twinschema.servers.scratch import SCRATCH_URL_ENV
from twinschema.sources import sqlfile
from twinschema.sources.sqlfile import psql_pieces, psql_split

REFUSED = "is refused: a SQL file may only build a schema in its scratch database"
NOT_ALLOWED = (
    "; refused: a SQL file is loaded as a role that may only build a schema in its scratch database"
)


def inspect(
    tmp_path: Path, name: str, text: str, scratch_url: str | None = None
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """``twinschema inspect NAME`` on a file holding ``text``, in a project folder of its own
    (connect_timeout = 2), with the scratch server ``scratch_url`` when given."""
    project = tmp_path / "project"
    project.mkdir(exist_ok=True)
    (project / "pyproject.toml").write_text("[tool.twinschema]\nconnect_timeout = 2\n")
    path = project / name
    path.write_text(text, encoding="utf-8")
    extra = {SCRATCH_URL_ENV: scratch_url} if scratch_url else {}
    return invoke_cli(["inspect", name], project, clean_env(**extra)), path


def one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    """The single stderr line of a failed run (and no traceback, no report on stdout)."""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("twinschema: error: "), done.stderr
    assert done.stdout == ""
    return lines[0].removeprefix("twinschema: error: ")


# ---------------------------------------------------------------------------------------------
# SQLite: an authorizer keeps the file inside its in-memory database


def folder_state(folder: Path) -> dict[str, str]:
    """Every file in ``folder`` and the SHA-256 of its bytes."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()
    }


@pytest.fixture
def other_sqlite(tmp_path: Path) -> Path:
    """Another SQLite file, in a folder of its own: 15,000 rows in ``items``, and ``notes``."""
    folder = tmp_path / "other"
    folder.mkdir()
    path = folder / "other.db"
    conn = sqlite3.connect(path)
    try:
        conn.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, v TEXT)")
        conn.execute("CREATE TABLE notes (x TEXT)")
        conn.executemany("INSERT INTO items (v) VALUES (?)", [(f"r{i}",) for i in range(15000)])
        conn.commit()
    finally:
        conn.close()
    return path


@pytest.mark.parametrize(
    ("statements", "refused"),
    [
        (
            "ATTACH DATABASE '{other}' AS other;\nDELETE FROM other.items;\n"
            "DROP TABLE other.notes;\n",
            "opening another database file ('{other}', by ATTACH or VACUUM INTO)",
        ),
        (
            "ATTACH DATABASE '{folder}/new.db' AS fresh;\nCREATE TABLE fresh.t (id integer);\n",
            "opening another database file ('{folder}/new.db', by ATTACH or VACUUM INTO)",
        ),
        (
            "VACUUM INTO '{folder}/copy.db';\n",
            "opening another database file ('{folder}/copy.db', by ATTACH or VACUUM INTO)",
        ),
        ("SELECT load_extension('{folder}/evil.so');\n", "the function load_extension()"),
        ("PRAGMA temp_store_directory = '{folder}';\n", "PRAGMA temp_store_directory"),
    ],
    ids=["attach-and-delete", "attach-new-file", "vacuum-into", "load-extension", "temp-dir"],
)
def test_sqlite_file_cannot_reach_another_file(
    tmp_path: Path, other_sqlite: Path, statements: str, refused: str
) -> None:
    """The statement on line 2 is refused with its line; the other file keeps every byte and no
    file appears beside it."""
    folder = other_sqlite.parent
    before = folder_state(folder)
    text = "CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT);\n" + statements.format(
        other=other_sqlite, folder=folder
    )
    done, path = inspect(tmp_path, "x.sql", text)
    assert one_error_line(done) == (
        f"x.sql:2: {refused.format(other=other_sqlite, folder=folder)} {REFUSED}"
    )
    assert done.returncode == 2
    assert folder_state(folder) == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["pyproject.toml", "x.sql"]


def test_sqlite_file_still_builds_its_schema(tmp_path: Path) -> None:
    """What a schema needs passes the authorizer: tables, views, triggers, PRAGMAs of its own
    database, a VACUUM (which attaches a private temporary database) and data."""
    text = (
        "PRAGMA foreign_keys = ON;\nBEGIN TRANSACTION;\n"
        "CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL);\n"
        "CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a (id));\n"
        "CREATE VIEW v AS SELECT name FROM a;\n"
        "CREATE TRIGGER tr AFTER INSERT ON a BEGIN INSERT INTO b (a_id) VALUES (new.id); END;\n"
        "INSERT INTO a (name) VALUES ('x');\nCOMMIT;\nVACUUM;\nPRAGMA user_version = 3;\n"
    )
    done, _ = inspect(tmp_path, "ok.sql", text)
    assert done.returncode == 0, done.stderr
    assert set(json.loads(done.stdout)["tables"]) == {"a", "b"}


# ---------------------------------------------------------------------------------------------
# PostgreSQL: the file runs as a role of its own


def server_state(server_url: str) -> dict[str, object]:
    """What a load must leave as it found it: every role with its attributes and password hash,
    every database, and the memberships."""
    engine = sa.create_engine(server_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            roles = conn.execute(
                sa.text(
                    "SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolcanlogin, "
                    "rolreplication, rolbypassrls, rolpassword, rolvaliduntil "
                    "FROM pg_authid ORDER BY rolname"
                )
            ).all()
            databases = conn.execute(
                sa.text("SELECT datname, pg_get_userbyid(datdba) FROM pg_database ORDER BY 1")
            ).all()
            members = conn.execute(
                sa.text("SELECT roleid, member FROM pg_auth_members ORDER BY 1, 2")
            ).all()
    finally:
        engine.dispose()
    return {"roles": roles, "databases": databases, "members": members}


@pytest.fixture
def victim(pg_server: str) -> Iterator[str]:
    """A role of the scratch server that a hostile file tries to drop or change."""
    with role(pg_server, prefix="ts_victim") as name:
        yield name


HOSTILE = [
    ("DROP ROLE {victim};", "permission denied to drop role"),
    ("ALTER ROLE postgres PASSWORD 'hacked';", "permission denied to alter role"),
    ("ALTER ROLE {victim} SUPERUSER;", "permission denied to alter role"),
    ("CREATE ROLE intruder SUPERUSER LOGIN;", "permission denied to create role"),
    ("GRANT pg_read_server_files TO {victim};\nDROP ROLE {victim};", "permission denied to drop"),
    ("RESET ROLE;\nSET SESSION AUTHORIZATION postgres;\nDROP ROLE {victim};", "permission denied"),
    ("SELECT set_config('role', 'postgres', false);", "permission denied to set role"),
    ("COPY (SELECT 1) TO PROGRAM 'true';", "permission denied to COPY to or from an external"),
    ("ALTER SYSTEM SET work_mem = '1GB';", "permission denied to set parameter"),
]


@pytest.mark.parametrize(("statement", "message"), HOSTILE, ids=lambda v: v[:24])
def test_postgresql_file_cannot_change_the_server(
    tmp_path: Path, pg_server: str, victim: str, statement: str, message: str
) -> None:
    """A statement outside the scratch database fails on its own line; the server's roles,
    passwords, memberships and databases are as they were (no load role or scratch database is
    left behind either)."""
    before = server_state(pg_server)
    statement = statement.format(victim=victim)
    text = "CREATE TABLE t (id serial PRIMARY KEY);\n\n" + statement + "\n"
    done, _ = inspect(tmp_path, "x.sql", text, pg_server)
    line = one_error_line(done)
    last = 2 + len(statement.splitlines())
    assert line.startswith(f"x.sql:{last}: {message}"), line
    assert line.endswith(NOT_ALLOWED), line
    assert done.returncode == 2
    assert server_state(pg_server) == before


def test_other_databases_of_the_server_are_skipped_not_dropped(
    tmp_path: Path, pg_server: str
) -> None:
    """DROP DATABASE is the file's own database (skipped, as before): another database of the
    server is never dropped."""
    name = f"ts_keep_{uuid.uuid4().hex[:8]}"
    admin(pg_server, f'CREATE DATABASE "{name}"')
    try:
        before = server_state(pg_server)
        done, _ = inspect(
            tmp_path, "x.sql", f"DROP DATABASE {name};\nCREATE TABLE t (id serial);\n", pg_server
        )
        assert done.returncode == 0, done.stderr
        assert list(json.loads(done.stdout)["tables"]) == ["t"]
        assert server_state(pg_server) == before
    finally:
        admin(pg_server, f'DROP DATABASE IF EXISTS "{name}"')


def test_extension_off_the_list_is_refused_before_anything_runs(
    tmp_path: Path, pg_server: str
) -> None:
    before = server_state(pg_server)
    text = 'CREATE TABLE t (id serial);\nCREATE EXTENSION IF NOT EXISTS "dblink";\n'
    done, _ = inspect(tmp_path, "x.sql", text, pg_server)
    line = one_error_line(done)
    assert line.startswith("x.sql:2: extension dblink is not on the list of extensions a SQL file")
    assert "pg_trgm" in line and "vector" in line
    assert done.returncode == 2
    assert server_state(pg_server) == before


# ---------------------------------------------------------------------------------------------
# pg_dump output still loads


PG_DUMP = """\
--
-- PostgreSQL database dump
--

SET statement_timeout = 0;
SET lock_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;
SET SESSION AUTHORIZATION 'app_owner';

CREATE SCHEMA app;
ALTER SCHEMA app OWNER TO app_owner;

CREATE SCHEMA extensions;
ALTER SCHEMA extensions OWNER TO app_owner;

CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA extensions;
COMMENT ON EXTENSION vector IS 'vector data type and ivfflat and hnsw access methods';

CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.updated := now(); RETURN NEW; END; $$;
ALTER FUNCTION app.touch() OWNER TO app_owner;

SET default_tablespace = '';
SET default_table_access_method = heap;

CREATE TABLE app.items (
    id integer NOT NULL,
    name text NOT NULL,
    embedding extensions.vector(3),
    updated timestamp with time zone
);
ALTER TABLE app.items OWNER TO app_owner;

CREATE SEQUENCE app.items_id_seq AS integer START WITH 1 INCREMENT BY 1 NO MINVALUE
    NO MAXVALUE CACHE 1;
ALTER SEQUENCE app.items_id_seq OWNER TO app_owner;
ALTER SEQUENCE app.items_id_seq OWNED BY app.items.id;
ALTER TABLE ONLY app.items ALTER COLUMN id SET DEFAULT nextval('app.items_id_seq'::regclass);

CREATE TABLE public.notes (id integer PRIMARY KEY, body text);
ALTER TABLE public.notes OWNER TO "App Reader";

COPY app.items (id, name, embedding, updated) FROM stdin;
1\tfirst\t[1,2,3]\t\\N
\\.

ALTER TABLE ONLY app.items ADD CONSTRAINT items_pkey PRIMARY KEY (id);
CREATE TRIGGER items_touch BEFORE UPDATE ON app.items FOR EACH ROW EXECUTE FUNCTION app.touch();

REVOKE USAGE ON SCHEMA public FROM PUBLIC;
GRANT ALL ON SCHEMA public TO PUBLIC;
GRANT SELECT ON TABLE app.items TO app_reader;
GRANT USAGE ON SCHEMA app TO "App Reader";
ALTER DEFAULT PRIVILEGES FOR ROLE app_owner IN SCHEMA app GRANT SELECT ON TABLES TO app_reader;
RESET SESSION AUTHORIZATION;

--
-- PostgreSQL database dump complete
--
"""


def test_pg_dump_output_loads_as_the_load_role(tmp_path: Path, pg_server: str) -> None:
    """Its preamble runs, its OWNER, GRANT, REVOKE, ALTER DEFAULT PRIVILEGES and SESSION
    AUTHORIZATION lines (naming roles this server does not have) are skipped, and its
    extension, in a schema the file creates, is created first by the privileged connection."""
    before = server_state(pg_server)
    done, _ = inspect(tmp_path, "dump.sql", PG_DUMP, pg_server)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert set(json.loads(done.stdout)["tables"]) == {"notes"}  # the default schema, public
    assert server_state(pg_server) == before


def test_pg_dump_output_builds_every_object(pg_server: str, tmp_path: Path) -> None:
    """The same dump through the loader: the load role owns what the file made, the vector
    column and its row are there, and the role is gone afterwards."""
    path = tmp_path / "dump.sql"
    path.write_text(PG_DUMP, encoding="utf-8")
    with sqlfile.load_postgresql(path, pg_server) as url:
        load_role = sa.make_url(url).username
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                owners = conn.execute(
                    sa.text(
                        "SELECT c.relname, pg_get_userbyid(c.relowner) FROM pg_class c "
                        "WHERE c.relname IN ('items', 'notes', 'items_id_seq') ORDER BY 1"
                    )
                ).all()
                vector = conn.execute(sa.text("SELECT embedding::text FROM app.items")).scalar()
                extension = conn.execute(
                    sa.text(
                        "SELECT n.nspname, pg_get_userbyid(e.extowner) FROM pg_extension e "
                        "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'vector'"
                    )
                ).one()
                superuser = conn.execute(
                    sa.text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                ).scalar()
        finally:
            engine.dispose()
    assert load_role is not None and load_role.startswith("twinschema_load_")
    assert owners == [("items", load_role), ("items_id_seq", load_role), ("notes", load_role)]
    assert vector == "[1,2,3]"
    assert extension[0] == "extensions" and extension[1] != load_role
    assert superuser is False
    roles = server_state(pg_server)["roles"]
    assert not [r for r in roles if str(r[0]).startswith("twinschema_load_")]  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------
# Servers that check passwords, and scratch roles that cannot make the load role


# The tests on the password-only server run on one worker (an xdist group): it is started once
# per run, not once per worker that runs one of them.
ON_THE_PASSWORD_ONLY_SERVER = pytest.mark.xdist_group("password-only-server")


@pytest.fixture(scope="module")
def password_only_server() -> Iterator[str]:
    """An embedded server where every role, the superuser too, logs in with its password
    (scram-sha-256); the superuser's URL, with its password. Its data lives outside pytest's
    private temporary folder, which the server's own user could not enter."""
    workdir = Path(tempfile.mkdtemp(prefix="twinschema-pwserver-"))
    server = embedded.start(workdir / "pg", delete=True)
    try:
        trusted = server.url()
        admin(
            trusted,
            "SET password_encryption = 'scram-sha-256'",
            "ALTER ROLE postgres PASSWORD 'super-Secret-1'",
        )
        (server.datadir / "pg_hba.conf").write_text("local all all scram-sha-256\n")
        admin(trusted, "SELECT pg_reload_conf()")
        url = sa.make_url(trusted).set(password="super-Secret-1")
        wait_until_refused(sa.make_url(trusted).set(password="wrong"))
        yield url.render_as_string(hide_password=False)
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def wait_until_refused(url: sa.URL) -> None:
    """Wait (on the condition, not a clock) until the server has re-read pg_hba.conf."""
    for _ in range(200):
        if not can_log_in(url):
            return
        threading.Event().wait(0.05)
    raise AssertionError("the server still lets a wrong password in")


def can_log_in(url: sa.URL) -> bool:
    try:
        with psycopg.connect(
            dbname=url.database,
            user=url.username,
            password=url.password or "",
            host=str(url.query["host"]),
            connect_timeout=10,
        ):
            return True
    except psycopg.OperationalError:
        return False


@ON_THE_PASSWORD_ONLY_SERVER
def test_superuser_password_survives_a_file_that_changes_it(
    tmp_path: Path, password_only_server: str
) -> None:
    """On a server that checks every password, the load role logs in with its own; the file's
    ALTER ROLE postgres PASSWORD fails on its line, and the superuser still logs in with its
    password (and not with the file's)."""
    url = sa.make_url(password_only_server)
    before = server_state(password_only_server)
    text = "CREATE TABLE t (id serial PRIMARY KEY);\nALTER ROLE postgres PASSWORD 'hacked';\n"
    done, _ = inspect(tmp_path, "x.sql", text, password_only_server)
    line = one_error_line(done)
    assert line.startswith("x.sql:2: permission denied to alter role"), line
    assert "super-Secret-1" not in done.stderr
    assert done.returncode == 2
    assert can_log_in(url)
    assert not can_log_in(url.set(password="hacked"))
    assert server_state(password_only_server) == before


@ON_THE_PASSWORD_ONLY_SERVER
def test_password_server_loads_a_good_file(tmp_path: Path, password_only_server: str) -> None:
    before = server_state(password_only_server)
    done, _ = inspect(
        tmp_path, "ok.sql", "CREATE TABLE t (id serial PRIMARY KEY);\n", password_only_server
    )
    assert done.returncode == 0, done.stderr
    assert list(json.loads(done.stdout)["tables"]) == ["t"]
    assert server_state(password_only_server) == before


@contextmanager
def only_postgres_may_log_in(server_url: str) -> Iterator[None]:
    """For the block, the password server lets no role but ``postgres`` in (as a server whose
    pg_hba.conf names its users one by one would)."""
    url = sa.make_url(server_url)
    datadir = Path(
        str(
            admin_scalar(
                server_url, "SELECT setting FROM pg_settings WHERE name = 'data_directory'"
            )
        )
    )
    hba = datadir / "pg_hba.conf"
    original = hba.read_text()
    with role(server_url, prefix="ts_probe", password="probe-pw") as probe:
        hba.write_text("local all postgres scram-sha-256\nlocal all all reject\n")
        try:
            admin(server_url, "SELECT pg_reload_conf()")
            wait_until_refused(url.set(username=probe, password="probe-pw"))
            yield
        finally:
            hba.write_text(original)
            admin(server_url, "SELECT pg_reload_conf()")
            for _ in range(200):  # until the probe is let in again
                if can_log_in(url.set(username=probe, password="probe-pw")):
                    break
                threading.Event().wait(0.05)


def admin_scalar(server_url: str, query: str) -> object:
    engine = sa.create_engine(server_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(query)).scalar()
    finally:
        engine.dispose()


@ON_THE_PASSWORD_ONLY_SERVER
def test_server_that_refuses_the_load_role_is_a_clear_error(
    tmp_path: Path, password_only_server: str
) -> None:
    """pg_hba.conf lets only named roles in: the load role cannot log in, exit 3 with one line
    saying what the server must allow; the role and the scratch database are gone after."""
    with only_postgres_may_log_in(password_only_server):
        before = server_state(password_only_server)
        done, _ = inspect(tmp_path, "x.sql", "CREATE TABLE t (id serial);\n", password_only_server)
        after = server_state(password_only_server)
    line = one_error_line(done)
    assert line.startswith("cannot log in to the scratch database as the role made to load x.sql")
    assert line.endswith("(the server must let a new role log in with a password)"), line
    assert "super-Secret-1" not in done.stderr
    assert done.returncode == 3
    assert after == before


def test_scratch_role_without_createrole_is_a_clear_error(tmp_path: Path, pg_server: str) -> None:
    """A scratch server role that may create databases but not roles: exit 3, one line saying
    what it needs; nothing is created."""
    with role(pg_server, prefix="ts_nocreaterole") as name:
        admin(pg_server, f"ALTER ROLE {name} CREATEDB")
        before = server_state(pg_server)
        scratch_url = sa.make_url(pg_server).set(username=name)
        done, _ = inspect(
            tmp_path,
            "x.sql",
            "CREATE TABLE t (id serial PRIMARY KEY);\n",
            scratch_url.render_as_string(hide_password=False),
        )
        line = one_error_line(done)
        assert line.startswith("cannot create a role to load x.sql as, on "), line
        assert "permission denied to create role" in line
        assert line.endswith("the scratch server's role needs CREATEROLE and CREATEDB)")
        assert done.returncode == 3
        assert server_state(pg_server) == before


def test_scratch_role_with_createrole_and_createdb_loads(tmp_path: Path, pg_server: str) -> None:
    """Not a superuser, but CREATEROLE and CREATEDB: enough to make the load role, hand it the
    scratch database's schemas, and drop both afterwards."""
    with role(pg_server, prefix="ts_createrole") as name:
        admin(pg_server, f"ALTER ROLE {name} CREATEDB CREATEROLE")
        before = server_state(pg_server)
        scratch_url = sa.make_url(pg_server).set(username=name)
        done, _ = inspect(
            tmp_path,
            "x.sql",
            "CREATE TABLE t (id serial PRIMARY KEY);\nALTER TABLE t OWNER TO postgres;\n",
            scratch_url.render_as_string(hide_password=False),
        )
        assert done.returncode == 0, done.stderr
        assert list(json.loads(done.stdout)["tables"]) == ["t"]
        assert server_state(pg_server) == before


# ---------------------------------------------------------------------------------------------
# Bounded waits and big files


def test_connect_timeout_bounds_the_scratch_server(tmp_path: Path) -> None:
    """A scratch server that accepts and never answers: the load gives up after connect_timeout
    (2 s here; psycopg alone would wait 130 s), exit 3."""
    with silent_listener() as (port, _):
        done, _ = inspect(
            tmp_path,
            "x.sql",
            "CREATE TABLE t (id serial PRIMARY KEY);\n",
            f"postgresql://app:pw-in-url@127.0.0.1:{port}/postgres",
        )
    line = one_error_line(done)
    assert line.startswith("cannot connect to postgresql"), line
    assert f"://app:***@127.0.0.1:{port}/postgres: " in line
    assert "timeout" in line.lower()
    assert "pw-in-url" not in done.stderr
    assert done.returncode == 3


def test_connect_timeout_in_the_loader(pg_server: str, tmp_path: Path) -> None:
    path = tmp_path / "x.sql"
    path.write_text("CREATE TABLE t (id serial);\n")
    with (
        silent_listener() as (port, _),
        pytest.raises(DatabaseError, match="timeout"),
        sqlfile.load_postgresql(path, f"postgresql://u@127.0.0.1:{port}/db", 1),
    ):
        pass


def test_three_thousand_tables_load_in_batches(tmp_path: Path, pg_server: str) -> None:
    """3,000 tables, each with a key, a foreign key and a unique index: more locks than the
    server's lock table holds in one transaction ("out of shared memory" when the file went in
    one), fewer than it holds per batch."""
    lines = ["CREATE TABLE t0 (id serial PRIMARY KEY, name text UNIQUE);"]
    lines += [
        f"CREATE TABLE t{i} (id serial PRIMARY KEY, up integer REFERENCES t{i - 1} (id), "
        "name text UNIQUE);"
        for i in range(1, 3000)
    ]
    before = server_state(pg_server)
    done, _ = inspect(tmp_path, "big.sql", "\n".join(lines) + "\n", pg_server)
    assert done.returncode == 0, done.stderr
    tables = json.loads(done.stdout)["tables"]
    assert len(tables) == 3000
    assert server_state(pg_server) == before


def test_a_refused_extension_names_its_line_in_the_loader(pg_server: str, tmp_path: Path) -> None:
    path = tmp_path / "x.sql"
    path.write_text("CREATE TABLE t (id serial);\n\nCREATE EXTENSION postgres_fdw;\n")
    with (
        pytest.raises(UsageError, match=r"x\.sql:3: extension postgres_fdw is not on the list"),
        sqlfile.load_postgresql(path, pg_server),
    ):
        pass


def test_a_listed_extension_the_server_lacks_says_what_to_do(
    pg_server: str, tmp_path: Path
) -> None:
    """stranger58 013: the embedded server has no citext; the error named a control file's
    path inside the installation. Where the server has every listed extension, the file loads."""
    engine = sa.create_engine(pg_server, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        available = set(conn.scalars(sa.text("SELECT name FROM pg_available_extensions")))
    engine.dispose()
    missing = sorted(sqlfile.ALLOWED_EXTENSIONS - available)
    name = missing[0] if missing else "citext"
    path = tmp_path / "x.sql"
    path.write_text(f'CREATE TABLE t (id serial);\nCREATE EXTENSION "{name}";\n')
    if not missing:
        with sqlfile.load_postgresql(path, pg_server):
            return
    with pytest.raises(UsageError) as raised, sqlfile.load_postgresql(path, pg_server):
        pass
    message = str(raised.value)
    assert message.startswith(f"{path}:2: extension '{name}' is not installed on the scratch")
    assert "TWINSCHEMA_SCRATCH_URL" in message and ".control" not in message


# ---------------------------------------------------------------------------------------------
# Reading the file's CREATE EXTENSION (the privileged connection runs our statement, not its)


def test_create_extension_statements_are_read_into_their_parts() -> None:
    text = (
        "CREATE TABLE t (id integer);\n"
        'CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA "My Ext" VERSION \'1.1\';\n'
        "create extension PG_TRGM /* a comment; */ cascade;\n"
        "CREATE OR REPLACE PROCEDURAL LANGUAGE plpgsql;\n"
        "CREATE EXTENSION citext"
    )
    script = psql_split.split_psql_script(text, "x.sql")
    found = [(e.name, e.schema, e.version, e.cascade) for e in script.extensions]
    assert found == [
        ("uuid-ossp", "My Ext", "1.1", False),
        ("pg_trgm", None, None, True),
        ("plpgsql", None, None, False),
        ("citext", None, None, False),
    ]
    runs = [p for p in script.pieces if isinstance(p, psql_pieces.Run)]
    assert [text[a:b] for run in runs for a, b in run.statements] == [
        "CREATE TABLE t (id integer);"
    ]


def test_unreadable_create_extension_names_its_line() -> None:
    text = "CREATE TABLE t (id integer);\n\nCREATE EXTENSION vector SCHEMA;\n"
    with pytest.raises(UsageError, match=r"^x\.sql:3: cannot read this CREATE EXTENSION"):
        psql_split.split_psql_script(text, "x.sql")


def test_skipped_statements_keep_the_lines_of_the_rest() -> None:
    """Skipped statements are blanked in their run, so a position the server reports still
    maps to the file's line; at most 100 statements go in one run."""
    text = (
        "CREATE TABLE a (id integer);\nALTER TABLE a OWNER TO bob;\n"
        "GRANT SELECT ON a TO PUBLIC;\nCREATE TABLE b (id integer);\n"
        + "".join(f"CREATE TABLE c{i} (id integer);\n" for i in range(250))
    )
    runs = [p for p in psql_split.split_psql_script(text, "x.sql").pieces]
    assert [len(r.statements) for r in runs if isinstance(r, psql_pieces.Run)] == [100, 100, 52]
    first = runs[0]
    assert isinstance(first, psql_pieces.Run)
    sent = first.sql(text)
    assert "OWNER" not in sent and "GRANT" not in sent
    assert sent.splitlines()[3] == "CREATE TABLE b (id integer);"
    assert len(sent) == first.end - first.start


def test_a_transaction_of_the_file_spans_batches(pg_server: str, tmp_path: Path) -> None:
    """The file's own BEGIN ... COMMIT around more statements than one batch still loads whole,
    and an error after a batch boundary inside it names its line."""
    creates = "".join(f"CREATE TABLE c{i} (id integer);\n" for i in range(150))
    good = tmp_path / "good.sql"
    good.write_text("BEGIN;\n" + creates + "COMMIT;\n")
    with sqlfile.load_postgresql(good, pg_server) as url:
        count = sa.create_engine(url, poolclass=sa.pool.NullPool)
        try:
            with count.connect() as conn:
                tables = conn.execute(
                    sa.text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
                ).scalar()
        finally:
            count.dispose()
    assert tables == 150
    bad = tmp_path / "bad.sql"
    bad.write_text("BEGIN;\n" + creates + "INSERT INTO nowhere VALUES (1);\nCOMMIT;\n")
    with (
        pytest.raises(UsageError, match=r'^.*bad\.sql:152: relation "nowhere" does not exist'),
        sqlfile.load_postgresql(bad, pg_server),
    ):
        pass


# ---------------------------------------------------------------------------------------------
# Found by a stranger's trial: an ATTACH whose file name is an expression, process-wide heap
# limits, and statements that never end.


def test_sqlite_attach_of_an_expression_is_refused(tmp_path: Path) -> None:
    victim = tmp_path / "victim.db"
    sqlite3.connect(victim).executescript("CREATE TABLE keep (x); INSERT INTO keep VALUES (1);")
    before = victim.read_bytes()
    sql = tmp_path / "a.sql"
    sql.write_text(
        "CREATE TABLE t (id INTEGER PRIMARY KEY);\n"
        f"ATTACH '{tmp_path}/vic' || 'tim.db' AS v;\nDROP TABLE v.keep;\n"
    )
    with pytest.raises(UsageError, match=r"a\.sql:2: .*a file named by an expression"):
        sqlfile.load_sqlite(sql)
    assert victim.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.sql", "victim.db"]


@pytest.mark.parametrize(
    "pragma", ["hard_heap_limit=1", "soft_heap_limit=1", "MAIN.HARD_HEAP_LIMIT = 1"]
)
def test_sqlite_process_wide_heap_limits_are_refused(pragma: str, tmp_path: Path) -> None:
    sql = tmp_path / "p.sql"
    sql.write_text(f"CREATE TABLE t (id INTEGER PRIMARY KEY);\nPRAGMA {pragma};\n")
    with pytest.raises(UsageError, match=r"p\.sql:2: PRAGMA \w+_heap_limit is refused"):
        sqlfile.load_sqlite(sql)
    sqlite3.connect(":memory:").execute("SELECT randomblob(1000000)").fetchone()  # still works


def test_a_sqlite_file_that_never_ends_is_stopped(tmp_path: Path) -> None:
    sql = tmp_path / "forever.sql"
    sql.write_text(
        "CREATE TABLE t (id INTEGER PRIMARY KEY);\n"
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c;\n"
    )
    with pytest.raises(UsageError, match=r"forever\.sql: loading took longer than 1 s"):
        sqlfile.load_sqlite(sql, timeout=1)


def test_a_postgresql_file_that_never_ends_is_cancelled(tmp_path: Path, pg_server: str) -> None:
    sql = tmp_path / "sleep.sql"
    sql.write_text("CREATE TABLE t (id integer PRIMARY KEY);\nSELECT pg_sleep(1000);\n")
    with (
        pytest.raises(UsageError, match=r"sleep\.sql: loading took longer than 1 s"),
        sqlfile.load_postgresql(sql, pg_server, timeout=1),
    ):
        pass
    engine = sa.create_engine(pg_server, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        left = conn.execute(
            sa.text(
                "SELECT (SELECT count(*) FROM pg_database WHERE datname LIKE 'twinschema_sql%'),"
                " (SELECT count(*) FROM pg_roles WHERE rolname LIKE 'twinschema_load%')"
            )
        ).one()
    engine.dispose()
    assert tuple(left) == (0, 0)  # the scratch database and the load role are gone


def _sleeping_backend(server_url: str) -> tuple[int, object] | None:
    """The backend running a SQL file's ``pg_sleep(100)`` and when that statement started."""
    engine = sa.create_engine(server_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                sa.text(
                    "SELECT pid, query_start FROM pg_stat_activity WHERE state = 'active' "
                    "AND query LIKE '%pg_sleep(100)%' AND pid <> pg_backend_pid()"
                )
            ).first()
    finally:
        engine.dispose()
    return None if row is None else (int(row[0]), row[1])


def test_a_file_cancelled_from_outside_is_not_run_again_to_find_its_line(
    tmp_path: Path, pg_server: str
) -> None:
    """An administrator's pg_cancel_backend ends the load: 'canceling statement' on the run's
    lines, and the run is not replayed to find the statement (the replay ran the pg_sleep
    again, in full). Witness: no backend starts that pg_sleep again before the load ends."""
    sql = tmp_path / "x.sql"
    sql.write_text("CREATE TABLE t (id integer PRIMARY KEY);\nSELECT pg_sleep(100);\n")
    raised: list[BaseException] = []

    def load() -> None:
        try:
            with sqlfile.load_postgresql(sql, pg_server):
                pass
        except BaseException as exc:  # reported by the test, in its own thread
            raised.append(exc)

    loader = threading.Thread(target=load, daemon=True)
    loader.start()
    found = None
    while found is None and loader.is_alive():
        threading.Event().wait(0.05)  # a poll, not a measure
        found = _sleeping_backend(pg_server)
    assert found is not None, raised
    backend, started = found
    admin(pg_server, f"SELECT pg_cancel_backend({backend})")
    while loader.is_alive():
        again = _sleeping_backend(pg_server)
        assert again is None or again[1] == started, "the cancelled run was replayed"
        loader.join(0.05)
    assert len(raised) == 1 and isinstance(raised[0], UsageError), raised
    assert str(raised[0]) == f"{sql}:1-2: canceling statement due to user request"


def test_a_statement_timeout_of_the_file_still_names_the_statement(
    tmp_path: Path, pg_server: str
) -> None:
    """The near miss: a run cancelled by the file's own statement_timeout is replayed (the
    timeout ends the replay too), and the error names the statement's line."""
    sql = tmp_path / "x.sql"
    sql.write_text(
        "SET statement_timeout = '300ms';\n"
        "CREATE TABLE t (id integer PRIMARY KEY);\n"
        "SELECT pg_sleep(100);\n"
    )
    with (
        pytest.raises(UsageError) as raised,
        sqlfile.load_postgresql(sql, pg_server),
    ):
        pass
    assert str(raised.value) == f"{sql}:3: canceling statement due to statement timeout"
