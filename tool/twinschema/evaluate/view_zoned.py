"""Day, week and month steps of a view's clock under a live server's summer time (stranger86 002).

PostgreSQL's ``now() + interval '7 days'`` adds seven days of the session's wall clock: across
a change of summer time in its TimeZone that is 167 or 169 hours; SQLite's ``'+7 days'`` is
always 168 (measured on SQLite 3.40 and PostgreSQL 16: in America/Los_Angeles, 2026-11-01
00:15 UTC plus 7 days is 2026-11-08 01:15 UTC there, 00:15 on SQLite). The same holds for
weeks, months and years. A view's moment probes near now (``view_now``) therefore hold, for
each such step the views name, both ways, the moment halfway between the two ends where they
are apart (``halfway``); and a view on the clock is also judged at moments half a day before
and after one of the zone's changes (``moments``), so that a step of any number of days
crosses one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from twinschema.evaluate import view_calendar

# The change of summer time the extra moments are around: the first on or after this day.
_FROM = datetime(2026, 9, 1, tzinfo=UTC)
# How far from the change the extra moments are (a step of a day or more crosses it).
_AROUND = timedelta(hours=12)


def _zone(zone: str | None) -> ZoneInfo | None:
    """``zone`` as a ZoneInfo; None where there is none or it is unknown here."""
    try:
        return ZoneInfo(zone) if zone else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


@lru_cache(maxsize=32)
def change_of(zone: str) -> datetime | None:
    """The first instant (UTC, to the hour) on or after ``_FROM`` at which ``zone``'s offset
    changes, within a year; None where it keeps one offset (no summer time)."""
    tz = _zone(zone)
    if tz is None:
        return None
    at = _FROM
    offset = at.astimezone(tz).utcoffset()
    for _ in range(366 * 24):
        at += timedelta(hours=1)
        if at.astimezone(tz).utcoffset() != offset:
            return at
    return None


def moments(zone: str | None, days: Sequence[int], text: str, fraction: str) -> tuple[str, ...]:
    """Where the views name a step of days (``days``, ``view_now.day_steps``), weeks, months or
    years (in their SQL ``text``) from the clock and the live server's ``zone`` has summer
    time: half a day before and after its first change from ``_FROM``, as moments (UTC text,
    with ``fraction`` after the seconds, as ``view_clock.MOMENTS``); none otherwise."""
    steps = (*days, *view_calendar.month_steps(text))
    change = change_of(zone) if zone and steps else None
    if change is None:
        return ()
    return tuple(f"{at:%Y-%m-%d %H:%M:%S}{fraction}" for at in (change - _AROUND, change + _AROUND))


def halfway(
    now: datetime, days: Sequence[int], text: str, zone: str | None
) -> list[tuple[datetime, str]]:
    """For each day step ``days`` and each month or year step the views' SQL ``text`` names
    (``view_calendar.month_steps``), both ways, the
    moment halfway between ``now`` (UTC) moved by it on UTC's wall clock (SQLite's modifiers)
    and on ``zone``'s (PostgreSQL's interval in a session there), where the two are apart:
    (moment, what it is, as a label says it)."""
    tz = _zone(zone)
    if tz is None:
        return []
    local = now.astimezone(tz).replace(tzinfo=None)
    found = []
    for step in days:
        for signed in (step, -step):
            utc = now + timedelta(days=signed)
            there = (local + timedelta(days=signed)).replace(tzinfo=tz).astimezone(UTC)
            found += _between(utc, there, f"{signed:+d} day{_s(signed)}", zone or "")
    for months in view_calendar.month_steps(text):
        for signed in (months, -months):
            utc = _months(now.replace(tzinfo=None), signed, view_calendar.run_on)
            there = _months(local, signed, view_calendar.clamped).replace(tzinfo=tz)
            found += _between(
                utc.replace(tzinfo=UTC),
                there.astimezone(UTC),
                f"{signed:+d} month{_s(signed)}",
                zone or "",
            )
    return found


def _months(at: datetime, months: int, move: Callable[[date, int], date]) -> datetime:
    """``at`` (a wall clock) moved by ``months`` by ``move`` (``view_calendar``'s day rule)."""
    return datetime.combine(move(at.date(), months), at.time())


def _between(utc: datetime, there: datetime, step: str, zone: str) -> list[tuple[datetime, str]]:
    """The moment halfway between ``utc`` and ``there`` where they are apart."""
    if utc == there:
        return []
    said = f"halfway between now {step} in UTC and in {zone}"
    return [(utc + (there - utc) / 2, said)]


def _s(count: int) -> str:
    """The plural's s for ``count``."""
    return "" if abs(count) == 1 else "s"
