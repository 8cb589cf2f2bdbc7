"""The fixed moments a default that reads the clock is run at (``clock_fixed.at_fixed_moment``), and
what its values there say of it: the step it keeps from the clock (``steady``). ``clock_moments``
judges two defaults at the same moments."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from twinschema.evaluate import calendar_steps
from twinschema.evaluate.backends import Run
from twinschema.evaluate.clock import (
    CLOCK_OFFSET,
    DATE_OFFSET,
    FROM_CLOCK,
    START_OF_DAY,
    date_of,
    timestamp_of,
)
from twinschema.evaluate.clock_fixed import FIXED_MOMENT, time_of_day_at
from twinschema.evaluate.values import (
    CONSTANT,
    CURRENT_DATE,
    CURRENT_TIME,
    CURRENT_TIME_OF_DAY,
    TIME_OF_DAY_OFFSET,
    Verdict,
)

# Whole seconds (SQLite's keywords truncate the clock to the second, PostgreSQL's keep its
# fraction: that is no difference of these): the early and late hours of a day in UTC (a zone
# west or east of it is on another date), the last day of a month before a shorter one and of
# a 30-day month, the middle of a 30-day month (a month against 31 days), a Monday morning (a
# weekday rule: SQLite's 'weekday 1' keeps a Monday), a leap day, and a year's last second;
# then the first of March before a leap year and in one (a year from the first, and a year
# back from the second, is 366 days: ``CURRENT_DATE + interval '1 year'`` was read as "+ 365
# day(s)" at every other moment and judged equal to ``date('now', '+365 days')``; stranger83
# 007). The first moment two defaults part at is their witness: new moments go last.
MOMENTS = (
    "2026-01-31 02:00:00",
    "2026-01-31 23:30:00",
    "2026-04-30 12:00:00",
    "2026-11-15 12:00:00",
    "2026-03-02 09:00:00",
    "2024-02-29 12:00:00",
    "2026-12-31 23:59:59",
    "2023-03-01 12:00:00",
    "2024-03-01 12:00:00",
)

# The moments a default that reads the clock into a text column is run at too (``clock_moments.
# texts_parted``): the text each side writes is what the column keeps, so two formats must agree
# at each (stranger61 001, 014). A one-digit month, day, hour, minute and second (a pattern that
# drops the leading zero, ``FMHH24``); an afternoon hour (``HH`` is PostgreSQL's 12-hour clock);
# the last days of two years whose ISO year is the next or the last (``IYYY``: 2024-12-30 is in
# ISO 2025, 2027-01-01 in ISO 2026); and fractions of .000, .5 and .123456 (3 digits written
# against 6, a zero fraction dropped by ``::text``). Each fraction is under half a millisecond
# past a millisecond: SQLite rounds a literal's fraction to the millisecond, while its own clock
# is the millisecond the moment is in, so a moment past that half would show a rounding no real
# insert gives.
TEXT_MOMENTS = (
    "2026-03-04 09:05:07",
    "2026-11-25 14:35:48.5",
    "2024-12-30 00:00:00.123456",
    "2027-01-01 23:59:59.123456",
)

# The classes read again at ``MOMENTS`` for the step they keep from the clock (``steady``).
_STEPPED = frozenset({DATE_OFFSET, CLOCK_OFFSET, TIME_OF_DAY_OFFSET})
# A time of day as text (SQLite's 'HH:MM:SS', 'HH:MM:SS.SSS'), without a zone.
_TIME_TEXT = re.compile(r"^(\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)$")
_DAY_SECONDS = 86400


def steady(read: Callable[[str], Run | None], found: Verdict) -> Verdict:
    """``found`` (the verdict of a default that reads the clock) as its values at ``MOMENTS``
    say (``read``: its run with the clock at a moment): a date or time one fixed step from the
    clock at each is that step (``CURRENT_DATE + 30``, which the moment the check runs reads as
    a constant, is "the current date + 30 day(s)"); one whose step varies (next Monday, today
    at 09:00) is ``FROM_CLOCK``, so that no message depends on the day it is given. So is a
    "current time" whose step varies: ``date_trunc('minute', now())`` is within seconds of the
    clock in a minute's first seconds only, and was "the current time" when a check ran then
    (its class then flipped with the second the check ran in). ``found``
    as it is when a moment cannot be read."""
    if found.kind == START_OF_DAY:
        first = _first_day(read, found)
        if first is not None:
            return first
    elif found.kind not in _STEPPED | {CONSTANT, CURRENT_TIME, CURRENT_DATE}:
        return found
    steps = set()
    read_at = []
    for moment in MOMENTS:
        value = as_moment(value_of(read(moment)))
        at = dt.datetime.fromisoformat(moment).replace(tzinfo=dt.UTC)
        read_at.append((value, at))
        of_day = seconds_of_day(value_of(read(moment))) if value is None else None
        if isinstance(value, dt.datetime):
            steps.add((CLOCK_OFFSET, round((value - at).total_seconds() / 60.0) * 60))
        elif value is not None:
            steps.add((DATE_OFFSET, (value - at.date()).days))
        elif of_day is not None:  # a time of day a step from the clock's, around the day
            step = round((of_day - seconds_of_day(at.time())) / 60) * 60  # type: ignore[operator]
            steps.add((TIME_OF_DAY_OFFSET, step % _DAY_SECONDS))
        else:
            return _texts(read, found)
    if len(steps) > 1:
        return Verdict(FROM_CLOCK, _named(read_at), form=found.form, local=found.local)
    if found.kind in (CURRENT_TIME, CURRENT_DATE):  # one step at each: the class it was read as
        return found
    kind, step = steps.pop()
    if kind == TIME_OF_DAY_OFFSET:  # how it is kept, read at the fixed moment, step taken off
        return Verdict(kind, (step, _kept(read(FIXED_MOMENT), step)), local=found.local)
    return Verdict(kind, step, form=found.form, local=found.local)


def minute_kept(read: Callable[[str], Run | None], found: Verdict) -> Verdict:
    """A "current time of day" its run at ``FIXED_MOMENT`` does not keep to that moment's
    second (``found.value`` None: 'HH:MM' text, ``strftime('%H:%M', 'now')`` or
    ``to_char(now(), 'HH24:MI')``), as its values at ``MOMENTS`` say (``steady``, as the
    constant it is read as at most seconds): it is within seconds of the clock in a minute's
    first seconds only, and was "the current time of day" when a check ran then, "a date or
    time computed from the clock" otherwise (fix87c: a cross-dialect pair was a difference when
    one side ran in a minute's first seconds). ``found`` where the moments say nothing."""
    if found.kind != CURRENT_TIME_OF_DAY or found.value is not None:
        return found
    judged = steady(read, dataclasses.replace(found, kind=CONSTANT))
    return found if judged.kind == CONSTANT else judged


def _texts(read: Callable[[str], Run | None], found: Verdict) -> Verdict:
    """A constant (no date or time) that reads the clock, as its values at ``MOMENTS`` say:
    one that changes with them (``to_char(now(), 'MI')``, '51' at the moment a check runs) is
    ``FROM_CLOCK``, so that no message quotes the value of the minute it ran in; ``found``
    where they are one value, or a moment cannot be read."""
    if found.kind != CONSTANT:
        return found
    values = [value_of(read(moment)) for moment in MOMENTS]
    if any(v is None for v in values) or len({str(v) for v in values}) < 2:
        return found
    return Verdict(FROM_CLOCK, form=found.form, local=found.local)


# The first days a midnight a step from today may be at every moment (``date_trunc('month',
# now())``: the 1st, 3 days back on a 4th), each as ``values.Verdict`` names it.
_FIRST_DAYS: dict[str, Callable[[dt.date], dt.date]] = {
    "month": lambda day: day.replace(day=1),
    "year": lambda day: day.replace(month=1, day=1),
    "week": lambda day: day - dt.timedelta(days=day.weekday()),
}


# The units a moment truncated to one is named by (``date_trunc('hour', now())``: "the current
# time truncated to the hour"), each as a moment of ``MOMENTS`` truncates to it.
_UNITS: dict[str, Callable[[dt.datetime], dt.datetime]] = {
    "minute": lambda at: at.replace(second=0, microsecond=0),
    "hour": lambda at: at.replace(minute=0, second=0, microsecond=0),
}
_SHAPES = {"minute": "HH:MM:00", "hour": "HH:00:00"}


def _named(read_at: list[tuple[Any, dt.datetime]]) -> str | None:
    """What a default no fixed step from the clock gives, from its value at each moment
    (``read_at``: (value, moment)) where a name says it: the current time truncated to the
    minute or the hour (``date_trunc('hour', now())``, ``strftime('%Y-%m-%d %H:00:00',
    'now')``), the first day of the current month, year or week (a date: ``date_trunc('month',
    now())::date``), a step in months or years (``calendar_steps.named``: ``date('now', '+1
    year')``); None for others (next Monday, today at 09:00)."""
    if all(isinstance(v, dt.datetime) for v, _ in read_at):
        for unit, cut in _UNITS.items():
            if all(v == cut(at) for v, at in read_at):
                return f"the current time truncated to the {unit} ({_SHAPES[unit]})"
    elif all(isinstance(v, dt.date) and not isinstance(v, dt.datetime) for v, _ in read_at):
        for name, first in _FIRST_DAYS.items():
            if all(v == first(at.date()) for v, at in read_at):
                day = "the Monday" if name == "week" else "the first day"
                return f"{day} of the current {name}"
        return calendar_steps.named([(v, at.date()) for v, at in read_at])
    return None


def _first_day(read: Callable[[str], Run | None], found: Verdict) -> Verdict | None:
    """A midnight that is the first day of the clock's month, year or (ISO, from Monday) week
    at every one of ``MOMENTS``, as that (``found``'s value then "month", "year" or "week",
    not the days it is from today, true on the day it runs only); a midnight no fixed step
    from the clock's day otherwise is ``FROM_CLOCK``; ``found`` as it is for a fixed step, or
    where a moment cannot be read. None where a moment gives a time that is no midnight: the
    midnight was the moment the check ran in (``date_trunc('hour', now())`` in the hour from
    00:00 UTC, stranger70 001), and the steps from the clock decide (``steady``)."""
    days = []
    for moment in MOMENTS:
        value = as_moment(value_of(read(moment)))
        if isinstance(value, dt.datetime) and value.time() != dt.time(0):
            return None
        if not isinstance(value, dt.datetime):
            return found
        days.append((value.date(), dt.date.fromisoformat(moment[:10])))
    for name, first in _FIRST_DAYS.items():
        if all(day == first(at) for day, at in days):
            return Verdict(START_OF_DAY, name, form=found.form, local=found.local)
    if len({(day - at).days for day, at in days}) > 1:  # no fixed step: next Monday's midnight
        return Verdict(FROM_CLOCK, form=found.form, local=found.local)
    return found


def seconds_of_day(value: Any) -> Decimal | None:
    """The seconds since midnight of a time of day (a ``time`` without zone, or SQLite's text
    'HH:MM:SS[.SSS]'), None for any other value."""
    if isinstance(value, dt.time) and value.tzinfo is None:
        whole = value.hour * 3600 + value.minute * 60 + value.second
        return whole + Decimal(value.microsecond) / 1000000
    found = _TIME_TEXT.match(value.strip()) if isinstance(value, str) else None
    if found is None:
        return None
    return int(found[1]) * 3600 + int(found[2]) * 60 + Decimal(found[3])


def _kept(run: Run | None, step: int) -> str | None:
    """How a time of day ``step`` seconds from the clock is kept (``clock_fixed.time_of_day_at``:
    truncated, rounded to the second, or with its fraction), from its run at the fixed moment;
    None where that run gave no time of day."""
    of_day = seconds_of_day(value_of(run))
    if of_day is None:
        return None
    back = (of_day - step) % _DAY_SECONDS
    back += _DAY_SECONDS if back < 0 else 0  # a Decimal's remainder keeps the dividend's sign
    whole = int(back)
    moment = dt.time(whole // 3600, whole // 60 % 60, whole % 60, int((back - whole) * 1000000))
    return time_of_day_at(moment)


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
