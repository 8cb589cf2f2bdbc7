"""How each side keeps a current time of day or moment (truncated, rounded to the second, or
with its fraction), said beside the equivalence that calls two dialects' clocks one: across
dialects a clock default is the current moment whatever precision each side keeps (the lead's
policy, stranger46 009), and the precision is said, not hidden."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

from twinschema.canonical.clock_precision import each_keeps
from twinschema.evaluate.backends import Run
from twinschema.evaluate.clock import CLOCK_OFFSET
from twinschema.evaluate.clock_fixed import FIXED_MOMENT
from twinschema.evaluate.fixed_moments import as_moment, value_of
from twinschema.evaluate.values import (
    CURRENT_TIME,
    CURRENT_TIME_OF_DAY,
    TIME_OF_DAY_OFFSET,
    Verdict,
)

# A default's run with its clock at ``FIXED_MOMENT`` (``Evaluator.at_moment``, its dialect,
# text and column given).
Read = Callable[[], Run | None]


def kept_apart(left: Verdict, right: Verdict) -> tuple[str, str] | None:
    """How each of two current times of day ``same_class`` calls one keeps it ("truncated to
    the second", "with its fraction of a second"), where they differ; None otherwise."""
    if left.kind != right.kind or left.kind not in (CURRENT_TIME_OF_DAY, TIME_OF_DAY_OFFSET):
        return None
    lkept, rkept = (
        (left.value, right.value)
        if left.kind == CURRENT_TIME_OF_DAY
        else (left.value[1], right.value[1])
    )
    if None in (lkept, rkept) or lkept == rkept:
        return None
    return str(lkept), str(rkept)


def unkept(verdict: Verdict) -> Verdict:
    """``verdict`` without how its time of day is kept (``kept_apart`` says that of each side)."""
    if verdict.kind == TIME_OF_DAY_OFFSET:
        return replace(verdict, value=(verdict.value[0], None))
    return replace(verdict, value=None) if verdict.kind == CURRENT_TIME_OF_DAY else verdict


def shared_precision(shared: Verdict, left: tuple[str, Verdict], right: tuple[str, Verdict]) -> str:
    """What two defaults of two dialects both give (``shared``, described), with how each
    keeps it where that differs (a current time of day: ``values.kept_apart``)."""
    (ld, lv), (rd, rv) = left, right
    apart = kept_apart(lv, rv)
    if apart is None:
        return shared.describe()
    base = unkept(shared).describe()
    return f"{base} ({each_keeps((ld, apart[0]), (rd, apart[1]), 'it')})"


def moments_kept_apart(
    left: tuple[str, Verdict, Read], right: tuple[str, Verdict, Read]
) -> str | None:
    """How each of two current moments (a step from the clock too: ``the current time + 1:00:00``)
    keeps it, where they differ: ``SQLite keeps it truncated to the second, PostgreSQL rounded to
    the second``, as for a time of day; None where they keep it alike or it cannot be told."""
    (ld, lv, lread), (rd, rv, rread) = left, right
    if lv.kind != rv.kind or lv.kind not in (CURRENT_TIME, CLOCK_OFFSET):
        return None
    step = dt.timedelta(seconds=lv.value if lv.kind == CLOCK_OFFSET else 0)
    kept = [moment_kept(read(), step) for read in (lread, rread)]
    if kept[0] is None or kept[1] is None or kept[0] == kept[1]:
        return None
    return each_keeps((ld, kept[0]), (rd, kept[1]), "it")


def moment_kept(run: Run | None, step: dt.timedelta) -> str | None:
    """How a moment ``step`` from the clock is kept, from its run at ``FIXED_MOMENT`` (whose
    fraction, .7506, is past half a second): truncated or rounded to the second, or with its
    fraction; None for anything else (SQLite reads the moment's text to the millisecond, so
    what it keeps of milliseconds is not told)."""
    value = as_moment(value_of(run))
    if not isinstance(value, dt.datetime):
        return None
    at = dt.datetime.fromisoformat(FIXED_MOMENT).replace(tzinfo=dt.UTC)
    back, whole = value - step, at.replace(microsecond=0)
    if back == whole:
        return "truncated to the second"
    if back == whole + dt.timedelta(seconds=1):
        return "rounded to the second"
    return "with its fraction of a second" if back == at else None
