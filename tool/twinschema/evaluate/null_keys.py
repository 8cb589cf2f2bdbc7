"""Moments SQLite's date and time functions read as NULL, for judging two unique keys.

PostgreSQL prints a timestamptz with a short UTC offset, '2024-01-01 08:00:00+00', and that
text is what a sync that copies PostgreSQL's output writes into SQLite. SQLite's ``date()``,
``datetime()``, ``time()``, ``julianday()`` and ``strftime()`` want the offset as '+HH:MM' and
read '+00' as NULL. So ``UNIQUE (user_id, date(placed_at))`` on SQLite stores two orders of one
day in that spelling (their keys are NULL, and NULLs are distinct), while PostgreSQL's
``UNIQUE (user_id, ((placed_at AT TIME ZONE 'UTC')::date))`` refuses the second (stranger60
013). PostgreSQL prints a date or a timestamp as SQLite's functions read it, so only a
timestamptz column gets these rows (a date without its zeros, '2024-1-5', is tried in a CHECK
pair only: ``null_spellings``).

The probe values of a moment column are ISO texts both sides read, so a unique key is also run
over two rows that are one key on PostgreSQL's side: the same day at two times of day in
PostgreSQL's own spelling of a timestamptz.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from twinschema.evaluate import probes
from twinschema.evaluate.context import StageContext, find
from twinschema.evaluate.probe_sets import ProbeSet

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
# What SQLite's date and time functions read as NULL of the values above: a short UTC offset.
_NULL_READ = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}[+-]\d{2}$")
# The day the rows fall on where the column's first probe value holds none.
_DEFAULT_DAY = ("2024", "01", "05")


def with_null_moments(st: StageContext, table: str, found: ProbeSet) -> ProbeSet:
    """``found`` with, across SQLite and PostgreSQL, for each timestamptz column, two rows
    (the other columns holding their first value that is not NULL) that PostgreSQL reads as
    one key and SQLite's date and time functions read as NULL."""
    if set(st.dialects) != {"sqlite", "postgresql"}:
        return found
    template = [
        next((row[k] for row in found.rows if row[k] is not None), None)
        for k in range(len(found.names))
    ]
    extra: list[tuple[Any, ...]] = []
    for k, name in enumerate(found.names):
        lc, rc = find(st.left, table, name)[1], find(st.right, table, name)[1]
        kind = probes.kind_of(lc, rc) if lc is not None and rc is not None else None
        day = next((r[k] for r in found.rows if isinstance(r[k], str) and _DAY.match(r[k])), None)
        pair = _pair(kind, day)
        for value in pair:
            extra.append(tuple(value if n == k else v for n, v in enumerate(template)))
    known = set(found.rows)
    return replace(found, rows=found.rows + tuple(r for r in extra if r not in known))


def _pair(kind: str | None, first: Any) -> tuple[str, ...]:
    """Two moments of ``kind`` on one day (that of ``first`` where it has one), in the spelling
    PostgreSQL prints a timestamptz in and SQLite's functions read as NULL; none of another
    kind."""
    match = _DAY.match(first) if isinstance(first, str) else None
    year, month, day = match.groups() if match else _DEFAULT_DAY
    if kind == "timestamptz":
        return (f"{year}-{month}-{day} 08:00:00+00", f"{year}-{month}-{day} 09:00:00+00")
    return ()


def null_reason(rows: Sequence[Sequence[Any]]) -> str:
    """Why SQLite stores two rows as no duplicate where the witness ``rows`` hold a moment
    added above ('' where none does): its functions read the moment as NULL."""
    value = next(
        (v for row in rows for v in row if isinstance(v, str) and _NULL_READ.match(v)), None
    )
    if value is None:
        return ""
    return (
        f"SQLite's date and time functions read '{value}', PostgreSQL's own text of a "
        "timestamptz, as NULL, and a NULL key is no duplicate"
    )
