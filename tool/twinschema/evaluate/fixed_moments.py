"""The fixed moments a default that reads the clock is run at (``clock.at_fixed_moment``), and
what its values there say of it: the step it keeps from the clock (``steady``). ``clock_moments``
judges two defaults at the same moments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from twinschema.evaluate.backends import Run
from twinschema.evaluate.clock import CLOCK_OFFSET, DATE_OFFSET, FROM_CLOCK, date_of, timestamp_of
from twinschema.evaluate.values import CONSTANT, Verdict

# Whole seconds (SQLite's keywords truncate the clock to the second, PostgreSQL's keep its
# fraction: that is no difference of these): the early and late hours of a day in UTC (a zone
# west or east of it is on another date), the last day of a month before a shorter one and of
# a 30-day month, the middle of a 30-day month (a month against 31 days), a Monday morning (a
# weekday rule: SQLite's 'weekday 1' keeps a Monday), a leap day, and a year's last second.
MOMENTS = (
    "2026-01-31 02:00:00",
    "2026-01-31 23:30:00",
    "2026-04-30 12:00:00",
    "2026-11-15 12:00:00",
    "2026-03-02 09:00:00",
    "2024-02-29 12:00:00",
    "2026-12-31 23:59:59",
)

# The classes read again at ``MOMENTS`` for the step they keep from the clock (``steady``).
_STEPPED = frozenset({DATE_OFFSET, CLOCK_OFFSET})


def steady(read: Callable[[str], Run | None], found: Verdict) -> Verdict:
    """``found`` (the verdict of a default that reads the clock) as its values at ``MOMENTS``
    say (``read``: its run with the clock at a moment): a date or time one fixed step from the
    clock at each is that step (``CURRENT_DATE + 30``, which the moment the check runs reads as
    a constant, is "the current date + 30 day(s)"); one whose step varies (next Monday, today
    at 09:00) is ``FROM_CLOCK``, so that no message depends on the day it is given. ``found``
    as it is when a moment cannot be read."""
    if found.kind not in _STEPPED | {CONSTANT}:
        return found
    steps = set()
    for moment in MOMENTS:
        value = as_moment(value_of(read(moment)))
        at = dt.datetime.fromisoformat(moment).replace(tzinfo=dt.UTC)
        if isinstance(value, dt.datetime):
            steps.add((CLOCK_OFFSET, round((value - at).total_seconds() / 60.0) * 60))
        elif value is not None:
            steps.add((DATE_OFFSET, (value - at.date()).days))
        else:
            return found
    if len(steps) > 1:
        return Verdict(FROM_CLOCK, form=found.form, local=found.local)
    kind, step = steps.pop()
    return Verdict(kind, step, form=found.form, local=found.local)


def value_of(run: Any) -> Any:
    """The one value of a run of one insert, None when it failed or gave none."""
    if run is None or run.error is not None or not run.rows:
        return None
    return run.rows[0][0]


def as_moment(value: Any) -> dt.date | dt.datetime | None:
    """A date or an aware UTC moment, read from a value of either dialect (SQLite's text)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    day = date_of(value) if isinstance(value, str) else None
    return day if day is not None else timestamp_of(value)
