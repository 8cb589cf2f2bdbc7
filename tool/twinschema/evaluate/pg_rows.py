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
rows), halved down to the row, tried alone, where one fails. About a third of the golden
corpus's round trips were ``computed``'s, two a row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from twinschema.evaluate import pg_chunks
from twinschema.evaluate.backends import Computed, first_line

# The savepoint the rows are tried after; a refused insert rolls back to it (it stays made).
_SAVEPOINT = b"SAVEPOINT twinschema_each_row"
_UNDO = b"ROLLBACK TO SAVEPOINT twinschema_each_row"
# From this many rows on, the values are tried alone and the rows in chunks.
_FEW = 8

Row = tuple[Any, ...]


class _Rows:
    """One ``each_row``: the outcomes so far, and which rows the table under test holds."""

    def __init__(self, conn: Any, tested: bytes, rows: Sequence[Row], returning: bool) -> None:
        self.conn, self.cursor, self.tested = conn, conn.cursor(), tested
        self.rows, self.returning = rows, returning
        self.found: list[Computed | None] = [None] * len(rows)
        self.undone: list[int] = []  # stored in the table under test, rolled back since
        self.standing: list[int] = []  # stored in it since the last rollback

    def undo(self) -> None:
        """Roll back to the savepoint: the rows stored since are undone."""
        self.conn.execute(_UNDO)
        self.undone += self.standing
        self.standing = []

    def alone(self, n: int) -> bool:
        """Row ``n`` into the table under test on its own; True where it went in."""
        import psycopg

        try:
            got = self.cursor.execute(self.tested, self.rows[n], prepare=False)
            value = got.fetchone() if self.returning else None
        except psycopg.Error as exc:
            self.undo()
            self.found[n] = (False, first_line(exc))
            return False
        self.found[n] = (True, value[0] if value is not None else None)
        self.standing.append(n)
        return True


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
    ``known``: see ``pg_chunks.refused``."""
    import psycopg

    if len(rows) >= _FEW:
        for statement in pg_chunks.value_tables_sql(columns):
            conn.execute(statement)
    conn.execute(_SAVEPOINT)
    run = _Rows(conn, tested, rows, returning)
    if len(rows) < _FEW:
        for n, row in enumerate(rows):
            try:
                conn.execute(plain, row, prepare=False)
            except psycopg.Error:
                run.undo()
                continue
            run.alone(n)
    else:
        _in_chunks(run, columns, known)
    if keep and run.undone:
        with conn.pipeline():
            for n in run.undone:
                conn.execute(tested, rows[n], prepare=False)
    return run.found


def _in_chunks(run: _Rows, columns: pg_chunks.Columns, known: pg_chunks.Known | None) -> None:
    """The rows whose values the columns each store alone, in chunks (``_halved``)."""
    width = len(run.rows[0])
    lead = width - len(columns)
    values = [row[lead:] for row in run.rows]
    bad = pg_chunks.refused(run.conn, run.cursor, _UNDO, columns, values, known)
    kept = [n for n, row in enumerate(run.rows) if not pg_chunks.holds(bad, row[lead:])]
    text = run.tested.decode()
    marks = "(" + ", ".join(["%s"] * width) + ")"
    at = text.index(f" VALUES {marks}") + 8
    head, tail = text[:at], text[at + len(marks) :]
    # statement_timestamp() is a statement's own time: one row a statement, as alone.
    most = 1 if "statement_timestamp" in text.lower() else pg_chunks.most_rows(width)
    size, done = min(pg_chunks.FIRST, most), 0
    while done < len(kept):
        part = kept[done : done + size]
        whole = _halved(run, (head, marks, tail), part)
        done += len(part)
        size = min(size * 2, most) if whole else max(size // 4, 1)


def _halved(run: _Rows, sql: tuple[str, str, str], part: list[int]) -> bool:
    """The rows ``part`` (indexes into ``run.rows``) in one INSERT, or, that failing, in two
    halves, down to one row (``_Rows.alone``); True when they went in at once."""
    import psycopg

    if len(part) == 1:
        run.alone(part[0])
        return False
    head, marks, tail = sql
    text = head + ", ".join([marks] * len(part)) + tail
    try:
        got = run.cursor.execute(
            text.encode(), [v for n in part for v in run.rows[n]], prepare=False
        )
        values = got.fetchall() if run.returning else [(None,)] * got.rowcount
    except psycopg.Error:
        run.undo()
    else:
        if len(values) == len(part):
            for n, value in zip(part, values, strict=True):
                run.found[n] = (True, value[0])
            run.standing += part
            return True
        run.undo()
    half = len(part) // 2
    _halved(run, sql, part[:half])
    _halved(run, sql, part[half:])
    return False
