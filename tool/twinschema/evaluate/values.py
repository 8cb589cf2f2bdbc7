"""What a default gives, judged from the values its runs produced.

A run's values fall into one class: a constant (the same value every time), the current time,
date or time of day (values that parse as such within a few seconds of the evaluation's clock,
in any text format SQLite stores, with or without fractional seconds or zone), a random UUID
(a new UUID each time, all of one version), values that vary otherwise, or a failure. Constants
are compared after conversion to the column's logical kind, so that SQLite's ``'0'`` in an
INTEGER column and PostgreSQL's ``0`` are one value.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from twinschema.dialects import sqlite_library
from twinschema.evaluate.backends import Run

CONSTANT = "constant"
CURRENT_TIME = "current time"
CURRENT_DATE = "current date"
CURRENT_TIME_OF_DAY = "current time of day"
RANDOM_UUID = "random uuid"
# The clock moved by a fixed amount (``datetime('now', '+1 hour')``, ``date('now', '-1 day')``),
# or written as a number (a Unix time, a Julian day): the value is the amount or the format.
CLOCK_OFFSET = "clock offset"
DATE_OFFSET = "date offset"
CLOCK_NUMBER = "clock number"
VARYING = "varying"
FAILED = "failed"
NOT_EVALUATED = "not evaluated"

# The classes that stand for a value the database makes when the row is inserted: equal across
# dialects by class, never between two sources of one dialect (statement_timestamp() is not
# now() there, and those are compared by their values, run side by side).
CLASSES = frozenset(
    {
        CURRENT_TIME,
        CURRENT_DATE,
        CURRENT_TIME_OF_DAY,
        RANDOM_UUID,
        CLOCK_OFFSET,
        DATE_OFFSET,
        CLOCK_NUMBER,
    }
)
# How far from the clock a moved time may be and still be read as "the clock, moved" (a
# literal default is never this close to the day a check runs).
_NEAR_SECONDS = 8 * 86400
_UNIX_EPOCH_JULIAN_DAY = 2440587.5

# How far from the evaluation's clock "the current time" may be (a busy machine, a server
# clock that is a little off).
SLACK_SECONDS = 5.0

_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?$",
    re.IGNORECASE,
)
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_TIME = re.compile(r"^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


@dataclass(frozen=True)
class Verdict:
    """The class of what a default gives, with its constant, UUID version or error."""

    kind: str
    value: Any = None
    error: str | None = None

    def describe(self) -> str:
        """The class in words, for a rule or a message: ``a random version-4 UUID``."""
        if self.kind == CONSTANT:
            return _show(self.value)
        if self.kind == RANDOM_UUID:
            return f"a random version-{self.value} UUID"
        if self.kind in (CURRENT_TIME, CURRENT_DATE, CURRENT_TIME_OF_DAY):
            return f"the {self.kind}"
        if self.kind == CLOCK_OFFSET:
            sign = "+" if self.value >= 0 else "-"
            return f"the current time {sign} {dt.timedelta(seconds=abs(self.value))}"
        if self.kind == DATE_OFFSET:
            return f"the current date {'+' if self.value >= 0 else '-'} {abs(self.value)} day(s)"
        if self.kind == CLOCK_NUMBER:
            return f"the current time as {self.value}"
        if self.kind == VARYING:
            return "values that vary from insert to insert"
        if self.kind == FAILED:
            return f"an error: {self.error}"
        return f"not evaluated ({self.error})"


def classify(run: Run) -> Verdict:
    """The class of the single column of ``run``."""
    if run.error is not None:
        return Verdict(NOT_EVALUATED if run.missing else FAILED, error=run.error)
    values = [row[0] for row in run.rows]
    low, high = run.started - SLACK_SECONDS, run.ended + SLACK_SECONDS
    if values and all(_is_now(v, low, high) for v in values):
        return Verdict(CURRENT_TIME)
    if values and all(_is_today(v, low, high) for v in values):
        return Verdict(CURRENT_DATE)
    if values and all(_is_time_now(v, low, high) for v in values):
        return Verdict(CURRENT_TIME_OF_DAY)
    moved = _moved_clock(values, low, high)
    if moved is not None:
        return moved
    first = values[0] if values else None
    if all(_same(v, first) for v in values):
        return Verdict(CONSTANT, first)
    version = _random_uuid_version(values)
    if version is not None:
        return Verdict(RANDOM_UUID, version)
    return Verdict(VARYING, tuple(values))


def same_class(left: Verdict, right: Verdict, kind: str | None) -> bool:
    """True when two verdicts (of two dialects) say the same: equal constants after conversion
    to ``kind`` (the columns' shared logical kind), or the same class of generated value."""
    if left.kind != right.kind:
        return False
    if left.kind == CONSTANT:
        return bool(convert(left.value, kind) == convert(right.value, kind))
    if left.kind in (RANDOM_UUID, CLOCK_OFFSET, DATE_OFFSET, CLOCK_NUMBER):
        return bool(left.value == right.value)
    return left.kind in CLASSES


def convert(value: Any, kind: str | None) -> Any:
    """``value`` as the logical ``kind`` reads it (a number, a boolean, text, a UUID, a JSON
    document, an instant in UTC), or as it is tagged by its type when it does not convert."""
    if value is None:
        return None
    try:
        converted = _CONVERTERS.get(kind or "", _as_is)(value)
    except (ValueError, TypeError, InvalidOperation, ArithmeticError):
        converted = None
    return ("raw", type(value).__name__, repr(value)) if converted is None else converted


def _as_is(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return ("bytes", bytes(value))
    return ("text", str(value))


def _number(value: Any) -> Any:
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        # Text is a number only where SQLite's rule says so: a SQLite number column keeps
        # '1_000' or '٣' as text (which Decimal() would read as 1000 and 3).
        return Decimal(value.strip()) if sqlite_library.stores_as_number(value) else None
    return None


def _boolean(value: Any) -> Any:
    # Only what both dialects read as a boolean: PostgreSQL's own, SQLite's 0 and 1 (text such
    # as 'true' stays text in a SQLite column, and reads back as a string, not a boolean).
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    return None


def _text(value: Any) -> Any:
    return value if isinstance(value, str) else str(value) if not isinstance(value, bytes) else None


def _char(value: Any) -> Any:
    text = _text(value)
    return text.rstrip(" ") if isinstance(text, str) else None  # char(n) pads with spaces


def _uuid(value: Any) -> Any:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _json(value: Any) -> Any:
    document = json.loads(value) if isinstance(value, str | bytes) else value
    return ("json", json.dumps(document, sort_keys=True))


def _instant(value: Any) -> Any:
    stamp = _timestamp(value)
    if stamp is None:
        return None
    return stamp.replace(tzinfo=None) if stamp.tzinfo is None else stamp


def _date(value: Any) -> Any:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    match = _DATE.match(str(value).strip())
    return dt.date(*map(int, match.groups())) if match else None


def _bytes(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return None


_CONVERTERS = {
    "integer": _number,
    "bigint": _number,
    "smallint": _number,
    "numeric": _number,
    "float": _number,
    "boolean": _boolean,
    "text": _text,
    "varchar": _text,
    "enum": _text,
    "char": _char,
    "uuid": _uuid,
    "json": _json,
    "timestamp": _instant,
    "timestamptz": _instant,
    "date": _date,
    "time": _text,
    "bytes": _bytes,
}


def _timestamp(value: Any) -> dt.datetime | None:
    """``value`` as an aware UTC datetime (naive text is UTC, as SQLite writes it), or None."""
    if isinstance(value, dt.datetime):
        stamp = value
    elif isinstance(value, str):
        match = _TIMESTAMP.match(value.strip())
        if match is None:
            return None
        y, mo, d, h, mi, s, frac, zone = match.groups()
        micro = int((frac or "0")[:6].ljust(6, "0"))
        try:
            stamp = dt.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0), micro)
        except ValueError:
            return None
        stamp = stamp.replace(tzinfo=_zone(zone))
    else:
        return None
    return stamp.replace(tzinfo=dt.UTC) if stamp.tzinfo is None else stamp.astimezone(dt.UTC)


def _zone(text: str | None) -> dt.tzinfo:
    if text is None or text.upper() == "Z":
        return dt.UTC
    digits = text[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + int(digits[2:4] or 0)
    return dt.timezone(dt.timedelta(minutes=minutes if text[0] == "+" else -minutes))


def _is_now(value: Any, low: float, high: float) -> bool:
    stamp = _timestamp(value)
    return stamp is not None and low <= stamp.timestamp() <= high


def _is_today(value: Any, low: float, high: float) -> bool:
    day = _date(value) if isinstance(value, str | dt.date) else None
    if day is None or isinstance(value, dt.datetime):
        return False
    first = dt.datetime.fromtimestamp(low, dt.UTC).date()
    last = dt.datetime.fromtimestamp(high, dt.UTC).date()
    return bool(first <= day <= last)


def _is_time_now(value: Any, low: float, high: float) -> bool:
    if isinstance(value, dt.time):
        seconds = value.hour * 3600 + value.minute * 60 + value.second
    elif isinstance(value, str):
        match = _TIME.match(value.strip())
        if match is None:
            return False
        seconds = int(match[1]) * 3600 + int(match[2]) * 60 + int(match[3] or 0)
    else:
        return False
    day = 86400.0
    start, end = low % day, high % day
    return start <= seconds <= end if start <= end else seconds >= start or seconds <= end


def _moved_clock(values: list[Any], low: float, high: float) -> Verdict | None:
    """The clock moved by a fixed amount, or written as a number, when every value is one."""
    if not values:
        return None
    middle = (low + high) / 2
    stamps = [_timestamp(v) for v in values]
    if all(s is not None for s in stamps):
        offsets = [s.timestamp() - middle for s in stamps if s is not None]
        if all(abs(o) <= _NEAR_SECONDS for o in offsets):
            return Verdict(CLOCK_OFFSET, round(offsets[0] / 60.0) * 60)
    days = [_date(v) if isinstance(v, str | dt.date) and not isinstance(v, dt.datetime) else None
            for v in values]  # fmt: skip
    if all(d is not None for d in days):
        today = dt.datetime.fromtimestamp(middle, dt.UTC).date()
        shifts = [(d - today).days for d in days if d is not None]
        if all(abs(n) <= _NEAR_SECONDS // 86400 for n in shifts):
            return Verdict(DATE_OFFSET, shifts[0])
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
                return Verdict(CLOCK_NUMBER, label)
    return None


def _same(value: Any, other: Any) -> bool:
    return type(value) is type(other) and bool(value == other)


def _random_uuid_version(values: list[Any]) -> int | None:
    """The version shared by ``values`` when each is a UUID (text or uuid) and no two are
    equal; None otherwise."""
    found: list[uuid.UUID] = []
    for value in values:
        if isinstance(value, uuid.UUID):
            found.append(value)
        elif isinstance(value, str) and _UUID.match(value.strip()):
            found.append(uuid.UUID(value.strip()))
        else:
            return None
    if len(found) < 2 or len(set(found)) != len(found):
        return None
    versions = {u.version for u in found}
    variants = {u.variant for u in found}
    if len(versions) != 1 or variants != {uuid.RFC_4122}:
        return None
    version = versions.pop()
    return version if isinstance(version, int) else None


def _show(value: Any) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if value is None:
        return "NULL"
    if isinstance(value, bytes | bytearray | memoryview):
        return "X'" + bytes(value).hex().upper() + "'"
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return str(value)
