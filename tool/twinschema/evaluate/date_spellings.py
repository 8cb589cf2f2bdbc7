"""Other spellings of a date, a moment or a time of day that PostgreSQL reads as the same value
and SQLite, keeping it as text, compares as another string ('2020-1-5', '2020-01-05 10:00',
'8:00', '08:00 pm'): the values tried against a CHECK or a partial index that compares such a
column with a string literal (``date_text``, ``null_spellings``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from twinschema.evaluate.clock import date_of

DATE_KINDS = ("date", "timestamp", "timestamptz")
# The kinds whose literals are tried in other spellings: dates and moments, and a time of day.
KINDS = (*DATE_KINDS, "time")
_LITERAL = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(.*)$", re.S)
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(:\d{2}(?:\.\d+)?)?$")
# At most this many spellings are tried per column, and as many moments moved by their UTC
# offset (``offset_spellings``) besides, against a timestamptz.
_MAX_SPELLINGS = 12
_MAX_MOVED = 4
# How far a moment's UTC offset is moved from its literal's (``offset_spellings``), and the
# offsets PostgreSQL reads (below 16 hours either way).
_SHIFT = dt.timedelta(hours=5)
_MAX_OFFSET = dt.timedelta(hours=16)


def spellings(literals: Sequence[str], kind: str | None = None, wall: bool = True) -> list[str]:
    """Other spellings of the dates among ``literals`` that PostgreSQL reads as a date or a
    moment and SQLite compares as text: without the zeros ('2020-1-5'), with a time of day
    ('2020-01-05 10:00'); of a moment, its day alone, its time without seconds and with 'T'
    before it ('2020-01-05', '2020-01-05 00:00', '2020-01-05T00:00:00'). Of a ``time`` column,
    those of its times of day instead (``time_spellings``). Without ``wall``, no hour-24 or
    second-60 spelling (``wall_spellings``): a CHECK pair parted by one is a difference
    (``offset_rows.compared_literal``), not a warning (s79time)."""
    if kind == "time":
        return time_spellings(literals)
    found: list[str] = []
    for literal in literals:
        match = _LITERAL.match(literal.strip())
        if match is None or date_of(literal.strip()[:10]) is None:
            continue
        year, month, day, rest = match.groups()
        found.append(f"{int(year)}-{int(month)}-{int(day)}{rest}")
        stem, time = f"{year}-{month}-{day}", rest.strip()
        if not time:
            found.append(f"{stem} 10:00")
            continue
        found += [stem, f"{stem}T{time}"]
        if re.match(r"^\d{2}:\d{2}:00$", time):
            found.append(f"{stem} {time[:5]}")
    unique = [s for s in dict.fromkeys(found) if s not in literals][:_MAX_SPELLINGS]
    if kind == "timestamptz":  # beyond the others' cap: a literal with a time of day has many
        moved = [s for literal in literals for s in offset_spellings(literal)]
        unique += [s for s in dict.fromkeys(moved) if s not in literals and s not in unique][
            :_MAX_MOVED
        ]
    if wall and kind in ("timestamp", "timestamptz"):  # last: the others part on a row first
        hours = [s for literal in literals for s in wall_spellings(literal)]
        unique += [s for s in dict.fromkeys(hours) if s not in literals and s not in unique]
    return unique


def wall_spellings(literal: str) -> list[str]:
    """Of a moment literal, the same moment in its own form and width spelled with hour 24 of
    the day before or second 60 of the minute before ('2025-12-31 24:00:00' and
    '2025-12-31 23:59:60' for '2026-01-01 00:00:00'): PostgreSQL reads each as the literal,
    SQLite sorts it before, and a GLOB or strftime() pin on the form passes it (stranger75
    006). Only of a literal whose seconds are 0 (hour 24 only at midnight, a day alone's)."""
    text = literal.strip()
    if re.match(r"^\d{4}-\d{2}-\d{2}$", text):  # a day alone is its midnight
        text += " 00:00:00"
    match = re.match(r"^(\d{4}-\d{2}-\d{2})([ T])(\d{2}):(\d{2}):00(\D.*)?$", text)
    if match is None or date_of(match[1]) is None:
        return []
    day, sep, hour, minute, rest = match[1], match[2], int(match[3]), int(match[4]), match[5] or ""
    if hour > 23 or minute > 59:
        return []
    moment = dt.datetime.fromisoformat(f"{day} {hour:02d}:{minute:02d}")
    if not dt.MINYEAR < moment.year < dt.MAXYEAR:  # no minute before '0001-01-01 00:00' here
        return []
    moment -= dt.timedelta(minutes=1)
    found = [f"{moment:%Y-%m-%d}{sep}{moment:%H:%M}:60{rest}"]
    if (hour, minute) == (0, 0):
        found.insert(0, f"{moment:%Y-%m-%d}{sep}24:00:00{rest}")
    return found


def offset_spellings(literal: str) -> list[str]:
    """Of a moment literal compared with a timestamptz column, two moments whose UTC offset
    moves them across it: written after it as text and before it as an instant, and the
    reverse ('2020-01-01 03:00:00+05:00' is 2019-12-31 22:00 UTC, '2019-12-31 23:00:00-05:00'
    2020-01-01 04:00 UTC, for '2020-01-01'). The literal is read in UTC where it names no
    offset, as the scratch server reads it (stranger51 112, 131)."""
    text = literal.strip()
    if _LITERAL.match(text) is None or date_of(text[:10]) is None:
        return []
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return []
    offset = moment.utcoffset() or dt.timedelta(0)
    wall = moment.replace(tzinfo=None)
    found = []
    for step, shift in ((dt.timedelta(hours=3), _SHIFT), (dt.timedelta(hours=-1), -_SHIFT)):
        zone = offset + shift
        if abs(zone) < _MAX_OFFSET and dt.MINYEAR < wall.year < dt.MAXYEAR:
            found.append(f"{wall + step:%Y-%m-%d %H:%M:%S}{_offset_text(zone)}")
    return found


def _offset_text(offset: dt.timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def time_spellings(literals: Sequence[str]) -> list[str]:
    """Other spellings of the times of day among ``literals`` that PostgreSQL reads as a time
    and SQLite compares as text: without the hour's zero ('8:00'), with seconds ('08:00:00') or
    without zero seconds ('08:00'), and on a 12-hour clock ('08:00 pm' is 20:00, '6:00 pm'
    18:00, '12:00 am' midnight); then the hour before and after each, spelled so that neither
    SQLite's text order nor its ``time()`` reads it as PostgreSQL does (``_hour_spelled``:
    '7:00' and '9:00' for '08:00', '5:00 pm' and '7:00 pm' for '18:00'; stranger50 008, 054)."""
    found: list[str] = []
    beside: list[str] = []
    for literal in literals:
        match = _TIME.match(literal.strip())
        if match is None or int(match[1]) > 23 or int(match[2]) > 59:
            continue
        hour, minute, seconds = int(match[1]), match[2], match[3] or ""
        found.append(f"{hour}:{minute}{seconds}")
        stem = f"{hour:02d}:{minute}"
        if seconds in ("", ":00"):
            found.append(stem + (":00" if not seconds else ""))
        if 1 <= hour <= 12:
            found.append(f"{stem}{seconds} pm")
        else:  # midnight's hour, or an afternoon's
            found.append(f"{hour - 12 if hour else 12}:{minute}{seconds} {'pm' if hour else 'am'}")
        beside += [_hour_spelled(h, minute + seconds) for h in (hour - 1, hour + 1) if 0 <= h < 24]
    unique = [s for s in dict.fromkeys(found + beside) if s not in literals]
    return unique[:_MAX_SPELLINGS]


def _hour_spelled(hour: int, rest: str) -> str:
    """A time of day PostgreSQL reads and SQLite's ``time()`` does not (NULL), whose text sorts
    away from its time: without the hour's zero ('7:00'), else on a 12-hour clock ('5:00 pm',
    '10:00 am')."""
    if hour < 10:
        return f"{hour}:{rest}"
    return f"{hour - 12 if hour > 12 else hour}:{rest} {'pm' if hour >= 12 else 'am'}"
