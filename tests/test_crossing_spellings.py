"""The values that cross the sync boundary are run once per column type as the scratch database
reads it (``crossing.Crossing``): a PostgreSQL type written without quotes is read whatever its
ASCII case, so a metadata module's ``UUID`` and its live database's ``uuid`` share one run (the
live layer ran each again). Each merge is proved on the real server: both spellings, run apart,
store the same values. The near misses keep their own runs: a quoted name is its case (two
domains ``"Small"`` and ``small`` store 50 otherwise), and SQLite spellings stay as written."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from twinschema.evaluate.backends import REJECTED, Backend
from twinschema.evaluate.crossing import Crossing, type_key
from twinschema.evaluate.pg_backend import PostgreSQLBackend
from twinschema.evaluate.sqlite_backend import SQLiteBackend
from twinschema.model import Column, ColumnType, Table

# Two domains whose names differ in case only, as quoted names do on PostgreSQL.
SETUP = (
    'CREATE DOMAIN "Small" AS integer CHECK (VALUE < 10)',
    "CREATE DOMAIN small AS integer CHECK (VALUE < 100)",
)


@pytest.fixture(scope="module")
def pg(pg_server: str) -> Iterator[PostgreSQLBackend]:
    from support.testing import scratch_backend

    with scratch_backend(pg_server, "crossspell", *SETUP) as backend:
        yield backend


def _column(dialect: str, name: str, raw: str) -> Column:
    return Column("v", ColumnType(dialect, name, raw=raw))


def _stored(
    crossing: Crossing, backend: Backend, dialect: str, column: Column, values: list[object]
) -> list[object] | None:
    """What ``crossing`` gives for ``values`` in a copy of ``column`` (no CHECK)."""
    return crossing.stored(backend, dialect, Table("t", (column,)), column, [], values)


# (base name, one spelling, the other, probe values): what a metadata module compiles and what
# the live database's catalog prints.
SPELLINGS = [
    ("uuid", "UUID", "uuid", ["00000000-0000-0000-0000-000000000001", "not a uuid"]),
    (
        "timestamp with time zone",
        "TIMESTAMP WITH TIME ZONE",
        "timestamp with time zone",
        ["2024-01-01 10:00:00+02", "2024-02-30 00:00:00"],
    ),
    ("jsonb", "JSONB", "jsonb", ['{"b": 1, "a": [1, 2]}', "{oops"]),
    ("integer", "INTEGER", "integer", [1, 2**40, "1.5"]),
    ("numeric", "NUMERIC(5, 2)", "numeric(5, 2)", ["1.005", "123456", "-0.5"]),
    ("small", "Small", "small", [5, 50, 500]),  # unquoted, Small is small
]


@pytest.mark.parametrize(("name", "upper", "lower", "values"), SPELLINGS)
def test_two_spellings_of_one_postgresql_type_store_alike_and_run_once(
    pg: PostgreSQLBackend, name: str, upper: str, lower: str, values: list[object]
) -> None:
    first, second = _column("postgresql", name, upper), _column("postgresql", name, lower)
    assert type_key("postgresql", first) == type_key("postgresql", second)
    # Run apart (a cache each), the two spellings store the same values: one type.
    apart = [_stored(Crossing(), pg, "postgresql", c, values) for c in (first, second)]
    assert apart[0] is not None and apart[0] == apart[1]
    assert REJECTED in apart[0]  # the values part something: the types are not vacuous
    # One cache: the second spelling gets the first's run, not a run of its own.
    shared = Crossing()
    once = _stored(shared, pg, "postgresql", first, values)
    assert _stored(shared, pg, "postgresql", second, values) is once


def test_a_quoted_name_keeps_its_case(pg: PostgreSQLBackend) -> None:
    """The near miss: ``"Small"`` and ``"small"`` are two domains; 50 is the witness, refused
    by the one and stored by the other, so each keeps its own run."""
    quoted = _column("postgresql", "Small", '"Small"')
    folded = _column("postgresql", "small", '"small"')
    assert type_key("postgresql", quoted) != type_key("postgresql", folded)
    shared = Crossing()
    got = [_stored(shared, pg, "postgresql", c, [5, 50]) for c in (quoted, folded)]
    assert got == [[5, REJECTED], [5, 50]]


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_other_text_keeps_its_own_run(dialect: str) -> None:
    """Spellings that differ by more than the case of unquoted words (spaces, a quoted
    collation), and every SQLite spelling, are keys of their own."""
    pairs = [("NUMERIC(5, 2)", "numeric(5,2)"), ('text COLLATE "C"', 'TEXT COLLATE "C"')]
    if dialect == "sqlite":
        pairs.append(("INTEGER", "integer"))
    for a, b in pairs:
        keys = {type_key(dialect, _column(dialect, "t", raw)) for raw in (a, b)}
        assert len(keys) == 2, (a, b)


def test_sqlite_spellings_are_each_run() -> None:
    """On SQLite each spelling is run as written (and both store alike: the affinity ignores
    case), so a shared cache holds two runs."""
    backend = SQLiteBackend()
    try:
        shared = Crossing()
        got = [
            _stored(shared, backend, "sqlite", _column("sqlite", "integer", raw), ["1", "x"])
            for raw in ("INTEGER", "integer")
        ]
    finally:
        backend.close()
    assert got[0] == got[1] and got[0] is not got[1]
