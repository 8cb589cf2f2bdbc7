"""Alembic's own truth tables for type and server-default comparison, replayed on real databases.

Alembic's test suite (``tests/test_autogen_diffs.py``: ``CompareMetadataToInspectorTest``,
``CompareTypeSpecificityTest`` and ``CompareServerDefaultTest``) states, for a live column created
from one type (or default) and a metadata column of another, whether autogenerate sees a change.
The rows below are the unarguable ones (a declared length, precision or type that really differs,
or the very same declaration); rows where Alembic deliberately looks away from a declaration
(``VARCHAR(30)`` against ``String()``, ``DECIMAL(10, 5)`` against ``DECIMAL(10)``) are left out:
twinschema reports a bound declared on one side only.

Each row runs on SQLite and PostgreSQL alike, as twinschema's live layer does: the live table is
created from the first column's DDL on a real database and reflected; the metadata module holds
the second column (``sources.metadata.from_metadata``); both are compared by ``compare``.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from twinschema.compare import Side, compare
from twinschema.dialects import ReflectOptions
from twinschema.sources import make_canonical, reflect_url
from twinschema.sources.metadata import from_metadata

BOTH = ("sqlite", "postgresql")
PG_ONLY = ("postgresql",)

# (live column type, metadata column type, a change expected, dialects): Alembic's rows.
TYPES: list[tuple[Any, Any, bool, tuple[str, ...]]] = [
    # test_introspected_columns_match_metadata_columns: the same type is no change.
    (sa.INTEGER(), sa.INTEGER(), False, BOTH),
    (sa.CHAR(), sa.CHAR(), False, BOTH),
    (sa.VARCHAR(32), sa.VARCHAR(32), False, BOTH),
    (sa.Text(), sa.Text(), False, BOTH),
    (sa.FLOAT(), sa.FLOAT(), False, BOTH),
    (sa.Numeric(), sa.Numeric(), False, BOTH),
    (sa.DECIMAL(), sa.DECIMAL(), False, BOTH),
    (sa.TIMESTAMP(), sa.TIMESTAMP(), False, BOTH),
    (sa.DateTime(), sa.DateTime(), False, BOTH),
    (sa.Boolean(), sa.Boolean(), False, BOTH),
    (sa.BigInteger(), sa.BigInteger(), False, BOTH),
    (sa.SmallInteger(), sa.SmallInteger(), False, BOTH),
    (sa.DATE(), sa.DATE(), False, BOTH),
    (sa.String(32), sa.String(32), False, BOTH),
    (sa.LargeBinary(), sa.LargeBinary(), False, BOTH),
    (sa.Unicode(32), sa.Unicode(32), False, BOTH),
    (sa.JSON(), sa.JSON(), False, BOTH),
    # test_string_comparisons
    (sa.String(32), sa.VARCHAR(32), False, BOTH),
    (sa.VARCHAR(6), sa.String(6), False, BOTH),
    (sa.CHAR(), sa.String(1), True, BOTH),
    (sa.Text(), sa.VARCHAR(255), True, BOTH),
    (sa.Unicode(32), sa.String(32), False, BOTH),
    (sa.Unicode(32), sa.VARCHAR(32), False, BOTH),
    (sa.VARCHAR(6), sa.VARCHAR(12), True, BOTH),
    (sa.VARCHAR(6), sa.String(12), True, BOTH),
    (sa.Integer(), sa.String(10), True, BOTH),
    (sa.String(10), sa.Integer(), True, BOTH),
    # test_datetime_comparisons (SQLite has no time zone in its DATETIME: PostgreSQL only)
    (sa.DateTime(), sa.DateTime(timezone=False), False, BOTH),
    (sa.DateTime(), sa.DateTime(timezone=True), True, PG_ONLY),
    (sa.DateTime(timezone=True), sa.DateTime(timezone=False), True, PG_ONLY),
    # test_numeric_comparisons
    (sa.Integer(), sa.Integer(), False, BOTH),
    (sa.Integer(), sa.Numeric(8, 0), True, BOTH),
    (sa.Numeric(8, 0), sa.Numeric(8, 2), True, BOTH),
    (sa.BigInteger(), sa.Integer(), True, BOTH),
    (sa.SmallInteger(), sa.Integer(), True, BOTH),
    # CompareTypeSpecificityTest.test_compare_type (inspected type, metadata type)
    (sa.VARCHAR(30), sa.String(30), False, BOTH),
    (sa.VARCHAR(30), sa.String(40), True, BOTH),
    (sa.VARCHAR(30), sa.Integer(), True, BOTH),
    (sa.Text(), sa.String(255), True, BOTH),
    (sa.DECIMAL(10, 5), sa.DECIMAL(10, 6), True, BOTH),
    (sa.DECIMAL(10, 5), sa.Numeric(10, 5), False, BOTH),
    (sa.DECIMAL(10, 5), sa.Numeric(12, 5), True, BOTH),
    (sa.DECIMAL(10, 5), sa.DateTime(), True, BOTH),
    (sa.Numeric(), sa.Numeric(scale=5), False, BOTH),
    (sa.INTEGER(), sa.Integer(), False, BOTH),
    (sa.BIGINT(), sa.Integer(), True, BOTH),
    (sa.BIGINT(), sa.BigInteger(), False, BOTH),
    (sa.BIGINT(), sa.SmallInteger(), True, BOTH),
    (sa.INTEGER(), sa.SmallInteger(), True, BOTH),
    (sa.Integer(), sa.String(), True, BOTH),
]

# (column type, live server default, metadata server default or None for the same, dialects)
DEFAULTS: list[tuple[Any, Any, Any, tuple[str, ...]]] = [
    # test_server_default_yes_positives: a changed default is a change.
    (sa.VARCHAR(30), sa.text("'some default'"), sa.text("'some new default'"), BOTH),
    (sa.VARCHAR(30), "some default", "some new default", BOTH),
    (sa.VARCHAR(30), sa.text("'//slash'"), sa.text("'s//l//ash'"), BOTH),
    (sa.Integer(), sa.text("15"), sa.text("20"), BOTH),
    (sa.Integer(), "15", "20", BOTH),
    # test_server_default_no_false_positives: the same default is no change.
    (sa.VARCHAR(30), sa.text("'some default'"), None, BOTH),
    (sa.VARCHAR(30), "some default", None, BOTH),
    (sa.VARCHAR(30), sa.text("'//slash'"), None, BOTH),
    (sa.VARCHAR(30), sa.text("'has '' quote'"), None, BOTH),
    (sa.VARCHAR(30), sa.func.substring("name", 1, 3), None, PG_ONLY),
    (sa.VARCHAR(30), sa.text("substring('name',1,3)"), None, PG_ONLY),
    (sa.VARCHAR(30), sa.text("substring('name', 1, 3)"), None, PG_ONLY),
    (sa.DateTime(), sa.text("(now())"), None, BOTH),
    (sa.Integer(), sa.text("15"), None, BOTH),
    (sa.Integer(), "15", None, BOTH),
]

_counter = itertools.count()


def _type_id(row: tuple[Any, Any, bool, tuple[str, ...]]) -> str:
    live, model, change, _ = row
    return f"{live!r}-vs-{model!r}-{'change' if change else 'same'}".replace(" ", "")


def _sql(default: Any) -> str:
    """A default as SQL text (a function call compiled with its literal arguments): a test id
    that is the same in every process, unlike a repr with an object's address (pytest-xdist
    workers must collect the same ids)."""
    if isinstance(default, sa.sql.ClauseElement):
        return "func:" + str(default.compile(compile_kwargs={"literal_binds": True}))
    return repr(default)


def _default_id(row: tuple[Any, Any, Any, tuple[str, ...]]) -> str:
    ctype, live, model, _ = row
    text = lambda d: getattr(d, "text", None) or _sql(d)  # noqa: E731
    return f"{ctype!r}-{text(live)}-vs-{'same' if model is None else text(model)}".replace(" ", "")


TYPE_CASES = [
    pytest.param(dialect, *row[:3], id=f"{dialect}-{_type_id(row)}")
    for row in TYPES
    for dialect in row[3]
]
DEFAULT_CASES = [
    pytest.param(dialect, *row[:3], id=f"{dialect}-{_default_id(row)}")
    for row in DEFAULTS
    for dialect in row[3]
]


@pytest.fixture(scope="module")
def pg_scratch(pg_server: str) -> Iterator[str]:
    """One scratch PostgreSQL database for the module; each case gets a schema of its own."""
    from support.testing import scratch_database

    with scratch_database(pg_server, prefix="alembic") as url:
        yield url


def _live_vs_metadata(
    dialect: str,
    pg_url: str,
    tmp_path: Path,
    live_column: sa.Column[Any],
    model_column: sa.Column[Any],
) -> list[tuple[str, str | None]]:
    """Create ``live_column`` in a real database, and compare it with a metadata module that
    holds ``model_column`` instead, as twinschema's live layer does: (kind, column) found."""
    schema = None if dialect == "sqlite" else f"alembic_{next(_counter)}"
    url = f"sqlite:///{tmp_path / 'live.db'}" if dialect == "sqlite" else pg_url
    live = sa.MetaData(schema=schema)
    sa.Table("sometable", live, sa.Column("id", sa.Integer, primary_key=True), live_column)
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            if schema is not None:
                conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
            live.create_all(conn)
        options = ReflectOptions(schema=schema or "public")
        model = sa.MetaData()
        sa.Table("sometable", model, sa.Column("id", sa.Integer, primary_key=True), model_column)
        expected = Side(
            make_canonical(from_metadata(model, dialect, "model.py", options), None),
            "model.py",
            "model.py",
        )
        actual = Side(make_canonical(reflect_url(url, options), None), "live", "live")
        result = compare(expected, actual, layer="live", domain=None)
        return sorted((d.kind, d.column) for d in result.differences)
    finally:
        if schema is not None:
            with engine.begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


@pytest.mark.parametrize(("dialect", "live_type", "model_type", "change"), TYPE_CASES)
def test_type_truth_table(
    dialect: str,
    live_type: Any,
    model_type: Any,
    change: bool,
    pg_scratch: str,
    tmp_path: Path,
) -> None:
    """A live column of one type against a metadata column of another: a ``column_type``
    difference exactly where Alembic's truth table sees a type change."""
    found = _live_vs_metadata(
        dialect, pg_scratch, tmp_path, sa.Column("col", live_type), sa.Column("col", model_type)
    )
    assert found == ([("column_type", "col")] if change else []), found


@pytest.mark.parametrize(("dialect", "ctype", "live_default", "model_default"), DEFAULT_CASES)
def test_server_default_truth_table(
    dialect: str,
    ctype: Any,
    live_default: Any,
    model_default: Any,
    pg_scratch: str,
    tmp_path: Path,
) -> None:
    """A live column with one server default against a metadata column with another (or the
    same): a ``column_default`` difference exactly where Alembic's truth table sees a change."""
    same = model_default is None
    found = _live_vs_metadata(
        dialect,
        pg_scratch,
        tmp_path,
        sa.Column("col", ctype, server_default=live_default),
        sa.Column("col", ctype, server_default=live_default if same else model_default),
    )
    assert found == ([] if same else [("column_default", "col")]), found


def test_the_sqlite_side_really_is_a_live_file(tmp_path: Path) -> None:
    """The SQLite rows above compare a file created from DDL: reading it back shows the
    declared type SQLite stored, the very text the reflection reduces."""
    path = tmp_path / "live.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    meta = sa.MetaData()
    sa.Table("sometable", meta, sa.Column("col", sa.Text()))
    meta.create_all(engine)
    engine.dispose()
    with sqlite3.connect(path) as conn:
        declared = conn.execute("SELECT type FROM pragma_table_info('sometable')").fetchone()
    assert declared == ("TEXT",)
