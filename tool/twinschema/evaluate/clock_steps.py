"""The days a CHECK that reads the clock is probed at (see ``probe_sets``): today and tomorrow,
and today moved by each step its expressions write.

A bound on the current date (``c <= CURRENT_DATE``) parts from another spelling of it inside the
day the check runs (fuzz41); one moved by a step (SQLite's ``d <= date(CURRENT_DATE, '+30
days')`` against ``d < CURRENT_DATE + 30``, ``birth_date <= date(CURRENT_DATE, '-18 years')``
against ``< CURRENT_DATE - interval '18 years'``) parts only at today plus that step (stranger45).
So each step of the expressions (``date_steps``: days, weeks, hours... rounded to whole days
either way; and steps in months and years, which ``date_steps`` leaves out, moved on the
calendar, the day clamped to the month's end and run over past it) gives today moved by it
forward and back. The days are date literals to the probes, which probe the day before and
after a date literal on a date column and the moments inside its day on a timestamp
(``moment_bounds``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from twinschema.evaluate import clock_fixed, date_steps, month_steps

_DAY = Decimal(86400)


def days(texts: tuple[tuple[str, str], ...], today: dt.date | None = None) -> tuple[str, ...]:
    """Today and tomorrow (UTC, the scratch sessions' zone), then today moved by each step of
    the expressions forward and back, as date literals, when an expression of ``texts`` (each
    (dialect, text)) reads the clock; none when none does. ``today``: the day the clock reads
    when it is fixed (``clock_checks``), else the real one."""
    if not any(clock_fixed.reads_clock(dialect, text) for dialect, text in texts):
        return ()
    today = today or dt.datetime.now(dt.UTC).date()
    found: list[dt.date | None] = [today, today + dt.timedelta(days=1)]
    for months in month_steps.of(texts):
        found += [d for sign in (1, -1) for d in _add_months(today, sign * months)]
    for step in date_steps.of(texts)[0]:
        for rounding in (ROUND_FLOOR, ROUND_CEILING):
            whole = int(abs(step / _DAY).to_integral_value(rounding))
            found += [today + dt.timedelta(days=sign * whole) for sign in (1, -1) if whole]
    return tuple(dict.fromkeys(str(day) for day in found if day is not None))


def shown_days(texts: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    """The days ``days`` probes and the day either side of each (a date literal's probes), as
    date literals: what a message must not show to read the same on every day."""
    found = [dt.date.fromisoformat(d) for d in days(texts)]
    near = [d + dt.timedelta(days=n) for d in found for n in (-1, 0, 1) if d.year < dt.MAXYEAR]
    return tuple(dict.fromkeys(str(d) for d in near))


def _add_months(day: dt.date, months: int) -> list[dt.date]:
    """``day`` moved by ``months`` on the calendar, clamped to the month's end (PostgreSQL's
    interval) and, past it, run over into the next month (SQLite's modifier); none past the
    calendar's ends."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return []
    end = calendar.monthrange(year, month + 1)[1]
    clamped = dt.date(year, month + 1, min(day.day, end))
    over = max(day.day - end, 0)
    try:
        return [clamped, clamped + dt.timedelta(days=over)]
    except OverflowError:
        return [clamped]
