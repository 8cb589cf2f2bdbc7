"""Probe rows with two moment columns a fraction of a second apart (stranger61 008, 023).

SQLite keeps a timestamp as text and its date functions keep less of it than PostgreSQL's
moments do: ``datetime()`` drops the fraction of a second, ``julianday()`` rounds to the
millisecond. ``remind_at < datetime(created_at, '+1 year')`` against ``remind_at < created_at +
interval '1 year'`` parts only where the two columns straddle the dropped fraction (a year on,
.500 against .200: SQLite compares '2025-01-01 08:00:00.200' with '2025-01-01 08:00:00' as
text), and ``julianday(e) >= julianday(s)`` against ``e >= s`` only where they are under a
millisecond apart ('.123456' against '.123', '.0004' against '.0001'); and, a month or a year
on from a day the step overflows in SQLite (2024-02-29 + 1 year is 2025-03-01 there, 2025-02-28
on PostgreSQL), inside the day between the two. No cross product of
each column's own values puts two such moments side by side, so each two date-time columns an
expression reads get these pairs, each way round, the other columns at their first value.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from twinschema.evaluate import probes
from twinschema.model import Column

# The kinds whose values carry a time of day with a fraction of a second.
KINDS = ("timestamp", "timestamptz")
# Two moments a fraction apart: across a step of a year, a month and none, where datetime()
# drops the fraction; under a millisecond apart, where julianday() rounds them to one.
PAIRS = (
    ("2024-01-01 08:00:00.500", "2025-01-01 08:00:00.200"),
    ("2024-01-01 08:00:00.500", "2024-02-01 08:00:00.200"),
    ("2024-01-01 08:00:00.500", "2024-01-01 08:00:00.200"),
    ("2024-01-01 10:00:00.123456", "2024-01-01 10:00:00.123"),
    ("2024-01-01 10:00:00.0004", "2024-01-01 10:00:00.0001"),
    # A month or a year on from a day its step overflows (SQLite's datetime(s, '+1 year') is
    # 2025-03-01 for 2024-02-29, PostgreSQL's interval stops at 2025-02-28), the later moment
    # inside the day between the two.
    ("2024-02-29 12:00:00", "2025-02-28 20:00:00"),
    ("2024-01-31 12:00:00", "2024-02-29 20:00:00"),
)
# One moment alone with a fraction under a millisecond: SQLite's strftime('%f') rounds it away
# ('00.000'), PostgreSQL's date_trunc('second', at) = at sees it (stranger63 018).
SINGLES = ("2024-01-01 00:00:00.0004", "2024-01-01 10:00:00.123456")
# At most this many date-time columns of one expression pair get the pairs (each two of them,
# both ways round, give ``len(PAIRS) * 2`` rows).
_COLUMNS = 4


def rows(columns: list[tuple[Column, Column]], values: list[list[Any]]) -> list[tuple[Any, ...]]:
    """For each two of ``columns`` (both sides' columns, in the order of ``values``, each
    column's probe values) that hold a moment, a row with ``PAIRS`` in them, each way round,
    and one with each column alone at each of ``SINGLES``, the other columns at their first
    value."""
    moments = [n for n, (lc, rc) in enumerate(columns) if probes.kind_of(lc, rc) in KINDS]
    return placed(values, moments[:_COLUMNS], SINGLES, PAIRS)


def placed(
    values: list[list[Any]],
    at: list[int],
    singles: Sequence[Any],
    pairs: Sequence[tuple[Any, Any]],
) -> list[tuple[Any, ...]]:
    """Rows with each of ``singles`` in each column of ``at`` alone, then each of ``pairs`` in
    each two of them, each way round; every other column at its first probe value (``values``,
    each column's, in column order)."""
    firsts = [column_values[0] if column_values else None for column_values in values]
    found = []
    for n, single in itertools.product(at, singles):
        row = list(firsts)
        row[n] = single
        found.append(tuple(row))
    for n, m in itertools.permutations(at, 2):
        for a, b in pairs:
            row = list(firsts)
            row[n], row[m] = a, b
            found.append(tuple(row))
    return found
