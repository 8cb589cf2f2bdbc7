"""View definitions compared by meaning within one dialect, where that is proven.

SQLite: a pair of parentheses is left out only when SQLite compiles the view to the same program
without it, a NULL test is spelled ``x IS [NOT] NULL`` only where SQLite's programs confirm it,
and the names of the view's columns (as SQLite derives them) are compared.
PostgreSQL: ``NOT x IS NULL`` is ``x IS NOT NULL`` only in a view none of whose IS NULL tests is
on a row value, and only where the printed text leaves no doubt what the NOT covers. The probe
corpus (``tests/fixtures/probes/{sl-sl,pg-pg}.view-*``) pins the verdicts with rows run on both
real databases; these tests pin the pieces.
"""

from __future__ import annotations

import sqlite3

import psycopg
import pytest

from twinschema.definitions import canonical_sql, sql_tokens
from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect_kwargs
from twinschema.dialects.postgresql_views import scalar_null_tests
from twinschema.dialects.sqlite import reflect_connection
from twinschema.sources import reflect_url
from twinschema.urls import parse_url

_TABLE = "CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER, y INTEGER);"


def _rewritten(text: str) -> str:
    return " ".join(scalar_null_tests(sql_tokens(text, False, keep_quoted=True)))


@pytest.mark.parametrize(
    ("printed", "canonical"),
    [
        ("SELECT id FROM t WHERE NOT x IS NULL", "select id from t where x is not null"),
        ("SELECT id FROM t WHERE NOT x IS NOT NULL", "select id from t where x is null"),
        ("SELECT NOT (x + y) IS NULL AS z FROM t", "select ( x + y ) is not null as z from t"),
        ("SELECT id FROM t WHERE NOT x::text IS NULL AND y > 0",
         "select id from t where x :: text is not null and y > 0"),
        ("SELECT id FROM t WHERE y > 0 OR (NOT t.x IS NULL)",
         "select id from t where y > 0 or ( t . x is not null )"),
        ("SELECT coalesce(NOT f(x, y) IS NULL, false) AS z FROM t",
         "select coalesce ( f ( x , y ) is not null , false ) as z from t"),
    ],
)  # fmt: skip
def test_a_scalar_not_is_null_is_written_is_not_null(printed: str, canonical: str) -> None:
    """The NOT of a test that ends its operand, on a value holding no looser operator, moves
    into the test."""
    assert _rewritten(printed) == canonical


@pytest.mark.parametrize(
    "printed",
    [
        "SELECT id FROM t WHERE x IS NOT NULL",  # already the canonical spelling
        "SELECT id FROM t WHERE x IS NULL",
        "SELECT id FROM t WHERE NOT (x IS NULL OR y IS NULL)",  # the NOT covers the OR
        "SELECT id FROM t WHERE NOT x AND y IS NULL",  # NOT x, then AND
        "SELECT NOT x IS NULL = y AS z FROM t",  # NOT covers the comparison
        "SELECT NOT x IS NULL IS TRUE AS z FROM t",  # NOT covers the IS TRUE
        "SELECT id FROM t WHERE y = NOT x IS NULL",  # not the start of an operand
        "SELECT id FROM t WHERE x IS NOT DISTINCT FROM y",
        "SELECT id FROM t WHERE NOT CASE WHEN x > 0 THEN y END IS NULL",  # CASE: not read
        "SELECT id FROM t WHERE x NOT IN (1, 2) AND y IS NULL",
        'SELECT id FROM t WHERE "not" + 1 IS NULL',  # a column named "not" is no NOT
    ],
)
def test_anything_else_stays_as_printed(printed: str) -> None:
    """Where the text leaves any doubt about what the NOT covers, nothing is rewritten."""
    assert _rewritten(printed) == " ".join(sql_tokens(printed, False, keep_quoted=True))


def _views(ddl: str) -> dict[str, str]:
    conn = sqlite3.connect(":memory:")
    conn.executescript(ddl)
    schema = reflect_connection(conn, ReflectOptions(), ":memory:")
    conn.close()
    return {o.name: o.definition for o in schema.objects if o.kind == "view"}


def test_sqlite_leaves_out_only_the_parentheses_it_compiles_away() -> None:
    """Parentheses SQLite does not need go, by SQLite's own precedence (``x = (y < 2)`` is its
    ``x = y < 2``); those it needs stay; the view's columns come first."""
    found = _views(
        _TABLE + "CREATE VIEW a AS SELECT id, (x + y) AS s FROM (t) WHERE ((x > 1)) AND (y < 5);"
        "CREATE VIEW b AS SELECT id FROM t WHERE x = (y < 2);"
        "CREATE VIEW c AS SELECT id FROM t WHERE (x = y) < 2;"
        "CREATE VIEW d AS SELECT id FROM t WHERE x > 1 AND (y < 5 OR y > 8);"
    )
    assert found == {
        "a": 'columns ( "id" , "s" ) create view a as select id , x + y as s from t'
        " where x > 1 and y < 5",
        "b": 'columns ( "id" ) create view b as select id from t where x = y < 2',
        "c": 'columns ( "id" ) create view c as select id from t where ( x = y ) < 2',
        "d": 'columns ( "id" ) create view d as select id from t where x > 1 and'
        " ( y < 5 or y > 8 )",
    }


def test_sqlite_column_names_are_part_of_a_view() -> None:
    """A column without an alias is named by its text as written: spacing and parentheses that
    the SELECT does not need still name it (``x+y``, ``(x + y)``); ASCII case does not."""
    found = _views(
        _TABLE + "CREATE VIEW a AS SELECT x+y FROM t;"
        "CREATE VIEW b AS SELECT (x + y) FROM t;"
        "CREATE VIEW c AS SELECT X + y FROM t;"
    )
    assert found == {
        "a": 'columns ( "x+y" ) create view a as select x + y from t',
        "b": 'columns ( "(x + y)" ) create view b as select x + y from t',
        "c": 'columns ( "x + y" ) create view c as select x + y from t',
    }


_BODY = 'columns ( "id" , "k" ) create view v as select id , '


@pytest.mark.parametrize(
    ("select", "canonical"),
    [
        # Other spellings: the same program.
        ("x NOTNULL AS k FROM t WHERE y ISNULL", "x is not null as k from t where y is null"),
        ("x NOT NULL AS k FROM t", "x is not null as k from t"),
        # NOT below IS: in WHERE the same program, in a result column the operand proof.
        ("NOT x IS NULL AS k FROM t WHERE NOT y IS NOT NULL",
         "x is not null as k from t where y is null"),
        ("NOT NOT x IS NULL AS k FROM t", "x is null as k from t"),
        ("coalesce(NOT x + 1 IS NULL, 0) AS k FROM t", "coalesce ( x + 1 is not null , 0 ) as k from t"),
        ("CASE WHEN NOT x IS NULL THEN 1 END AS k FROM t",
         "case when x is not null then 1 end as k from t"),
        ("NOT (x = 1) IS NULL AS k FROM t", "x = 1 is not null as k from t"),
        # The test stands where the NOT stood only in parentheses.
        ("y = NOT x IS NULL AS k FROM t", "y = ( x is not null ) as k from t"),
        # The NOT covers more than the test, or none is there: as written.
        ("NOT x IS NULL = 2 AS k FROM t", "not x is null = 2 as k from t"),
        ("NOT NULL AS k FROM t", "not null as k from t"),
        ("x IS NOT NULL AS k FROM t WHERE NOT x IN (1, 2)",
         "x is not null as k from t where not x in ( 1 , 2 )"),
    ],
)  # fmt: skip
def test_sqlite_null_tests_are_spelled_one_way_where_sqlite_agrees(
    select: str, canonical: str
) -> None:
    """``ISNULL``, ``NOTNULL``, ``NOT NULL`` and ``NOT x IS [NOT] NULL`` are written ``x IS
    [NOT] NULL`` only where SQLite compiles the view to the same program so written, or where
    both texts compile as they do with the test made one parenthesized operand."""
    found = _views(_TABLE + f"CREATE VIEW v AS SELECT id, {select};")
    assert found == {"v": _BODY + canonical}


def test_a_view_sqlite_cannot_compile_is_compared_as_written() -> None:
    """A view naming a table that does not exist has no columns and no program: it is its
    statement, made uniform as before, parentheses and all. The other views are read one by
    one then (their columns' one query fails with it), and still compared by what SQLite
    compiles."""
    sql = "CREATE VIEW v AS SELECT (a) FROM gone WHERE (a > 1)"
    assert _views(_TABLE + sql + "; CREATE VIEW w AS SELECT id FROM t WHERE (x > 1);") == {
        "v": canonical_sql(sql, True),
        "w": 'columns ( "id" ) create view w as select id from t where x > 1',
    }


def test_postgresql_rewrites_only_a_view_without_a_row_test(pg_url: str) -> None:
    """A view that tests a row value anywhere keeps its scalar ``NOT x IS NULL`` as printed
    (at worst a difference is reported); one testing scalars only has it rewritten."""
    kwargs = connect_kwargs(parse_url(pg_url), ReflectOptions())
    with psycopg.connect(**kwargs, autocommit=True) as conn:
        conn.execute(
            b"CREATE TABLE t (id integer PRIMARY KEY, x integer, y integer);"
            b"CREATE VIEW scalar AS SELECT id FROM t WHERE NOT (x IS NULL);"
            b"CREATE VIEW mixed AS SELECT id FROM t WHERE NOT (x IS NULL)"
            b" AND ROW(x, y) IS NOT NULL;"
            b"CREATE VIEW whole AS SELECT id FROM t WHERE NOT (t IS NULL);"
        )
    found = {o.name: o.definition for o in reflect_url(pg_url, ReflectOptions()).objects}
    assert found == {
        "scalar": "view select id from t where x is not null",
        "mixed": "view select id from t where not x is null and row ( x , y ) is not null",
        "whole": "view select id from t where not t . * is null",
    }
