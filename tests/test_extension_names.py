"""An extension's functions, types and operators named inside expressions, between a PostgreSQL
schema that holds the extension (``public``) and one that does not (``app``), on a real server.

The read puts the checked schema alone on the search path, so in ``app`` pg_get_expr printed
``'[1,2,3]'::public.vector``, ``public.l2_distance(...)`` and ``OPERATOR(public.<->)`` where
``public`` (and a metadata module) writes them bare: reported as different defaults, CHECKs,
indexes and views. An extension has one schema per database, so its names compare bare. The
near misses keep their qualifier and stay differences, each with a row that parts them: a user
function of another schema (``other.g()``), a user function of the extension's own schema
(``public.g()``), a user type there (``public.mood``, whose labels sort the other way).
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from support.dbpool import DatabasePool
from support.testing import compared_evaluated

from twinschema.canonical.normalize import canonicalize
from twinschema.compare import Comparison, Side
from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect_kwargs
from twinschema.dialects.postgresql_extensions import unqualify
from twinschema.sources import reflect_url
from twinschema.urls import parse_url

# The extension's names, written bare (the search path finds them in public while this runs).
USES_EXTENSION = """
CREATE TABLE {s}.t (
    id integer PRIMARY KEY,
    v vector(3) DEFAULT '[1,2,3]'::vector,
    d float8 CHECK (d > l2_distance(v, '[0,0,0]'::vector)),
    w vector(3) CHECK ((w <-> '[1,1,1]'::vector) > 0)
);
CREATE INDEX ix_t_v ON {s}.t ((v <-> '[1,1,1]'::vector)) WHERE vector_dims(v) = 3;
CREATE VIEW {s}.tv AS SELECT id, v <-> '[0,0,0]'::vector AS dist FROM {s}.t;
"""
# Names of the user's, in the checked schema (``{s}.g``, ``{s}.mood``) or another.
USES_OWN = """
CREATE FUNCTION {s}.g() RETURNS integer LANGUAGE sql AS 'SELECT 1';
CREATE TYPE {s}.mood AS ENUM ('a', 'b');
CREATE TABLE {s}.u (
    id integer PRIMARY KEY,
    n integer DEFAULT {g},
    m text CHECK (m::{mood} < 'b'::{mood})
);
"""
NEAR_MISSES = {  # schema: (the function its default calls, the type its CHECK casts to)
    "own": ("own.g()", "own.mood"),
    "near_other": ("other.g()", "near_other.mood"),
    "near_public": ("public.g()", "near_public.mood"),
    "near_type": ("near_type.g()", "public.mood"),
}
EXTENSION = "SET search_path TO public; CREATE EXTENSION IF NOT EXISTS vector SCHEMA public;"
DDL = (
    EXTENSION
    + "CREATE SCHEMA app;"
    + USES_EXTENSION.format(s="app")
    + "CREATE SCHEMA other; CREATE FUNCTION other.g() RETURNS integer LANGUAGE sql AS 'SELECT 2';"
    "CREATE FUNCTION public.g() RETURNS integer LANGUAGE sql AS 'SELECT 3';"
    "CREATE TYPE public.mood AS ENUM ('b', 'a');"
    + "".join(
        f"CREATE SCHEMA {s};" + USES_OWN.format(s=s, g=g, mood=mood)
        for s, (g, mood) in NEAR_MISSES.items()
    )
)


def run(url: str, sql: str) -> None:
    with psycopg.connect(**connect_kwargs(parse_url(url), ReflectOptions())) as conn:
        conn.autocommit = True
        conn.execute(sql.encode())


@pytest.fixture
def db(pg_url: str) -> Iterator[str]:
    """The extension in public, its names used in ``app``, and the near misses' schemas."""
    run(pg_url, DDL)
    yield pg_url


@pytest.fixture
def plain(pg_databases: DatabasePool) -> Iterator[str]:
    """Another database whose ``public`` holds the extension and what ``app`` holds."""
    with pg_databases.database() as url:
        run(url, EXTENSION + USES_EXTENSION.format(s="public"))
        yield url


@pytest.fixture
def scratch(pg_databases: DatabasePool) -> Iterator[str]:
    """An empty database for the evaluation stage: never the one checked, as ``twinschema``."""
    with pg_databases.database() as url:
        yield url


def diff(scratch: str, *sides: tuple[str, str]) -> Comparison:
    """``twinschema diff`` of two schemas, each given as (database URL, schema)."""
    left, right = (
        Side(canonicalize(reflect_url(url, ReflectOptions(schema=name))), name, name)
        for url, name in sides
    )
    return compared_evaluated(left, right, scratch)


def row_of(url: str, schema: str, table: str, values: str) -> tuple[object, ...] | None:
    """The row ``schema.table`` stores for an insert of ``values`` (rolled back), or None where
    a CHECK rejects it."""
    with psycopg.connect(**connect_kwargs(parse_url(url), ReflectOptions())) as conn:
        try:
            found = conn.execute(
                f"INSERT INTO {schema}.{table} {values} RETURNING *"  # type: ignore[arg-type]
            ).fetchone()
        except psycopg.errors.CheckViolation:
            return None
        finally:
            conn.rollback()
    return None if found is None else tuple(found)


def test_an_extensions_names_are_the_same_in_any_schema(db: str, plain: str, scratch: str) -> None:
    """A default, two CHECKs, an index and a view naming pgvector's type, function and
    operator: read bare in ``app`` as in ``public``, so nothing differs, and the rows agree."""
    app = reflect_url(db, ReflectOptions(schema="app"))
    t = app.tables["t"]
    printed = [c.raw_default or "" for c in t.columns] + [c.raw for c in t.checks]
    printed += [t.indexes[0].where or "", *t.indexes[0].expressions]
    printed += [o.definition for o in app.objects]
    assert not [text for text in printed if "public." in text], printed
    assert "'[1,2,3]'::vector" in printed
    found = diff(scratch, (plain, "public"), (db, "app"))
    assert [d.message for d in found.differences] == []
    for values in ("(id) VALUES (1)", "(id, w) VALUES (1, '[1,1,1]')", "(id, d) VALUES (1, 9)"):
        assert row_of(plain, "public", "t", values) == row_of(db, "app", "t", values)
    assert row_of(db, "app", "t", "(id, w) VALUES (1, '[1,1,1]')") is None


@pytest.mark.parametrize(
    ("schema", "kind", "named", "values", "rows"),
    [
        (
            "near_other",
            "column_default",
            "other.g()",
            "(id) VALUES (1)",
            ((1, 1, None), (1, 2, None)),
        ),
        (
            "near_public",
            "column_default",
            "public.g()",
            "(id) VALUES (1)",
            ((1, 1, None), (1, 3, None)),
        ),
        ("near_type", "check", "public.mood", "(id, m) VALUES (1, 'a')", ((1, 1, "a"), None)),
    ],
)
def test_a_user_name_of_another_schema_stays_a_difference(
    db: str,
    scratch: str,
    schema: str,
    kind: str,
    named: str,
    values: str,
    rows: tuple[object, object],
) -> None:
    """``other.g()`` or ``public.g()`` (a user function, the second beside the extension)
    against the checked schema's own ``g()``, and a cast to ``public.mood`` (a user type beside
    the extension) against its own ``mood``: other objects, kept qualified, reported; a real
    row parts each pair."""
    found = diff(scratch, (db, "own"), (db, schema))
    assert {(d.kind, d.table) for d in found.differences} == {(kind, "u")}
    assert any(named in d.message for d in found.differences)
    assert (row_of(db, "own", "u", values), row_of(db, schema, "u", values)) == rows


def test_only_names_outside_strings_and_quoted_names_are_unqualified() -> None:
    names = {"public.vector": "vector", "OPERATOR(public.<->)": "<->"}
    assert unqualify("'[1]'::public.vector", names) == "'[1]'::vector"
    assert unqualify("(a OPERATOR(public.<->) b)", names) == "(a <-> b)"
    for kept in ("'public.vector'", '"public.vector"', "x.public.vector", "public.vectors",
                 "public.vector.x", "other.vector", "'it''s public.vector'"):  # fmt: skip
        assert unqualify(kept, names) == kept
