"""A date default a step in months or years from the clock, named from its values at the fixed
moments (``fixed_moments.MOMENTS``) by the calendar rule it keeps (stranger83 007).

``date('now', '+1 year')`` and ``CURRENT_DATE + interval '1 year'`` are no fixed number of days
from the clock (366 across a 29 February), and each keeps its own rule where the day does not
fit the month it lands in: SQLite's runs past that month's end (2024-02-29 + 1 year is
2025-03-01), PostgreSQL's stops at it (2025-02-28). Said as "the current date + 1 year, a
calendar step that runs past a shorter month's end (from 2024-02-29 it gives 2025-03-01)"
rather than "computed from the clock, no fixed step from it", so that a year step set against
``CURRENT_DATE + 365`` says what it is.
"""

from __future__ import annotations

import datetime as dt

from twinschema.evaluate.view_calendar import clamped, run_on

# The calendar rules, each with a date plus a step in months when the day does not fit.
RUNS_PAST = "runs past a shorter month's end"
STOPS_AT = "stops at a shorter month's end"


def named(read_at: list[tuple[dt.date, dt.date]]) -> str | None:
    """What a date default gives, from its value at each moment (``read_at``: (value, the
    moment's date)), where it is one step in months from each moment's date kept by one rule:
    "the current date + 1 year, a calendar step that runs past (stops at) a shorter month's
    end (from 2024-02-29 it gives 2025-03-01)"; None where it is no such step (a step written
    in two parts, ``date('now', '+1 year', '+2 months')``, runs past twice: no one rule)."""
    months = _months(read_at)
    if not months:
        return None
    rules = {
        RUNS_PAST: [_runs_past(at, months) for _, at in read_at],
        STOPS_AT: [_stops_at(at, months) for _, at in read_at],
    }
    kept = [rule for rule, days in rules.items() if days == [v for v, _ in read_at]]
    if not kept:
        return None
    step = f"the current date {'+' if months > 0 else '-'} {_words(abs(months))}"
    apart = [(at, v) for v, at in read_at if _runs_past(at, months) != _stops_at(at, months)]
    if len(kept) > 1 or not apart:  # no moment tells the rules apart
        return f"{step}, a calendar step"
    at, value = apart[0]
    return f"{step}, a calendar step that {kept[0]} (from {at} it gives {value})"


def _months(read_at: list[tuple[dt.date, dt.date]]) -> int | None:
    """The step in months from the first moment whose day fits every month (the 28th or
    before), where the value keeps that day; None otherwise."""
    for value, at in read_at:
        if at.day <= 28:
            if value.day != at.day:
                return None
            return (value.year * 12 + value.month) - (at.year * 12 + at.month)
    return None


def _within(at: dt.date, months: int) -> bool:
    """Whether the month ``months`` from ``at``'s is on the calendar (years 1 to 9999)."""
    year = (at.year * 12 + at.month - 1 + months) // 12
    return dt.MINYEAR <= year <= dt.MAXYEAR


def _stops_at(at: dt.date, months: int) -> dt.date | None:
    """``at`` moved by ``months`` as PostgreSQL does (``view_calendar.clamped``); None past the
    calendar."""
    return clamped(at, months) if _within(at, months) else None


def _runs_past(at: dt.date, months: int) -> dt.date | None:
    """``at`` moved by ``months`` as SQLite's date() does (``view_calendar.run_on``); None past
    the calendar."""
    return run_on(at, months) if _within(at, months) else None


def _words(months: int) -> str:
    """A number of months as years and months: '1 year', '14 months' as '1 year 2 months'."""
    years, rest = divmod(months, 12)
    parts = [
        f"{n} {unit}{'s' if n > 1 else ''}" for n, unit in ((years, "year"), (rest, "month")) if n
    ]
    return " ".join(parts)
