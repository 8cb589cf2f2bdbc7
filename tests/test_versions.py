"""The supported versions README.md states, proved on real servers (issue 7).

* PostgreSQL: two majors, the embedded server (pgserver's 16) and the system's (the distribution's
  ``/usr/lib/postgresql/<major>/bin``, 15 on Debian 12), started here in a temporary directory
  (``twinschema.systempg``). On each: the project's migrations upgrade an empty database to head,
  the live layer of ``check`` finds it in sync with the metadata, the adapter reflects Sakila's
  PostgreSQL schema, and the Sakila diff against SQLite gives exactly ``sakila/expected.json``.
* SQLite: the library Python's ``sqlite3`` links, with the features the adapter relies on (PRAGMA
  table-valued functions, ``pragma_table_xinfo``, partial indexes, read-only URIs).
* Python and the libraries: the running versions satisfy ``pyproject.toml``.

Missing system binaries fail the session with what to install; nothing is skipped.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import sys
import tempfile
import tomllib
from collections import Counter
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from packaging.requirements import Requirement
from support import systempg, testing

from twinschema.cli import cli
from twinschema.config import load_config
from twinschema.dialects import ReflectOptions
from twinschema.errors import DatabaseError
from twinschema.migrations import migrate_chain, migrate_connect
from twinschema.servers import embedded
from twinschema.sources import reflect_url, sqlfile
from twinschema.urls import parse_url

# One worker runs every test on the system PostgreSQL (conftest's system_pg), started once.
pytestmark = pytest.mark.xdist_group("system-postgresql")

ROOT = Path(__file__).resolve().parent.parent
SAKILA = Path(__file__).parent / "fixtures" / "realworld" / "sakila"
CONFIG = load_config(ROOT / "pyproject.toml")

# What README.md's "Supported versions" states.
POSTGRES_MAJORS = {"embedded": 16, "system": 15}
# Generated columns (hidden in pragma_table_xinfo) are 3.31; pragma_table_xinfo 3.26; table-valued
# PRAGMAs with a schema argument 3.16; partial indexes 3.8.
SQLITE_MINIMUM = (3, 31, 0)
SERVERS = tuple(POSTGRES_MAJORS)


# ---------------------------------------------------------------------------------------------
# The two servers


@pytest.fixture(scope="session")
def embedded_pg(pg_server: str) -> Iterator[str]:
    """The embedded server: the session's own, unless TEST_DATABASE_URL points elsewhere."""
    if not os.environ.get(testing.TEST_URL_ENV):
        yield pg_server
        return
    workdir = Path(tempfile.mkdtemp(prefix="twinschema-embedded-"))
    server = embedded.start(workdir / "pg", delete=True)
    try:
        yield server.url()
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(params=SERVERS)
def server(request: pytest.FixtureRequest) -> tuple[str, str]:
    """``(which, url)`` of each server's maintenance database, in turn."""
    which = str(request.param)
    if which == "system":
        return which, request.getfixturevalue("system_pg").url()
    return which, str(request.getfixturevalue("embedded_pg"))


@pytest.fixture
def server_db(server: tuple[str, str]) -> Iterator[tuple[str, str]]:
    """``(which, url)`` of a new, empty database on each server."""
    which, url = server
    with testing.scratch_database(url) as db:
        yield which, db


def scalar(url: str, query: str) -> Any:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(query)).scalar()
    finally:
        engine.dispose()


def test_each_server_is_the_major_readme_states(server: tuple[str, str]) -> None:
    which, url = server
    number = int(scalar(url, "SHOW server_version_num"))
    assert number // 10000 == POSTGRES_MAJORS[which], (
        f"the {which} PostgreSQL is {number}; README.md states major {POSTGRES_MAJORS[which]}"
    )


def test_the_two_servers_are_two_majors(embedded_pg: str, system_pg: systempg.SystemServer) -> None:
    majors = {
        int(scalar(url, "SHOW server_version_num")) // 10000
        for url in (embedded_pg, system_pg.url())
    }
    assert majors == set(POSTGRES_MAJORS.values())
    assert system_pg.major == POSTGRES_MAJORS["system"]


def test_missing_system_binaries_say_what_to_install(tmp_path: Path) -> None:
    """A machine without them fails with the package to install (the fixture installs nothing)."""
    (tmp_path / "15" / "bin").mkdir(parents=True)
    (tmp_path / "15" / "bin" / "psql").touch()  # a client alone is not a server
    with pytest.raises(DatabaseError, match=r"apt-get install -y postgresql-15"):
        systempg.find_bindir(root=tmp_path)
    assert systempg.installed_majors(tmp_path) == []


# ---------------------------------------------------------------------------------------------
# The key behaviours, on both majors


def upgrade(dialect: str, url: str) -> tuple[str, ...]:
    with migrate_connect.connect(migrate_chain.Target(dialect, parse_url(url))) as connection:
        migrate_chain.upgrade(migrate_chain.alembic_config(CONFIG, dialect, connection=connection))
        return migrate_chain.current_revisions(connection)


def test_migrations_upgrade_to_head(server_db: tuple[str, str]) -> None:
    _, url = server_db
    head = migrate_chain.head_revision(migrate_chain.alembic_config(CONFIG, "postgresql"))
    assert upgrade("postgresql", url) == (head,)


def test_live_layer_is_in_sync_after_migrating(
    server_db: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The metadata modules against the databases their chains built: no difference."""
    _, pg_url = server_db
    sqlite_url = testing.sqlite_url(tmp_path / "local.db")
    upgrade("sqlite", sqlite_url)
    upgrade("postgresql", pg_url)
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(
        cli,
        ["check", "--layer", "live", "--sqlite-url", sqlite_url, "--postgres-url", pg_url,
         "--format", "json"],
        catch_exceptions=False,
    )  # fmt: skip
    report = json.loads(result.stdout)
    assert report["differences"] == [], json.dumps(report["differences"], indent=2)
    assert result.exit_code == 0, result.output
    live = [layer for layer in report["layers"] if layer["name"] == "live"]
    assert live and all(layer["status"] == "in_sync" for layer in live), report["layers"]


@pytest.fixture
def sakila_pg(server: tuple[str, str]) -> Iterator[str]:
    _, url = server
    with sqlfile.load_postgresql(SAKILA / "postgres-sakila-schema.sql", url) as db:
        yield db


def test_the_adapter_reflects_sakila(sakila_pg: str) -> None:
    """Every table the file creates (partitions too), an enum type, an array, and the views the
    adapter reads with their definitions."""
    text = (SAKILA / "postgres-sakila-schema.sql").read_text(encoding="utf-8")
    created = set(re.findall(r"(?im)^CREATE TABLE (\w+)", text))
    schema = reflect_url(sakila_pg, ReflectOptions())
    assert set(schema.tables) == created
    film = schema.tables["film"]
    by_name = {c.name: c for c in film.columns}
    assert by_name["rating"].type.values == ("G", "PG", "PG-13", "R", "NC-17")
    assert by_name["special_features"].type.array
    assert film.primary_key == ("film_id",)
    views = [o for o in schema.objects if o.kind == "view"]
    assert len(views) == len(re.findall(r"(?im)^CREATE VIEW ", text))


def test_sakila_diff_gives_the_expected_findings(sakila_pg: str, tmp_path: Path) -> None:
    expected = json.loads((SAKILA / "expected.json").read_text(encoding="utf-8"))
    path = tmp_path / "sakila.db"
    conn = sqlite3.connect(path)
    try:
        conn.executescript((SAKILA / "sqlite-sakila-schema.sql").read_text(encoding="utf-8"))
    finally:
        conn.close()
    result = CliRunner().invoke(
        cli,
        ["diff", testing.sqlite_url(path), sakila_pg, "--format", "json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    found = Counter((d["kind"], d["table"], d["column"]) for d in report["differences"])
    wanted = Counter((d["kind"], d["table"], d["column"]) for d in expected["differences"])
    assert found == wanted, (
        f"missing: {sorted(map(str, (wanted - found).elements()))}\n"
        f"extra: {sorted(map(str, (found - wanted).elements()))}"
    )


# ---------------------------------------------------------------------------------------------
# SQLite: the library Python ships


def test_sqlite_is_the_library_python_ships() -> None:
    """SQLAlchemy's pysqlite driver and the adapter use the same library as ``sqlite3``."""
    assert sqlite3.sqlite_version_info >= SQLITE_MINIMUM, (
        f"SQLite {sqlite3.sqlite_version} is older than {'.'.join(map(str, SQLITE_MINIMUM))}"
    )
    assert scalar("sqlite://", "SELECT sqlite_version()") == sqlite3.sqlite_version


def test_sqlite_features_the_adapter_relies_on(tmp_path: Path) -> None:
    path = tmp_path / "features.db"
    conn = sqlite3.connect(path)
    try:
        conn.executescript(
            """
            CREATE TABLE t (
                id INTEGER PRIMARY KEY,
                email TEXT NOT NULL,
                deleted_at TEXT,
                lower_email TEXT GENERATED ALWAYS AS (lower(email)) VIRTUAL
            );
            CREATE UNIQUE INDEX ix_live_email ON t (email) WHERE deleted_at IS NULL;
            """
        )
        # PRAGMA table-valued functions with a schema argument, joined over sqlite_master.
        columns = conn.execute(
            "SELECT p.name, p.hidden FROM main.sqlite_master AS m "
            "JOIN pragma_table_xinfo(m.name, 'main') AS p WHERE m.name = 't' ORDER BY p.cid"
        ).fetchall()
        assert columns == [("id", 0), ("email", 0), ("deleted_at", 0), ("lower_email", 2)]
        partial = conn.execute(
            "SELECT l.name, l.partial FROM pragma_index_list('t', 'main') AS l"
        ).fetchall()
        assert partial == [("ix_live_email", 1)]
        info = conn.execute("SELECT name FROM pragma_index_info('ix_live_email')").fetchall()
        assert info == [("email",)]
    finally:
        conn.close()
    # The adapter, read-only through a URI, reads the partial index's predicate.
    schema = reflect_url(testing.sqlite_url(path), ReflectOptions())
    (index,) = schema.tables["t"].indexes
    assert index.unique and index.where is not None and "deleted_at" in index.where.lower()


# ---------------------------------------------------------------------------------------------
# Python and the libraries pyproject.toml names


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"[0-9]+", text)[:3])


def test_python_and_libraries_satisfy_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    python_min = re.fullmatch(r">=\s*([0-9.]+)", project["requires-python"])
    assert python_min is not None
    assert sys.version_info[:2] >= _version(python_min.group(1))
    for text in project["dependencies"]:
        requirement = Requirement(text)
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue  # for another Python (tomli: before 3.14)
        installed = metadata.version(requirement.name)
        assert requirement.specifier.contains(installed), (text, installed)
