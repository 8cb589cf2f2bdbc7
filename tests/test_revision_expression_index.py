"""An expression index in both metadata modules, through ``twinschema revision`` (found by a new
user, 2026-12-02, stranger23 item 6).

SQLAlchemy cannot reflect a SQLite index on an expression, and Alembic's autogenerate skips one
on SQLite with a warning: the SQLite twin was written empty while the PostgreSQL one created the
index. ``alembic_indexes`` writes it by name: created where the database lacks it, dropped where
the module lost it, each with its downgrade. Checked on real databases: both chains migrate, the
SQLite file holds the index (and, once dropped, does not; downgraded, holds it again), the
migrations layer finds both chains equal to their modules, and no warning reaches stderr.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pg_helpers import invoke_afresh
from test_migrate_safety import CHAIN, SIDE, URL_ENV, scratch_project
from test_revision import edit, revision_cli

from twinschema.alembic_indexes import is_expression_index

INDEX = "ix_profiles_tier_key"
LINE = "    sa.Column(p.tier, sa.Text),\n"
DECLARED = f"    sa.Index({INDEX!r}, sa.text(\"coalesce(tier, '')\")),\n"


def sqlite_indexes(url: str) -> dict[str, str]:
    """The SQLite file's index statements, by name."""
    with sqlite3.connect(sa.make_url(url).database or "") as lite:
        rows = lite.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'").fetchall()
    return {str(name): str(sql) for name, sql in rows}


def migrate(project: Path, dialect: str, url: str, *args: str) -> None:
    environ = {k: v for k, v in os.environ.items() if k not in URL_ENV.values()}
    done = invoke_afresh(
        ["migrate", SIDE[dialect], *args], project, {**environ, URL_ENV[dialect]: url}
    )
    assert done.returncode == 0, done.stdout + done.stderr


def revision(project: Path, pg_server: str, message: str) -> tuple[str, str]:
    """``twinschema revision -m message``: the upgrade and downgrade text of its SQLite twin."""
    result = revision_cli(project, pg_server, "-m", message)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "empty" not in result.stdout, result.stdout
    assert "Warning" not in result.stderr, result.stderr
    (path,) = (project / CHAIN["sqlite"] / "versions").glob(f"*_{message}_sqlite.py")
    upgrade, downgrade = path.read_text().replace('"', "'").split("def downgrade")
    # PostgreSQL reflects expression indexes: Alembic writes it there, once (nothing added).
    (twin,) = (project / CHAIN["postgresql"] / "versions").glob(f"*_{message}_postgresql.py")
    assert twin.read_text().count(f"{INDEX}'") == 2, twin.read_text()
    return upgrade, downgrade


def test_an_expression_index_is_written_into_the_sqlite_twin_both_ways(
    tmp_path: Path, pg_server: str, sqlite_url: str, pg_url: str
) -> None:
    project = scratch_project(tmp_path)
    urls = {"sqlite": sqlite_url, "postgresql": pg_url}
    for module in ("sqlite", "postgres"):
        edit(project / "schemas" / f"{module}.py", LINE, LINE + DECLARED)
    upgrade, downgrade = revision(project, pg_server, "tier_key")
    created = f"create_index('{INDEX}', [sa.literal_column('coalesce(tier, '')')]"
    assert created in upgrade, upgrade
    assert f"drop_index('{INDEX}')" in downgrade, downgrade
    for dialect, url in urls.items():
        migrate(project, dialect, url)
    assert "coalesce(tier, '')" in sqlite_indexes(sqlite_url)[INDEX]

    # Out of both modules: the SQLite twin drops it, and its downgrade makes it as it was.
    for module in ("sqlite", "postgres"):
        edit(project / "schemas" / f"{module}.py", DECLARED, "")
    upgrade, downgrade = revision(project, pg_server, "no_tier_key")
    assert f"drop_index('{INDEX}')" in upgrade, upgrade
    assert created in downgrade, downgrade
    for dialect, url in urls.items():
        migrate(project, dialect, url)
    assert INDEX not in sqlite_indexes(sqlite_url)

    # Both chains build their modules, and undo what they do, in the migrations layer.
    flags = ["--sqlite-url", sqlite_url, "--postgres-url", pg_url]
    check = invoke_afresh(["check", "--layer", "migrations", *flags], project, dict(os.environ))
    assert check.returncode == 0, check.stdout + check.stderr
    migrate(project, "sqlite", sqlite_url, "--to", "0002_tier_key_sqlite", "--yes-downgrade")
    assert "coalesce(tier, '')" in sqlite_indexes(sqlite_url)[INDEX]


@pytest.mark.parametrize(
    ("elements", "expression"),
    [
        ([sa.text("lower(tier)")], True),
        ([sa.literal_column("tier"), sa.text("lower(tier)")], True),
        # Near misses: columns only, by name or as objects.
        (["tier"], False),
        (["tier", "id"], False),
    ],
)
def test_only_an_index_on_an_expression_is_one(elements: list[Any], expression: bool) -> None:
    table = sa.Table("t", sa.MetaData(), sa.Column("id", sa.Integer), sa.Column("tier", sa.Text))
    index = sa.Index("ix", *elements, _table=table)
    assert is_expression_index(index) is expression
