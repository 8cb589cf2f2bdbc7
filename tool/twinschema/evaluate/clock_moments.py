"""Defaults that read the clock, judged at fixed moments as well as at the moment a check runs.

Two defaults of one class at the moment a check runs (both "the current date") may part at
another: ``DEFAULT CURRENT_DATE`` against PostgreSQL's ``(now() AT TIME ZONE
'America/New_York')::date`` part from 00:00 to 05:00 UTC only; SQLite's ``date('now', '+1
month')`` against ``CURRENT_DATE + interval '1 month'`` on the last days of a month the next one
is shorter than, against ``CURRENT_DATE + 31`` in each 30-day month (stranger40). So the verdict
does not depend on the hour or day the check runs, each such pair is also run with its clock
reads at each of ``MOMENTS`` (``clock.at_fixed_moment``), and the first moment they part at
makes it a difference.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from twinschema.evaluate.clock import (
    CLOCK_OFFSET,
    DATE_OFFSET,
    FROM_CLOCK,
    START_OF_DAY,
    date_of,
    timestamp_of,
)
from twinschema.evaluate.values import CONSTANT, CURRENT_DATE, CURRENT_TIME, Verdict
from twinschema.model import Column
from twinschema.records.dialects import DIALECT_NAMES

if TYPE_CHECKING:
    from twinschema.evaluate.evaluator import Evaluator

# The classes whose values are judged at the moments: dates and times the clock gives, moved
# or not (a time of day and a clock number have their own rules: ``values``, ``clock``).
JUDGED = frozenset(
    {CURRENT_DATE, CURRENT_TIME, DATE_OFFSET, CLOCK_OFFSET, START_OF_DAY, FROM_CLOCK}
)
# The classes read again at ``MOMENTS`` for the step they keep from the clock (``steady``).
_STEPPED = frozenset({DATE_OFFSET, CLOCK_OFFSET})
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


def apart(
    ev: Evaluator, left: tuple[str, str, Column], right: tuple[str, str, Column]
) -> str | None:
    """Where two defaults (each (dialect, text, column)) of one clock class part at one of
    ``MOMENTS`` (``parted``); None when they do not, or are of no such class (``judged``)."""
    lv, rv = (ev.single(*side) for side in (left, right))
    return parted(ev, left, right) if judged(lv, rv) else None


def steady(ev: Evaluator, default: tuple[str, str, Column], found: Verdict) -> Verdict:
    """``found`` (the verdict of a default that reads the clock) as its values at ``MOMENTS``
    say: a date or time one fixed step from the clock at each is that step (``CURRENT_DATE +
    30``, which the moment the check runs reads as a constant, is "the current date + 30
    day(s)"); one whose step varies (next Monday, today at 09:00) is ``FROM_CLOCK``, so that no
    message depends on the day it is given. ``found`` as it is when a moment cannot be read."""
    if found.kind not in _STEPPED | {CONSTANT}:
        return found
    steps = set()
    for moment in MOMENTS:
        value = _as_moment(_value(ev.at_moment(*default, moment)))
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


def judged(left: Verdict, right: Verdict) -> bool:
    """True when two defaults' verdicts are clock classes judged at ``MOMENTS``, or constants
    (a date a month ahead is too far from the clock to be read as it, moved: ``parted`` runs
    only defaults that read the clock)."""
    return {left.kind, right.kind} <= JUDGED | {CONSTANT}


def parted(
    ev: Evaluator, left: tuple[str, str, Column], right: tuple[str, str, Column]
) -> str | None:
    """Where two defaults (each (dialect, text, column)) part: "at <moment> UTC <A> gives x,
    <B> gives y" for the first of ``MOMENTS`` at which they give different dates or moments;
    None when they give the same at each (or a moment's values cannot be read as such)."""
    for moment in MOMENTS:
        runs = [ev.at_moment(d, text, column, moment) for d, text, column in (left, right)]
        got = [_value(r) for r in runs]
        read = [_as_moment(v) for v in got]
        if read[0] is None or read[1] is None or _same(read[0], read[1]):
            continue
        shown = [_shown(v) for v in got]
        if left[0] == right[0]:
            return f"at {moment} UTC they give {shown[0]} vs {shown[1]}"
        names = [DIALECT_NAMES[left[0]], DIALECT_NAMES[right[0]]]
        return f"at {moment} UTC {names[0]} gives {shown[0]}, {names[1]} gives {shown[1]}"
    return None


def _same(left: dt.date, right: dt.date) -> bool:
    """Two dates or moments are one; a date and a moment by the moment's date (the classes the
    two were judged alike by already weigh a time a date column drops)."""
    if isinstance(left, dt.datetime) != isinstance(right, dt.datetime):
        as_day = [v.date() if isinstance(v, dt.datetime) else v for v in (left, right)]
        return as_day[0] == as_day[1]
    return left == right


def _value(run: Any) -> Any:
    """The one value of a run of one insert, None when it failed or gave none."""
    if run is None or run.error is not None or not run.rows:
        return None
    return run.rows[0][0]


def _as_moment(value: Any) -> dt.date | dt.datetime | None:
    """A date or an aware UTC moment, read from a value of either dialect (SQLite's text)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    day = date_of(value) if isinstance(value, str) else None
    return day if day is not None else timestamp_of(value)


def _shown(value: Any) -> str:
    return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else str(value)
