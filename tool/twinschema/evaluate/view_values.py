"""Values as the view comparison compares them (``view_answers``, ``view_fits``): as an
application receives them from each dialect's driver, a stored row against the other side's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from twinschema.evaluate.json_lists import JsonList

if TYPE_CHECKING:
    from twinschema.evaluate.view_runs import Answer
from twinschema.records.dialects import SQLITE

# A day written with or without zero padding ('2026-12-4', which PostgreSQL's date reads).
_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
# A time of day spelled with hour 24 (midnight only) or second 60, after a day and a separator.
_WALL = re.compile(r"(?<=^\d{4}-\d{2}-\d{2}[ T])(?:(?P<hour>24):00:00|(?P<hm>\d\d:\d\d):60)")


def alike(
    left: tuple[Any, ...] | None, right: tuple[Any, ...] | None, read: Sequence[bool]
) -> bool:
    """True when both sides stored a row, the same values, as an application reads them, in
    each column the views read (what the others hold no view returns)."""
    if left is None or right is None:
        return False
    kept = [(a, b) for a, b, r in zip(left, right, read, strict=True) if r]
    return all(plain(a) == plain(b) or same_moment(a, b) for a, b in kept)


def same_moment(left: Any, right: Any) -> bool:
    """True when one side stored a moment and the other a text that is that moment: SQLite's
    TEXT keeps '2026-01-01 00:00:00+00' as written, PostgreSQL's timestamptz the instant; an
    application stores the same value in each, and a view comparing the text with a constant
    parts there (stranger76 003: the row was dropped as stored otherwise). A text without an
    offset is read in UTC (the scratch server's TimeZone); a timestamp without time zone keeps
    a text's wall clock and drops its offset, as PostgreSQL does."""
    for moment, text in ((left, right), (right, left)):
        if not isinstance(text, str) or not isinstance(moment, date):
            continue
        if not isinstance(moment, datetime):  # a day: its text alone, padded or not
            return _day_of(text.strip()) == moment
        read = _moment_of(text.strip())
        if read is None:
            return False
        if moment.tzinfo is None:
            return read.replace(tzinfo=None) == moment
        return (read if read.tzinfo else read.replace(tzinfo=UTC)) == moment
    return False


def _day_of(text: str) -> date | None:
    """The day ``text`` names as PostgreSQL's date reads it, zero padding or not ('2026-12-4'
    is 2026-12-04, stranger83 003); None for other text."""
    found = _DAY.fullmatch(text)
    try:
        return date(*(int(n) for n in found.groups())) if found else None
    except ValueError:
        return None


def _moment_of(text: str) -> datetime | None:
    """The moment ``text`` names as PostgreSQL reads it: hour 24 is the next midnight and
    second 60 the next minute ('2024-01-01 24:00:00' is 2024-01-02 00:00, stranger77 001);
    None for text that is no ISO moment."""
    moved = timedelta(0)
    wall = _WALL.search(text)
    if wall is not None:
        hour = wall["hour"] == "24"
        moved = timedelta(days=1) if hour else timedelta(minutes=1)
        text = (
            text[: wall.start()] + ("00:00:00" if hour else wall["hm"] + ":00") + text[wall.end() :]
        )
    try:
        return datetime.fromisoformat(text) + moved
    except ValueError:
        return None


def answered(
    left: Sequence[tuple[Any, ...]], right: Sequence[tuple[Any, ...]]
) -> tuple[list[tuple[tuple[int, str], ...]], list[tuple[tuple[int, str], ...]]]:
    """Two views' rows, sorted, as ``plain_row`` gives them, each column compared by what the
    pair returns there: where one side returns moments (a timestamptz, a timestamp, a date) and
    the other text, the text that names such a moment is that moment (stranger79 002: SQLite's
    TEXT column returns '2024-01-01T00:00:00Z' or '2024-01-01 24:00:00' as stored, PostgreSQL the
    instant; that the column keeps the spelling is the column pair's matter, not the view's).
    Text no moment is, and text against text ('2024-01-01' from date() against to_char()'s
    '01.01.2024'), stay as they are."""
    width = max((len(r) for r in (*left, *right)), default=0)
    found = [
        next((r[i] for r in (*left, *right) if isinstance(r[i], date)), None) for i in range(width)
    ]

    def read(row: tuple[Any, ...]) -> tuple[tuple[int, str], ...]:
        return tuple(plain(_as_moment(v, found[i])) for i, v in enumerate(row))

    return sorted(map(read, left)), sorted(map(read, right))


def _as_moment(value: Any, like: date | None) -> Any:
    """``value`` as the moment it names where the column returns moments such as ``like``
    on the other side (``answered``): a day, a moment with a zone (in UTC) or without one (its
    wall clock, as PostgreSQL's timestamp keeps it); else ``value`` as it is."""
    if like is None or not isinstance(value, str):
        return value
    text = value.strip()
    if not isinstance(like, datetime):  # a day: its text alone ('2024-01-01', '2024-1-1')
        return _day_of(text) or value
    read = _moment_of(text)
    if read is None:
        return value
    if like.tzinfo is None:
        return read.replace(tzinfo=None)
    return (read if read.tzinfo else read.replace(tzinfo=UTC)).astimezone(UTC)


def plain_row(row: tuple[Any, ...]) -> tuple[tuple[int, str], ...]:
    """A row's values as ``plain`` gives them."""
    return tuple(plain(v) for v in row)


def plain(value: Any) -> tuple[int, str]:
    """A value as both dialects' drivers can give it: booleans are 0 and 1, numbers compare by
    value (a zero too: SQLite's -0.0 is 0.0 in SQL, and both databases print it '0.0'), moments
    by their ISO text (an instant in UTC), a UUID by its text, bytes as bytes, an array as its
    JSON text: the list a SQLite column keeps as JSON text where domain.yaml allows ``text[]``
    against TEXT (``json_lists``; written '["a",null]' as SQLite's ``json()`` writes it,
    stranger77 004)."""
    if value is None:
        return (0, "")
    if isinstance(value, bool | int | float | Decimal):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(int(value))
        if isinstance(value, Decimal):
            number = value
        if number.is_zero():  # -0.0 (SQLite's round(-0.01, 1)) is the number 0 (stranger81 006)
            number = Decimal(0)
        return (1, str(number.normalize()) if number.is_finite() else str(number))
    if isinstance(value, datetime) and value.utcoffset() is not None:  # an instant, in UTC:
        value = value.astimezone(UTC).replace(tzinfo=None)  # a live TimeZone's -05:00 too
    if isinstance(value, datetime | date | time):
        return (2, value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat())
    if isinstance(value, UUID):
        return (2, str(value))
    if isinstance(value, list):
        return (2, json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str))
    if isinstance(value, bytes | memoryview | bytearray):
        return (3, bytes(value).hex())
    return (2, str(value))


def shown(value: Any) -> str:
    """A value as a message says it: NULL, a quoted text, a list as SQLite's JSON text holds
    it ('["a"]'), else as Python writes it."""
    if value is None:
        return "NULL"
    if isinstance(value, JsonList):
        value = value.text(SQLITE)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return str(value)


def logical(value: Any) -> str:
    """A base row's value as a witness says it: a boolean as false or true."""
    return str(value).lower() if isinstance(value, bool) else shown(value)


def parted(left: Answer, right: Answer) -> bool:
    """True when the two answers differ: one side fails reading the view, or their rows,
    as an application receives them, differ as multisets (a moment against the text that
    names it is one value: ``view_values.answered``)."""
    if (left.failed is None) != (right.failed is None):
        return True
    read = answered(left.rows, right.rows)  # column by column (stranger79 002)
    return read[0] != read[1]
