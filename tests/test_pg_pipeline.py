"""The scratch connection's pipelines (``evaluate/pg_pipeline.py``) on a real PostgreSQL server:
units sent many to a round trip give what one statement a round trip gave, failures included.

The round-trip count is asserted because it is the module's reason to be: a unit that fails
costs one round trip more, any number that succeed cost none (the golden corpus spent most of
its evaluation waiting on the server, one statement at a time).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest

from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect_kwargs
from twinschema.evaluate.backends import first_line
from twinschema.evaluate.pg_pipeline import Pipe, Statement, Tried, pipelined
from twinschema.urls import parse_url

_UNDO = b"ROLLBACK TO SAVEPOINT t_rows"
_TABLE = b"CREATE TEMP TABLE t (x integer, y integer CHECK (y <> 7))"
_INSERT = b"INSERT INTO t (x, y) VALUES (%s, %s) RETURNING 100 / (x - 3)"
# Stored; refused by its column's type ('a'); by the CHECK (y = 7); failing in RETURNING (x =
# 3); a value psycopg cannot send (a list of mixed types: the client's error, no SQLSTATE);
# out of range; two statements, the second failing; two statements, both run.
_ROWS: list[Any] = [(1, 1), ("a", 1), (2, 7), (3, 1), ([1, "x"], 1), (4, 2**40), (5, 5)]
_UNITS: list[list[Statement]] = [
    *([(_INSERT, row)] for row in _ROWS),
    [(b"INSERT INTO t (x) VALUES (%s)", (8,)), (b"SELECT 1 / (%s - 8)", (8,))],
    [(b"INSERT INTO t (x) VALUES (%s)", (9,)), (b"SELECT x FROM t ORDER BY x", None)],
]


class _Counting(psycopg.Connection[Any]):
    """A real connection that counts the pipelines it opens (each ends in one round trip)."""

    pipelines = 0

    @contextmanager
    def pipeline(self) -> Iterator[Any]:  # type: ignore[override]
        self.pipelines += 1
        with super().pipeline() as found:
            yield found


@pytest.fixture
def conn(pg_url: str) -> Iterator[_Counting]:
    """A connection in a transaction holding table ``t`` and the savepoint ``t_rows``."""
    kwargs = connect_kwargs(parse_url(pg_url), ReflectOptions())
    with _Counting.connect(**kwargs, autocommit=False) as found:
        found.prepare_threshold = None
        found.execute(_TABLE)
        found.execute(b"SAVEPOINT t_rows")
        yield found
        found.rollback()


def _one_at_a_time(
    conn: psycopg.Connection[Any], units: Sequence[Sequence[Statement]]
) -> list[Tried]:
    """What ``attempts`` must give: each statement in a round trip of its own, the undo after
    each unit that fails."""
    found = []
    for unit in units:
        rows: list[Any] = []
        counts: list[int] = []
        try:
            for sql, params in unit:
                cursor = conn.execute(sql, params, prepare=False)
                rows.append(list(cursor.fetchall()) if cursor.description else None)
                counts.append(cursor.rowcount)
        except psycopg.Error as exc:
            conn.execute(_UNDO)
            state = getattr(exc, "sqlstate", None)
            found.append(Tried(tuple(rows), tuple(counts), len(rows), state, first_line(exc)))
            continue
        found.append(Tried(tuple(rows), tuple(counts)))
    return found


def test_attempts_give_what_one_statement_a_round_trip_gave(conn: _Counting) -> None:
    """Each unit's rows, row counts, failing statement, SQLSTATE and message are the one-at-a-
    time ones, and the table is left holding the same rows; the near miss: a unit whose first
    statement runs and second fails is a failure at 1, its first statement's rows kept."""
    expected = _one_at_a_time(conn, _UNITS)
    left = conn.execute(b"SELECT x FROM t ORDER BY x").fetchall()
    conn.execute(_UNDO)
    got = Pipe(conn, [_UNDO]).attempts(_UNITS)
    assert got == expected
    assert conn.execute(b"SELECT x FROM t ORDER BY x").fetchall() == left == [(9,)]
    assert [t.failed for t in got] == [None, 0, 0, 0, 0, 0, None, 1, None]
    assert [t.sqlstate for t in got][1:5] == ["22P02", "23514", "22012", None]
    assert got[7].rows == (None,) and got[8].rows == (None, [(9,)])


def test_a_failure_costs_one_round_trip(conn: _Counting) -> None:
    """20 units with 3 failing take 4 round trips (one pipeline each); none failing, one."""
    rows = [(k, 7 if k in (5, 12, 18) else 1) for k in range(20)]
    pipe = Pipe(conn, [_UNDO])
    got = pipe.attempts([[(_INSERT, row)] for row in rows if row[0] != 3])
    assert [t.failed is not None for t in got].count(True) == 3
    assert conn.pipelines == 1 + 3
    assert not pipe.dirty  # the last unit went in: nothing is owed
    conn.pipelines = 0
    got = pipe.attempts([[(_INSERT, (k, 1))] for k in range(4, 40)])
    assert conn.pipelines == 1 and all(t.failed is None for t in got)


def test_a_failing_last_unit_leaves_the_undo_owed(conn: _Counting) -> None:
    """The undo a failing last unit owes goes first in the connection's next pipeline."""
    pipe = Pipe(conn, [_UNDO])
    pipe.attempts([[(_INSERT, (1, 1))], [(_INSERT, (2, 7))]])
    assert pipe.dirty
    assert pipe.pipelined([b"SELECT count(*) FROM t"]) == [(0,)]  # undone to the savepoint
    assert not pipe.dirty


def test_pipelined_raises_the_first_error(conn: _Counting) -> None:
    """The error raised is the failing statement's (a syntax error), not the pipeline's
    "aborted" of the statements after it; the near miss, all fine, gives the last one's rows."""
    assert pipelined(conn, [b"SELECT 1", (b"SELECT %s::int + 1", (2,))]) == [(3,)]
    with pytest.raises(psycopg.errors.SyntaxError):
        pipelined(conn, [b"SELECT 1", b"SELEC 2", b"SELECT 3"])


def _each_alone(conn: psycopg.Connection[Any], units: Sequence[Sequence[Statement]]) -> list[Tried]:
    """What ``alone`` must give: each unit one statement a round trip, after the savepoint,
    rolled back to it after the unit whether it failed or not."""
    found = []
    for unit in units:
        found += _one_at_a_time(conn, [unit])
        conn.execute(_UNDO)
    return found


def test_alone_gives_each_unit_what_it_gives_alone_in_one_round_trip(conn: _Counting) -> None:
    """Each unit's rows, row counts, failing statement, SQLSTATE and message are those it gives
    run alone, five failures among nine units cost no round trip more, and nothing stays
    stored; the near miss: a unit whose first statement runs and second fails is a failure at
    1, its first statement's rows kept."""
    expected = _each_alone(conn, _UNITS)
    pipe = Pipe(conn, [_UNDO])
    got = pipe.alone(_UNITS)
    assert got == expected
    assert conn.pipelines == 1 and not pipe.dirty
    assert [t.failed for t in got] == [None, 0, 0, 0, 0, 0, None, 1, None]
    assert [t.sqlstate for t in got][1:6] == ["22P02", "23514", "22012", None, "22003"]
    assert got[7].rows == (None,) and got[8].rows == (None, [(9,)])  # 8 was undone
    assert conn.execute(b"SELECT count(*) FROM t").fetchall() == [(0,)]


def test_alone_pays_the_undo_owed_first(conn: _Counting) -> None:
    """After ``attempts`` left a failure's undo owed, ``alone`` sends it first (the transaction
    is usable again) in its own round trip; the near miss: with none owed, none is sent, and
    a unit's rows stored by ``attempts`` before stay."""
    pipe = Pipe(conn, [_UNDO])
    pipe.attempts([[(_INSERT, (1, 1))], [(_INSERT, (2, 7))]])
    assert pipe.dirty
    conn.pipelines = 0
    got = pipe.alone([[(_INSERT, (4, 1))], [(b"SELECT count(*) FROM t", None)]])
    assert conn.pipelines == 1 and [t.rows for t in got] == [([(100,)],), ([(0,)],)]
    pipe.attempts([[(_INSERT, (1, 1))]])
    assert not pipe.dirty
    got = pipe.alone([[(b"SELECT count(*) FROM t", None)]])
    assert [t.rows for t in got] == [([(1,)],)]


def test_alone_raises_where_its_head_fails(conn: _Counting) -> None:
    """A head statement that fails (the table exists) raises its own error, not a unit's nor
    the skipped undo's; the near miss, the same head where the table is gone (rolled back),
    runs and gives the units."""
    units: list[list[Statement]] = [[(_INSERT, (1, 1))], [(_INSERT, (2, 7))]]
    with pytest.raises(psycopg.errors.DuplicateTable):
        Pipe(conn, [_UNDO]).alone(units, [_TABLE])
    conn.rollback()
    got = Pipe(conn, [_UNDO]).alone(units, [_TABLE])
    assert [t.failed for t in got] == [None, 0]


def test_alone_keeps_each_unit_whatever_order_the_results_come_in(conn: _Counting) -> None:
    """Units of two statements, the first failing in every other one: the second is skipped
    (psycopg reads its "aborted" result while later statements go out), which is neither
    that unit's error nor a later statement's; the near miss, the units that fail nowhere,
    give both statements' rows."""
    units: list[list[Statement]] = [
        [(b"SELECT 1 / %s", (k % 2,)), (b"SELECT %s", (k,))] for k in range(300)
    ]
    got = Pipe(conn, [_UNDO]).alone(units)
    assert [t.failed for t in got] == [0 if k % 2 == 0 else None for k in range(300)]
    assert all(t.sqlstate == "22012" for t in got[::2])
    assert [t.rows for t in got[1::2]] == [([(1,)], [(k,)]) for k in range(1, 300, 2)]
    assert conn.pipelines == 1
