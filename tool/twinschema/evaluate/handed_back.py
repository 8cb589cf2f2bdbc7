"""What a value PostgreSQL stores as a date, a moment or a time of day crosses a sync as: the
text it hands back (its ISO form), not the text written. '2023-12-31T23:30:00-05:00' in a date
column is kept as the day 2023-12-31 and handed back as '2023-12-31'; a SQLite CHECK that reads
the written text through ``date()`` (in UTC: 2024-01-01) may refuse it and take what comes back.
A warning that PostgreSQL stores a text SQLite refuses says a PostgreSQL to SQLite sync fails
only where SQLite refuses what is handed back too; else it says that no sync fails on it, an
insert of the text itself on SQLite does (fix83b; the rule ``date_text`` keeps for a CHECK
comparing the text with a date literal, s79time).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from twinschema.evaluate.backends import REJECTED


def handed_back_text(stored: Any) -> str | None:
    """The ISO text a date, moment or time ``stored`` is handed back as ('2023-12-31',
    '2024-01-05 10:00:00'); None for any other value (it crosses as it is)."""
    if isinstance(stored, dt.datetime):
        return stored.isoformat(sep=" ")
    if isinstance(stored, dt.date | dt.time):
        return stored.isoformat()
    return None


def taken_back(stored: Any, store: Callable[[list[Any]], list[Any] | None]) -> str | None:
    """The text ``stored`` is handed back as, where the refusing side's column (``store``: what
    it stores of each value, or None where it cannot be run) takes it; None where it refuses
    that too, cannot be run, or ``stored`` is no date, moment or time."""
    text = handed_back_text(stored)
    if text is None:
        return None
    got = store([text])
    return text if got is not None and got[0] is not REJECTED else None


def handed_back(keeper: str, refuser: str, text: str) -> str:
    """What a warning says of a value ``keeper`` stores and ``refuser`` rejects as written but
    takes as ``keeper`` hands it back (``text``): no sync fails on it, an insert of it does."""
    return (
        f"{keeper} stores it, {refuser} rejects it; {keeper} hands it back as {text!r}, "
        f"which {refuser}'s CHECK takes (no {keeper} to {refuser} sync fails on it, an insert "
        f"of this text on {refuser} does)"
    )
