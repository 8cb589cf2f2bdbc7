"""SQLite's ON CONFLICT clauses: read from a live table's SQL and from a metadata module
(SQLAlchemy's ``sqlite_on_conflict*`` options) alike, and compared (found by a stranger's trial:
an ON CONFLICT REPLACE on one side only was "in sync")."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from probes import Loader, compare_texts

from twinschema.compare import Side, compare
from twinschema.dialects import ReflectOptions
from twinschema.sources import make_canonical, reflect_url
from twinschema.sources.metadata import from_metadata


def _model(replace: bool) -> sa.MetaData:
    metadata = sa.MetaData()
    extra = {"sqlite_on_conflict_unique": "REPLACE"} if replace else {}
    sa.Table(
        "users",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.Text, unique=True, **extra),
        sa.Column("name", sa.Text, nullable=False, sqlite_on_conflict_not_null="IGNORE"),
    )
    return metadata


def _kinds(model: sa.MetaData, url: str) -> list[tuple[str, str | None]]:
    options = ReflectOptions()
    left = make_canonical(from_metadata(model, "sqlite", "model", options), None)
    right = make_canonical(reflect_url(url, options), None)
    found = compare(Side(left, "model", "m"), Side(right, "live", "l"), layer="live")
    return [(d.kind, d.left or d.right) for d in found.differences]


def test_a_model_matches_the_database_it_built(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    engine = sa.create_engine(url)
    _model(replace=True).create_all(engine)
    engine.dispose()
    assert _kinds(_model(replace=True), url) == []


def test_a_clause_on_one_side_only_is_a_difference(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    engine = sa.create_engine(url)
    _model(replace=True).create_all(engine)
    engine.dispose()
    assert _kinds(_model(replace=False), url) == [
        ("dialect_object", "email UNIQUE ON CONFLICT REPLACE")
    ]


def test_a_constraint_option_is_found_and_options_read_but_unset_are_none(tmp_path: Path) -> None:
    # A table-constraint option (``sqlite_on_conflict``) counts as a column's does; a table
    # whose SQLite options were only read (here by its own CREATE TABLE) declares no clause.
    from twinschema.sources.metadata_parts import sqlite_conflicts

    metadata = sa.MetaData()
    declared = sa.Table(
        "pairs",
        metadata,
        sa.Column("a", sa.Integer),
        sa.Column("b", sa.Integer),
        sa.UniqueConstraint("a", "b", sqlite_on_conflict="ROLLBACK"),
    )
    plain = sa.Table("plain", metadata, sa.Column("a", sa.Integer, nullable=False, unique=True))
    metadata.create_all(engine := sa.create_engine(f"sqlite:///{tmp_path / 'app.db'}"))
    engine.dispose()
    assert "sqlite" in plain.c.a.dialect_options  # read by the DDL compiler, all unset
    assert [c.describe() for c in sqlite_conflicts(declared)] == [
        "UNIQUE (a, b) ON CONFLICT ROLLBACK"
    ]
    assert sqlite_conflicts(plain) == ()


@pytest.mark.parametrize(
    ("dialect_b", "hint", "side"),
    [
        ("postgresql", "remove it from a.sql (b.sql's constraints have no ON CONFLICT", "left"),
        ("sqlite", "add it to b.sql, or remove it from a.sql", "right"),
    ],
    ids=["sl-pg", "sl-sl"],
)
def test_a_clause_the_other_dialect_cannot_hold_is_to_be_removed(
    loader: Loader, dialect_b: str, hint: str, side: str
) -> None:
    """stranger59 014: against PostgreSQL, whose DDL has no ON CONFLICT clause, the hint said to
    add ``UNIQUE ON CONFLICT REPLACE`` to the PostgreSQL file. Near miss: between two SQLite
    files adding it is a fix."""
    a = "CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT UNIQUE ON CONFLICT REPLACE);"
    b = "CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT UNIQUE);"
    found = compare_texts(loader, ("sqlite", dialect_b), a, b).differences
    [d] = [d for d in found if d.kind == "dialect_object"]
    assert d.hint.startswith(hint), d.hint
    assert d.fix is not None and d.fix.side == side
