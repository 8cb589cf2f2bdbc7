"""How each side keeps a current time of day (truncated, rounded to the second, or with its
fraction), said beside the equivalence that calls two dialects' times of day one: across
dialects a clock default is the current moment whatever precision each side keeps (the lead's
policy, stranger46 009), and the precision is said, not hidden."""

from __future__ import annotations

from dataclasses import replace

from twinschema.canonical.clock_precision import each_keeps
from twinschema.evaluate.values import CURRENT_TIME_OF_DAY, TIME_OF_DAY_OFFSET, Verdict


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
