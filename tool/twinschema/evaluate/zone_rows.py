"""The rows a CHECK is run over in two sessions' TimeZones (see ``zone_checks``): the probe rows,
each ``timestamptz`` moment written without an offset read as an instant in each zone (a text
without one is the session's local time: run in each zone as it stands, it would be a local
time there too, and ``extract(hour from at)`` would agree with itself), and, for a CHECK that
reads the clock, the current date and time as each zone has it.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# A moment written with its offset (or Z): an instant already, the same in every zone.
_OFFSET = re.compile(r"\d:\d\d(:\d\d(\.\d+)?)?\s*([+-]\d\d(:?\d\d)?|Z)$", re.IGNORECASE)
# Rows of the probes that get the clock's values, at most.
_CLOCK_ROWS = 40


def instants(
    rows: Sequence[tuple[Any, ...]], kinds: Sequence[str | None], zones: Sequence[str]
) -> list[tuple[Any, ...]]:
    """``rows``, each ``timestamptz`` value written without an offset (kind in ``kinds``, by
    position) as the instant it names in each of ``zones`` (with a ``+00:00`` offset), one row
    per combination; a zone Python does not know leaves its reading out."""
    found: dict[tuple[Any, ...], None] = {}
    for row in rows:
        options = [
            _readings(value, zones) if kind == "timestamptz" else [value]
            for value, kind in zip(row, kinds, strict=True)
        ]
        found.update(dict.fromkeys(itertools.product(*options)))
    return list(found)


def _readings(value: Any, zones: Sequence[str]) -> list[Any]:
    """``value`` read as an instant in each of ``zones``; itself when it is one already."""
    if not isinstance(value, str) or _OFFSET.search(value.strip()):
        return [value]
    try:
        naive = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return [value]
    found = [r for r in (_in_zone(naive, z) for z in zones) if r is not None]
    return list(dict.fromkeys(found)) or [value]


def _in_zone(naive: dt.datetime, zone: str) -> str | None:
    """The UTC text of ``naive`` read in ``zone`` (None for a zone Python does not know)."""
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return utc_text(naive.replace(tzinfo=tz))


def utc_text(moment: dt.datetime) -> str:
    """An aware moment as both dialects read it in any zone: UTC's time with ``+00:00``."""
    return moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ") + "+00:00"


def clock_rows(
    rows: Sequence[tuple[Any, ...]], kinds: Sequence[str | None], zones: Sequence[str]
) -> list[tuple[Any, ...]]:
    """For a CHECK that reads the clock: probe rows whose moment column holds now's date
    (and the days beside it) or time of day as each of ``zones`` has it, one column at a time
    (the first ``_CLOCK_ROWS`` rows)."""
    now = dt.datetime.now(dt.UTC)
    locals_ = [now.astimezone(z) for z in (_zone(z) for z in zones) if z is not None]
    values: dict[str, list[Any]] = {
        "date": [str(m.date() + dt.timedelta(days=d)) for m in locals_ for d in (-1, 0, 1)],
        "timestamp": [
            m.replace(tzinfo=None).isoformat(sep=" ", timespec="seconds") for m in locals_
        ],
        "timestamptz": [utc_text(now)],
        "time": [m.time().isoformat(timespec="seconds") for m in locals_],
    }
    found: dict[tuple[Any, ...], None] = {}
    for row in rows[:_CLOCK_ROWS] or [tuple(None for _ in kinds)]:
        for at, kind in enumerate(kinds):
            for value in dict.fromkeys(values.get(kind or "", [])):
                found[(*row[:at], value, *row[at + 1 :])] = None
    return list(found)


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


# A week of every hour (Monday to Monday, 2024-06-10 to 2024-06-17): each day of the week and
# each hour of the day is one date in one zone and another in the other (extract(dow),
# date_trunc('day', at), date_part('isodow', at)).
_WEEK = [dt.datetime(2024, 6, 10, tzinfo=dt.UTC) + dt.timedelta(hours=h) for h in range(169)]
# Instants around a probe's own (a literal of the CHECK's: date_trunc('day', at) <> '...'), and
# the runs of days two zones' offsets part on (at most this many, the first and the last).
_AROUND = 4
_RUNS = 4
_FROM = dt.datetime(1850, 1, 1, 12, tzinfo=dt.UTC)


def sweeps(
    rows: Sequence[tuple[Any, ...]], kinds: Sequence[str | None], zones: Sequence[str]
) -> list[tuple[Any, ...]]:
    """Rows (the first of ``rows`` with one ``timestamptz`` column changed) that reach the
    instants where ``zones`` part: each hour of a week, each hour of the day around the
    first probe instants, and each half hour of the first day of the runs of days whose
    offsets differ from 1850 to 2100 (where Python knows both zones: DST that ended, a local
    mean time)."""
    if not rows:
        return []
    base = rows[0]
    found: dict[tuple[Any, ...], None] = {}
    for at, kind in enumerate(kinds):
        if kind != "timestamptz":
            continue
        moments = list(_WEEK) + _parting(zones)
        seen = [m for m in (_instant(r[at]) for r in rows) if m is not None]
        for moment in list(dict.fromkeys(seen))[:_AROUND]:
            moments += [moment + dt.timedelta(hours=h) for h in range(-24, 25)]
        for moment in moments:
            found[(*base[:at], utc_text(moment), *base[at + 1 :])] = None
    return [r for r in found if r not in set(rows)]


def _instant(value: Any) -> dt.datetime | None:
    """A probe's timestamptz text (written with its offset: see ``instants``) as an instant."""
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _parting(zones: Sequence[str]) -> list[dt.datetime]:
    """Each half hour of two UTC days from the first day of each run of days (noon UTC) where
    the two zones' offsets differ, 1850 to 2100: the first and the last ``_RUNS`` // 2. None
    for zones apart now (the week's hours part them) or that Python does not know."""
    return list(_parting_pair(*zones[:2])) if len(zones) >= 2 else []


@functools.cache
def _parting_pair(one: str, other: str) -> tuple[dt.datetime, ...]:
    """See ``_parting``: a scan of 13,000 weeks (a few tenths of a second), once per pair."""
    first, second = _zone(one), _zone(other)
    if first is None or second is None:
        return ()
    now = dt.datetime.now(dt.UTC)
    if now.astimezone(first).utcoffset() != now.astimezone(second).utcoffset():
        return ()

    def apart(moment: dt.datetime) -> bool:
        return moment.astimezone(first).utcoffset() != moment.astimezone(second).utcoffset()

    # Week by week (a run shorter than a week is missed), then day by day back to its start.
    starts: list[dt.datetime] = []
    week = dt.timedelta(days=7)
    day = _FROM
    was = False
    while day.year < 2100:
        now_apart = apart(day)
        if now_apart and not was:
            start = day
            back = start - dt.timedelta(days=1)
            while back > max(day - week, _FROM - week) and back >= _FROM and apart(back):
                start, back = back, back - dt.timedelta(days=1)
            starts.append(start.replace(hour=0))
        was = now_apart
        day += week
    chosen = list(dict.fromkeys(starts[: _RUNS // 2] + starts[-(_RUNS // 2) :]))
    return tuple(s + dt.timedelta(minutes=30 * k) for s in chosen for k in range(96))
