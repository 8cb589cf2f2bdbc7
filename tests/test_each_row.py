"""PostgreSQL's ``computed`` and ``keys`` try their rows in one transaction after one savepoint,
rolled back to after each refused insert (``pg_rows.each_row``): each row's outcome is the one
it gets tried alone, whatever rows come before it, and ``keys`` still pairs rows stored before
a refused one (they are inserted again after the rollback undid them)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from twinschema.evaluate.pg_backend import PostgreSQLBackend
from twinschema.model import ColumnType


@pytest.fixture(scope="module")
def backend(pg_server: str) -> Iterator[PostgreSQLBackend]:
    from support.testing import scratch_backend

    with scratch_backend(pg_server, "eachrow") as backend:
        yield backend


INTEGER = ColumnType("postgresql", "integer", raw="integer")
COLUMNS = (("x", INTEGER),)
# 10 / x: 5 and 2 are stored; 0 fails in the expression (division by zero), a row the column
# stores; 2^40 is refused by the column itself; NULL gives NULL.
ROWS = [(5,), (0,), (2,), (2**40,), (5,), (None,), (0,), (10,), (2,), (1,)]


@pytest.mark.parametrize("generated", [True, False])
def test_computed_gives_each_row_its_outcome_alone(
    backend: PostgreSQLBackend, generated: bool
) -> None:
    together = backend.computed(COLUMNS, "10 / x", INTEGER, ROWS, generated)
    alone = [backend.computed(COLUMNS, "10 / x", INTEGER, [row], generated) for row in ROWS]
    assert together is not None and together == [one[0] for one in alone if one is not None]
    failed = together[1]
    assert failed is not None and failed[0] is False and "division by zero" in failed[1]
    assert together == [
        (True, 2), failed, (True, 5), None, (True, 2), (True, None), failed, (True, 1),
        (True, 5), (True, 10),
    ]  # fmt: skip


@pytest.mark.parametrize("itself", [False, True])
def test_keys_pairs_rows_stored_before_a_refused_one(
    backend: PostgreSQLBackend, itself: bool
) -> None:
    found = backend.keys(COLUMNS, (("10 / x",), None), ROWS, itself=itself)
    assert found is not None
    outcomes, pairs = found
    alone = [backend.keys(COLUMNS, (("10 / x",), None), [row]) for row in ROWS]
    assert outcomes == [one[0][0] for one in alone if one is not None]
    stored = [k for k, outcome in enumerate(outcomes) if outcome == (True, None)]
    assert stored == [0, 2, 4, 5, 7, 8, 9]
    # 10 / 5 and 10 / 2 twice each, rows 0 and 2 stored before rows that were refused.
    assert pairs == {(0, 4), (2, 8)} | ({(k, k) for k in stored if k != 5} if itself else set())


# A long mixed sequence over two columns (``pg_rows``: values tried alone, rows in chunks): a
# NOT NULL domain with a CHECK (its refusals make the row None, whatever the other column holds),
# a smallint (2^20 refused), and an expression failing on b = 0 among rows that go in whole.
POSINT = ColumnType("postgresql", "posint", raw="posint")
SMALLINT = ColumnType("postgresql", "smallint", raw="smallint")
PAIR = (("a", POSINT), ("b", SMALLINT))
KINDS = [(4, 2), (5, 1), (2, 0), (0, 1), (None, 1), (1, 2**20), (2, None), (6, 3), (0, 2**20)]
LONG = [KINDS[i % len(KINDS)] if i % 7 else (1 + i % 2, 1) for i in range(120)] + [(4, 1)] * 40


@pytest.fixture(scope="module")
def domain(backend: PostgreSQLBackend) -> None:
    backend.conn.execute("CREATE DOMAIN posint AS integer NOT NULL CHECK (VALUE > 0)")
    backend.conn.commit()


@pytest.mark.usefixtures("domain")
@pytest.mark.parametrize("generated", [True, False])
def test_computed_over_a_long_sequence_gives_each_row_its_outcome_alone(
    backend: PostgreSQLBackend, generated: bool
) -> None:
    def alone(row: tuple[int | None, ...]) -> object:
        got = backend.computed(PAIR, "a / b", INTEGER, [row], generated)
        return got[0] if got is not None else "not made"

    kinds = {row: alone(row) for row in {*KINDS, *LONG}}
    failed = kinds[(2, 0)]
    assert isinstance(failed, tuple) and "division by zero" in failed[1]
    assert {row: kinds[row] for row in KINDS} == {
        (4, 2): (True, 2), (5, 1): (True, 5), (2, 0): failed, (0, 1): None, (None, 1): None,
        (1, 2**20): None, (2, None): (True, None), (6, 3): (True, 2), (0, 2**20): None,
    }  # fmt: skip
    together = backend.computed(PAIR, "a / b", INTEGER, LONG, generated)
    assert together == [kinds[row] for row in LONG]


@pytest.mark.usefixtures("domain")
def test_keys_over_a_long_sequence_pairs_every_row_stored(backend: PostgreSQLBackend) -> None:
    found = backend.keys(PAIR, (("a / b",), None), LONG)
    assert found is not None
    outcomes, pairs = found
    alone = {row: backend.keys(PAIR, (("a / b",), None), [row]) for row in set(LONG)}
    assert outcomes == [one[0][0] for one in (alone[row] for row in LONG) if one is not None]
    stored = [k for k, outcome in enumerate(outcomes) if outcome == (True, None)]
    assert len(stored) > 60 and len(stored) < len(LONG)
    key = {k: LONG[k][0] // LONG[k][1] for k in stored if None not in LONG[k]}  # all positive
    assert pairs == {(j, k) for j in key for k in key if j < k and key[j] == key[k]}
