"""PostgreSQL's ``try_rows`` tries its rows in chunks, one INSERT each (``pg_chunks``), and
settles a row holding a value its column refuses by that value tried alone: each row's verdict
is still the one it gets tried alone, in a long mixed sequence (chunks that go in whole, chunks
a failing CHECK expression halves down to the row), whatever the other columns hold (a column
whose domain is NOT NULL does not make another column's value refused)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from twinschema.evaluate.pg_backend import PostgreSQLBackend
from twinschema.evaluate.statements import probe_column
from twinschema.model import Column, ColumnType


@pytest.fixture(scope="module")
def backend(pg_server: str) -> Iterator[PostgreSQLBackend]:
    from support.testing import scratch_backend

    domain = "CREATE DOMAIN posint AS integer NOT NULL CHECK (VALUE > 0)"
    with scratch_backend(pg_server, "tryrowschunks", domain) as backend:
        yield backend


COLUMNS = [
    probe_column(Column("a", ColumnType("postgresql", "posint", raw="posint"))),
    probe_column(Column("b", ColumnType("postgresql", "smallint", raw="smallint"))),
]
CHECK = "a / b < 3"
# (1, 1) and (2, 1) pass; (5, 1) is refused by the CHECK; b = 0 fails in its expression; a = 0
# is refused by the domain's CHECK (23514: False, as the CHECK table has it); a NULL by its NOT
# NULL; 2^20 by smallint; a NULL b passes.
KINDS = [(1, 1), (5, 1), (2, 0), (0, 1), (None, 1), (1, 2**20), (2, None), (2, 1), (0, 2**20)]
# Long runs of rows that go in whole, and the failing ones spread among them.
ROWS = [KINDS[i % len(KINDS)] if i % 7 else (1 + i % 2, 1) for i in range(120)] + [(1, 1)] * 40


@pytest.mark.parametrize("errors_reject", [True, False])
def test_each_row_of_a_long_sequence_gets_its_verdict_alone(
    backend: PostgreSQLBackend, errors_reject: bool
) -> None:
    alone = {row: backend.try_rows(COLUMNS, CHECK, [row], errors_reject)[0] for row in KINDS}
    failed = False if errors_reject else None  # b = 0: the expression's error
    assert alone == {
        (1, 1): True,
        (5, 1): False,
        (2, 0): failed,
        (0, 1): False,
        (None, 1): None,
        (1, 2**20): None,
        (2, None): True,
        (2, 1): True,
        (0, 2**20): False,  # a is cast first: the domain's CHECK refuses it
    }
    together = backend.try_rows(COLUMNS, CHECK, ROWS, errors_reject)
    assert together == [alone.get(row, True) for row in ROWS]


# -- what values columns refused, kept over runs --------------------------------------------------
# The backend keeps what a column of pg_catalog's type (smallint, integer) refused alone, run
# after run; a domain's verdict can change between runs and is tried every time.
INTEGER = ColumnType("postgresql", "integer", raw="integer")
SMALL = ColumnType("postgresql", "smallint", raw="smallint")


def test_a_value_is_kept_for_its_type_alone(backend: PostgreSQLBackend) -> None:
    big = [(2**20,), (1,)]
    for first, second in ((SMALL, INTEGER), (INTEGER, SMALL)):
        for ctype in (first, second, first):
            stored = ctype is INTEGER  # 2^20 fits an integer, not a smallint
            assert backend.try_rows([("x", ctype)], "x > 0", big) == [stored or None, True]


def test_a_domain_changed_between_runs_is_read_anew(backend: PostgreSQLBackend) -> None:
    ctype = ColumnType("postgresql", "nonneg", raw="nonneg")
    rows = [(0,), (1,)]
    backend.conn.execute("CREATE DOMAIN nonneg AS integer CHECK (VALUE > 0)")
    backend.conn.commit()
    try:
        assert backend.try_rows([("x", ctype)], "x < 5", rows) == [False, True]
        backend.conn.execute("ALTER DOMAIN nonneg DROP CONSTRAINT nonneg_check")
        backend.conn.execute("ALTER DOMAIN nonneg ADD CHECK (VALUE >= 0)")
        backend.conn.commit()
        assert backend.try_rows([("x", ctype)], "x < 5", rows) == [True, True]
    finally:
        backend.conn.execute("DROP DOMAIN nonneg")
        backend.conn.commit()


# -- round trips: a failure costs none of its own ---------------------------------------------------
class _RoundTrips:
    """Counts the round trips of psycopg connections: one a pipeline (its Sync answered at
    its end), one a statement sent outside a pipeline."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import psycopg

        self.count = 0
        pipeline, execute = psycopg.Connection.pipeline, psycopg.Cursor.execute

        @contextmanager
        def counted_pipeline(conn: Any) -> Iterator[Any]:
            outer = conn._pipeline is None
            try:
                with pipeline(conn) as found:
                    yield found
            finally:
                self.count += outer

        def counted_execute(cursor: Any, *args: Any, **kwargs: Any) -> Any:
            self.count += cursor.connection._pipeline is None
            return execute(cursor, *args, **kwargs)

        monkeypatch.setattr(psycopg.Connection, "pipeline", counted_pipeline)
        monkeypatch.setattr(psycopg.Cursor, "execute", counted_execute)


@pytest.mark.parametrize("errors_reject", [True, False])
def test_rows_failing_alone_cost_no_round_trip_each(
    backend: PostgreSQLBackend, monkeypatch: pytest.MonkeyPatch, errors_reject: bool
) -> None:
    """64 rows, one in four failing in its CHECK's expression (b = 0) and one in eight refused
    by a domain: at most 8 round trips (the tables, the catalog's types, the values, the
    chunks, the failing chunks' rows alone, the failing rows without the CHECK, the rollback),
    as for the near miss, the same rows without a failure; each verdict the row's alone."""
    rows = [(1 + n % 2, 0 if n % 4 == 1 else 1) if n % 8 != 3 else (0, 1) for n in range(64)]
    near = [(1 + n % 2, 1) for n in range(64)]
    alone = [backend.try_rows(COLUMNS, CHECK, [row], errors_reject)[0] for row in rows]
    counts = []
    for tried in (rows, near):
        counter = _RoundTrips(monkeypatch)
        got = backend.try_rows(COLUMNS, CHECK, tried, errors_reject)
        counts.append(counter.count)
        monkeypatch.undo()
    assert got == [True] * 64
    assert counts[0] <= 8 and counts[1] <= 8, counts
    assert backend.try_rows(COLUMNS, CHECK, rows, errors_reject) == alone
    assert alone.count(None if not errors_reject else False) >= 16
