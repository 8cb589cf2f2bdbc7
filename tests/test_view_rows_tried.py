"""A view run's rows tried each alone (``view_runs.run(..., tried=True)``, which the view probes'
fit and ``view_answers`` use) on real databases: a refused row is None and leaves the rows
stored before and after it in the table, whose view reads them, on SQLite and PostgreSQL alike.

On PostgreSQL the rows go pipelined (``pg_pipeline.Pipe.attempts``), each after a savepoint of
its own: a row refused costs one round trip more and the rows stored cost none. One at a time,
three statements a row, the fit of a Sakila diff made 4,553 of its 6,128 round trips (issue 16);
the count is asserted because it is the change's reason to be.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from twinschema.evaluate.backends import Backend
from twinschema.evaluate.pg_backend import PostgreSQLBackend
from twinschema.evaluate.view_runs import Base, Plan, run
from twinschema.model_types import ColumnType

_CREATE = 'CREATE TABLE "t" ("x" integer NOT NULL, "y" text CHECK (length("y") < 4))'
_VIEW = 'CREATE VIEW "v" AS SELECT "x", "y" FROM "t" WHERE "x" > 0'
# Stored; refused by the CHECK; refused by NOT NULL; stored; stored (the view leaves it out);
# refused last (undone before the view is read).
_ROWS: list[tuple[Any, ...]] = [
    (1, "a"),
    (2, "long"),
    (None, "b"),
    (3, "c"),
    (-4, "d"),
    (5, "xxxx"),
]
_STORED = ((1, "a"), None, None, (3, "c"), (-4, "d"), None)


def _plan(dialect: str) -> Plan:
    columns = (("x", ColumnType(dialect, "integer")), ("y", ColumnType(dialect, "text")))
    return Plan(dialect, (Base("t", columns, _CREATE, columns),), (_VIEW,), 'SELECT * FROM "v"')


class _Trips:
    """Counts the round trips of a backend's connection: its pipelines and its own
    ``execute`` calls outside one (each ends in one round trip)."""

    def __init__(self, conn: Any) -> None:
        self.count, self.conn = 0, conn
        self.pipeline, self.execute = conn.pipeline, conn.execute
        conn.pipeline, conn.execute = self._pipeline, self._execute

    @contextmanager
    def _pipeline(self) -> Iterator[Any]:
        self.count += 1
        with self.pipeline() as found:
            yield found

    def _execute(self, *args: Any, **kwargs: Any) -> Any:
        self.count += self.conn._pipeline is None
        return self.execute(*args, **kwargs)


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_rows_tried_alone_keep_those_stored_around_a_refused_one(dialect: str, pg_url: str) -> None:
    backend: Backend | None = PostgreSQLBackend(pg_url, "test") if dialect != "sqlite" else None
    try:
        trips = _Trips(backend.conn) if isinstance(backend, PostgreSQLBackend) else None
        answer = run(_plan(dialect), [_ROWS], backend, tried=True)
        assert answer.setup is None and answer.failed is None
        assert answer.stored == (_STORED,)
        assert sorted(answer.rows) == [(1, "a"), (3, "c")]
        if trips is not None:  # the setup, one more per refused row, the view's read, rollback
            refused = sum(s is None for s in _STORED)
            assert trips.count <= 3 + refused, trips.count
            # The scratch transaction was rolled back: the connection is usable, t is gone.
            assert backend.conn.execute("SELECT to_regclass('twinschema_views.t')").fetchone() == (
                None,
            )
    finally:
        if backend is not None:
            backend.close()


def test_rows_tried_together_take_one_round_trip(pg_url: str) -> None:
    """A run of rows tried together (``tried=False``): the tables, the rows, the view's read
    and the rollback in one round trip where nothing fails; the near misses: a refused row is
    the run's ``failed`` and a view that cannot be made its ``setup``, each with one round trip
    more (the rollback), and the connection usable after each."""
    backend = PostgreSQLBackend(pg_url, "test")
    try:
        trips = _Trips(backend.conn)
        stored = [row for row, kept in zip(_ROWS, _STORED, strict=True) if kept is not None]
        answer = run(_plan("postgresql"), [stored], backend)
        assert (answer.setup, answer.failed, trips.count) == (None, None, 1)
        assert sorted(answer.rows) == [(1, "a"), (3, "c")]
        trips.count = 0
        answer = run(_plan("postgresql"), [_ROWS], backend)
        assert answer.setup is None and answer.failed is not None
        assert "check constraint" in answer.failed and trips.count == 2
        bad = _plan("postgresql")
        bad = Plan(bad.dialect, bad.bases, ('CREATE VIEW "v" AS SELECT "z" FROM "t"',), bad.select)
        answer = run(bad, [stored], backend)
        assert answer.setup is not None and 'column "z" does not exist' in answer.setup
        assert sorted(run(_plan("postgresql"), [stored], backend).rows) == [(1, "a"), (3, "c")]
    finally:
        backend.close()
