"""A type of the checked schema named inside an expression, between two PostgreSQL databases
(here two schemas of one database) whose checked schemas are named differently.

``pg_get_expr`` qualifies a type, function or sequence that the search path does not find, so a
default ``ROW(1, NULL)::pair`` printed ``::app.pair`` on one side and ``::shop.pair`` on the
other and was reported as a different default; the read now has the checked schema alone on the
path. A cast to a type of another schema (``public`` too) keeps its qualifier and stays a
difference: that schema's ``mood`` orders its labels the other way, and a real row parts the two
CHECKs.
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
from twinschema.sources import reflect_url
from twinschema.urls import parse_url

# The same tables in each checked schema, each naming its own types unqualified as written.
OWN = """
CREATE TYPE {s}.mood AS ENUM ('a', 'b');
CREATE TYPE {s}.pair AS (x integer, y integer);
CREATE DOMAIN {s}.small AS integer CHECK (VALUE < 10);
CREATE TABLE {s}.t (
    id integer PRIMARY KEY,
    s text CHECK (s::{s}.mood < 'b'::{s}.mood),
    m {s}.mood DEFAULT 'a'::{s}.mood,
    p {s}.pair DEFAULT ROW(1, NULL)::{s}.pair,
    n integer CHECK (n::{s}.small < 5),
    g integer GENERATED ALWAYS AS ((ROW(id, 2)::{s}.pair).y) STORED
);
"""
# ``mixed`` and ``mixed_public`` hold the same, but their CHECK on s casts to the ``mood`` of the
# schema ``other`` or ``public``, whose labels sort the other way ('b' < 'a').
DDL = (
    "CREATE SCHEMA app; CREATE SCHEMA shop; CREATE SCHEMA mixed; CREATE SCHEMA mixed_public;"
    "CREATE SCHEMA other; CREATE TYPE other.mood AS ENUM ('b', 'a');"
    "CREATE TYPE public.mood AS ENUM ('b', 'a');"
    + OWN.format(s="app")
    + OWN.format(s="shop")
    + OWN.format(s="mixed").replace(
        "s::mixed.mood < 'b'::mixed.mood", "s::other.mood < 'b'::other.mood"
    )
    + OWN.format(s="mixed_public").replace(
        "s::mixed_public.mood < 'b'::mixed_public.mood", "s::public.mood < 'b'::public.mood"
    )
)


@pytest.fixture
def db(pg_url: str) -> Iterator[str]:
    with psycopg.connect(**connect_kwargs(parse_url(pg_url), ReflectOptions())) as conn:
        conn.autocommit = True
        conn.execute(DDL.encode())
    yield pg_url


@pytest.fixture
def scratch(pg_databases: DatabasePool) -> Iterator[str]:
    """An empty database for the evaluation stage: never the one checked, as ``twinschema``."""
    with pg_databases.database() as url:
        yield url


def diff(url: str, scratch: str, left: str, right: str) -> Comparison:
    """``twinschema diff`` of the schemas ``left`` and ``right`` of ``url``, evaluated on the
    database ``scratch``."""
    sides = tuple(
        Side(canonicalize(reflect_url(url, ReflectOptions(schema=name))), name, name)
        for name in (left, right)
    )
    return compared_evaluated(*sides, scratch)


def accepts(url: str, schema: str, s: str) -> bool:
    """Whether the real table ``schema.t`` takes a row with this ``s`` (rolled back)."""
    with psycopg.connect(**connect_kwargs(parse_url(url), ReflectOptions())) as conn:
        try:
            conn.execute(f"INSERT INTO {schema}.t (id, s) VALUES (1, %s)", (s,))
        except psycopg.errors.CheckViolation:
            return False
        finally:
            conn.rollback()
    return True


def test_casts_to_the_checked_schemas_own_types_are_the_same(db: str, scratch: str) -> None:
    """Defaults, CHECKs and a generated column that cast to the checked schema's own types
    (enum, composite, domain) are the same under two schema names; the rows agree."""
    found = diff(db, scratch, "app", "shop")
    assert [d.message for d in found.differences] == []
    assert [accepts(db, s, v) for s in ("app", "shop") for v in ("a", "b")] == [
        True, False, True, False,
    ]  # fmt: skip


@pytest.mark.parametrize(("schema", "other"), [("mixed", "other"), ("mixed_public", "public")])
def test_a_cast_to_a_type_of_another_schema_stays_a_difference(
    db: str, scratch: str, schema: str, other: str
) -> None:
    """``s::other.mood < 'b'::other.mood`` (or ``public.mood``, which the checked schema does
    not hide) against ``s::mood < 'b'::mood``: another type, kept qualified, reported; the row
    s = 'a' passes one CHECK and not the other."""
    found = diff(db, scratch, "app", schema)
    assert {(d.kind, d.table) for d in found.differences} == {("check", "t")}
    assert any(f"{other}.mood" in d.message for d in found.differences)
    assert (accepts(db, "app", "a"), accepts(db, schema, "a")) == (True, False)
