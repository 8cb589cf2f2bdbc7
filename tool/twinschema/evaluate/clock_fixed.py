"""The clock read at a fixed moment: each dialect's clock reads replaced by a moment (UTC) so a
default, a CHECK or a view that reads the clock is judged the same whatever the hour a check runs,
and how a clock number or a time of day run so is written (truncated, rounded, with a fraction)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from typing import Any

from twinschema.evaluate.clock import TIME_OF_DAY

# -- a clock number read at a fixed moment -------------------------------------------------
# "The current time as Unix seconds" is not one value across spellings: PostgreSQL's ::integer
# rounds (extract(epoch from now())::integer is 1 s ahead of strftime('%s', 'now') for half of
# each second), floor() and SQLite's strftime truncate. Each spelling is run once more with its
# clock read replaced by this moment, whose fraction (.7506) is past half a second and half a
# millisecond, and which is years from any day a check runs (a value near the real clock means a
# clock read was left in place: nothing is said then).
FIXED_MOMENT = "2001-09-09 01:46:40.7506"
_FIXED_UNIX = Decimal("1000000000.7506")
# A clock number truncated at ``FIXED_MOMENT`` is run at this moment too: a whole second, which
# julianday()'s double of days holds a little short of (SQLite's CAST((julianday('now') -
# 2440587.5) * 86400000 AS INTEGER) gives ...1999 there, PostgreSQL's floor(extract(epoch ...) *
# 1000) ...2000; in seconds ...1 against ...2; stranger45 013: about half of all moments).
EXACT_MOMENT = "2001-09-09 01:46:42.000"
_EXACT_UNIX = Decimal("1000000002.000")
_FIXED_TIME = FIXED_MOMENT.split(" ")[1]


def _with_precision(
    word: str, value: str, type_name: str
) -> tuple[tuple[re.Pattern[str], str], ...]:
    """PostgreSQL's clock keyword ``word`` with a precision (``word(0)``) and without, each
    replaced by ``value`` cast to ``type_name`` with that precision."""
    return (
        (re.compile(rf"\b{word}\s*\(\s*(\d+)\s*\)", re.I), f"({value}::{type_name}(\\1))"),
        (re.compile(rf"\b{word}\b", re.I), f"({value}::{type_name})"),
    )


@lru_cache(maxsize=64)
def _clock_reads(
    moment: str, local_in_session: bool = False
) -> dict[str, tuple[tuple[re.Pattern[str], str], ...]]:
    """Each dialect's clock reads as (pattern, replacement) with the clock at ``moment`` (UTC,
    'YYYY-MM-DD HH:MM:SS[.f]'); a precision (CURRENT_TIMESTAMP(0)) becomes the cast's, which
    rounds as the function does. ``local_in_session``: see ``at_fixed_moment``."""
    day, time = moment.split(" ")
    pg_at = f"'{moment}+00'"
    pg_local = (
        f"({pg_at}::timestamptz AT TIME ZONE current_setting('TimeZone'))"
        if local_in_session
        else f"'{moment}'"
    )
    # The session's day and wall clock: the instant cast in the session's TimeZone, as
    # PostgreSQL computes CURRENT_DATE, CURRENT_TIME and LOCALTIME (in UTC: the UTC ones).
    instant = f"{pg_at}::timestamptz"
    pg_day = f"({instant}::date)" if local_in_session else f"('{day}'::date)"
    pg_time = (instant, instant) if local_in_session else (f"'{time}+00'", f"'{time}'")
    return {
        "postgresql": (
            (
                re.compile(
                    r"(?:\bpg_catalog\.)?\b(?:now|transaction_timestamp|statement_timestamp|"
                    r"clock_timestamp)\s*\(\s*\)",
                    re.I,
                ),
                f"({pg_at}::timestamptz)",
            ),
            *_with_precision("current_timestamp", pg_at, "timestamptz"),
            *_with_precision("localtimestamp", pg_local, "timestamp"),
            (re.compile(r"\bcurrent_date\b", re.I), pg_day),
            *_with_precision("current_time", pg_time[0], "timetz"),
            *_with_precision("localtime", pg_time[1], "time"),
        ),
        "sqlite": (
            (re.compile(r"'now'", re.I), f"'{moment}'"),
            (
                re.compile(r"\b(date|time|datetime|julianday|unixepoch)\s*\(\s*\)", re.I),
                f"\\1('{moment}')",
            ),
            (
                re.compile(r"\bstrftime\s*\(\s*('(?:[^']|'')*')\s*\)", re.I),
                f"strftime(\\1, '{moment}')",
            ),
            # SQLite's keywords read the clock to the whole second.
            (re.compile(r"\bcurrent_timestamp\b", re.I), f"'{moment[:19]}'"),
            (re.compile(r"\bcurrent_date\b", re.I), f"'{day}'"),
            (re.compile(r"\bcurrent_time\b", re.I), f"'{time[:8]}'"),
        ),
    }


# The clock numbers whose rounding is told apart, by their unit.
_UNITS = {"Unix seconds": (1, "second"), "Unix milliseconds": (1000, "millisecond")}


def at_fixed_moment(
    dialect: str, expression: str, moment: str = FIXED_MOMENT, *, local_in_session: bool = False
) -> str | None:
    """``expression`` with each clock read of ``dialect`` replaced by ``moment`` (UTC; by
    default ``FIXED_MOMENT``), or None when it has none that this knows. PostgreSQL's reads of
    the session's day and wall clock (``CURRENT_DATE``, ``CURRENT_TIME``, ``LOCALTIME``,
    ``LOCALTIMESTAMP``) are ``moment`` as a UTC session reads it, or, with ``local_in_session``,
    as the session's TimeZone does (``dst_steps``: a session with summer time; a live server in
    America/Los_Angeles is on 31 October at 2026-11-01 00:15 UTC: its CURRENT_DATE was read as
    UTC's 1 November, and ``to_char(CURRENT_DATE, 'YYYY-MM')`` against SQLite's
    ``strftime('%Y-%m', 'now')`` was never parted at a fixed moment)."""
    text = expression
    for pattern, replacement in _clock_reads(moment, local_in_session).get(dialect, ()):
        text = pattern.sub(replacement, text)
    return None if text == expression else text


# PostgreSQL's special time words ('now', 'today', ...) are read when the literal is converted:
# a literal of the column's type (``DEFAULT 'today'``, ``'now'::timestamp``) is converted once,
# when the table is made, and the catalog keeps that day or moment as a constant; only text
# converted on each insert (``('now'::text)::timestamp``) reads the clock then.
_AS_TEXT = r"(?:text|character varying|varchar|character|bpchar|name)\b"
_WORD = r"'\s*(?:now|today|tomorrow|yesterday)\s*'"
# Compiled at first use (re's cache), not at import: a check that never needs it does not pay.
_PG_WORD_AS_TEXT = (
    rf"(?i)(?:{_WORD}\s*::\s*{_AS_TEXT}|\bcast\s*\(\s*{_WORD}\s+as\s+{_AS_TEXT})"
    r"\s*\)?\s*(?:::|\bas\b)|\btimeofday\s*\(\s*\)"
)


def reads_clock(dialect: str, expression: str) -> bool:
    """True when ``expression`` reads the clock when a row is inserted: a clock read of
    ``dialect`` (``_clock_reads``), or PostgreSQL's text of a special time word converted on
    each insert, or ``timeofday()``. A literal never does, whatever its value: a constant that
    equals today is no current date (its verdict would flip at midnight)."""
    if at_fixed_moment(dialect, expression) is not None:
        return True
    return dialect == "postgresql" and bool(re.search(_PG_WORD_AS_TEXT, expression))


def time_of_day_at(value: Any) -> str | None:
    """How a current time of day is kept, as the value it gave at ``FIXED_MOMENT`` says:
    truncated to the second (SQLite's ``CURRENT_TIME``), rounded to it (PostgreSQL's
    ``LOCALTIME(0)``), or with its fraction (PostgreSQL's ``LOCALTIME``); None when the value
    is none of these (a clock read was missed)."""
    if isinstance(value, dt.time):
        parts = (value.hour, value.minute, value.second, value.microsecond)
    else:
        match = TIME_OF_DAY.match(str(value).strip())
        if match is None or match[3] is None:
            return None
        micro = int((match[4] or "0")[:6].ljust(6, "0"))
        parts = (int(match[1]), int(match[2]), int(match[3]), micro)
    whole = tuple(int(p) for p in _FIXED_TIME[:8].split(":"))
    if parts[:3] == whole:
        return "with its fraction of a second" if parts[3] else "truncated to the second"
    if parts == (*whole[:2], whole[2] + 1, 0):
        return "rounded to the second"
    return None


def clock_number_at(label: str, value: Any, exact: bool = False) -> str:
    """A clock number (``label``: "Unix seconds") as the value it gave at ``FIXED_MOMENT`` (at
    ``EXACT_MOMENT`` with ``exact``) says it is written: truncated, rounded, or with a fraction
    (to the millisecond, SQLite's clock)."""
    moment, unix = (EXACT_MOMENT, _EXACT_UNIX) if exact else (FIXED_MOMENT, _FIXED_UNIX)
    scale_unit = _UNITS.get(label)
    if scale_unit is None:
        return label
    try:
        number = Decimal(repr(value) if isinstance(value, float) else str(value).strip())
    except ArithmeticError:
        return label
    scale, unit = scale_unit
    whole = (unix * scale).to_integral_value(ROUND_FLOOR)
    if number == whole:
        return f"{label}, truncated to the {unit}"
    if number == whole + 1 and not exact:
        return f"{label}, rounded to the nearest {unit}"
    if number == number.to_integral_value():
        return f"{label} ({number} at {moment} UTC)"
    kept = number.quantize(Decimal(1) / (1000 // scale), ROUND_HALF_EVEN)  # to the millisecond
    return f"{label} with a fraction ({kept} at {moment} UTC)"
