"""The rows of PostgreSQL's ``computed`` and ``keys`` (``pg_backend``), each inserted on its own
after one savepoint instead of a savepoint per insert: a row the columns or the table under
test refuse rolls back to it. The tables hold no constraint a row could meet another row in (a
generated column, an index that is not unique), so rows undone that way change no row's fate;
the rows of the table under test that ``keys`` reads back afterwards are put back at the end,
in one pipeline."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from twinschema.evaluate.backends import Computed, first_line

# The savepoint the rows are tried after; a refused insert rolls back to it (it stays made).
_SAVEPOINT = b"SAVEPOINT twinschema_each_row"
_UNDO = b"ROLLBACK TO SAVEPOINT twinschema_each_row"


def each_row(
    conn: Any,
    plain: bytes,
    tested: bytes,
    rows: Iterable[tuple[Any, ...]],
    returning: bool,
    keep: bool = False,
) -> list[Computed | None]:
    """Insert each row into the table of the bare columns (``plain``), then into the table
    under test (``tested``). None where the first refuses it; else (True, the value the second
    returns, or None without ``returning``) or (False, the second's error). With ``keep``, the
    table under test holds every row it stored when this returns (``keys`` queries it): those
    a later refusal rolled back are inserted again, at the end. Two round trips a stored row,
    two a refused one, three one the table under test refuses (a psycopg savepoint each, as
    before, took six, three and six)."""
    import psycopg

    conn.execute(_SAVEPOINT)
    found: list[Computed | None] = []
    undone: list[tuple[Any, ...]] = []  # stored in the table under test, rolled back since
    standing: list[tuple[Any, ...]] = []  # stored in it since the last rollback
    for row in rows:
        try:
            conn.execute(plain, row, prepare=False)
        except psycopg.Error:
            conn.execute(_UNDO)
            found.append(None)
            undone += standing
            standing = []
            continue
        try:
            cursor = conn.execute(tested, row, prepare=False)
            got = cursor.fetchone() if returning else None
        except psycopg.Error as exc:
            conn.execute(_UNDO)
            found.append((False, first_line(exc)))
            undone += standing
            standing = []
            continue
        found.append((True, got[0] if got is not None else None))
        standing.append(row)
    if keep and undone:
        with conn.pipeline():
            for row in undone:
                conn.execute(tested, row, prepare=False)
    return found
