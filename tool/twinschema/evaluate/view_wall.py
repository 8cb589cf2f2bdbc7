"""Probe values written with hour 24 or second 60 (``view_probes._WALL``), which a view's
witness is found among last (stranger83 008).

Both databases store '2024-01-01 24:00:00' and '2024-01-01 23:59:60' in a TEXT and a timestamp
column, and read them otherwise: PostgreSQL as the next day's midnight, SQLite's date functions
hour 24 on the same day (``date()`` gives 2024-01-01) and second 60 as NULL. A view that parts
on such a text alone is a difference all the same, but a witness no application writes makes a
team allow a view it should fix where an ordinary moment parts it too ('2025-01-01 10:00:00':
``strftime('%Y-%W')`` is '2025-00', ``to_char('IYYY-IW')`` '2025-01'), and where none does the
message says so (``WALL_NOTE``), so that a team can decide.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, TypeVar

# A time of day written with hour 24 or second 60 (a fraction after it or not), at the start
# of a text or after a date's space or 'T' (not minute 24 of '10:24:00').
_WALL = re.compile(r"(?:^|[ T])(?:24:00(?::00)?|\d\d:\d\d:60)(?:\.\d+)?(?!\d)")

# What a view difference adds where only such rows part the views (``view_findings``).
WALL_NOTE = (
    "on the probe rows they part only on a time written with hour 24 or second 60, which "
    "PostgreSQL reads as the next day's midnight or the next minute and SQLite's date functions "
    "as the same day (hour 24) or NULL (second 60); on the other probe rows they returned the "
    "same rows (the probe rows are few: a moment they do not hold, or a spelling such as an "
    "offset written '+0100', which may part them too)"
)


# Such a time in its parts: the lead (start, space or 'T'), hour 24 with its seconds or not, or
# a minute with second 60, and a fraction.
_PARTS = re.compile(r"(^|[ T])(?:24:00(:00)?|(\d\d:\d\d):60)(\.\d+)?(?!\d)")


def _before(found: re.Match[str]) -> str:
    """A wall time as the ordinary time just before it: 23:59(:59), or second 59."""
    lead, seconds, minute, fraction = found.groups()
    if minute is None:
        return f"{lead}23:59{':59' if seconds else ''}{fraction or ''}"
    return f"{lead}{minute}:59{fraction or ''}"


def is_wall(value: Any) -> bool:
    """True for a text that writes a time with hour 24 or second 60."""
    return isinstance(value, str) and _WALL.search(value) is not None


# A probe row, as the caller holds it (a tuple of values).
Row = TypeVar("Row", bound=Sequence[Any])


def ordinary(kept: Sequence[Sequence[Row]]) -> list[list[Row]]:
    """Each base table's probe rows (``kept``) without those holding such a text."""
    return [[row for row in given if not any(is_wall(v) for v in row)] for given in kept]


def held(chosen: Sequence[Sequence[Sequence[Any]]]) -> bool:
    """True when a witness's rows (per base table) hold such a text."""
    return any(is_wall(v) for given in chosen for row in given for v in row)


def respelled(chosen: Sequence[Sequence[Sequence[Any]]]) -> list[list[tuple[Any, ...]]]:
    """A witness's rows (per base table) with each such text written as the ordinary time just
    before it ('2024-01-01 24:00:00' as '2024-01-01 23:59:59', '23:59:60' as '23:59:59'), the
    rest as they are: where the views still part on these, they do not part only on hour 24 or
    second 60 (recheck88: a COALESCE label edited on one side parted a row whose only NULL
    label was on a row spelled with hour 24, and ``WALL_NOTE`` was said)."""
    return [
        [tuple(_PARTS.sub(_before, v) if is_wall(v) else v for v in row) for row in given]
        for given in chosen
    ]
