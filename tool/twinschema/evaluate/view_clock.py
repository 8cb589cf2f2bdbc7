"""Views that read the clock, judged at fixed moments (stranger85 001, 002).

``day_of_week = CAST(strftime('%w', 'now') AS INTEGER)`` (Sunday 0) against ``day_of_week =
extract(isodow from current_date)`` (Sunday 7) return the same rows six days a week; a
``played_at >= strftime('%Y-%m-01', 'now')`` against ``>= date_trunc('month', now())`` part on
a play in the first hours of the 1st written with an offset east of UTC. Judged at the day the
check ran, the verdict was the day's: a false "in sync" and output that changed with the day.
Both views' clock reads are therefore replaced by each of ``MOMENTS`` (``clock.at_fixed_moment``,
as defaults are run) and their probes' now is that moment (``view_now.CLOCK_AT``): the views
part where they part at any of them, and the verdict is the same on any day.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Protocol, TypeVar

from twinschema.evaluate import view_now
from twinschema.evaluate.clock import at_fixed_moment
from twinschema.evaluate.view_runs import Plan

__all__ = ["MOMENTS", "Plan", "at_moment", "instant", "judged", "reads_clock"]

# One moment on each day of the week (Sunday first: ``%w`` and ``isodow`` part on it): the first
# minutes of a month's 1st (an offset east of UTC writes the month before's last hours as the
# 1st's text) and a month's last minutes, after a 30-day month and a 31-day one, the last day of
# February and of a 30-day month, a year's last minutes and first; then a leap day and a 31st
# before a shorter month, where SQLite's date arithmetic runs past the month's end and
# PostgreSQL's stops at it (date('now', '+1 year') on 2028-02-29 is 2029-03-01, current_date +
# interval '1 year' 2029-02-28; '+1 month' on 2027-01-31 2027-03-03 against 2027-02-28), last:
# a verdict found at the seven before names the same moment as before.
MOMENTS = (
    "2026-11-01 00:15:00",  # Sunday, the 1st
    "2026-11-30 23:45:00",  # Monday, the last of a 30-day month
    "2026-12-01 12:00:00",  # Tuesday, the 1st at noon
    "2026-09-30 12:00:00",  # Wednesday, the last of a 30-day month at noon
    "2026-12-31 23:45:00",  # Thursday, a year's last minutes
    "2027-01-01 00:15:00",  # Friday, a year's first
    "2026-02-28 12:00:00",  # Saturday, February's last
    "2028-02-29 12:00:00",  # Tuesday, a leap day
    "2027-01-31 12:00:00",  # Sunday, a 31st before February
)


def reads_clock(views: Sequence[str]) -> bool:
    """True when either side's ``views`` (their SQL) read the clock: their verdict would be
    the day's."""
    return any(view_now.reads_clock(v) for v in views)


def at_moment(plans: tuple[Plan, Plan], moment: str | None) -> tuple[Plan, Plan]:
    """``plans`` with each clock read of their views replaced by ``moment`` (UTC; None: as
    they are)."""
    if moment is None:
        return plans
    left, right = (
        dataclasses.replace(
            p, views=tuple(at_fixed_moment(p.dialect, v, moment) or v for v in p.views)
        )
        for p in plans
    )
    return left, right


def instant(moment: str) -> datetime:
    """``moment`` (UTC text) as the aware instant the probes take for now."""
    return datetime.fromisoformat(moment).replace(tzinfo=UTC)


class _Judged(Protocol):
    """A view's verdict: whether the views returned the same rows, on how many probe rows."""

    @property
    def same(self) -> bool | None: ...

    @property
    def probed(self) -> int: ...


V = TypeVar("V", bound=_Judged)


def judged(run: Callable[[str], V]) -> tuple[str | None, V]:
    """``run`` (a view's comparison with the clock at a moment) at each of ``MOMENTS``, its
    probes' now that moment: the first moment and verdict where the views part; else the
    same-rows verdict on the most probe rows (None for the moment), or, where none was
    compared at any moment, the first one's reason."""
    found = []
    for moment in MOMENTS:
        token = view_now.CLOCK_AT.set(instant(moment))
        try:
            verdict = run(moment)
        finally:
            view_now.CLOCK_AT.reset(token)
        if verdict.same is False:
            return moment, verdict
        found.append(verdict)
    same = [v for v in found if v.same]
    return None, max(same, key=lambda v: v.probed) if same else found[0]
