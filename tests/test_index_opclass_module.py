"""A PostgreSQL operator class in a metadata module's index is read as ``create_all`` makes it.

SQLAlchemy's DDL compiler writes ``postgresql_ops`` only after an element whose ``key`` it
names, a bare column: it skips ``sa.text(...)`` and ``sa.column(...).desc()`` elements, so
``sa.Index("ix", sa.text("lower(name)"), postgresql_ops={"lower(name)": "text_pattern_ops"})``
makes ``(lower(name))`` on a real server. The checker used to read that option's class on such
an element anyway (a module in sync with ``(lower(name) text_pattern_ops)`` that ``create_all``
does not make); it now reads it where SQLAlchemy writes it, and reads an operator class written
inside a text element (``sa.text("name text_pattern_ops DESC")``, what ``init`` writes for an
element with modifiers or an expression). An operator class changes which queries an index
serves (``LIKE 'abc%'`` needs ``text_pattern_ops`` under a non-C collation), not which rows a
table accepts: a difference of ``index`` kind, as between two databases.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from twinschema.compare import Side, compare
from twinschema.dialects import ReflectOptions
from twinschema.sources import make_canonical, reflect_url
from twinschema.sources.metadata import from_metadata

TABLE = "CREATE TABLE people (id integer PRIMARY KEY, name text NOT NULL)"


def element(written: str) -> Any:
    """``name`` as the column, ``desc:name`` as ``sa.column("name").desc()``, else text."""
    if written == "name":
        return written
    if written == "desc:name":
        return sa.column("name").desc()
    return sa.text(written)


def module(written: list[str], ops: dict[str, str]) -> sa.MetaData:
    metadata = sa.MetaData()
    sa.Table(
        "people",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Index("ix", *(element(w) for w in written), postgresql_ops=ops),
    )
    return metadata


def differences(url: str, database: str, written: list[str], ops: dict[str, str]) -> list[str]:
    """The live layer's differences between the module and ``CREATE INDEX ix ON people
    (database)`` on the real server."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as connection:
        connection.exec_driver_sql(TABLE)
        connection.exec_driver_sql(f"CREATE INDEX ix ON people ({database})")
    engine.dispose()
    options = ReflectOptions()
    model = from_metadata(module(written, ops), "postgresql", "model.py", options)
    sides = [
        Side(make_canonical(model, None), "model.py", "model.py"),
        Side(make_canonical(reflect_url(url, options), None), "live", "live"),
    ]
    return [f"{d.kind}: {d.message}" for d in compare(*sides, layer="live").differences]


def made_by_create_all(url: str, written: list[str], ops: dict[str, str]) -> str:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    module(written, ops).create_all(engine)
    with engine.connect() as connection:
        made = str(
            connection.exec_driver_sql("SELECT pg_get_indexdef('ix'::regclass)").scalar_one()
        )
    engine.dispose()
    return made


# (database elements, module elements, postgresql_ops): alike, and create_all makes the index.
SAME = [
    ("name text_pattern_ops", ["name"], {"name": "text_pattern_ops"}),
    ("name text_pattern_ops DESC", ["name text_pattern_ops DESC"], {}),
    ("lower(name) text_pattern_ops", ["lower(name) text_pattern_ops"], {}),
    (
        'name COLLATE "C" varchar_pattern_ops DESC NULLS LAST',
        ['name COLLATE "C" varchar_pattern_ops DESC NULLS LAST'],
        {},
    ),
]


@pytest.mark.parametrize(("database", "written", "ops"), SAME, ids=[s[0] for s in SAME])
def test_an_operator_class_is_read_where_create_all_writes_it(
    pg_url: str, database: str, written: list[str], ops: dict[str, str]
) -> None:
    assert differences(pg_url, database, written, ops) == []


@pytest.mark.parametrize(("database", "written", "ops"), SAME, ids=[s[0] for s in SAME])
def test_create_all_makes_the_operator_class(
    pg_url: str, database: str, written: list[str], ops: dict[str, str]
) -> None:
    made = made_by_create_all(pg_url, written, ops)
    assert made.endswith(f"({database})"), made


# (database elements, module elements, postgresql_ops, what create_all makes): differ.
NEAR_MISSES = [
    ("name", ["name text_pattern_ops"], {}, "name text_pattern_ops"),
    ("name text_pattern_ops", ["name"], {}, "name"),
    # postgresql_ops names an element SQLAlchemy's DDL skips: create_all makes no class
    (
        "lower(name) text_pattern_ops",
        ["lower(name)"],
        {"lower(name)": "text_pattern_ops"},
        "lower(name)",
    ),
    ("name text_pattern_ops DESC", ["desc:name"], {"name": "text_pattern_ops"}, "name DESC"),
]


@pytest.mark.parametrize(
    ("database", "written", "ops", "made"),
    NEAR_MISSES,
    ids=["module-opclass", "db-opclass", "ops-on-text", "ops-on-desc"],
)
def test_near_misses_differ_as_create_all_makes_them(
    pg_url: str, database: str, written: list[str], ops: dict[str, str], made: str
) -> None:
    found = differences(pg_url, database, written, ops)
    assert [f.split(":", 1)[0] for f in found] == ["index"], found
    assert "operator class" in found[0], found


@pytest.mark.parametrize(
    ("written", "ops", "made"),
    [(w, o, m) for _, w, o, m in NEAR_MISSES],
    ids=["module-opclass", "db-opclass", "ops-on-text", "ops-on-desc"],
)
def test_what_create_all_makes_for_the_near_misses(
    pg_url: str, written: list[str], ops: dict[str, str], made: str
) -> None:
    assert made_by_create_all(pg_url, written, ops).endswith(f"({made})")
