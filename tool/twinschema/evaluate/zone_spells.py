"""The spells from 1850 to 2100 in which two zones' offsets part, as the scratch PostgreSQL
server renders them (a POSIX zone such as ``UTC+3`` or ``<EST>5<EDT>,M3.2.0,M11.1.0`` too,
which Python's zoneinfo does not know), and the instants inside them a CHECK that reads the
session's zone is run at (see ``zone_checks``).

A CHECK that reads a ``timestamptz`` in the session's zone judges a row by its local time;
where that verdict turns at a local time L (a midnight for ``at::date``, the hour a literal
names for ``extract(hour from at)``), the two zones, whose offsets part by g there, judge every
instant between L read in one zone and L read in the other otherwise: a spell of length g.
Each such L on a few days of each spell is tried at the start and the middle of that spell:
the days are each spell's first, middle and last, a week of midnights from its middle (the
day of the week), and each day a date literal of the CHECK names that falls in a spell; the
times are midnight, each hour a number of the CHECK names and the next, each minute one names
(at 00 and 12 o'clock) and each time of day a literal names. The spells tried are the first
and last two, the longest of each offset gap, and each one holding a literal's day.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Protocol

_HOUR = dt.timedelta(hours=1)
_DAY = dt.timedelta(days=1)
_END = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
_DATE = re.compile(r"(\d{4})-(\d\d)-(\d\d)")
_TIME = re.compile(r"(?<![\d:])(\d\d?):(\d\d)(?::(\d\d))?")
_QUOTED = re.compile(r"'(?:[^']|'')*'")
_NUMBER = re.compile(r"(?<![\w.])(\d\d?)(?![\w.])")
# The first and the last spells tried whatever their gap.
_ENDS = 2


class ZoneServer(Protocol):
    """What renders zones' offsets: a PostgreSQL scratch backend (``pg_backend``)."""

    def read(self, sql: bytes, params: dict[str, Any] | None = None) -> list[Any] | None: ...


@dataclass(frozen=True)
class Spell:
    """From ``start`` (the first whole hour, UTC) to ``end``, one zone's local time is the
    other's plus ``gap`` (never zero)."""

    start: dt.datetime
    end: dt.datetime
    gap: dt.timedelta


# Each change of the two zones' difference, sampled every 169 hours (7 days and 1 hour: the
# samples walk through the hours of the day and the days of the week) from 1850 to 2100, then
# narrowed hour by hour from the sample before. A spell shorter than a week may be missed.
# The zones are TimeZone settings as ``SHOW TimeZone`` prints them: never a bare ``-3``,
# which ``timezone()`` reads as POSIX and ``SET`` as ISO (``SHOW`` prints ``<-03>+03``).
_CHANGES = b"""
WITH s AS (
  SELECT m, timezone(%(one)s, m) - timezone(%(other)s, m) AS d
  FROM generate_series(timestamptz '1850-01-01 00:00+00', timestamptz '2100-01-01 00:00+00',
                       interval '169 hours') m),
c AS (SELECT m, d, lag(m) OVER w AS before, lag(d) OVER w AS was FROM s WINDOW w AS (ORDER BY m)),
p AS (SELECT * FROM c WHERE d IS DISTINCT FROM was)
SELECT coalesce(
  (SELECT min(h) FROM generate_series(p.before, p.m, interval '1 hour') h
   WHERE timezone(%(one)s, h) - timezone(%(other)s, h) IS DISTINCT FROM p.was),
  p.m), extract(epoch FROM p.d)::float8
FROM p ORDER BY p.m"""

# Each zone's offset from UTC at some instants. Offsets and gaps are read as seconds: the
# evaluator's connection reads an interval as the server writes it (``pg_loaders``).
_OFFSETS = b"""
SELECT extract(epoch FROM timezone(%(one)s, m) - timezone('UTC', m))::float8,
       extract(epoch FROM timezone(%(other)s, m) - timezone('UTC', m))::float8
FROM unnest(%(at)s::timestamptz[]) WITH ORDINALITY AS u(m, n) ORDER BY n"""

_FOUND: dict[tuple[str, str], tuple[Spell, ...]] = {}


def spells(server: ZoneServer, one: str, other: str) -> tuple[Spell, ...]:
    """The spells from 1850 to 2100 in which the two zones' offsets part, as the server renders
    them; empty where they never part there or the server cannot say; once per pair."""
    key = (one, other)
    if key not in _FOUND:
        found = server.read(_CHANGES, {"one": one, "other": other})
        if found is None:
            return ()
        ends = [r[0] for r in found[1:]] + [_END]
        _FOUND[key] = tuple(
            Spell(r[0], end, dt.timedelta(seconds=r[1]))
            for r, end in zip(found, ends, strict=True)
            if r[1]
        )
    return _FOUND[key]


def moments(server: ZoneServer, zones: tuple[str, str], check: str) -> list[dt.datetime]:
    """The instants (UTC) inside the zones' spells at which ``check`` is run (module
    docstring); empty where they never part."""
    found = spells(server, *zones)
    if not found:
        return []
    days = _days(check)
    anchors: dict[tuple[dt.datetime, bool], dt.datetime] = {}
    for spell in _chosen(found, days):
        middle = _day(spell.start + (spell.end - spell.start) / 2)
        for day in (_day(spell.start), middle, _day(spell.end - _HOUR)):
            anchors[(day, False)] = _inside(day, spell)
        for k in range(8):
            anchors.setdefault((middle + k * _DAY, True), _inside(middle + k * _DAY, spell))
        for day in days:
            if spell.start - _DAY <= day < spell.end:
                anchors[(day, False)] = _inside(day, spell)
    keys = list(anchors)
    offsets = server.read(
        _OFFSETS, {"one": zones[0], "other": zones[1], "at": [anchors[k] for k in keys]}
    )
    if offsets is None or len(offsets) != len(keys):
        return []
    times = _times(check)
    instants: dict[dt.datetime, None] = {}
    for (day, midnight_only), seconds in zip(keys, offsets, strict=True):
        a, b = (dt.timedelta(seconds=x) for x in seconds)
        if a == b:
            continue
        for local in (dt.timedelta(0), _DAY) if midnight_only else times:
            at = day + local
            instants[at - max(a, b)] = None  # the first instant the two judge otherwise
            instants[at - (a + b) / 2] = None  # and the middle of that spell
    return list(instants)


def _chosen(found: tuple[Spell, ...], days: list[dt.datetime]) -> list[Spell]:
    """The first and last spells, the longest of each gap, and those holding one of ``days``."""
    picked: dict[Spell, None] = dict.fromkeys((*found[:_ENDS], *found[-_ENDS:]))
    longest: dict[dt.timedelta, Spell] = {}
    for s in found:
        if s.gap not in longest or s.end - s.start > longest[s.gap].end - longest[s.gap].start:
            longest[s.gap] = s
    picked.update(dict.fromkeys(longest.values()))
    picked.update(dict.fromkeys(s for s in found for d in days if s.start - _DAY <= d < s.end))
    return list(picked)


def _day(moment: dt.datetime) -> dt.datetime:
    """The UTC midnight ``moment`` falls in."""
    return moment.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _inside(day: dt.datetime, spell: Spell) -> dt.datetime:
    """Noon of ``day`` (UTC), kept inside ``spell``: where its zones' offsets are read."""
    return min(max(day + _DAY / 2, spell.start), spell.end - _HOUR)


def _days(check: str) -> list[dt.datetime]:
    """The days (UTC midnights) the date literals of ``check`` name."""
    found: dict[dt.datetime, None] = {}
    for y, m, d in _DATE.findall(check):
        try:
            found[dt.datetime(int(y), int(m), int(d), tzinfo=dt.UTC)] = None
        except ValueError:
            continue
    return list(found)


def _times(check: str) -> list[dt.timedelta]:
    """The local times of a day at which ``check``'s verdict may turn: midnight (both ends of
    the day), each hour a number in it names (0 to 24) and the next, each minute one names
    (0 to 59, at 00 and 12 o'clock), and each time of day a literal names."""
    found: dict[dt.timedelta, None] = dict.fromkeys((dt.timedelta(0), _DAY))
    for h, m, s in _TIME.findall(check):
        found[dt.timedelta(hours=int(h), minutes=int(m), seconds=int(s or 0))] = None
    bare = _QUOTED.sub(" ", check)
    for n in (int(x) for x in _NUMBER.findall(bare)):
        if n <= 24:
            found[dt.timedelta(hours=n)] = None
            found[dt.timedelta(hours=n + 1)] = None
        if n < 60:
            found[dt.timedelta(minutes=n)] = None
            found[dt.timedelta(hours=12, minutes=n)] = None
    return list(found)
