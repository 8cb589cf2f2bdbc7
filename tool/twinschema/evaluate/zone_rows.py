"""The rows a CHECK is run over in two sessions' TimeZones (see ``zone_checks``): the probe rows,
each ``timestamptz`` moment written without an offset read as an instant in each zone (a text
without one is the session's local time: run in each zone as it stands, it would be a local
time there too, and ``extract(hour from at)`` would agree with itself), and, for a CHECK that
reads the clock, the current date and time as each zone has it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Sequence
from typing import Any, Protocol
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
# the spells two zones' offsets part on (at most this many, the first and the last).
_AROUND = 4
_RUNS = 4


class ZoneSpells(Protocol):
    """What renders zones' offsets: a PostgreSQL scratch backend (``pg_backend``)."""

    def read(self, sql: bytes, params: dict[str, Any] | None = None) -> list[Any] | None: ...


# The first hour of each spell from 1850 to 2100 in which two zones' local times (as the server
# renders them: timezone(zone, instant)) differ, by one amount all along (local mean time
# against standard time, then against summer time, are two spells): sampled every 169 hours
# (7 days and 1 hour: the samples walk through the hours of the day and the days of the
# week), then narrowed hour by hour from the sample before; the first and the last %(ends)s
# spells only. A spell shorter than a week may be missed. As long as the zoneinfo scan it
# replaced (about 90 ms each, at a load of 11 on 2 cores), once per pair of zones.
# The zones are TimeZone settings as ``SHOW TimeZone`` prints them: never a bare ``-3``,
# which ``timezone()`` reads as POSIX and ``SET`` as ISO (``SHOW`` prints ``<-03>+03``).
_ZONE_SPELLS = b"""
WITH s AS (
  SELECT m, timezone(%(one)s, m) - timezone(%(other)s, m) AS d
  FROM generate_series(timestamptz '1850-01-01 00:00+00', timestamptz '2100-01-01 00:00+00',
                       interval '169 hours') m),
c AS (SELECT m, d, lag(m) OVER w AS before, lag(d) OVER w AS was FROM s WINDOW w AS (ORDER BY m)),
p AS (
  SELECT *, row_number() OVER (ORDER BY m) AS r, count(*) OVER () AS n
  FROM c WHERE d <> interval '0' AND d IS DISTINCT FROM was)
SELECT coalesce(
  (SELECT min(h) FROM generate_series(p.before, p.m, interval '1 hour') h
   WHERE timezone(%(one)s, h) - timezone(%(other)s, h) NOT IN (interval '0', p.was)),
  p.m)
FROM p WHERE r <= %(ends)s OR r > n - %(ends)s ORDER BY p.m"""


def sweeps(
    rows: Sequence[tuple[Any, ...]], kinds: Sequence[str | None], parting: Sequence[dt.datetime]
) -> list[tuple[Any, ...]]:
    """Rows (the first of ``rows`` with one ``timestamptz`` column changed) that reach the
    instants where two zones part: each hour of a week, each hour of the day around the
    first probe instants, and ``parting`` (the instants of ``parting_instants``: where the
    zones part in history only, DST that ended, a local mean time)."""
    if not rows:
        return []
    base = rows[0]
    found: dict[tuple[Any, ...], None] = {}
    for at, kind in enumerate(kinds):
        if kind != "timestamptz":
            continue
        moments = list(_WEEK) + list(parting)
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


# The spells of two zones, by the server that renders them: (one, other) -> their starts.
_SPELLS: dict[tuple[str, str], tuple[dt.datetime, ...]] = {}


def parting_starts(server: ZoneSpells, one: str, other: str) -> tuple[dt.datetime, ...]:
    """The first hour of the first and the last ``_RUNS`` // 2 spells from 1850 to 2100 in
    which the two zones' offsets, as the server renders them (a POSIX zone such as ``UTC+3``
    or ``<EST>5<EDT>,M3.2.0,M11.1.0`` too, which Python's zoneinfo does not know), differ,
    by one amount all along (local mean time against standard time, then against summer
    time, are two spells). Empty where they never part there or the server cannot
    say; once per pair."""
    key = (one, other)
    if key not in _SPELLS:
        found = server.read(_ZONE_SPELLS, {"one": one, "other": other, "ends": _RUNS // 2})
        if found is None:
            return ()
        _SPELLS[key] = tuple(r[0] for r in found)
    return _SPELLS[key]


def parting_instants(starts: Sequence[dt.datetime]) -> list[dt.datetime]:
    """Each half hour of two UTC days from the day each of ``starts`` (``parting_starts``) is
    on."""
    days = [s.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0) for s in starts]
    return [d + dt.timedelta(minutes=30 * k) for d in dict.fromkeys(days) for k in range(96)]
