"""Other spellings of a time of day, tried for a CHECK on one side only over SQLite's text twin
of a PostgreSQL ``time`` (fix89b): ``start_time TEXT CHECK (time(start_time) IS NOT NULL)``
against ``start_time time`` was a difference with no witness named, its probe rows holding no
time spelled otherwise than SQLite's ``time()`` reads. On SQLite 3.40 and PostgreSQL 16,
'7:00 pm' is refused by that CHECK (``time()`` reads it as NULL) and stored by PostgreSQL as
19:00:00: the witness. The spellings are ``date_spellings.time_spellings``'s (a 12-hour clock,
an hour without its zero), of each time of day the probe rows hold in such a column.
"""

from __future__ import annotations

from typing import Any

from twinschema.canonical import typemap
from twinschema.evaluate.date_spellings import time_spellings
from twinschema.evaluate.probe_sets import ProbeSet

# Rows whose time of day is respelled, at most (each gives a few spellings).
_BASES = 2


def spelled(rows: ProbeSet, side: str) -> tuple[tuple[Any, ...], ...]:
    """Rows to try beside ``rows`` for a CHECK on ``side`` only: a few rows holding a time of
    day (text) in a column the other side's PostgreSQL types ``time``,
    with it in each other spelling PostgreSQL reads (``time_spellings``)."""
    other = rows.right if side == "left" else rows.left
    at = [
        i
        for i, (_, theirs) in enumerate(other)
        if theirs.dialect == "postgresql" and "time" in typemap.kinds_of(theirs)
    ]
    found: list[tuple[Any, ...]] = []
    for i in at:
        bases = [row for row in rows.rows if isinstance(row[i], str)][:_BASES]
        for row in bases:
            found += [(*row[:i], s, *row[i + 1 :]) for s in time_spellings([row[i]])]
    return tuple(dict.fromkeys(found))
