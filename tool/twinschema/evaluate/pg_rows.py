"""The rows of PostgreSQL's ``computed`` and ``keys`` (``pg_backend``) after one savepoint
instead of a savepoint per insert: a row the columns or the table under test refuse rolls back
to it. The tables hold no constraint a row could meet another row in (a generated column, an
index that is not unique), so rows undone that way change no row's fate; the rows of the table
under test that ``keys`` reads back afterwards are put back at the end, in one pipeline.

A few rows go one by one, into the table of the bare columns and then into the table under
test. More go as ``pg_chunks`` has ``try_rows``'s: each distinct value is tried alone in a
table of its column's type (a row the bare columns refuse is refused for one of its values),
and the other rows go into the table under test in chunks, one multi-row INSERT each (cast row
by row to the columns as a one-row INSERT; RETURNING gives each row's value in the order of the
rows), the rows of a chunk that fails each tried alone. Each set of statements goes in one
pipeline (``pg_pipeline``). About a third of the golden corpus's round trips were
``computed``'s, two a row, before chunks and pipelines. Where no row is read back afterwards
(``computed``), each chunk and row is undone after it (``pg_pipeline.Pipe.alone``): a failure
then costs no round trip of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from twinschema.evaluate import pg_chunks
from twinschema.evaluate.backends import Computed
from twinschema.evaluate.pg_chunks import chunk_params
from twinschema.evaluate.pg_pipeline import Pipe, Statement, Tried

# The savepoint the rows are tried after; a refused insert rolls back to it (it stays made).
_SAVEPOINT = b"SAVEPOINT twinschema_each_row"
_UNDO = b"ROLLBACK TO SAVEPOINT twinschema_each_row"
# From this many rows on, the values are tried alone and the rows in chunks.
_FEW = 8

Row = tuple[Any, ...]


def each_row(
    conn: Any,
    columns: pg_chunks.Columns,
    plain: bytes,
    tested: bytes,
    rows: Sequence[Row],
    returning: bool,
    keep: bool = False,
    known: pg_chunks.Known | None = None,
) -> list[Computed | None]:
    """Each row into the table of the bare ``columns`` (``plain``), then into the table under
    test (``tested``, a one-row INSERT). None where the first refuses it; else (True, the value
    the second returns, or None without ``returning``) or (False, the second's error). A row
    may lead with values of no column (``keys``' number): only its last values are the
    columns'. With ``keep``, the table under test holds every row it stored when this returns
    (``keys`` queries it): those a later refusal rolled back are inserted again, at the end.
    ``known``: see ``pg_chunks.refused``. Each set of statements goes in one pipeline
    (``pg_pipeline``)."""
    run = _Rows(Pipe(conn, [_UNDO]), tested, rows, returning, keep)
    if len(rows) < _FEW:
        units = [[(plain, row), (tested, row)] for row in rows]
        for n, got in enumerate(run.tried(units, [_SAVEPOINT])):
            if got.failed == 0:  # the bare columns refuse it
                run.undo()
            else:
                run.settle(n, got, 1)
    else:
        head = [*pg_chunks.value_tables_sql(columns), _SAVEPOINT]
        _in_chunks(run, columns, known, head)
    again = [(tested, rows[n]) for n in run.undone] if keep else []
    if again or (keep and run.pipe.dirty):
        run.pipe.pipelined(again)
    return run.found


class _Rows:
    """One ``each_row``: the outcomes so far, and which rows the table under test holds."""

    def __init__(
        self, pipe: Pipe, tested: bytes, rows: Sequence[Row], returning: bool, keep: bool
    ) -> None:
        self.pipe, self.tested, self.rows, self.returning = pipe, tested, rows, returning
        self.keep = keep
        self.found: list[Computed | None] = [None] * len(rows)
        self.undone: list[int] = []  # stored in the table under test, rolled back since
        self.standing: list[int] = []  # stored in it since the last rollback

    def tried(
        self, units: Sequence[Sequence[Statement]], head: Sequence[bytes] = ()
    ) -> list[Tried]:
        """``units`` after ``head`` (``pg_pipeline``): each undone after it unless the rows
        are kept (``keep``), and then a failure rolls back to the savepoint."""
        if self.keep:
            return self.pipe.attempts(units, head)
        return self.pipe.alone(units, head)

    def undo(self) -> None:
        """A statement failed: the rows stored since the savepoint are rolled back."""
        self.undone += self.standing
        self.standing = []

    def settle(self, n: int, got: Tried, at: int) -> None:
        """Row ``n`` as its INSERT into the table under test (statement ``at`` of ``got``)
        went."""
        if got.failed is not None:
            self.undo()
            self.found[n] = (False, got.error or "")
            return
        returned = got.rows[at] if self.returning else None
        value = returned[0] if returned else None
        self.found[n] = (True, value[0] if value is not None else None)
        self.standing.append(n)


def _in_chunks(
    run: _Rows, columns: pg_chunks.Columns, known: pg_chunks.Known | None, head: list[bytes]
) -> None:
    """The rows whose values the columns each store alone, in chunks, all in one pipeline;
    the rows of a chunk that fails each alone (``_Rows.settle``), in another."""
    width = len(run.rows[0])
    lead = width - len(columns)
    values = [row[lead:] for row in run.rows]
    bad = pg_chunks.refused(run.pipe, columns, values, known, head)
    kept = [n for n, row in enumerate(run.rows) if not pg_chunks.holds(bad, row[lead:])]
    text = run.tested.decode()
    marks = "(" + ", ".join(["%s"] * width) + ")"
    at = text.index(f" VALUES {marks}") + 8
    start, tail = text[:at], text[at + len(marks) :]
    # statement_timestamp() is a statement's own time: one row a statement, as alone.
    most = 1 if "statement_timestamp" in text.lower() else pg_chunks.most_rows(width)
    parts, size, done = [], min(pg_chunks.FIRST, most), 0
    while done < len(kept):
        parts.append(kept[done : done + size])
        done += len(parts[-1])
        size = min(size * 2, most)
    units: list[list[Statement]] = [
        [((start + ", ".join([marks] * len(part)) + tail).encode(), chunk_params(part, run.rows))]
        for part in parts
    ]
    alone: list[int] = []
    tried: dict[int, Tried] = {}
    for part, got in zip(parts, run.tried(units), strict=True):
        if got.failed is not None:
            run.undo()
        else:
            values_got = got.rows[0] if run.returning else [(None,)] * got.counts[0]
            if values_got is not None and len(values_got) == len(part):
                for n, value in zip(part, values_got, strict=True):
                    run.found[n] = (True, value[0])
                run.standing += part
                continue
        if len(part) == 1 and got.failed is not None:  # a chunk of one row is that row alone
            tried[part[0]] = got
        alone += part
    asked = [n for n in alone if n not in tried]
    units = [[(run.tested, run.rows[n])] for n in asked]
    tried.update(zip(asked, run.tried(units), strict=True))
    for n in alone:
        run.settle(n, tried[n], 0)
