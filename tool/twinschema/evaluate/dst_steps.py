"""Two PostgreSQL defaults one step from the clock that a UTC session calls one (``now() +
interval '1 day'`` against ``now() + interval '24 hours'``: both "the current time + 1 day")
but that a session with summer time parts: a day is 23 hours across Europe's change to summer
time, 24 hours are 24 (stranger58 018). Each is run with its clock a day before that change,
in a session whose TimeZone is ``ZONE`` (see ``defaults``).

Two that both give the current time, one through the session's local time (``now()`` against
``LOCALTIMESTAMP`` or ``now()::timestamp`` in a timestamptz), are run so too, with the clock
inside the hour ``ZONE``'s change back from summer time repeats: the local time read back as a
moment is the later of the two it names there, an hour after the clock (stranger59 016)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from twinschema.evaluate.clock import CLOCK_OFFSET
from twinschema.evaluate.clock_fixed import at_fixed_moment
from twinschema.evaluate.fixed_moments import as_moment, value_of
from twinschema.evaluate.run_values import equal
from twinschema.evaluate.values import CURRENT_TIME
from twinschema.model import Column

if TYPE_CHECKING:
    from twinschema.evaluate.context import StageContext
    from twinschema.evaluate.evaluator import Evaluator

ZONE = "Europe/Paris"
# A day before Europe's change to summer time (2026-03-29 01:00 UTC), in UTC.
BEFORE_CHANGE = "2026-03-28 12:00:00"
# Inside the hour Europe's change back from summer time repeats (2026-10-25 01:00 UTC, when
# 03:00 CEST is 02:00 CET again): 02:30 local, the first time, in UTC.
IN_REPEATED_HOUR = "2026-10-25 00:30:00"
# PostgreSQL's local current time, with a precision or without, and its other spellings: the
# transaction's clock cast to a timestamp without time zone (``now()::timestamp``,
# ``CURRENT_TIMESTAMP::timestamp without time zone``, ``CAST(now() AS timestamp)``: stranger66
# 006), which is LOCALTIMESTAMP's value; not ``::timestamptz`` or ``::timestamp with time zone``.
_CLOCK = r"(?:now\s*\(\s*\)|transaction_timestamp\s*\(\s*\)|current_timestamp\b)"
_LOCAL_NOW = re.compile(
    rf"\blocaltimestamp\b|(?:\b{_CLOCK}\)?\s*::\s*|\bcast\s*\(\s*{_CLOCK}\s+as\s+)"
    r"timestamp\b(?!\s*with\b)",
    re.I,
)


def apart(
    ev: Evaluator, dialect: str, left: tuple[str, Column], right: tuple[str, Column]
) -> str | None:
    """What parts two PostgreSQL defaults of one step from the clock in a ``ZONE`` session a
    day before its change to summer time, said; None where they agree or are no such pair."""
    if dialect != "postgresql":
        return None
    kinds = {ev.single(dialect, text, column).kind for text, column in (left, right)}
    if kinds == {CLOCK_OFFSET}:
        at, when = BEFORE_CHANGE, "a day before its change to summer time"
    elif kinds == {CURRENT_TIME} and any(_LOCAL_NOW.search(text) for text, _ in (left, right)):
        at, when = IN_REPEATED_HOUR, "in the hour its change back from summer time repeats"
    else:
        return None
    shown = _parted(ev, [(dialect, *left, ZONE), (dialect, *right, ZONE)], at)
    if shown is None:
        return None
    return (
        f"they agree in a session whose TimeZone is UTC only: in one whose TimeZone is {ZONE}, "
        f"at {at} UTC ({when}) they give {shown[0]} vs {shown[1]}"
    )


@functools.cache
def repeated_hour(zone: str, year: int = 2026) -> str | None:
    """A moment (UTC, 'YYYY-MM-DD HH:MM:SS') half an hour into the first hour ``zone``'s change
    back from summer time in ``year`` repeats, None where it has none (Asia/Kolkata, UTC)."""
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    at = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    while at.year == year:
        after = at + dt.timedelta(hours=1)
        before_offset, after_offset = (
            at.astimezone(tz).utcoffset(),
            after.astimezone(tz).utcoffset(),
        )
        if before_offset is not None and after_offset is not None and after_offset < before_offset:
            back = (before_offset - after_offset).total_seconds()
            first = after - dt.timedelta(seconds=back / 2)
            return f"{first:%Y-%m-%d %H:%M:%S}"
        at = after
    return None


def apart_across(
    st: StageContext, left: tuple[str, str, Column], right: tuple[str, str, Column]
) -> str | None:
    """What parts a SQLite clock idiom (UTC text) from a PostgreSQL local current time read
    back as a moment (``LOCALTIMESTAMP``, ``now()::timestamp`` in a timestamptz) on a live
    database whose TimeZone changes back from summer time (stranger66 007): both give the
    current time, but in the repeated hour PostgreSQL stores the later instant, an hour on.
    Run on both real engines at that moment; None where they agree or are no such pair."""
    pg = next((side for side in (left, right) if side[0] == "postgresql"), None)
    if pg is None or not _LOCAL_NOW.search(pg[1]):
        return None
    schema = (st.left if pg is left else st.right).schema
    if schema.timezone is None or schema.timezone_utc:
        return None
    at = repeated_hour(schema.timezone)
    if at is None:
        return None
    sessions = [
        (d, t, c, schema.timezone if d == "postgresql" else None) for d, t, c in (left, right)
    ]
    shown = _parted(st.ev, sessions, at)
    if shown is None:
        return None
    return (
        f"this database's TimeZone is {schema.timezone}: at {at} UTC, in the hour its change "
        f"back from summer time repeats, rows that omit the column store {shown[0]} vs "
        f"{shown[1]} (PostgreSQL's local time read back as a moment is the later instant)"
    )


def _parted(
    ev: Evaluator, sessions: list[tuple[str, str, Column, str | None]], at: str
) -> list[str] | None:
    """The moments two defaults (each ``(dialect, text, column, session zone)``) give on their
    real engines with the clock at ``at``, shown in UTC; None where they agree or one cannot be
    run there."""
    got = []
    for dialect, text, column, zone in sessions:
        backend = ev.backend(dialect)
        moved = at_fixed_moment(dialect, text, at, local_in_session=True)
        if backend is None or moved is None:
            return None
        ev.runs += 1
        got.append(as_moment(value_of(backend.run([(moved, column.type)], zone=zone))))
    if got[0] is None or got[1] is None or equal(got[0], got[1]):
        return None
    return [f"{v:%Y-%m-%d %H:%M:%S} UTC" for v in got]
