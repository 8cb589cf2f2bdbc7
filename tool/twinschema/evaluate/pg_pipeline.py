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

``alone`` sends units whose effects nobody reads afterwards (a row tried for its verdict only),
each in a savepoint of its own rolled back after it, with a Sync after each: the server stops
skipping at a Sync, so any number of units, failing or not, take one round trip (the rows of the
two slowest golden cases each fail alone: about 10,600 round trips each with ``attempts``).
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

    def alone(
        self, units: Sequence[Sequence[Statement]], head: Sequence[bytes] = ()
    ) -> list[Tried]:
        """``alone`` on the connection, after the undo it owes and ``head``: each unit undone
        after it (what it stored is gone), all in one round trip; ``attempts`` where this
        psycopg cannot."""
        if not units:
            return self.attempts(units, head)
        owed = list(self.undo) if self.dirty else []
        found = alone(self.conn, units, [*owed, *head])
        if found is None:
            return self.attempts(units, head)
        self.dirty = False
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


# ``alone`` makes this savepoint first, rolls back to it after each unit (which keeps it made), a
# Sync between them: the rollback runs whether the unit failed (the transaction aborted) or not.
_ALONE = b"SAVEPOINT twinschema_alone"
_ALONE_UNDO = b"ROLLBACK TO SAVEPOINT twinschema_alone"
_ALONE_END = b"RELEASE SAVEPOINT twinschema_alone"


def alone(
    conn: Any, units: Sequence[Sequence[Statement]], first: Sequence[bytes] = ()
) -> list[Tried] | None:
    """Each of ``units`` (statements run in order, stopping at the first that fails) run
    alone and undone after, whether it failed or not: what ``attempts`` gives each unit where
    no unit reads what another left, in one round trip. ``first`` goes before (an undo owed,
    a savepoint), its failure raised. None where this psycopg lacks the two hooks it uses (a
    Sync sent without waiting, each failing statement's error kept): nothing was sent, the
    caller uses ``attempts``. An error that leaves the connection unusable raises."""
    import psycopg

    keeping = _keeping_cursor()
    if keeping is None or not hasattr(psycopg.Pipeline, "_enqueue_sync"):
        return None
    fixed = keeping(conn)  # every statement of ours, each of which must succeed
    sent: list[tuple[list[Any], psycopg.Error | None]] = []

    def execute(cursor: Any, sql: bytes, params: Params = None) -> psycopg.Error | None:
        try:
            cursor.execute(sql, params, prepare=False)
        except psycopg.errors.PipelineAborted:  # an earlier statement's result, skipped
            pass
        except psycopg.Error as exc:  # a server's error is an earlier statement's, kept by it;
            if getattr(exc, "sqlstate", None) is None:  # the client's is this one's: not sent
                return exc
        return None

    ours: psycopg.Error | None = None  # the client's error of a statement of ours
    ended: psycopg.Error | None = None  # raised at the pipeline's end (a unit's, or worse)
    try:
        with conn.pipeline() as pipeline:
            for statement in [*first, _ALONE]:
                ours = ours or execute(fixed, statement)
            for unit in units:
                cursors: list[Any] = []
                failure = None
                for sql, params in unit:
                    cursors.append(keeping(conn))
                    if (failure := execute(cursors[-1], sql, params)) is not None:
                        break
                sent.append((cursors, failure))
                pipeline._enqueue_sync()  # the server skips what follows a failure up to here
                ours = ours or execute(fixed, _ALONE_UNDO)
            ours = ours or execute(fixed, _ALONE_END)
    except psycopg.Error as exc:
        ended = exc
    if ours is not None or fixed.failure is not None or fixed.pgresult is None:
        raise fixed.failure or ours or ended or psycopg.OperationalError("no undo's result")
    return [_alone_tried(cursors, failure) for cursors, failure in sent]


def _alone_tried(cursors: list[Any], failure: Any) -> Tried:
    """One unit of ``alone`` as its cursors went (``failure``: the client's error of the
    last one, which was not sent): the statements after a failing one have no result."""
    import psycopg

    k = sum(c.pgresult is not None for c in cursors)
    if k == len(cursors):
        return _tried(cursors)
    error = cursors[k].failure or (failure if k == len(cursors) - 1 else None)
    if error is None:  # a statement without a result and without its error: unusable
        raise psycopg.OperationalError("a statement sent alone gave no result")
    return _tried(cursors[:k], k, getattr(error, "sqlstate", None), first_line(error))


_KEEPING: list[Any] = []


def _keeping_cursor() -> Any:
    """A psycopg cursor class that keeps the error of the first of its statements a pipeline
    fails (``failure``): psycopg raises only the pipeline's first; None where psycopg's cursor
    has no ``_check_results`` to hook."""
    import psycopg

    if not hasattr(psycopg.Cursor, "_check_results"):
        return None
    if not _KEEPING:

        class Keeping(psycopg.Cursor[Any]):
            failure: psycopg.Error | None = None

            def _check_results(self, results: Any) -> None:
                try:
                    super()._check_results(results)
                except psycopg.Error as exc:
                    self.failure = self.failure or exc  # the first of its statements failing
                    raise

        _KEEPING.append(Keeping)
    return _KEEPING[0]


def _tried(cursors: Sequence[Any], failed: int | None = None, *failure: str | None) -> Tried:
    rows = tuple(_rows(c) for c in cursors)
    return Tried(rows, tuple(c.rowcount for c in cursors), failed, *failure)


def _rows(cursor: Any) -> Rows:
    return list(cursor.fetchall()) if cursor.description is not None else None
