"""Probe days where a step in months or years reaches a shorter month (see ``probe_sets``).

SQLite's ``date(d, '+1 month')`` keeps the day and runs over past the month's end (2023-01-29
gives 2023-03-01), PostgreSQL's ``(d + interval '1 month')::date`` stops at it (2023-02-28). The
calendar's corners (``probes.DAYS``) hold a 31st before a leap February and a leap day only, so
a rule that keeps the day <= 29 (``extract(day FROM d) <= 29``) hid the parting day (stranger45
054). So where an expression writes a step in months or years (a SQLite modifier '+1 month',
'-18 years'; a PostgreSQL interval '1 mon'), each date and timestamp column is probed on the
last days of the month that step lands in a shorter month from: a common and a leap February
and a 30-day April, forward and back (the sign of ``d - interval '1 month'`` is in its
operator), from the target month's last day to the 31st.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

# At most this many steps of a pair of expressions are probed.
MAX_STEPS = 3
# A number of months or years in a SQLite modifier or a PostgreSQL interval text.
_CALENDAR = re.compile(r"'\s*([+-]?\d+)\s*(years?|mons?|months?)\s*'", re.IGNORECASE)
# The shorter months a step lands in (year, month): a common and a leap February, a 30-day April.
_TARGETS = ((2023, 2), (2024, 2), (2024, 4))
KINDS = ("date", "timestamp", "timestamptz")


def of(texts: tuple[tuple[str, str], ...]) -> tuple[int, ...]:
    """The steps in months of ``texts`` (each (dialect, text)): '+1 month' is 1, '-18 years'
    216, ``interval '2 mons'`` 2; each as a number of months without its sign, the first
    ``MAX_STEPS``."""
    found: dict[int, None] = {}
    for _, text in texts:
        for number, unit in _CALENDAR.findall(text):
            months = abs(int(number)) * (12 if unit.lower().startswith("y") else 1)
            if months:
                found[months] = None
    return tuple(found)[:MAX_STEPS]


def values(kind: str, steps: tuple[int, ...]) -> list[str]:
    """The probe values of a ``kind`` column ('date', 'timestamp' or 'timestamptz') for
    ``steps`` (months): for each step, the days of a month from which it lands in each of
    ``_TARGETS`` (forward or back) on or past that month's last day (a timestamp at noon)."""
    if kind not in KINDS:
        return []
    found: list[str] = []
    for months in steps:
        for year, month in _TARGETS:
            last = calendar.monthrange(year, month)[1]
            for sign in (-1, 1):
                base = _month_of(year, month, sign * months)
                if base is None:
                    continue
                length = calendar.monthrange(*base)[1]
                found += [_written(dt.date(*base, d), kind) for d in range(last, length + 1)]
    return list(dict.fromkeys(found))


def _month_of(year: int, month: int, back: int) -> tuple[int, int] | None:
    """The (year, month) ``back`` months before ``month`` of ``year``, None past the calendar's
    ends."""
    index = year * 12 + month - 1 - back
    base_year, base_month = divmod(index, 12)
    return (base_year, base_month + 1) if dt.MINYEAR <= base_year <= dt.MAXYEAR else None


def _written(day: dt.date, kind: str) -> str:
    """``day`` as a ``kind`` probe: the date, or its noon on a timestamp (in UTC on a
    timestamptz)."""
    if kind == "date":
        return day.isoformat()
    return f"{day.isoformat()} 12:00:00" + ("+00:00" if kind == "timestamptz" else "")
