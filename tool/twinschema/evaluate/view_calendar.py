"""Month and year steps of a view's clock, as the days they are from a given day (``view_now``).

``date('now', '+1 year')`` and ``current_date + interval '1 year'`` name the same day on most
days and not on every one: SQLite adds the months and lets a day past the month's end run into
the next month (2028-02-29 plus a year is 2029-03-01, 2027-01-31 plus a month 2027-03-03),
PostgreSQL stops at the month's last day (2029-02-28, 2027-02-28). Measured on SQLite 3.40 and
PostgreSQL 16. A view's probes near now hold the days around both, so that at a moment where
they differ (``view_clock.MOMENTS``: a leap day, a 31st) a row between them parts the views.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

# A quoted count of months or years ('+1 year', '-3 months', '1 mon' as PostgreSQL prints an
# interval), without its sign: each is probed both ways.
_MONTHS = re.compile(r"'\s*[-+]?\s*(\d+)\s*(years?|months?|mons?)\s*'", re.I)
# The most steps probed (a view's first ones).
_STEPS = 2


def month_days(text: str, today: date) -> tuple[int, ...]:
    """The days (without their sign) from ``today`` to each month or year step the views' SQL
    ``text`` names, forward and back, as SQLite's date() and PostgreSQL's date arithmetic
    count them (the two differ past a month's end)."""
    found: dict[int, None] = {}
    for months in month_steps(text):
        for signed in (months, -months):
            for day in (clamped(today, signed), run_on(today, signed)):
                found.setdefault(abs((day - today).days))
    return tuple(found)


def month_steps(text: str) -> tuple[int, ...]:
    """The first month or year steps (in months, without their sign) the views' SQL ``text``
    names: ``'+1 year'`` is 12, ``interval '3 months'`` 3."""
    steps = [
        int(n) * (12 if unit.lower().startswith("y") else 1) for n, unit in _MONTHS.findall(text)
    ]
    return tuple(dict.fromkeys(m for m in steps if m > 0))[:_STEPS]


def _month(today: date, months: int) -> tuple[int, int]:
    """The year and month ``months`` from ``today``'s."""
    at = today.year * 12 + today.month - 1 + months
    return at // 12, at % 12 + 1


def clamped(today: date, months: int) -> date:
    """``today`` moved by ``months`` as PostgreSQL does: the day kept, or the month's last."""
    year, month = _month(today, months)
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(today.day, last))


def run_on(today: date, months: int) -> date:
    """``today`` moved by ``months`` as SQLite's date() does: a day past the month's end runs
    into the next month."""
    year, month = _month(today, months)
    return date(year, month, 1) + timedelta(days=today.day - 1)
