"""Shared fixtures: real SQLite files and a real PostgreSQL server, never mocks.

The PostgreSQL server is ``TEST_DATABASE_URL`` when set, otherwise an embedded server started for
the session in a temporary directory (and deleted afterwards). ``DATABASE_URL`` is never read.
Each test that asks for a database gets a new, empty one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import pytest
from support import systempg
from support.dbpool import DatabasePool
from support.memory_temp import memory_root
from support.reaper import reap_after
from support.runtime_dir import make_private
from support.testing import in_utc

ROOT = Path(__file__).resolve().parent.parent

if str(ROOT) not in sys.path:  # the application's schemas/ package is imported by path
    sys.path.insert(0, str(ROOT))

from twinschema import testing  # noqa: E402
from twinschema.errors import DatabaseError  # noqa: E402
from twinschema.servers.scratch import SCRATCH_URL_ENV  # noqa: E402

if TYPE_CHECKING:  # imported where used: a project's copy of this file comes without them
    from pg_helpers import PasswordServer
    from probes import Loader

DIALECTS = ("sqlite", "postgresql")
# The application's own top-level package: scratch projects in tests have one of the same name.
_APP_PACKAGE = "schemas"


_APP_SUBMODULE = _APP_PACKAGE + "."


def _app_modules() -> dict[str, ModuleType]:
    # Run twice per test over every module of the worker (about 2,000 to 3,000): the prefix
    # test first, and the dotted prefix made once, not once per module.
    return {
        name: module
        for name, module in sys.modules.items()
        if name.startswith(_APP_PACKAGE)
        and (name == _APP_PACKAGE or name.startswith(_APP_SUBMODULE))
    }


def _scratch_modules(before: set[str]) -> list[str]:
    """Modules imported since ``before`` from a file under the temporary root: a scratch
    project's metadata modules (``app_sqlite``, ``sec_..._postgres``), not the libraries."""
    # Only the modules new since ``before`` are looked at, and the folders are resolved only
    # when one has a file: most tests import nothing new, and looking at every module's file and
    # resolving three folders (an lstat per path component) was about 0.9 ms of CPU per test.
    new = [(n, f) for n in sys.modules.keys() - before if (f := _file_of(sys.modules.get(n)))]
    if not new:
        return []
    temp = Path(tempfile.gettempdir()).resolve()
    # A clone of this repository may itself live under the temporary root (a CI checkout in
    # /tmp): its virtualenv's libraries and its own package are never a scratch project's.
    kept = (Path(sys.prefix).resolve(), Path(__file__).resolve().parent.parent)
    found = []
    for name, file in new:
        where = Path(file).resolve()
        if where.is_relative_to(temp) and not any(where.is_relative_to(k) for k in kept):
            found.append(name)
    return found


def _file_of(module: ModuleType | None) -> str | None:
    """The file a module was loaded from (None for a built-in or namespace module)."""
    file = getattr(module, "__file__", None)
    return file if isinstance(file, str) and file else None


# What this run keeps to itself, so that another run on the machine (a second clone's `make
# test`, the nested `make test` of test_migrations_layer) can neither remove nor lock it.
_RUN_DIR = pytest.StashKey[Path]()


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """The controller (or the only process) makes a folder of the run's own; its xdist workers
    and every process the tests start inherit it through the environment:

    - pytest's basetemp goes there, not to the shared ``/tmp/pytest-of-<user>``, where a run
      starting later prunes all but the 3 newest runs' folders (a running one's among them)
      and makes the folder private again;
    - ``XDG_RUNTIME_DIR`` too: pgserver serialises every server start of the machine on one
      lock file under it (``/tmp/runtime-<uid>`` when unset), so a run's server starts would
      wait on another run's. The servers of a run are in folders of its own, so a lock per run
      guards all that the lock is for (the holders of one data directory). The folder is
      private (0700): platformdirs 4.14 passes over any other for ``/tmp/runtime-<uid>``
      (``tests/test_run_isolation.py``);
    - ``TMPDIR`` too, where the machine has a memory file system with room (``/dev/shm``,
      ``support.memory_temp``) and no ``TMPDIR`` was given: the folder is made there, and every
      temporary file of the run (the servers' data, the SQLite files, the projects) goes to its
      ``tmp/``, thrown away with it.

    A run started by a test (its environment without the outer run's PYTEST_* variables) makes
    a folder of its own too.
    """
    _stop_on_sigterm()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return  # a worker: the controller's folder came with its environment and options
    memory = None if os.environ.get("TMPDIR") else memory_root()
    run = Path(tempfile.mkdtemp(prefix="twinschema-run-", dir=memory))
    run.chmod(0o755)  # the embedded servers' own user may need a socket folder in runtime/
    temp = run  # where basetemp goes: under the temporary root, as a scratch project's files
    if memory is not None:  # must be (``_scratch_modules``, ``pg_helpers.forget_imports``)
        temp = run / "tmp"
        temp.mkdir()
        temp.chmod(0o1777)  # as /tmp: the servers' own user makes folders there too
        os.environ["TMPDIR"] = str(temp)
        tempfile.tempdir = None  # read again from TMPDIR by this process's next mkdtemp
    (run / "runtime").mkdir(mode=0o700)  # pgserver opens it up itself when it puts one there
    os.environ["XDG_RUNTIME_DIR"] = str(run / "runtime")
    if config.option.basetemp is None:
        config.option.basetemp = str(temp / "basetemp")
    config.stash[_RUN_DIR] = run


def _stop_on_sigterm() -> None:
    """SIGTERM (a CI job cancelled, ``timeout``, ``kill``) ends this process as Ctrl-C does: the
    tests' teardown runs, so every server a test or the session started is stopped by the code
    that started it (a process killed by the default action would leave them running)."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        with contextlib.suppress(ValueError):  # not the main thread: keep the default
            signal.signal(signal.SIGTERM, interrupt)


def pytest_runtest_logfinish() -> None:
    """After each test, the run's ``XDG_RUNTIME_DIR`` is private again: pgserver opens it to
    others (g+rx, o+rx) when a server's data folder is too deep for a socket path and the
    socket goes under it, and platformdirs would then give every process started later the
    machine-wide lock (see ``pytest_configure``), not the one this run's other processes hold.
    It waits for a server start of another worker in progress (``support/runtime_dir.py``).
    The servers' clients are this run's processes (root, or the owner): a running server is
    reached as before."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).parent.name.startswith("twinschema-run-"):
        with contextlib.suppress(OSError):
            make_private(Path(runtime))


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """The run's folder is removed at its end, pytest's basetemp with it, whatever the outcome
    (pytest's own would be pruned by later runs; this one nothing else removes: the nested
    `make test` of test_migrations_layer fails on purpose, and left one behind each time)."""
    run = session.config.stash.get(_RUN_DIR, None)
    if run is not None:
        shutil.rmtree(run, ignore_errors=True)


@pytest.fixture(autouse=True)
def _own_imports() -> Iterator[None]:
    """Each test imports the ``schemas`` package it means: an in-process command run from a
    scratch project's folder imports that project's ``schemas``, which must neither be shadowed
    by this repository's (already imported) nor shadow it for the tests after. Likewise a
    scratch project's own metadata modules are forgotten after its test, so the next test's
    module of the same name (``app_sqlite``) is imported from its own folder, as a new process
    would."""
    saved = _app_modules()
    path = list(sys.path)
    before = set(sys.modules)
    for name in saved:
        del sys.modules[name]
    try:
        yield
    finally:
        for name in _app_modules():
            del sys.modules[name]
        for name in _scratch_modules(before):
            del sys.modules[name]
        sys.modules.update(saved)
        sys.path[:] = path


@pytest.fixture(scope="session", autouse=True)
def pg_server() -> Iterator[str]:
    """URL of the session's PostgreSQL server (its maintenance database).

    Started for every session (autouse): a command that needs scratch databases and is run
    from this repository (``check`` in ROOT, in-process) would otherwise, in a worker that had
    not yet run a test asking for this server, start the repository's own server in var/.

    Its data lives in a directory of its own under the system temp dir, not under pytest's
    basetemp: pytest keeps that private (0700) and re-applies it whenever a session starts,
    which would lock out the unprivileged user the embedded server runs as under root.
    """
    workdir = Path(tempfile.mkdtemp(prefix="twinschema-test-"))
    reap_after(workdir)  # should this process die without its teardown
    try:
        with testing.postgres_server(workdir) as url:
            if not os.environ.get(testing.TEST_URL_ENV):  # a server given is left as it is
                in_utc(url)
            # Scratch databases (SQL files, the migrations layer) go to this server too, never
            # to the project's own embedded server under var/.
            previous = os.environ.get(SCRATCH_URL_ENV)
            os.environ[SCRATCH_URL_ENV] = url
            try:
                yield url
            finally:
                if previous is None:
                    os.environ.pop(SCRATCH_URL_ENV, None)
                else:
                    os.environ[SCRATCH_URL_ENV] = previous
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


# The shared extra servers below are started by the worker that first asks for one: the tests
# that use one are marked with its xdist group ("system-postgresql", "password-server"), so one
# worker runs them all and the server is started once per run, not once per module and worker.
EMBEDDED_MAJOR = 16


@pytest.fixture(scope="session")
def system_pg() -> Iterator[systempg.SystemServer]:
    """The system's PostgreSQL (the second major the tests prove, built with ICU, with PostGIS),
    started once for the session in a temporary directory of its own (as an unprivileged user
    under root), stopped and deleted afterwards. Its users (test_versions, test_collation_icu,
    test_extension_types) each work in scratch databases of their own on it."""
    try:
        major, bindir = systempg.find_bindir(exclude=(EMBEDDED_MAJOR,))
    except DatabaseError as exc:
        pytest.fail(f"the second PostgreSQL major is missing: {exc}", pytrace=False)
    with systempg.system_server(bindir, major) as server:  # reaped should this process die
        yield server


@pytest.fixture(scope="session")
def password_pg() -> Iterator[PasswordServer]:
    """An embedded server that checks ``secretuser``'s password (``pg_helpers.password_server``),
    started once for the session and stopped by it; its users (test_security,
    test_hostile_input, test_bad_input) create and drop scratch databases of their own on it."""
    from pg_helpers import password_server

    workdir = Path(tempfile.mkdtemp(prefix="twinschema-pw-"))
    reap_after(workdir)
    try:
        with password_server(workdir) as server:
            yield server
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def outer_run_options(monkeypatch: pytest.MonkeyPatch) -> None:
    """The options an outer run may give its own pytest, as ``make test PYTEST_ADDOPTS=...``
    does: in PYTEST_ADDOPTS and in make's MAKEFLAGS (which a nested make reads). A test that
    starts a nested pytest or ``make test`` takes this fixture to prove its run sees none of them
    (``pg_helpers.without_outer_run``)."""
    monkeypatch.setenv("PYTEST_ADDOPTS", "-qq --durations=3")
    monkeypatch.setenv("MAKEFLAGS", r" -- TEST_WORKERS=7 PYTEST_ADDOPTS=-qq\ --durations=3")


@pytest.fixture
def private_dir() -> Iterator[Path]:
    """A new directory for a test's own embedded server, removed afterwards.

    Not under pytest's basetemp: pytest makes that private (0700) again whenever another test
    run starts on the machine, which locks out the unprivileged user the server runs as under
    root, and it prunes old runs' folders while a server may still live in one.
    """
    path = Path(tempfile.mkdtemp(prefix="twinschema-test-"))
    reap_after(path)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_databases(pg_server: str) -> Iterator[DatabasePool]:
    """The session's empty PostgreSQL databases, reset and reused (``support.dbpool``)."""
    pool = DatabasePool(pg_server)
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture
def pg_url(pg_databases: DatabasePool) -> Iterator[str]:
    """URL of an empty PostgreSQL database: a new one, or one a test before used that was reset
    until its catalogs are a new database's (else dropped); never shared with another test."""
    with pg_databases.database() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """URL of a SQLite file path in the test's temporary directory (not created yet)."""
    return testing.sqlite_url(tmp_path / "test.db")


@pytest.fixture(params=DIALECTS)
def dialect(request: pytest.FixtureRequest) -> str:
    """Each test that takes it runs once per dialect."""
    return str(request.param)


@pytest.fixture
def db_url(dialect: str, request: pytest.FixtureRequest) -> str:
    """URL of a new, empty database of ``dialect``."""
    fixture = "sqlite_url" if dialect == "sqlite" else "pg_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture(scope="module")
def loader(pg_databases: DatabasePool) -> Iterator[Loader]:
    """The probe cases' ``Loader`` of a test module, on an empty database of its own from the
    session's pool (``pg_url``'s: one a new database cannot be told from by its catalogs),
    closed and given back after the module's tests. 44 modules ask, each in every worker
    that runs one of its tests: a CREATE and a DROP DATABASE each (0.4-2 s on the 2-core
    machine) were most of a small module's time; a reset with its catalog check took about
    0.2 s under load."""
    from probes import Loader

    with pg_databases.database() as url:
        found = Loader(url)
        try:
            yield found
        finally:
            found.close()


@pytest.fixture
def migrated(sqlite_url: str, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """The project's two databases, fresh and migrated to head (``twinschema migrate`` from the
    repository's root, as a user runs it)."""
    from click.testing import CliRunner

    from twinschema.cli import cli

    monkeypatch.chdir(ROOT)
    env = {"LOCAL_DATABASE_URL": sqlite_url, "DATABASE_URL": pg_url}
    for side in ("local", "remote"):
        result = CliRunner().invoke(cli, ["migrate", side], env=env, catch_exceptions=False)
        assert result.exit_code == 0
    return sqlite_url, pg_url


_CHINOOK = ROOT / "tests" / "fixtures" / "realworld" / "chinook"


@pytest.fixture
def chinook_sqlite(tmp_path: Path) -> str:
    """Chinook on a SQLite file of the test's own (``Chinook_Sqlite.sql``); its URL."""
    from support.testing import sqlite_file

    script = (_CHINOOK / "Chinook_Sqlite.sql").read_text(encoding="utf-8")
    return sqlite_file(tmp_path / "chinook.db", script)


@pytest.fixture
def chinook_pg(pg_server: str) -> Iterator[str]:
    """Chinook on PostgreSQL, its one-column keys generated as SQLite's rowid aliases are
    (``pg_helpers.generate_chinook_keys``): the pair in sync that init's tests want."""
    from pg_helpers import generate_chinook_keys

    from twinschema.sources import sqlfile

    with sqlfile.load_postgresql(_CHINOOK / "Chinook_PostgreSql.sql", pg_server) as url:
        generate_chinook_keys(url)
        yield url
