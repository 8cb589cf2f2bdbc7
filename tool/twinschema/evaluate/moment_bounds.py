"""Probe moments beside a CHECK's moment literals (see ``probes.values_for``).

A bound on a timestamp or time column parts from another spelling of it only on moments the
calendar's corners never hold: an inclusive end written as a day (``c <= '2024-12-31'``, which
is that day's midnight) against the half-open form (``c < '2025-01-01'``) parts on any moment
inside the last day ('2024-12-31 12:00:00'); a bound written to the second (``c <=
'2024-01-01 23:59:59'``) against the next second taken strictly (``c < '2024-01-02'``) parts on
a fraction past it. Each moment literal is probed a microsecond (the finest step both dialects
keep) and half a second (SQLite's ``julianday()`` keeps milliseconds) either side, and, on a
timestamp, at noon and at the last moment of its day. A time of day compared with a timestamp's
time (SQLite's ``time(ts) BETWEEN '08:00:00' AND '18:00:00'``, which drops the fraction, against
PostgreSQL's ``ts::time BETWEEN '08:00' AND '18:00'``) parts on a moment inside the second after it
only (stranger45 041): on a timestamp column each time literal is probed on ``_CLOCK_DAY``, at it,
a microsecond and half a second either side. The values are written as the literal is
('T' or a space, its UTC offset as written on a timestamptz, none on a timestamp or time, which
drop it; a moment written with 'T' on one side, as PostgreSQL prints it on the other, with 'T'),
so that SQLite's text order agrees with the order of moments
wherever the literal is written in ISO form.
"""

from __future__ import annotations

import datetime as dt
import re

from twinschema.evaluate.clock import TIMESTAMP, date_of

# At most this many moment literals of a pair are probed beside (each adds up to six values).
MAX_LITERALS = 4
_STEPS = (
    dt.timedelta(milliseconds=-500),
    dt.timedelta(milliseconds=500),
    dt.timedelta(microseconds=-1),
    dt.timedelta(microseconds=1),
)
_TIME = re.compile(
    r"^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6})\d*)?)?(\s*(?:Z|[+-]\d{2}(?::?\d{2})?))?$"
)
_NOON, _LAST = dt.time(12), dt.time(23, 59, 59, 999999)
# The day a time literal is put on to probe a timestamp column (a plain mid-month day).
_CLOCK_DAY = dt.date(2024, 6, 15)


def beside(kind: str, strings: tuple[str, ...]) -> list[str]:
    """Moments beside each moment literal among ``strings`` for a column of ``kind``
    ('timestamp', 'timestamptz' or 'time'; none for another kind): a microsecond and half a
    second either side, and on a timestamp noon and the last moment of the literal's day; on a
    timestamp, each time literal on ``_CLOCK_DAY`` too, at it and beside it."""
    found: list[str] = []
    parse = _time if kind == "time" else _timestamp if kind.startswith("timestamp") else None
    if parse is None:
        return []
    literals: dict[dt.datetime, tuple[str, str]] = {}
    for moment, sep, zone in (p for p in map(parse, dict.fromkeys(strings)) if p is not None):
        # One moment written twice (PostgreSQL prints its literal with a space): the 'T' the
        # source wrote, which SQLite's text order follows.
        written = literals.setdefault(moment, (sep, zone))
        if sep == "T":
            literals[moment] = (sep, written[1])
    for moment, (sep, zone) in list(literals.items())[:MAX_LITERALS]:
        near = [_shift(moment, step, kind == "time") for step in _STEPS]
        if kind != "time":  # noon first: the plainest witness of an inclusive end as a day
            near = [_on_day(moment, _NOON), *near[:2], _on_day(moment, _LAST), *near[2:]]
        # Only a timestamptz keeps an offset: a timestamp, like a time, drops it, so the value
        # is written without one (stranger56 060/061; e.g. a witness '2023-12-31 23:59:59.5+00' of a
        # timestamp column, which the column stores as '2023-12-31 23:59:59.5').
        zone = zone if kind == "timestamptz" else ""
        found += [_written(m, kind, sep) + zone for m in near if m is not None]
    if kind != "time":
        found += _times_on_day(kind, strings, MAX_LITERALS - min(len(literals), MAX_LITERALS))
    return list(dict.fromkeys(found))


def _times_on_day(kind: str, strings: tuple[str, ...], most: int) -> list[str]:
    """For a timestamp column of ``kind``, the first ``most`` time literals among ``strings``
    as moments on ``_CLOCK_DAY`` (in UTC on a timestamptz), each at it, then half a second and
    a microsecond either side within that day."""
    times = dict.fromkeys(t[0].time() for t in map(_time, dict.fromkeys(strings)) if t)
    zone = "+00:00" if kind == "timestamptz" else ""
    found: list[str] = []
    for at in list(times)[:most]:
        moment = dt.datetime.combine(_CLOCK_DAY, at)
        near = [moment, *(_shift(moment, step, True) for step in _STEPS)]
        found += [_written(m, kind, " ") + zone for m in near if m is not None]
    return found


def days_within(strings: tuple[str, ...]) -> list[str]:
    """Noon of each date literal's day written as a moment ('2019-12-31 12:00:00'), which a
    SQLite date column keeps as text after the day itself (``d > '2019-12-31'`` takes it,
    ``d >= '2020-01-01'`` does not: fuzz41)."""
    days = [d for d in map(date_of, dict.fromkeys(s.strip() for s in strings)) if d is not None]
    return [f"{d.isoformat()} 12:00:00" for d in days[:MAX_LITERALS]]


def _timestamp(text: str) -> tuple[dt.datetime, str, str] | None:
    """A timestamp or date literal as (its wall-clock moment, the separator of its time, its
    UTC offset as written), or None when it is neither."""
    text = text.strip()
    day = date_of(text)
    if day is not None:
        return dt.datetime(day.year, day.month, day.day), " ", ""
    match = TIMESTAMP.match(text)
    if match is None:
        return None
    *parts, frac, zone = match.groups()
    try:
        y, mo, d, h, mi, s = (int(p or 0) for p in parts)
        moment = dt.datetime(y, mo, d, h, mi, s, int((frac or "0")[:6].ljust(6, "0")))
    except ValueError:
        return None
    return moment, text[10], text[match.start(8) :] if zone else ""


def _time(text: str) -> tuple[dt.datetime, str, str] | None:
    """A time literal as (that time on a fixed day, '', its UTC offset as written), or None."""
    match = _TIME.match(text.strip())
    if match is None:
        return None
    h, mi, s, frac, zone = match.groups()
    try:
        at = dt.time(int(h), int(mi), int(s or 0), int((frac or "0").ljust(6, "0")))
    except ValueError:
        return None
    return dt.datetime.combine(dt.date(2000, 1, 1), at), "", zone or ""


def _on_day(moment: dt.datetime, at: dt.time) -> dt.datetime:
    """The moment ``at`` on ``moment``'s day."""
    return dt.datetime.combine(moment.date(), at)


def _shift(moment: dt.datetime, step: dt.timedelta, in_day: bool) -> dt.datetime | None:
    """``moment`` moved by ``step``, None past the calendar's ends (with ``in_day``, a time's
    day: a time moved past midnight wraps)."""
    try:
        moved = moment + step
    except OverflowError:
        return None
    return moved if moved.date() == moment.date() or not in_day else None


def _written(moment: dt.datetime, kind: str, sep: str) -> str:
    """``moment`` as ISO text (the time alone for a time column), its fraction without
    trailing zeros."""
    text = moment.time().isoformat() if kind == "time" else moment.isoformat(sep=sep)
    return text.rstrip("0") if "." in text else text
