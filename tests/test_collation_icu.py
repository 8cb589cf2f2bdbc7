"""Nondeterministic ICU collations, on the system's PostgreSQL (the embedded server is built
without ICU): a collation that ignores case is not SQLite's NOCASE across dialects (NOCASE folds
ASCII letters only: 'ä' after 'Ä' in a UNIQUE column parts them, 'bob' after 'Bob' does not),
nor is one that also ignores accents, or none. Each verdict is shown by rows on the real
databases: a second value after a first in a UNIQUE column."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from probes import Case, Loader, compare_case, try_row
from support import systempg, testing

from twinschema.dialects import ReflectOptions
from twinschema.errors import DatabaseError
from twinschema.model import EQUALITY_CASE, EQUALITY_CASE_ACCENT
from twinschema.sources import reflect_url

EMBEDDED_MAJOR = 16
COLLATIONS = """
CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE COLLATION ci_ai (provider = icu, locale = 'und-u-ks-level1', deterministic = false);
"""


@pytest.fixture(scope="module")
def icu_loader() -> Iterator[Loader]:
    """A probe loader on a scratch database of the system's PostgreSQL (built with ICU)."""
    try:
        major, bindir = systempg.find_bindir(exclude=(EMBEDDED_MAJOR,))
    except DatabaseError as exc:
        pytest.fail(f"the system PostgreSQL (with ICU) is missing: {exc}", pytrace=False)
    with (
        systempg.system_server(bindir, major) as server,
        testing.scratch_database(server.url(), prefix="icu") as url,
    ):
        yield Loader(url)


def _case(tmp_path: Path, sqlite_sql: str, pg_sql: str, expect: set[str]) -> Case:
    (tmp_path / "a.sql").write_text(sqlite_sql, encoding="utf-8")
    (tmp_path / "b.sql").write_text(COLLATIONS + pg_sql, encoding="utf-8")
    return Case(tmp_path.name, tmp_path, ("sqlite", "postgresql"), frozenset(expect), "icu")


SQLITE_NOCASE = "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT COLLATE NOCASE UNIQUE);"
SQLITE_PLAIN = "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE);"


def pg_table(collation: str) -> str:
    return f"CREATE TABLE t (id integer PRIMARY KEY, name text COLLATE {collation} UNIQUE);"


# (id, SQLite side, PostgreSQL side, expected kinds, (first value, second value, what SQLite
# and PostgreSQL do with the second after the first))
BOB = ("Bob", "bob")
JOSE = ("jose", "José")
CASES = [
    # NOCASE folds ASCII letters only: 'ä' after 'Ä' is another value on SQLite, the same on
    # PostgreSQL's level-2 ICU collation ('bob' after 'Bob' is the same on both).
    (
        "nocase-vs-icu-ci",
        SQLITE_NOCASE,
        pg_table("ci"),
        {"column_type"},
        ("Ä", "ä", "accept", "reject"),
    ),
    ("plain-vs-icu-ci", SQLITE_PLAIN, pg_table("ci"), {"column_type"}, (*BOB, "accept", "reject")),
    (
        "nocase-vs-icu-ci-ai",
        SQLITE_NOCASE,
        pg_table("ci_ai"),
        {"column_type"},
        (*JOSE, "accept", "reject"),
    ),
    (
        "nocase-vs-icu-deterministic",
        SQLITE_NOCASE,
        pg_table('"und-x-icu"'),
        {"column_type"},
        (*BOB, "reject", "accept"),
    ),
]


@pytest.mark.parametrize(
    ("sqlite_sql", "pg_sql", "expect", "witness"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_icu_collation_against_sqlite(
    icu_loader: Loader,
    tmp_path: Path,
    sqlite_sql: str,
    pg_sql: str,
    expect: set[str],
    witness: tuple[str, str, str, str],
) -> None:
    """Only what a collation makes equal is compared across dialects, and rows agree: a pair
    of values both take as one, or that one side takes as one and the other does not."""
    case = _case(tmp_path, sqlite_sql, pg_sql, expect)
    found = compare_case(icu_loader, case)
    assert {d.kind for d in found.differences} == expect, [d.message for d in found.differences]
    first, second, on_sqlite, on_pg = witness
    setup = [{"id": 1, "name": first}]
    row = {"id": 2, "name": second}
    with (
        icu_loader.load("sqlite", case.sql("a")) as lite,
        icu_loader.load("postgresql", case.sql("b")) as pg,
    ):
        got = (
            try_row(icu_loader, "sqlite", lite, "t", [*setup, row]),
            try_row(icu_loader, "postgresql", pg, "t", [*setup, row]),
        )
    assert got == (on_sqlite, on_pg)
    assert (on_sqlite != on_pg) == bool(expect)


def test_nocase_and_icu_ci_agree_on_ascii_letters(icu_loader: Loader) -> None:
    """Where NOCASE and the level-2 ICU collation agree: 'bob' after 'Bob' is a duplicate on
    both (the difference is in letters beyond ASCII only)."""
    rows = [{"id": 1, "name": "Bob"}, {"id": 2, "name": "bob"}]
    with (
        icu_loader.load("sqlite", SQLITE_NOCASE) as lite,
        icu_loader.load("postgresql", COLLATIONS + pg_table("ci")) as pg,
    ):
        got = (
            try_row(icu_loader, "sqlite", lite, "t", rows),
            try_row(icu_loader, "postgresql", pg, "t", rows),
        )
    assert got == ("reject", "reject")


def test_icu_accents_part_ci_from_ci_ai(icu_loader: Loader) -> None:
    """'José' after 'jose': the accent-insensitive collation rejects it, the other accepts."""
    with icu_loader.load("postgresql", COLLATIONS + pg_table("ci") + "\n") as ci:
        accepted_ci = try_row(
            icu_loader,
            "postgresql",
            ci,
            "t",
            [{"id": 1, "name": "jose"}, {"id": 2, "name": "José"}],
        )
    sql = COLLATIONS + pg_table("ci_ai")
    with icu_loader.load("postgresql", sql) as ci_ai:
        accepted_ci_ai = try_row(
            icu_loader,
            "postgresql",
            ci_ai,
            "t",
            [{"id": 1, "name": "jose"}, {"id": 2, "name": "José"}],
        )
    assert (accepted_ci, accepted_ci_ai) == ("accept", "reject")


def test_reflected_icu_collations_say_what_they_make_equal(icu_loader: Loader) -> None:
    """The adapter reads each column's collation and its ICU strength, on PostgreSQL 15."""
    sql = COLLATIONS + (
        'CREATE TABLE t (a text COLLATE ci, b text COLLATE ci_ai, c text COLLATE "C", d text);'
    )
    with icu_loader.load("postgresql", sql) as schema_name:
        schema = reflect_url(icu_loader.pg_url, ReflectOptions(schema=schema_name))
    columns = {c.name: c.collation for c in schema.tables["t"].columns}
    assert columns["a"] is not None and columns["a"].equality == EQUALITY_CASE
    assert columns["b"] is not None and columns["b"].equality == EQUALITY_CASE_ACCENT
    assert columns["c"] is not None and columns["c"].name == "C"
    assert columns["d"] is None
