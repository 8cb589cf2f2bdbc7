"""``twinschema init`` writes a whole project that passes on the first run (issue 13).

Each test starts from an empty folder and two real databases (a SQLite file, a database on the
session's PostgreSQL server):

* ``init --stamp`` writes domain.yaml, ``[tool.twinschema]`` in pyproject.toml (variable names,
  never a URL), both metadata modules with their domain loader, both Alembic environments and a
  baseline revision each, and records both databases at that baseline;
* ``twinschema check``, with the two URLs in the variables ``url_env`` names, exits 0 where the
  databases agree, and reports exactly what ``diff --domain`` reports on the two databases;
* one column added to both metadata modules, then ``revision``, ``migrate local`` and
  ``migrate remote``: the check is green again;
* what init writes does not depend on ``PYTHONHASHSEED``.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from twinschema import sqlfile, testing
from twinschema.cli import cli

REALWORLD = Path(__file__).parent / "fixtures" / "realworld"
CHINOOK = REALWORLD / "chinook"
ENV = {"sqlite": "LOCAL_DATABASE_URL", "postgresql": "DATABASE_URL"}


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def execute(url: str, *statements: str) -> None:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(sa.text(statement))
    finally:
        engine.dispose()


def versions(url: str) -> list[str]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return sorted(conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())
    finally:
        engine.dispose()


def adopt(project: Path, sqlite_url: str, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Result:
    """``init --stamp`` in the empty folder ``project``, then the URLs in the environment."""
    project.mkdir()
    monkeypatch.chdir(project)
    for name in ENV.values():
        monkeypatch.delenv(name, raising=False)
    result = invoke("init", "--sqlite-url", sqlite_url, "--postgres-url", pg_url, "--stamp")
    assert result.exit_code == 0, result.output
    monkeypatch.setenv(ENV["sqlite"], sqlite_url)
    monkeypatch.setenv(ENV["postgresql"], pg_url)
    return result


def check() -> tuple[int, dict[str, Any]]:
    result = invoke("check", "--format", "json")
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def diff(sqlite_url: str, pg_url: str) -> tuple[int, dict[str, Any]]:
    result = invoke("diff", sqlite_url, pg_url, "--domain", "domain.yaml", "--format", "json")
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def kinds(report: dict[str, Any]) -> Counter[tuple[str, str, str | None]]:
    """What a report found, once per (kind, table, column), whichever layer found it."""
    return Counter({(d["kind"], d["table"], d["column"]) for d in report["differences"]})


def details(report: dict[str, Any]) -> str:
    return "\n".join(
        f"{d['layer']} {d['kind']} {d['table']}.{d['column']}: {d['message']}"
        for d in report["differences"]
    )


def assert_green(sqlite_url: str, pg_url: str) -> None:
    """``check`` exits 0 with no difference, and ``diff --domain`` agrees."""
    code, report = check()
    assert report["differences"] == [], details(report)
    assert code == 0, report["layers"]
    assert all(layer["status"] == "in_sync" for layer in report["layers"]), report["layers"]
    assert diff(sqlite_url, pg_url)[1]["differences"] == []


# ---------------------------------------------------------------------------------------------
# Chinook


@pytest.fixture
def chinook_sqlite(tmp_path: Path) -> str:
    script = (CHINOOK / "Chinook_Sqlite.sql").read_text(encoding="utf-8")
    return testing.sqlite_file(tmp_path / "chinook.db", script)


@pytest.fixture
def chinook_pg(pg_server: str) -> Iterator[str]:
    with sqlfile.load_postgresql(CHINOOK / "Chinook_PostgreSql.sql", pg_server) as url:
        yield url


def test_chinook_init_stamp_then_check_is_green(
    chinook_sqlite: str, chinook_pg: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "app"
    result = adopt(project, chinook_sqlite, chinook_pg, monkeypatch)
    for path in (
        "domain.yaml", "pyproject.toml", "schemas/__init__.py", "schemas/domain.py",
        "schemas/sqlite.py", "schemas/postgres.py",
        "migrations_sqlite/alembic.ini", "migrations_sqlite/env.py",
        "migrations_sqlite/script.py.mako", "migrations_sqlite/versions/0001_baseline_sqlite.py",
        "migrations_postgres/alembic.ini", "migrations_postgres/env.py",
        "migrations_postgres/script.py.mako",
        "migrations_postgres/versions/0001_baseline_postgresql.py",
    ):  # fmt: skip
        assert (project / path).is_file(), (path, result.output)
    assert versions(chinook_sqlite) == ["0001_baseline_sqlite"]
    assert versions(chinook_pg) == ["0001_baseline_postgresql"]
    config = tomllib.loads((project / "pyproject.toml").read_text("utf-8"))["tool"]["twinschema"]
    assert {d: config[d]["url_env"] for d in ENV} == ENV
    assert "postgresql://" not in (project / "pyproject.toml").read_text("utf-8")
    assert_green(chinook_sqlite, chinook_pg)
