"""What a default gives, judged from the values its runs produced.

A run's values fall into one class: a constant (the same value every time), the current time,
date or time of day (values that parse as such within a few seconds of the evaluation's clock,
in any text format SQLite stores, with or without fractional seconds or zone; where stored as
text, the format is kept too, since a text column keeps it), midnight of the current date (a
date stored in a timestamp), a random UUID
(a new UUID each time, all of one version), values that vary otherwise, or a failure. Constants
are compared after conversion to the column's logical kind, so that SQLite's ``'0'`` in an
INTEGER column and PostgreSQL's ``0`` are one value.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from twinschema.definitions import visible_sql
from twinschema.evaluate import server_values
from twinschema.evaluate.backends import Run
from twinschema.evaluate.clock import (
    CLOCK_NUMBER,
    CLOCK_OFFSET,
    DATE_OFFSET,
    FROM_CLOCK,
    SLACK_SECONDS,
    START_OF_DAY,
    form_of,
    is_now,
    is_time_now,
    is_today,
    moved_clock,
)
from twinschema.evaluate.clock_fixed import time_of_day_at
from twinschema.evaluate.shown_probes import quoted
from twinschema.evaluate.value_convert import convert
from twinschema.evaluate.varying_shapes import is_token, varying_shape

CONSTANT = "constant"
CURRENT_TIME = "current time"
CURRENT_DATE = "current date"
CURRENT_TIME_OF_DAY = "current time of day"
# A time of day a fixed step from the clock's (``time('now', '+2 hours')``): the step in seconds
# within a day and how it is kept (truncated, rounded to the second, with its fraction).
TIME_OF_DAY_OFFSET = "time of day offset"
RANDOM_UUID = "random uuid"
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
        TIME_OF_DAY_OFFSET,
        RANDOM_UUID,
        CLOCK_OFFSET,
        DATE_OFFSET,
        CLOCK_NUMBER,
        START_OF_DAY,
        FROM_CLOCK,
    }
)
# The classes whose text, where a text column keeps it, has a format of its own: SQLite writes
# '2026-12-01 05:00:00', PostgreSQL's now() in a text column '2026-12-01 05:00:00.123456+00';
# SQLite's CURRENT_TIME '05:00:00', PostgreSQL's '05:00:00.123456+00'.
_FORMATTED = frozenset({CURRENT_TIME, CLOCK_OFFSET, DATE_OFFSET})
# The column kinds whose values are not text: a time there is the same instant whatever the
# text it was written as.
TIME_KINDS = frozenset({"timestamp", "timestamptz", "date", "time"})
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


@dataclass(frozen=True)
class Verdict:
    """The class of what a default gives, with its constant, UUID version or error."""

    kind: str
    value: Any = None
    error: str | None = None
    # The text format a current time was stored as ("YYYY-MM-DD HH:MM:SS"), None when it was
    # not stored as text.
    form: str | None = None
    # True when the clock was moved by the device's time zone (SQLite's 'localtime' or 'utc'
    # modifier): the value was run as UTC, which only a device in UTC gives.
    local: bool = False

    def describe(self) -> str:
        """The class in words, for a rule or a message: ``a random version-4 UUID``."""
        said = self._describe()
        if self.local:
            said += " moved by the device's time zone ('localtime' or 'utc')"
        if self.form is not None:
            said += f" as text '{self.form}'"
        return said

    def _describe(self) -> str:
        if self.kind == CONSTANT:
            return _show(self.value)
        if self.kind == RANDOM_UUID:
            return f"a random version-{self.value} UUID"
        if self.kind == CURRENT_TIME_OF_DAY and self.value is not None:
            return f"the {self.kind}, {self.value}"
        if self.kind in (CURRENT_TIME, CURRENT_DATE, CURRENT_TIME_OF_DAY):
            return f"the {self.kind}"
        clocked = self._clocked()
        if clocked is not None:
            return clocked
        if self.kind == VARYING:
            return f"{varying_shape(self.value)} that vary from insert to insert"
        if self.kind == FAILED:
            return f"an error: {self.error}"
        return f"not evaluated ({self.error})"

    def _clocked(self) -> str | None:
        """How ``_describe`` says a value computed from the clock at some step from it (an
        offset, a number, a day's start, another date or time): None for any other class."""
        if self.kind == TIME_OF_DAY_OFFSET:
            step, kept = self.value
            said = f"the current time of day + {dt.timedelta(seconds=step)}"
            return said if kept is None else f"{said}, {kept}"
        if self.kind == CLOCK_OFFSET:
            sign = "+" if self.value >= 0 else "-"
            return f"the current time {sign} {dt.timedelta(seconds=abs(self.value))}"
        if self.kind == DATE_OFFSET:
            return f"the current date {'+' if self.value >= 0 else '-'} {abs(self.value)} day(s)"
        if self.kind == CLOCK_NUMBER:
            return f"the current time as {self.value}"
        if self.kind == START_OF_DAY and isinstance(self.value, str):
            first = "the Monday" if self.value == "week" else "the first day"
            return f"{first} of the current {self.value} at midnight (00:00:00)"
        if self.kind == START_OF_DAY:
            day = (
                "the current date"
                if self.value == 0
                else (f"the current date {'+' if self.value > 0 else '-'} {abs(self.value)} day(s)")
            )
            return f"{day} at midnight (00:00:00)"
        if self.kind == FROM_CLOCK and isinstance(self.value, str):
            return self.value
        if self.kind == FROM_CLOCK:
            return "a date or time computed from the clock, no fixed step from it"
        return None


def classify(run: Run, clock: bool = True) -> Verdict:
    """The class of the single column of ``run``; ``clock`` False when the expression reads no
    clock (``clock_fixed.reads_clock``): its values are then never the current time or date, however
    near the clock they are (``'2026-12-02'`` run on 2026-12-02 is a constant)."""
    if run.error is not None:
        return Verdict(NOT_EVALUATED if run.missing else FAILED, error=run.error)
    values = [row[0] for row in run.rows]
    low, high = run.started - SLACK_SECONDS, run.ended + SLACK_SECONDS
    found = _clock_class(values, low, high) if clock else None
    if found is not None:
        return found
    first = values[0] if values else None
    if all(_same(v, first) for v in values):
        return Verdict(CONSTANT, first)
    version = _random_uuid_version(values)
    if version is not None:
        return Verdict(RANDOM_UUID, version)
    return Verdict(VARYING, tuple(values))


def _clock_class(values: list[Any], low: float, high: float) -> Verdict | None:
    """The clock class of ``values`` read between ``low`` and ``high`` (Unix seconds): the
    current time, date or time of day, or the clock moved (``clock.moved_clock``); None for
    none."""
    if not values:
        return None
    if all(is_now(v, low, high) for v in values):
        return Verdict(CURRENT_TIME, form=form_of(values))
    if all(is_today(v, low, high) for v in values):
        return Verdict(CURRENT_DATE, form=form_of(values))
    if all(is_time_now(v, low, high) for v in values):
        return Verdict(CURRENT_TIME_OF_DAY, form=form_of(values))
    moved = moved_clock(values, low, high)
    if moved is None:
        return None
    kind, value = moved
    return Verdict(kind, value, form=form_of(values) if kind in _FORMATTED else None)


def fixed_time_of_day(ran: Run) -> str | None:
    """How a current time of day is kept, from its run at ``clock_fixed.FIXED_MOMENT``
    (``clock_fixed.time_of_day_at``), when every insert gave that one value. A time of day has no
    date: for a few seconds each day (about 01:46:40 UTC) the fixed moment is the real clock's
    time too, and ``classify`` calls the value the current time of day; it is the fixed
    moment's all the same, so the value, not its class, decides."""
    fixed = classify(ran)
    if fixed.kind not in (CONSTANT, CURRENT_TIME_OF_DAY) or not ran.rows:
        return None
    first = ran.rows[0][0]
    if not all(_same(row[0], first) for row in ran.rows):
        return None
    return time_of_day_at(first)


def as_shared(verdict: Verdict, kind: str | None) -> Verdict:
    """``verdict`` as two sides that agree on it share it: without its text format where the
    columns' kind is a time (which is the same instant whatever text wrote it)."""
    return replace(verdict, form=None) if kind in TIME_KINDS else verdict


def same_class(left: Verdict, right: Verdict, kind: str | None) -> bool:
    """True when two verdicts (of two dialects) say the same: equal constants after conversion
    to ``kind`` (the columns' shared logical kind), or the same class of generated value."""
    if left.kind != right.kind or left.local != right.local:
        return False
    # Text columns keep the time as the text each side wrote: its format must agree too.
    forms = (left.form, right.form)
    if kind not in TIME_KINDS and None not in forms and forms[0] != forms[1]:
        return False
    if left.kind == CONSTANT:
        return bool(convert(left.value, kind) == convert(right.value, kind))
    if left.kind in (RANDOM_UUID, CLOCK_OFFSET, DATE_OFFSET, CLOCK_NUMBER, START_OF_DAY):
        return bool(left.value == right.value)
    if left.kind == CURRENT_TIME_OF_DAY and None not in (left.value, right.value):
        # Kept to the second (truncated or rounded) or with its fraction: on a time column (of
        # two dialects: same_class judges no other pair) both are the current time of day, the
        # precision each keeps said beside the equivalence (``kept_apart``); a text column keeps
        # each side's text, compared as it is.
        return kind == "time" or bool(left.value == right.value)
    if left.kind == TIME_OF_DAY_OFFSET:  # the same step; how it is kept as above
        return bool(left.value[0] == right.value[0]) and (
            kind == "time" or bool(left.value[1] == right.value[1])
        )
    if left.kind == VARYING:  # random tokens: one shape (stranger60 016)
        return is_token(left.value) and left.describe() == right.describe()
    return left.kind in CLASSES


def _same(value: Any, other: Any) -> bool:
    # NaN is never equal to itself: a 'NaN' default still gives the same value every row.
    nan = isinstance(value, float | Decimal) and value != value and other != other
    return type(value) is type(other) and (bool(value == other) or nan)


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
    spelled = server_values.shown(value)  # an array, a boolean: as PostgreSQL writes it
    if spelled is not None:
        return spelled
    if isinstance(value, str):
        return visible_sql(quoted(value))
    if value is None:
        return "NULL"
    if isinstance(value, bytes | bytearray | memoryview):
        return "X'" + bytes(value).hex().upper() + "'"
    if isinstance(value, dict | list):
        # An array of numeric, date, time, interval or uuid elements holds values JSON has no
        # form for: they are shown as their text (stranger58 012: the message crashed).
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)
