"""The clock in stored values: whether a default's values are the current time, date or time of
day, the clock moved by a fixed amount, written as a number, or midnight of a day; how a text
column writes a time (its format); and SQLite's 'localtime', which is run as UTC (the devices'
zone is unknown, and the checker's own must not decide)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

# The clock moved by a fixed amount (``datetime('now', '+1 hour')``, ``date('now', '-1 day')``),
# or written as a number (a Unix time, a Julian day): the value is the amount or the format.
CLOCK_OFFSET = "clock offset"
DATE_OFFSET = "date offset"
CLOCK_NUMBER = "clock number"
# Midnight of the current date (or a day near it) as a timestamp: ``CURRENT_DATE`` stored in
# a timestamp column; the value is the shift in days.
START_OF_DAY = "start of day"
# A date or time computed from the clock that is no fixed step from it (``date('now',
# 'weekday 1')``, today at 09:00): its distance from the clock varies with the moment.
FROM_CLOCK = "from the clock"
# How far from the clock a moved time may be and still be read as "the clock, moved" (a
# literal default is never this close to the day a check runs).
_NEAR_SECONDS = 8 * 86400
_UNIX_EPOCH_JULIAN_DAY = 2440587.5

# How far from the evaluation's clock "the current time" may be (a busy machine, a server
# clock that is a little off).
SLACK_SECONDS = 5.0

TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?"
    r"\s*(Z|[+-]\d{2}(?::\d{2}(?::\d{2})?|\d{2})?)?$",
    re.IGNORECASE,
)
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
TIME_OF_DAY = re.compile(r"^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$")
# SQLite's 'localtime' and 'utc' modifiers (never a first argument: ``date('localtime')`` is no
# time): each moves the time by the device's zone ('utc' reads the time to its left as local).
_LOCALTIME = re.compile(r",\s*'(?:localtime|utc)'", re.IGNORECASE)


def in_utc(dialect: str, expression: str) -> tuple[str, bool]:
    """``expression`` as it is run, and whether it reads the device's local time: SQLite's
    'localtime' modifier gives the time in the zone of whoever runs it, and 'utc' moves a time
    it reads as local back by that zone (``datetime('now', 'utc')`` is an hour early in Paris);
    the devices' zone is unknown, so either is run as a no-op ('+0 seconds', right in UTC only)
    and the verdict says so: the checker's own zone never decides."""
    if dialect != "sqlite" or not _LOCALTIME.search(expression):
        return expression, False
    return _LOCALTIME.sub(", '+0 seconds'", expression), True


def date_of(value: Any) -> Any:
    """``value`` as a date (a date, or text 'YYYY-MM-DD' naming a real day), else None: SQLite
    keeps text that names no day (``date('2024-02-30')`` is '2024-02-30' on 3.40), so stored
    text is never trusted to be one."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    match = _DATE.match(str(value).strip())
    if match is None:
        return None
    try:
        return dt.date(*map(int, match.groups()))
    except ValueError:  # '2024-02-30', '0000-01-01'
        return None


def timestamp_of(value: Any) -> dt.datetime | None:
    """``value`` as an aware UTC datetime (naive text is UTC, as SQLite writes it), or None."""
    if isinstance(value, dt.datetime):
        stamp = value
    elif isinstance(value, str):
        match = TIMESTAMP.match(value.strip())
        if match is None:
            return None
        y, mo, d, h, mi, s, frac, zone = match.groups()
        micro = int((frac or "0")[:6].ljust(6, "0"))
        try:  # text that names no moment ('2024-02-30 10:00', '24:00', an offset of +25)
            stamp = dt.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0), micro)
            stamp = stamp.replace(tzinfo=zone_of(zone))
        except ValueError:
            return None
    else:
        return None
    if stamp.tzinfo is None:
        return stamp.replace(tzinfo=dt.UTC)
    try:
        return stamp.astimezone(dt.UTC)
    except OverflowError:  # '9999-12-31 23:00:00-02': past the last moment Python holds
        return None


def zone_of(text: str | None) -> dt.tzinfo:
    """The zone a timestamp's text names ('Z', '+02', '+0200', '+02:00', '+05:30:00', which
    PostgreSQL reads as +05:30, and '+05:30:15'); UTC when none. ValueError for an offset of a
    day or more ('+25')."""
    if text is None or text.upper() == "Z":
        return dt.UTC
    digits = text[1:].replace(":", "")
    seconds = int(digits[:2]) * 3600 + int(digits[2:4] or 0) * 60 + int(digits[4:6] or 0)
    return dt.timezone(dt.timedelta(seconds=seconds if text[0] == "+" else -seconds))


def is_now(value: Any, low: float, high: float) -> bool:
    """True when ``value`` is a time between ``low`` and ``high`` (Unix seconds)."""
    stamp = timestamp_of(value)
    return stamp is not None and low <= stamp.timestamp() <= high


def is_today(value: Any, low: float, high: float) -> bool:
    """True when ``value`` is a date (not a timestamp) of the UTC days ``low`` to ``high``."""
    day = date_of(value) if isinstance(value, str | dt.date) else None
    if day is None or isinstance(value, dt.datetime):
        return False
    first = dt.datetime.fromtimestamp(low, dt.UTC).date()
    last = dt.datetime.fromtimestamp(high, dt.UTC).date()
    return bool(first <= day <= last)


def is_time_now(value: Any, low: float, high: float) -> bool:
    """True when ``value`` is a time of day between ``low`` and ``high``'s, in UTC."""
    if isinstance(value, dt.time):
        seconds = value.hour * 3600 + value.minute * 60 + value.second
    elif isinstance(value, str):
        match = TIME_OF_DAY.match(value.strip())
        if match is None:
            return False
        seconds = int(match[1]) * 3600 + int(match[2]) * 60 + int(match[3] or 0)
    else:
        return False
    day = 86400.0
    start, end = low % day, high % day
    return start <= seconds <= end if start <= end else seconds >= start or seconds <= end


def moved_clock(values: list[Any], low: float, high: float) -> tuple[str, Any] | None:
    """The clock moved by a fixed amount, or written as a number, when every value is one."""
    if not values:
        return None
    middle = (low + high) / 2
    stamps = [timestamp_of(v) for v in values]
    if all(s is not None and at_midnight(v, s) for v, s in zip(values, stamps, strict=True)):
        today = dt.datetime.fromtimestamp(middle, dt.UTC).date()
        shifts = [
            (written(v, s).date() - today).days
            for v, s in zip(values, stamps, strict=True)
            if s is not None
        ]
        if all(abs(n) <= _NEAR_SECONDS // 86400 for n in shifts):
            return START_OF_DAY, shifts[0]
    if all(s is not None for s in stamps):
        offsets = [s.timestamp() - middle for s in stamps if s is not None]
        if all(abs(o) <= _NEAR_SECONDS for o in offsets):
            return CLOCK_OFFSET, round(offsets[0] / 60.0) * 60
    days = [date_of(v) if isinstance(v, str | dt.date) and not isinstance(v, dt.datetime) else None
            for v in values]  # fmt: skip
    if all(d is not None for d in days):
        today = dt.datetime.fromtimestamp(middle, dt.UTC).date()
        shifts = [(d - today).days for d in days if d is not None]
        if all(abs(n) <= _NEAR_SECONDS // 86400 for n in shifts):
            return DATE_OFFSET, shifts[0]
    if all(isinstance(v, int | float | Decimal) and not isinstance(v, bool) for v in values):
        numbers = [float(v) for v in values]
        slack = high - low
        for label, clock in (
            ("Unix seconds", middle),
            ("Unix milliseconds", middle * 1000),
            ("a Julian day", middle / 86400 + _UNIX_EPOCH_JULIAN_DAY),
        ):
            scale = 1000 if "milli" in label else 1 / 86400 if "Julian" in label else 1
            if all(abs(n - clock) <= slack * scale for n in numbers):
                return CLOCK_NUMBER, label
    return None


def at_midnight(value: Any, stamp: dt.datetime | None) -> bool:
    """A timestamp at 00:00:00 exactly (a date stored in a timestamp), as it was written (a
    naive PostgreSQL timestamp, or text without a zone)."""
    if stamp is None:
        return False
    wrote = written(value, stamp)
    return (wrote.hour, wrote.minute, wrote.second, wrote.microsecond) == (0, 0, 0, 0)


def written(value: Any, stamp: dt.datetime) -> dt.datetime:
    """A timestamp as the database wrote it (in its own zone), not converted to UTC."""
    if isinstance(value, dt.datetime):
        return value
    match = TIMESTAMP.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        return stamp
    return stamp.astimezone(zone_of(match[8])) if match[8] else stamp.replace(tzinfo=None)


def form_of(values: list[Any]) -> str | None:
    """The text format of stored times, dates or times of day (``YYYY-MM-DD HH:MM:SS.fff+hh``,
    ``HH:MM:SS.fff+hh``, ``YYYY-MM-DD``: ``fff`` for any fractional seconds, as PostgreSQL drops
    trailing zeros), None unless every value is such text."""
    forms = set()
    for value in values:
        text = value.strip() if isinstance(value, str) else None
        stamp = TIMESTAMP.match(text) if text is not None else None
        if stamp is not None:
            assert text is not None
            forms.add("YYYY-MM-DD" + text[10] + _clock_form(stamp[6], stamp[7], stamp[8]))
            continue
        time_of_day = TIME_OF_DAY.match(text) if text is not None else None
        if time_of_day is not None:
            forms.add(_clock_form(time_of_day[3], time_of_day[4], time_of_day[5]))
        elif text is not None and _DATE.match(text):
            forms.add("YYYY-MM-DD")
        else:
            return None
    # A fraction of zero is dropped by PostgreSQL on one row and not the next: any row's.
    return max(forms, key=len) if forms else None


def _clock_form(seconds: str | None, fraction: str | None, zone: str | None) -> str:
    """The format of a time of day's text (``HH:MM:SS.fff+hh``) from its parts as matched."""
    text = "HH:MM"
    text += ":SS" if seconds is not None else ""
    text += ".fff" if fraction is not None else ""
    if zone is not None:
        text += (
            "Z"
            if zone.upper() == "Z"
            else "+hh" + ("" if len(zone) == 3 else ":mm" if ":" in zone else "mm")
        )
    return text
