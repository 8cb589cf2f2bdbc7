"""Defaults that read the clock, judged at fixed moments as well as at the moment a check runs.

Two defaults of one class at the moment a check runs (both "the current date") may part at
another: ``DEFAULT CURRENT_DATE`` against PostgreSQL's ``(now() AT TIME ZONE
'America/New_York')::date`` part from 00:00 to 05:00 UTC only; SQLite's ``date('now', '+1
month')`` against ``CURRENT_DATE + interval '1 month'`` on the last days of a month the next one
is shorter than, against ``CURRENT_DATE + 31`` in each 30-day month (stranger40). So the verdict
does not depend on the hour or day the check runs, each such pair is also run with its clock
reads at each of ``MOMENTS`` (``clock_fixed.at_fixed_moment``), and the first moment they part at
makes it a difference. Two that write the clock into text columns are run at ``TEXT_MOMENTS``
too, and their texts compared (``texts_parted``): a text column keeps the format each side
writes, which may part at one moment only (``FMHH24`` before 10:00, ``IYYY`` at a new year) or
at each (3 fraction digits against 6; stranger61 001, 014).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from twinschema.canonical import typemap
from twinschema.evaluate.clock import CLOCK_OFFSET, DATE_OFFSET, FROM_CLOCK, START_OF_DAY
from twinschema.evaluate.fixed_moments import MOMENTS, TEXT_MOMENTS, as_moment, value_of
from twinschema.evaluate.shown_probes import quoted
from twinschema.evaluate.values import (
    CONSTANT,
    CURRENT_DATE,
    CURRENT_TIME,
    RANDOM_UUID,
    VARYING,
    Verdict,
)
from twinschema.model import Column
from twinschema.records.dialects import DIALECT_NAMES

if TYPE_CHECKING:
    from twinschema.evaluate.evaluator import Evaluator

# The kinds of two columns of different dialects whose text is compared at ``TEXT_MOMENTS``.
_TEXT = frozenset({"text", "varchar"})
# Classes whose values are no one text at a moment (random, or varying otherwise).
_UNSHAPED = frozenset({RANDOM_UUID, VARYING})
# The classes whose values are judged at the moments: dates and times the clock gives, moved
# or not (a time of day and a clock number have their own rules: ``values``, ``clock``).
JUDGED = frozenset(
    {CURRENT_DATE, CURRENT_TIME, DATE_OFFSET, CLOCK_OFFSET, START_OF_DAY, FROM_CLOCK}
)


def apart(
    ev: Evaluator, left: tuple[str, str, Column], right: tuple[str, str, Column]
) -> str | None:
    """Where two defaults (each (dialect, text, column)) of one clock class part at one of
    ``MOMENTS`` (``parted``); None when they do not, or are of no such class (``judged``)."""
    lv, rv = (ev.single(*side) for side in (left, right))
    found = parted(ev, left, right) if judged(lv, rv) else None
    if found is None and lv.kind == rv.kind == FROM_CLOCK:
        found = _values_parted(ev, left, right)
    if found is None and not {lv.kind, rv.kind} & _UNSHAPED:
        found = texts_parted(ev, left, right)
    return found


def unsteady_apart(
    ev: Evaluator,
    left: tuple[str, str, Column],
    right: tuple[str, str, Column],
    verdicts: tuple[Verdict, Verdict],
) -> str:
    """Where two defaults of different clock classes, one of them no fixed step from the clock
    (``FROM_CLOCK``: a step in months or years), part at one of ``MOMENTS``: "; at <moment> UTC
    <A> gives x, <B> gives y" (``parted``), the day their classes alone do not show
    (``date('now', '+365 days')`` against ``CURRENT_DATE + interval '1 year'`` part on
    2023-03-01 only: 2024-02-29 against 2024-03-01; stranger83 007); "" otherwise."""
    if FROM_CLOCK not in {v.kind for v in verdicts} or not judged(*verdicts):
        return ""
    found = parted(ev, left, right)
    return "" if found is None else f"; {found}"


def _values_parted(
    ev: Evaluator, left: tuple[str, str, Column], right: tuple[str, str, Column]
) -> str | None:
    """Where two defaults computed from the clock that are no date or time (a minute as a
    number, ``extract(minute from now())``) give different values at one of ``MOMENTS``: "at
    <moment> UTC <A> gives x, <B> gives y"; None where they agree at each or one is a date."""
    for moment in MOMENTS:
        got = [value_of(ev.at_moment(d, text, column, moment)) for d, text, column in (left, right)]
        if any(v is None or as_moment(v) is not None for v in got):
            return None
        if _plain(got[0]) != _plain(got[1]):
            return _gives(moment, (left[0], right[0]), [_shown(v) for v in got])
    return None


def _plain(value: Any) -> Any:
    """A number as its decimal value (51, 51.0 and Decimal('51') are one), else the value."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return Decimal(str(value)).normalize()
    return value


def texts_parted(
    ev: Evaluator, left: tuple[str, str, Column], right: tuple[str, str, Column]
) -> str | None:
    """Where two defaults (each (dialect, text, column)) that read the clock into text part at
    one of ``TEXT_MOMENTS``: "at <moment> UTC <A> gives 'x', <B> gives 'y'" for the first at
    which both give text and the texts differ (``FMHH24:00``'s '9:00' against ``%H:00``'s
    '09:00'; '.123Z' against '.123456Z'). Across dialects only where the columns are text on
    both sides (a sync converts a SQLite text into a timestamp, whatever its format); None when
    they write the same text at each, or a moment's values are not both text."""
    if left[0] != right[0] and typemap.shared_kind(left[2].type, right[2].type) not in _TEXT:
        return None
    for moment in TEXT_MOMENTS:
        got = [value_of(ev.at_moment(d, text, column, moment)) for d, text, column in (left, right)]
        if not all(isinstance(v, str) for v in got) or got[0] == got[1]:
            continue
        return _gives(moment, (left[0], right[0]), [quoted(v) for v in got])
    return None


def judged(left: Verdict, right: Verdict) -> bool:
    """True when two defaults' verdicts are clock classes judged at ``MOMENTS``, or constants
    (a date a month ahead is too far from the clock to be read as it, moved: ``parted`` runs
    only defaults that read the clock)."""
    return {left.kind, right.kind} <= JUDGED | {CONSTANT}


def parted(
    ev: Evaluator, left: tuple[str, str, Column], right: tuple[str, str, Column]
) -> str | None:
    """Where two defaults (each (dialect, text, column)) part: "at <moment> UTC <A> gives x,
    <B> gives y" for the first of ``MOMENTS`` at which they give different dates or moments;
    None when they give the same at each (or a moment's values cannot be read as such)."""
    for moment in MOMENTS:
        runs = [ev.at_moment(d, text, column, moment) for d, text, column in (left, right)]
        got = [value_of(r) for r in runs]
        read = [as_moment(v) for v in got]
        if read[0] is None or read[1] is None or _same(read[0], read[1]):
            continue
        return _gives(moment, (left[0], right[0]), [_shown(v) for v in got])
    return None


def _gives(moment: str, dialects: tuple[str, str], shown: list[str]) -> str:
    """What two defaults give at ``moment``: "at <moment> UTC <A> gives x, <B> gives y"
    (or "they give x vs y" within a dialect)."""
    if dialects[0] == dialects[1]:
        return f"at {moment} UTC they give {shown[0]} vs {shown[1]}"
    names = [DIALECT_NAMES[d] for d in dialects]
    return f"at {moment} UTC {names[0]} gives {shown[0]}, {names[1]} gives {shown[1]}"


def _same(left: dt.date, right: dt.date) -> bool:
    """Two dates or moments are one; a date and a moment by the moment's date (the classes the
    two were judged alike by already weigh a time a date column drops)."""
    if isinstance(left, dt.datetime) != isinstance(right, dt.datetime):
        as_day = [v.date() if isinstance(v, dt.datetime) else v for v in (left, right)]
        return as_day[0] == as_day[1]
    return left == right


def _shown(value: Any) -> str:
    return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else str(value)
