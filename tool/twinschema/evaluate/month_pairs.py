"""Probe rows with two date columns a step in months or years apart (stranger63 050, 009, 031).

SQLite's ``date('2024-01-31', '+1 month')`` runs over past February's end to 2024-03-02,
PostgreSQL's ``'2024-01-31'::date + interval '1 month'`` stops at 2024-02-29. A rule over two
date columns, ``ends_on <= date(starts_on, '+1 month')`` against ``ends_on <= starts_on +
interval '1 month'``, parts only where the start is such a day and the end lies from the clamp
to the overflow (2024-03-01: SQLite stores it, PostgreSQL refuses); ``date(born, '+1 year') <=
joined`` only at a leap day and the next year's 2025-02-28. No cross product of each column's
own values puts two such days side by side, so where the expressions write a step in months
(``month_steps.of``), each two date columns they read get, each way round, a start on a month's
end the step overflows from and an end at the clamp, a day past it and the overflow, the other
columns at their first value; a day step written beside it (``date(s, '-1 day', '+1 year')``)
moves the start off the month's end by that many days, either way.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
from typing import Any

from twinschema.evaluate import date_steps, fraction_pairs, month_steps, probes
from twinschema.model import Column

# The kinds whose values are whole days.
KINDS = ("date",)
# The month ends a step is tried from: a common and a leap year's, the leap day among them.
_BASES = tuple(
    dt.date(year, month, calendar.monthrange(year, month)[1])
    for year in (2023, 2024)
    for month in range(1, 13)
)
# At most this many starts of one step and direction are tried.
_STARTS = 2
# At most this many date columns of one expression pair get the pairs.
_COLUMNS = 3
# At most this many whole-day steps move the starts; a day in seconds.
_DAY_STEPS = 2
_DAY = 86400


def pairs(steps: tuple[int, ...], days: tuple[int, ...] = ()) -> list[tuple[str, str]]:
    """(start, end) days for ``steps`` (months, ``month_steps.of``): for each step, forward and
    back, the first ``_STARTS`` month ends it overflows from, each with an end at PostgreSQL's
    clamp, a day past it (where that is short of the overflow) and SQLite's overflow; with each
    start also moved by each of ``days`` (whole days written beside the step), either way."""
    found: list[tuple[str, str]] = []
    for months, sign in itertools.product(steps, (1, -1)):
        starts = 0
        for base in _BASES:
            landed = _landing(base, sign * months)
            if landed is None or starts >= _STARTS:
                continue
            starts += 1
            clamp, overflow = landed
            ends = dict.fromkeys((clamp, min(clamp + dt.timedelta(days=1), overflow), overflow))
            moved = [base] + [base + dt.timedelta(days=s * d) for d in days for s in (1, -1)]
            found += [(s.isoformat(), e.isoformat()) for s in moved for e in ends]
    return list(dict.fromkeys(found))


def _landing(base: dt.date, months: int) -> tuple[dt.date, dt.date] | None:
    """Where ``base`` plus ``months`` lands: PostgreSQL's clamp to the month's last day and
    SQLite's overflow past it; None where the day fits that month (both agree)."""
    index = base.year * 12 + base.month - 1 + months
    year, month = divmod(index, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return None
    last = calendar.monthrange(year, month + 1)[1]
    if base.day <= last:
        return None
    clamp = dt.date(year, month + 1, last)
    return clamp, clamp + dt.timedelta(days=base.day - last)


def rows(
    columns: list[tuple[Column, Column]],
    values: list[list[Any]],
    texts: tuple[tuple[str, str], ...],
) -> list[tuple[Any, ...]]:
    """For each two of ``columns`` (both sides' columns, in the order of ``values``, each
    column's probe values) that hold a date, a row with each of ``pairs`` for the steps of
    ``texts`` (each (dialect, text)) in them, each way round, the other columns at their first
    value; and each date column alone at each start."""
    dates = [n for n, (lc, rc) in enumerate(columns) if probes.kind_of(lc, rc) in KINDS]
    steps = month_steps.of(texts) if dates else ()
    if not steps:
        return []
    found = pairs(steps, _days(texts))
    starts = tuple(dict.fromkeys(a for a, _ in found))
    return fraction_pairs.placed(values, dates[:_COLUMNS], starts, found)


def _days(texts: tuple[tuple[str, str], ...]) -> tuple[int, ...]:
    """The steps in whole days ``texts`` write (``date_steps.of``), without their sign, the
    first ``_DAY_STEPS``."""
    seconds = (abs(s) for s in date_steps.of(texts)[0])
    whole = (int(s // _DAY) for s in seconds if s and s % _DAY == 0)
    return tuple(dict.fromkeys(whole))[:_DAY_STEPS]
