"""A SQLite CHECK that SQLite refuses to run: what a witness it rejects says of it.

SQLite (3.40) fails an INSERT whose CHECK calls a date and time function with ``'now'``,
``'localtime'`` or ``'utc'`` ("non-deterministic use of strftime() in a CHECK constraint"): the
row is refused for no value of its own. ``random()``, ``changes()`` and the clock keywords
(``CURRENT_TIMESTAMP``) run. Where a witness is a row such a CHECK refuses, the probe rows are
inserted once more under it, on the SQLite side's own in-memory database, and the note says
which rows SQLite refuses so: every row (NULL too, where a probe row holds one); every row with
a date or time in the columns (a date function of NULL or of 'yesterday-ish' is NULL before its
modifier is read, so SQLite stores those); or this row, not for its values (stranger57 210,
stranger49 081).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from twinschema.evaluate.backends import first_line, for_sqlite
from twinschema.evaluate.context import StageContext
from twinschema.evaluate.probe_sets import ProbeSet
from twinschema.evaluate.sqlite_backend import SQLiteBackend
from twinschema.evaluate.statements import check_insert_sql, check_table_sql
from twinschema.model import ColumnType

# SQLite's own words for a CHECK it refuses to run at all.
_NOT_RUN = "non-deterministic use of"


def every_row_refused(
    st: StageContext, found: ProbeSet, texts: tuple[str, str], row: Sequence[Any]
) -> str:
    """A note for a witness ``row`` of two CHECKs ``texts`` run on ``found``: where a SQLite
    side refuses it because SQLite will not run its CHECK (``_NOT_RUN``), which rows that side
    refuses so, with SQLite's error; "" otherwise (a row refused for its values)."""
    for i, side in enumerate(("left", "right")):
        backend, columns = found.backends[i], (found.left, found.right)[i]
        if not isinstance(backend, SQLiteBackend) or not texts[i]:
            continue
        rows = [tuple(row), *(r for r in found.rows if r != tuple(row))]
        errors = _errors(backend, columns, texts[i], rows)
        if not errors or errors[0] is None or _NOT_RUN not in errors[0]:
            continue
        run = [r for r, e in zip(rows, errors, strict=True) if e is None or _NOT_RUN not in e]
        if not run:
            nulls = any(v is None for r in rows for v in r)
            scope = "every row, NULL too" if nulls else "every row"
        elif all(any(_no_date(backend, v) for v in r) for r in run):
            scope = (
                f"every row with a date or time in ({', '.join(found.names)}), running it only "
                "on NULL and text that is no date"
            )
        else:
            scope = "this row, not for its values"
        return f" ({st.side_name(side)} refuses {scope}: {errors[0]}, at each INSERT)"
    return ""


def _no_date(backend: SQLiteBackend, value: Any) -> bool:
    """Whether SQLite's date functions read ``value`` as no date (NULL, 'yesterday-ish'), so a
    CHECK's ``strftime(..., 'localtime')`` gives NULL before it reads the modifier."""
    row = backend.conn.execute("SELECT julianday(?) IS NULL", (for_sqlite(value),)).fetchone()
    return bool(row[0])


def _errors(
    backend: SQLiteBackend,
    columns: Sequence[tuple[str, ColumnType]],
    check: str,
    rows: Sequence[Sequence[Any]],
) -> list[str | None] | None:
    """SQLite's error for each row inserted under ``CHECK (check)`` (None: stored); None when
    the CHECK's table cannot be made."""
    conn = backend.conn
    try:
        conn.execute(check_table_sql(columns, check))
    except sqlite3.Error:
        return None
    insert = check_insert_sql(columns, "?")
    found: list[str | None] = []
    try:
        for row in rows:
            try:
                conn.execute(insert, tuple(for_sqlite(v) for v in row))
                found.append(None)
            except (sqlite3.Error, OverflowError) as exc:
                found.append(first_line(exc))
    finally:
        conn.execute("DROP TABLE IF EXISTS temp.twinschema_check")
    return found
