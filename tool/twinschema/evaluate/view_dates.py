"""Dates and moments written as devices write them, for the probe rows of views (fix95c).

The CHECK and partial-index comparison probes a date or moment held as SQLite TEXT with the
spellings a device may store (README: a day without zeros, a UTC offset that moves the day);
views were probed with the canonical forms only, and so were called "the same rows" where real
SQLite 3.40 and PostgreSQL 16 answer otherwise:

- a date column (PostgreSQL ``date``, SQLite TEXT): '2026-12-4', which SQLite's ``strftime``
  reads as NULL and PostgreSQL as 4 December, and '2026-12-31T23:30:00-05:00', which SQLite's
  date functions read in UTC (2027-01-01) and PostgreSQL's ``date`` keeps as 31 December
  (stranger94b 003: ``strftime('%Y-%m', check_in)`` against ``to_char(check_in, 'YYYY-MM')``);
- a moment column, around each date literal of the views: the literal's midnight written
  east of UTC ('2026-01-01T00:30:00+01:00', still 2025 in UTC) and the evening before written
  west of it ('2025-12-31T20:00:00-05:00', 01:00 on the literal's day in UTC): SQLite compares
  the text, PostgreSQL's timestamptz the instants (stranger94a 007: ``starts_at >= '2026-01-01'``
  put both in the other season);
- a moment column: moments in years whose 1 January is not a Monday, on a mid-year day
  ('2025-06-10 12:00:00', '2026-01-01 12:00:00', a Thursday) besides the kind's 2021 and 2023
  ones: ``strftime('%Y-%W')`` against ``to_char('IYYY-IW')`` part on most days of those years
  (stranger94a 009, where the cut had kept 2024's moments only).

A SQLite CHECK pinning the form (``d IS date(d, '+0 days')``) refuses these rows, and then the
views are compared on the others, as before (``view_fits``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

# A date literal of the views' SQL ('2026-01-01', not a moment's text).
_DATE_LITERAL = re.compile(r"'(\d{4})-(\d{2})-(\d{2})'")
# A day without its zeros and a moment west of UTC that is the next day (and month) in UTC.
_DATE_SPELLINGS = ("2026-12-4", "2026-12-31T23:30:00-05:00")
# Moments off 2024 (whose 1 January is a Monday, where %W is the ISO week): a mid-year day of a
# year starting on a Wednesday, and 1 January of a year starting on a Thursday.
_YEARS = ("2025-06-10 12:00:00", "2026-01-01 12:00:00")
# Literals whose neighbours are tried, at most (every probe row is run).
_LITERALS = 4


def spelled(kind: str | None, text: str) -> list[str]:
    """Probe values of a column of ``kind`` that the views' SQL ``text`` reads, written as a
    device may store them (the module's docstring says which and why); [] for other kinds."""
    if kind == "date":
        return list(_DATE_SPELLINGS)
    if kind not in ("timestamp", "timestamptz"):
        return []
    zone = "+00:00" if kind == "timestamptz" else ""
    found = [f"{m}{zone}" for m in _YEARS]
    if kind == "timestamptz":
        found = [*around(text), *found]
    return list(dict.fromkeys(found))


def around(text: str) -> list[str]:
    """For each date literal of ``text`` (the first few), its day's 00:30 written at +01:00 and
    the evening before at 20:00 written at -05:00: each sorts as text on the other side of the
    literal from the instant it is."""
    found: list[str] = []
    for y, m, d in list(dict.fromkeys(_DATE_LITERAL.findall(text)))[:_LITERALS]:
        try:
            day = dt.date(int(y), int(m), int(d))
        except ValueError:
            continue
        if day == dt.date.min:  # no evening before it
            continue
        before = day - dt.timedelta(days=1)
        found += [f"{day.isoformat()}T00:30:00+01:00", f"{before.isoformat()}T20:00:00-05:00"]
    return found


# A date or moment as the probe values write it (a day, then perhaps a time and an offset).
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}(?P<rest>.*)$")
# Days far after and before any moment near now (the clock is run at fixed moments of 2026).
_FAR = ("2099-12-31", "1999-01-01")


def bounding(
    first: list[Any], values: Sequence[Sequence[Any]], skip: Sequence[int]
) -> list[list[Any]]:
    """Rows ``first`` (a row near now at its other columns' first values) with every other
    date or moment column (one whose first value is a day's text; none of ``skip``) at a day
    far after, then far before, any moment near now, written in that column's form: a CHECK
    relating two of them (``check_out > check_in``) took no row near now, whose other column
    sat at a day of 2024 (stranger94b 004: ``arrivals_today`` was "not compared")."""
    dated = [
        (i, m.group("rest"))
        for i, given in enumerate(values)
        if i not in skip
        and (m := _DAY.match(str(given[0]) if given and given[0] else "")) is not None
    ]
    if not dated:
        return []
    found = []
    for day in _FAR:
        row = list(first)
        for i, rest in dated:
            row[i] = f"{day}{_TIME.sub('12:00:00', rest)}" if rest else day
        found.append(row)
    return found


# The time of day of a moment's text (a fraction after it or not), which a far day keeps noon.
_TIME = re.compile(r"\d\d:\d\d(?::\d\d(?:\.\d+)?)?")
