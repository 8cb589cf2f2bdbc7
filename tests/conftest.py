"""Shared fixtures: real SQLite files and a real PostgreSQL server, never mocks.

The PostgreSQL server is ``TEST_DATABASE_URL`` when set, otherwise an embedded server started for
the session in a temporary directory (and deleted afterwards). ``DATABASE_URL`` is never read.
Each test that asks for a database gets a new, empty one.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from support.dbpool import DatabasePool

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the application's schemas/ package is imported by path
    sys.path.insert(0, str(ROOT))

from twinschema import testing  # noqa: E402
from twinschema.scratch import SCRATCH_URL_ENV  # noqa: E402

DIALECTS = ("sqlite", "postgresql")
# The application's own top-level package: scratch projects in tests have one of the same name.
_APP_PACKAGE = "schemas"


def _app_modules() -> dict[str, ModuleType]:
    return {
        name: module
        for name, module in sys.modules.items()
        if name == _APP_PACKAGE or name.startswith(_APP_PACKAGE + ".")
    }


def _scratch_modules(before: set[str]) -> list[str]:
    """Modules imported since ``before`` from a file under the temporary root: a scratch
    project's metadata modules (``app_sqlite``, ``sec_..._postgres``), not the libraries."""
    temp = Path(tempfile.gettempdir()).resolve()
    # A clone of this repository may itself live under the temporary root (a CI checkout in
    # /tmp): its virtualenv's libraries and its own package are never a scratch project's.
    kept = (Path(sys.prefix).resolve(), Path(__file__).resolve().parent.parent)
    found = []
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if name in before or not file:
            continue
        where = Path(file).resolve()
        if where.is_relative_to(temp) and not any(where.is_relative_to(k) for k in kept):
            found.append(name)
    return found


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


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """URL of the session's PostgreSQL server (its maintenance database).

    Its data lives in a directory of its own under the system temp dir, not under pytest's
    basetemp: pytest keeps that private (0700) and re-applies it whenever a session starts,
    which would lock out the unprivileged user the embedded server runs as under root.
    """
    workdir = Path(tempfile.mkdtemp(prefix="twinschema-test-"))
    try:
        with testing.postgres_server(workdir) as url:
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
