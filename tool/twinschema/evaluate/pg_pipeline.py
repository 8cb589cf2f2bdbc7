"""Statements of the PostgreSQL scratch connection sent in psycopg's pipeline mode: many in one
round trip instead of one round trip each (the golden corpus spent most of its evaluation time
waiting on the server, one statement at a time).

``pipelined`` sends statements that must all succeed (a run's tables, its savepoint). ``attempts``
sends units that may fail, each as if run alone after the run's savepoint: a unit that fails is
undone (``ROLLBACK TO SAVEPOINT``) before the next, as the one-at-a-time code did. PostgreSQL skips
every statement after an error up to the pipeline's end, so the units after a failing one are sent
again, after the undo, in a later round trip: about ``1 + failures`` round trips for any number
of units, the server running exactly the statements, in the order, that one at a time would run
(the skipped ones are not run). After a failure a round trip sends about twice as many units as
went in before it, so that dense failures do not send the same units again and again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from twinschema.evaluate.backends import first_line

Params = Sequence[Any] | Mapping[str, Any] | None
# The fewest units a round trip after a failure sends (the most it sends again for nothing).
_LEAST = 4
Statement = tuple[bytes, Params]
Rows = list[tuple[Any, ...]] | None


@dataclass(frozen=True)
class Tried:
    """What one unit of ``attempts`` gave: each statement's rows (None for one that returns no
    rows), up to ``failed``, the index of the statement that failed (None: none did), with its
    SQLSTATE (None for an error of the client's, such as a value psycopg cannot send) and the
    first line of its error."""

    rows: tuple[Rows, ...]
    counts: tuple[int, ...] = ()  # each statement's row count (rows inserted, or returned)
    failed: int | None = None
    sqlstate: str | None = None
    error: str | None = None


def pipelined(conn: Any, statements: Sequence[bytes | Statement], rows_of: int = -1) -> Rows:
    """Run ``statements`` in one round trip and return the rows of the one at ``rows_of``
    (the last unless said; None where it returns none). The first one that fails raises its
    ``psycopg.Error``, as run one at a time (the statements after it are not run); the
    transaction is then aborted, as after any error."""
    import psycopg

    cursors: list[Any] = []
    error: psycopg.Error | None = None
    try:
        with conn.pipeline():
            for item in statements:
                sql, params = (item, None) if isinstance(item, bytes) else item
                cursor = conn.cursor()
                cursors.append(cursor)
                try:
                    cursor.execute(sql, params, prepare=False)
                except psycopg.Error as exc:
                    error = exc
                    break
    except psycopg.Error as exc:
        error = error or exc
    if error is not None:
        raise error
    return _rows(cursors[rows_of]) if cursors else None


class Pipe:
    """The scratch connection ``conn`` after a run's savepoint, undone by ``undo``: ``dirty``
    while a unit that failed is not undone yet (the transaction is aborted until then)."""

    def __init__(self, conn: Any, undo: Sequence[bytes]) -> None:
        self.conn, self.undo, self.dirty = conn, tuple(undo), False

    def pipelined(self, statements: Sequence[bytes | Statement]) -> Rows:
        """``pipelined`` on the connection, after the undo it owes (the last statement's
        rows)."""
        owed: list[bytes | Statement] = list(self.undo) if self.dirty else []
        self.dirty = False
        return pipelined(self.conn, [*owed, *statements])

    def attempts(
        self, units: Sequence[Sequence[Statement]], head: Sequence[bytes] = ()
    ) -> list[Tried]:
        """``attempts`` on the connection, after the undo it owes; owing one where the last
        unit failed."""
        if not units:
            if head or self.dirty:
                self.pipelined(list(head))
            return []
        found = attempts(self.conn, self.undo, units, head, self.dirty)
        self.dirty = found[-1].failed is not None
        return found


def attempts(
    conn: Any,
    undo: Sequence[bytes],
    units: Sequence[Sequence[Statement]],
    head: Sequence[bytes] = (),
    undo_first: bool = False,
) -> list[Tried]:
    """Each of ``units`` (statements run in order, stopping at the first that fails) as if
    run alone, one after the other, with ``undo`` run after each unit that fails: what one
    round trip per statement gave, in about ``1 + failures`` round trips. ``head`` goes first (a
    savepoint), its first failure raised as ``pipelined`` raises it; ``undo`` before it where
    ``undo_first`` (a unit before failed: see ``Pipe``). An error that leaves the
    connection unusable raises, as ``undo`` then fails. Where the last unit failed, the
    transaction is left aborted, for the next statement to undo."""
    import psycopg

    found: list[Tried] = []
    dirty = undo_first  # the last unit failed: ``undo`` goes first
    first = list(head)
    window = len(units)  # how many units the next round trip sends
    while len(found) < len(units):
        start = len(found)
        sent: list[list[Any]] = []
        inside: psycopg.Error | None = None  # raised while sending
        at = -1  # the unit whose statement raised ``inside`` as it was sent
        ended: psycopg.Error | None = None  # raised at the pipeline's end
        undone: list[Any] = []
        try:
            with conn.pipeline():
                try:
                    for statement in [*(undo if dirty else ()), *first]:
                        undone.append(conn.cursor())
                        undone[-1].execute(statement, prepare=False)
                except psycopg.Error as exc:
                    inside = exc
                for unit in units[start : start + window] if inside is None else ():
                    cursors: list[Any] = []
                    sent.append(cursors)
                    try:
                        for sql, params in unit:
                            cursor = conn.cursor()
                            cursors.append(cursor)
                            cursor.execute(sql, params, prepare=False)
                    except psycopg.Error as exc:
                        inside, at = exc, len(sent) - 1
                        break
        except psycopg.Error as exc:
            ended = exc
        if any(c.pgresult is None for c in undone) or (not sent and (inside or ended)):
            raise inside or ended or psycopg.OperationalError("the undo gave no result")
        dirty, first = False, []
        for k, cursors in enumerate(sent):
            done = [c for c in cursors if c.pgresult is not None]
            if len(done) == len(cursors) and not (k == at and inside is not None):
                found.append(_tried(cursors))
                continue
            # The first unit not wholly run: its first statement without a result failed.
            # A server's error raised while sending belongs to the first statement that
            # failed; a client's (no SQLSTATE) to the statement sent as it was raised.
            server_error = inside is not None and getattr(inside, "sqlstate", None)
            error = inside if inside is not None and (server_error or k == at) else ended
            if error is None:  # nothing failed, yet a statement has no result: unusable
                raise psycopg.OperationalError("a pipelined statement gave no result")
            sqlstate = getattr(error, "sqlstate", None)
            found.append(_tried(done, len(done), sqlstate, first_line(error)))
            dirty = True
            # The units sent after a failing one were skipped, to be sent again: the next
            # round trip sends about twice as many as went in before it.
            window = max(_LEAST, 2 * k)
            break
        else:
            if ended is not None or inside is not None:  # every unit ran, yet an error
                raise ended or inside  # type: ignore[misc]
            window *= 4
    return found


def _tried(cursors: Sequence[Any], failed: int | None = None, *failure: str | None) -> Tried:
    rows = tuple(_rows(c) for c in cursors)
    return Tried(rows, tuple(c.rowcount for c in cursors), failed, *failure)


def _rows(cursor: Any) -> Rows:
    return list(cursor.fetchall()) if cursor.description is not None else None
