"""The rows a CHECK is run over in two sessions' TimeZones (see ``zone_checks``): the probe rows,
each ``timestamptz`` moment written without an offset read as an instant in each zone (a text
without one is the session's local time: run in each zone as it stands, it would be a local
time there too, and ``extract(hour from at)`` would agree with itself). A CHECK that reads the
clock in two zones is said in words (``zone_checks``), never by a row of the current date.
"""

from __future__ import annotations

import datetime as dt
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


# A week of every hour (Monday to Monday, 2024-06-10 to 2024-06-17): each day of the week and
# each hour of the day is one date in one zone and another in the other (extract(dow),
# date_trunc('day', at), date_part('isodow', at)).
_WEEK = [dt.datetime(2024, 6, 10, tzinfo=dt.UTC) + dt.timedelta(hours=h) for h in range(169)]
# Instants around a probe's own (a literal of the CHECK's: date_trunc('day', at) <> '...'), at
# most this many.
_AROUND = 4


def sweeps(
    rows: Sequence[tuple[Any, ...]], kinds: Sequence[str | None], parting: Sequence[dt.datetime]
) -> list[tuple[Any, ...]]:
    """Rows (the first of ``rows`` with one ``timestamptz`` column changed) that reach the
    instants where two zones part: each hour of a week, each hour of the day around the
    first probe instants, and ``parting`` (``zone_spells.moments``: instants where the zones
    part in history only, DST that ended, a local mean time)."""
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
