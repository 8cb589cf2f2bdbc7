"""Helpers shared by the bad-input, security and fault tests: roles on a real PostgreSQL server,
and a dedicated embedded server that really checks passwords.

The session's embedded server trusts every connection over its Unix socket (pgserver runs initdb
with ``--auth=trust``), so it cannot refuse a wrong password. ``password_server`` starts another
embedded server in a temporary directory and puts ``scram-sha-256`` first in its ``pg_hba.conf``
for the roles it creates, so a wrong password is refused exactly as a production server would.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import traceback
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from support import testing

from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect_kwargs
from twinschema.servers import embedded
from twinschema.urls import parse_url

ROOT = Path(__file__).resolve().parent.parent
TWINSCHEMA = str(ROOT / ".venv" / "bin" / "twinschema")
PYTHON = sys.executable

# The role that the password server authenticates by password; every other role is trusted.
PASSWORD_ROLE = "secretuser"
PASSWORD = "S3cr3t-P@ss"


def admin(server_url: str, *statements: str, database: str | None = None) -> None:
    """Run statements in autocommit as the server's administrator (on ``database`` if given)."""
    url = make_url(server_url)
    if database is not None:
        url = url.set(database=database)
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            for statement in statements:
                conn.execute(sa.text(statement))
    finally:
        engine.dispose()


def as_role(db_url: str, role: str, password: str | None = None) -> str:
    """``db_url`` connecting as ``role`` (with ``password`` if given)."""
    url = make_url(db_url).set(username=role, password=password)
    return url.render_as_string(hide_password=False)


@contextmanager
def role(server_url: str, prefix: str = "ts_role", password: str = "pw-unused") -> Iterator[str]:
    """A new LOGIN role with no privileges for the block; its name. Dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin(server_url, f"CREATE ROLE {name} LOGIN PASSWORD '{password}'")
    try:
        yield name
    finally:
        # Its grants live in the scratch databases, which are dropped by their own fixtures.
        for _ in range(20):
            try:
                admin(server_url, f"DROP ROLE IF EXISTS {name}")
                break
            except sa.exc.DBAPIError:  # still owns grants in a database not dropped yet
                time.sleep(0.1)


@dataclass
class PasswordServer:
    """A dedicated embedded server; ``PASSWORD_ROLE`` must give ``PASSWORD`` to connect."""

    admin_url: str  # the trusted superuser, maintenance database
    datadir: Path

    def url(self, database: str, user: str = PASSWORD_ROLE, password: str | None = PASSWORD) -> str:
        """A URL to ``database`` as ``user`` (the password goes in the URL when given)."""
        return as_role(
            make_url(self.admin_url).set(database=database).render_as_string(hide_password=False),
            user,
            password,
        )


@contextmanager
def password_server(workdir: Path | None = None) -> Iterator[PasswordServer]:
    """Start an embedded server that checks ``PASSWORD_ROLE``'s password (scram-sha-256).

    Without ``workdir`` it lives in a new directory of its own under the system temp dir (not
    pytest's shared basetemp, which another test run on the machine may prune), removed after.
    """
    own = workdir is None
    base = Path(tempfile.mkdtemp(prefix="twinschema-pw-")) if workdir is None else workdir
    server = embedded.start(base / "pg", delete=True)
    try:
        hba = server.datadir / "pg_hba.conf"
        rule = f"local all {PASSWORD_ROLE} scram-sha-256\n"
        hba.write_text(rule + hba.read_text())
        url = server.url()
        testing.without_durability(url)
        admin(
            url,
            "SET password_encryption = 'scram-sha-256'",
            f"CREATE ROLE {PASSWORD_ROLE} LOGIN PASSWORD '{PASSWORD}'",
            "SELECT pg_reload_conf()",
        )
        _wait_until_password_checked(url)
        yield PasswordServer(admin_url=url, datadir=server.datadir)
    finally:
        server.stop()
        if own:
            shutil.rmtree(base, ignore_errors=True)


def _wait_until_password_checked(admin_url: str) -> None:
    """The postmaster re-reads pg_hba.conf asynchronously: wait (bounded) until a wrong password
    for ``PASSWORD_ROLE`` is really refused."""
    wrong = as_role(admin_url, PASSWORD_ROLE, "not-the-password")
    for _ in range(600):
        engine = sa.create_engine(wrong, poolclass=sa.pool.NullPool)
        try:
            with engine.connect():
                pass
        except sa.exc.OperationalError:
            return
        finally:
            engine.dispose()
        time.sleep(0.05)
    raise AssertionError("the password server never started checking passwords")


@contextmanager
def scratch(server_url: str) -> Iterator[str]:
    """A new database on ``server_url`` (see ``twinschema.testing.scratch_database``)."""
    with testing.scratch_database(server_url) as url:
        yield url


# What the outer test run (``make test``, pytest-xdist) leaves in its environment for the
# processes it starts: pytest's own variables (PYTEST_ADDOPTS, PYTEST_XDIST_WORKER, ...) and
# make's (MAKEFLAGS carries the outer command line's variables, PYTEST_ADDOPTS=... among them,
# to a nested make). A nested `make` or pytest run must see none of them.
OUTER_RUN_PREFIXES = ("PYTEST_",)
OUTER_RUN_VARIABLES = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")


def without_outer_run(env: dict[str, str]) -> dict[str, str]:
    """``env`` without what the outer test run and its make put there."""
    return {
        k: v
        for k, v in env.items()
        if not k.startswith(OUTER_RUN_PREFIXES) and k not in OUTER_RUN_VARIABLES
    }


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for a twinschema subprocess: no DATABASE_URL unless given, no PG* vars,
    nothing of the outer test run (``without_outer_run``)."""
    env = {
        k: v
        for k, v in without_outer_run(dict(os.environ)).items()
        if k not in ("DATABASE_URL", "LOCAL_DATABASE_URL", "TEST_DATABASE_URL")
        and not k.startswith("PG")
    }
    env.update(extra)
    return env


def run_cli(
    args: list[str], cwd: Path, env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``twinschema`` script, as a user would, and capture everything."""
    return subprocess.run(
        [TWINSCHEMA, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


# Where the module files outside the temporary root really are (symlinks resolved): the
# libraries' and this repository's files, which no test moves. ``forget_imports`` runs twice per
# in-process command and resolving each of the ~1,300 imported modules' files anew cost about
# 0.1 s of CPU each time (an lstat per path component); a scratch project's files (under the
# temporary root) are still resolved every time, since a test may make and remove them.
_RESOLVED_OUTSIDE_TEMP: dict[str, str] = {}
_TEMP = os.path.realpath(tempfile.gettempdir())


def _real_file(file: str) -> str:
    """``file`` with its symlinks resolved (remembered for an absolute path outside the
    temporary root: a relative one depends on the working directory)."""
    found = _RESOLVED_OUTSIDE_TEMP.get(file)
    if found is None:
        found = os.path.realpath(file)
        if os.path.isabs(file) and not (found + os.sep).startswith(_TEMP + os.sep):
            _RESOLVED_OUTSIDE_TEMP[file] = found
    return found


def forget_imports(root: Path) -> None:
    """Forget the modules imported from ``root`` and any ``schemas`` package (this repository's
    own is put back after the test by ``conftest._own_imports``), and the bytecode compiled from
    ``root``'s files: Python trusts a cached .pyc whose source has the same size and the same
    mtime second, so a same-size edit within the second of an earlier import (``String(20)`` to
    ``String(30)``) would otherwise be read as the file was before it."""
    for cache in root.rglob("__pycache__"):
        shutil.rmtree(cache, ignore_errors=True)
    importlib.invalidate_caches()
    under = str(root.resolve()) + os.sep
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if (
            name == "schemas"
            or name.startswith("schemas.")
            or (file and (_real_file(file) + os.sep).startswith(under))
        ):
            del sys.modules[name]


def invoke_cli(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the ``twinschema`` command in this process (click's ``CliRunner``) in ``cwd`` with
    exactly the environment ``env``, and capture what ``run_cli`` captures: the exit code, stdout
    and stderr, with the traceback an interpreter would print should anything escape.

    For the tests whose subject is what a command says and returns, not the process: it saves a
    new interpreter's start-up (imports of SQLAlchemy, Alembic, sqlglot) per command, which was
    most of the suite's time. The URLs a command remembers to mask are process state: each call
    starts with none, as a new process would, so a secret is never masked thanks to an earlier
    command of the same test run. So is the temporary folder Python settles on once per process:
    each call finds it afresh from ``env`` (``TMPDIR``), as a new process would."""
    import tempfile

    from click.testing import CliRunner

    from twinschema import urls
    from twinschema.cli import cli

    overrides: dict[str, str | None] = {k: None for k in os.environ if k not in env}
    overrides.update(env)
    previous = os.getcwd()
    settled_tempdir = tempfile.tempdir
    os.chdir(cwd)
    try:
        with urls.remembered_afresh():
            tempfile.tempdir = None  # read again from the command's TMPDIR, TEMP, TMP
            result = CliRunner().invoke(cli, args, env=overrides, prog_name="twinschema")
    finally:
        tempfile.tempdir = settled_tempdir
        os.chdir(previous)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    return subprocess.CompletedProcess([TWINSCHEMA, *args], result.exit_code, result.stdout, stderr)


def invoke_afresh(
    args: list[str], cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """``invoke_cli`` reading the project in ``cwd`` as a new process would: what an earlier
    command imported from it (its ``schemas``, its metadata modules) is forgotten before and
    after, and nothing is compiled to ``__pycache__``, so a file edited between two commands is
    read again, even a same-size edit within the same second that a cached .pyc would hide."""
    forget_imports(cwd)
    dont_write = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    try:
        return invoke_cli(args, cwd, env)
    finally:
        sys.dont_write_bytecode = dont_write
        forget_imports(cwd)


def check_afresh(project: Path, urls: dict[str, str], *layers: str) -> tuple[int, dict[str, Any]]:
    """``twinschema check --format json`` of ``layers`` on the two databases ``urls`` (by
    dialect), from ``project``, reading its modules afresh (they change between two checks);
    (exit code, report)."""
    args = ["check", "--format", "json", "--sqlite-url", urls["sqlite"]]
    args += ["--postgres-url", urls["postgresql"]]
    for layer in layers:
        args += ["--layer", layer]
    result = invoke_afresh(args, project, dict(os.environ))
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return result.returncode, json.loads(result.stdout)


# ---------------------------------------------------------------------------------------------
# A small project: pyproject.toml, domain.yaml, two metadata modules, a SQLite file.

DOMAIN = """\
version: 1
tables:
  items:
    columns:
      id: {kind: integer}
      name: {kind: text}
"""


def module_source(extra_column: bool = False) -> str:
    extra = '    sa.Column("note", sa.Text),\n' if extra_column else ""
    return (
        "import sqlalchemy as sa\n\n"
        "metadata = sa.MetaData()\n"
        'sa.Table(\n    "items",\n    metadata,\n'
        '    sa.Column("id", sa.Integer, primary_key=True),\n'
        '    sa.Column("name", sa.Text, nullable=False),\n'
        f"{extra})\n"
    )


@dataclass
class Project:
    """A project folder with uniquely named metadata modules (so in-process runs can import)."""

    root: Path
    sqlite_module: str
    postgres_module: str

    @property
    def sqlite(self) -> str:
        return f"sqlite:///{self.root / 'local.db'}"


def make_project(
    root: Path, domain: str = DOMAIN, sqlite_src: str = "", pg_src: str = ""
) -> Project:
    tag = uuid.uuid4().hex[:8]
    project = Project(root, f"sec_{tag}_sqlite", f"sec_{tag}_postgres")
    (root / "pyproject.toml").write_text(
        textwrap.dedent(f"""\
            [tool.twinschema]
            domain = "domain.yaml"
            connect_timeout = 3

            [tool.twinschema.sqlite]
            metadata = "{project.sqlite_module}:metadata"
            url_env = "LOCAL_DATABASE_URL"

            [tool.twinschema.postgresql]
            metadata = "{project.postgres_module}:metadata"
            url_env = "DATABASE_URL"
            """)
    )
    (root / "domain.yaml").write_text(domain)
    (root / f"{project.sqlite_module}.py").write_text(sqlite_src or module_source())
    (root / f"{project.postgres_module}.py").write_text(pg_src or module_source())
    build(project.sqlite, sqlite_src or module_source())
    return project


def build(url: str, source: str) -> None:
    """Create the tables a metadata module's source describes in the database at ``url``."""
    namespace: dict[str, Any] = {}
    exec(source, namespace)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        namespace["metadata"].create_all(engine)
    finally:
        engine.dispose()


@contextmanager
def secret_database(pw: PasswordServer) -> Iterator[str]:
    """A database on the password server, built from ``module_source()``, that ``secretuser``
    may read; its name. Its grants are dropped afterwards."""
    with scratch(pw.admin_url) as url:
        build(url, module_source())
        name = str(make_url(url).database)
        admin(
            url,
            f'GRANT CONNECT ON DATABASE "{name}" TO {PASSWORD_ROLE}',
            f"GRANT USAGE ON SCHEMA public TO {PASSWORD_ROLE}",
            f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {PASSWORD_ROLE}",
        )
        yield name
        admin(url, f"DROP OWNED BY {PASSWORD_ROLE}")


@contextmanager
def silent_listener() -> Iterator[tuple[int, list[socket.socket]]]:
    """A TCP listener on 127.0.0.1 that accepts connections and never says a word: its port,
    and the connections it accepted."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted: list[socket.socket] = []
    done = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not done.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], accepted
    finally:
        done.set()
        thread.join(timeout=10)
        for conn in accepted:
            conn.close()
        server.close()


# Chinook's one-column integer keys. Its PostgreSQL file gives them no default while SQLite's
# are rowid aliases: an insert that omits the id works on SQLite only, a real difference
# (tests/test_realworld.py). Tests that want the pair in sync give them identities.
CHINOOK_KEYS = (
    ("album", "album_id"), ("artist", "artist_id"), ("customer", "customer_id"),
    ("employee", "employee_id"), ("genre", "genre_id"), ("invoice", "invoice_id"),
    ("invoice_line", "invoice_line_id"), ("media_type", "media_type_id"),
    ("playlist", "playlist_id"), ("track", "track_id"),
)  # fmt: skip


def generate_chinook_keys(db_url: str) -> None:
    """Give Chinook's one-column keys on PostgreSQL ``GENERATED BY DEFAULT AS IDENTITY``, as
    SQLite's rowid aliases generate them, each standing past the ids in use (setval max)."""
    import sqlalchemy as sa

    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            for table, column in CHINOOK_KEYS:
                conn.execute(
                    sa.text(
                        f"ALTER TABLE {table} ALTER COLUMN {column} "
                        "ADD GENERATED BY DEFAULT AS IDENTITY"
                    )
                )
                # Past the rows the file wrote with their ids, as SQLite's rowid is: a new
                # identity stands at 1, and the next insert would fail (duplicate key).
                conn.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                        f"max({column})) FROM {table}"
                    )
                )
    finally:
        engine.dispose()


@contextmanager
def project_copy(prefix: str, pyproject: str, copied: tuple[str, ...]) -> Iterator[Path]:
    """A copy of this project's ``copied`` files with ``pyproject`` as its pyproject.toml, outside
    pytest's basetemp (the embedded server's unprivileged user must reach ``var/pg``); its
    embedded server stopped and the folder removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    for name in copied:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, folder / name)
    (folder / "pyproject.toml").write_text(pyproject)
    try:
        yield folder
    finally:
        embedded.stop(folder / "var" / "pg")
        shutil.rmtree(folder, ignore_errors=True)


def database_in_zone(url: str, zone: str, *statements: str) -> None:
    """Set the database's own TimeZone (``ALTER DATABASE``: what a new session gets) and run
    ``statements`` there."""
    with psycopg.connect(**connect_kwargs(parse_url(url), ReflectOptions()), autocommit=True) as c:
        database = c.execute("SELECT current_database()").fetchone()
        assert database is not None
        c.execute(f"ALTER DATABASE \"{database[0]}\" SET timezone = '{zone}'")
        for statement in statements:
            c.execute(statement.encode())


def notes_of(report: dict[str, Any], d: dict[str, Any]) -> str:
    """The notes of the comparison that found difference ``d`` in a JSON ``report``: what its
    hint refers to rather than repeats (stranger80 005: a database at its chain's head)."""
    return " ".join(
        n["text"]
        for layer in report["layers"]
        if (layer["name"], layer["left"], layer["right"])
        == (d["layer"], d["left_source"], d["right_source"])
        for n in layer["notes"]
    )
