"""Views that read the clock, judged at fixed moments (stranger85 001, 002).

``day_of_week = CAST(strftime('%w', 'now') AS INTEGER)`` (Sunday 0) against ``day_of_week =
extract(isodow from current_date)`` (Sunday 7) return the same rows six days a week; a
``played_at >= strftime('%Y-%m-01', 'now')`` against ``>= date_trunc('month', now())`` part on
a play in the first hours of the 1st written with an offset east of UTC. Judged at the day the
check ran, the verdict was the day's: a false "in sync" and output that changed with the day.
Both views' clock reads are therefore replaced by each of ``MOMENTS`` (``clock_fixed.at_fixed_moment``,
as defaults are run) and their probes' now is that moment (``view_now.CLOCK_AT``): the views
part where they part at any of them, and the verdict is the same on any day.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from twinschema.evaluate import view_now, view_values, view_zoned
from twinschema.evaluate.clock import in_utc
from twinschema.evaluate.clock_fixed import at_fixed_moment
from twinschema.evaluate.view_runs import Plan

__all__ = [
    "MOMENTS",
    "Plan",
    "at_moment",
    "in_zone",
    "instant",
    "judged",
    "moments_for",
    "reads_clock",
]

# One moment on each day of the week (Sunday first: ``%w`` and ``isodow`` part on it): the first
# minutes of a month's 1st (an offset east of UTC writes the month before's last hours as the
# 1st's text) and a month's last minutes, after a 30-day month and a 31-day one, the last day of
# February and of a 30-day month, a year's last minutes and first; then a leap day and a 31st
# before a shorter month, where SQLite's date arithmetic runs past the month's end and
# PostgreSQL's stops at it (date('now', '+1 year') on 2028-02-29 is 2029-03-01, current_date +
# interval '1 year' 2029-02-28; '+1 month' on 2027-01-31 2027-03-03 against 2027-02-28), last:
# a verdict found at the seven before names the same moment as before. Each is half a second
# past its minute, as a real clock nearly always is: SQLite's datetime('now') drops the fraction,
# PostgreSQL's now() keeps it (stranger86 003: a check-in 0.25 s ahead is inside on SQLite only).
MOMENTS = (
    "2026-11-01 00:15:00.5",  # Sunday, the 1st
    "2026-11-30 23:45:00.5",  # Monday, the last of a 30-day month
    "2026-12-01 12:00:00.5",  # Tuesday, the 1st at noon
    "2026-09-30 12:00:00.5",  # Wednesday, the last of a 30-day month at noon
    "2026-12-31 23:45:00.5",  # Thursday, a year's last minutes
    "2027-01-01 00:15:00.5",  # Friday, a year's first
    "2026-02-28 12:00:00.5",  # Saturday, February's last
    "2028-02-29 12:00:00.5",  # Tuesday, a leap day
    "2027-01-31 12:00:00.5",  # Sunday, a 31st before February
)


def reads_clock(views: Sequence[str]) -> bool:
    """True when either side's ``views`` (their SQL) read the clock: their verdict would be
    the day's."""
    return any(view_now.reads_clock(v) for v in views)


def at_moment(plans: tuple[Plan, Plan], moment: str | None) -> tuple[Plan, Plan]:
    """``plans`` with each clock read of their views replaced by ``moment`` (UTC; None: as
    they are): PostgreSQL's reads of the session's day and wall clock as the checked database's
    TimeZone gives them at ``moment`` (``local_in_session``: stranger86 001, a server in Los
    Angeles on 31 October at 2026-11-01 00:15 UTC, whose month was read as November), SQLite's
    'localtime' and 'utc' as no-ops (``clock.in_utc``: a device's zone is unknown, so it is
    taken as UTC, as defaults are run; under TZ=Asia/Kolkata a Sunday view was judged on that
    zone's day, clock86)."""
    if moment is None:
        return plans
    left, right = (
        dataclasses.replace(
            p,
            views=tuple(
                at_fixed_moment(p.dialect, in_utc(p.dialect, v)[0], moment, local_in_session=True)
                or v
                for v in p.views
            ),
        )
        for p in plans
    )
    return left, right


def in_zone(plans: tuple[Plan, Plan], zone: str) -> tuple[Plan, Plan]:
    """``plans`` with PostgreSQL's session in ``zone`` instead of the checked database's
    TimeZone: whether the views agree there tells that the zone parts them (recheck86 (2))."""
    left, right = (
        dataclasses.replace(p, zone=zone) if p.dialect == "postgresql" else p for p in plans
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


def moments_for(zone: str | None, text: str) -> tuple[str, ...]:
    """The moments views whose SQL is ``text`` are judged at: ``MOMENTS``, then, on a live
    server whose ``zone`` has summer time, half a day either side of a change of it where the
    views step the clock by days or more (``view_zoned``: stranger86 002)."""
    fraction = MOMENTS[0][19:]
    return MOMENTS + view_zoned.moments(zone, view_now.day_steps(text), text, fraction)


def judged(run: Callable[[str], V], moments: Sequence[str] = MOMENTS) -> tuple[str | None, V]:
    """``run`` (a view's comparison with the clock at a moment) at each of ``moments``
    (``moments_for``), its probes' now that moment: the first moment and verdict where the
    views part; else the same-rows verdict on the most probe rows (None for the moment), or,
    where none was compared at any moment, the first one's reason."""
    found = []
    for moment in moments:
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


class _Said(Protocol):
    """A witness row (``view_answers.BaseRow``): its values shown and as given."""

    @property
    def values(self) -> tuple[Any, ...]: ...

    @property
    def given(self) -> tuple[Any, ...]: ...


def row_said(row: _Said, clock: str | None) -> list[str]:
    """A witness row's values as a message writes them (a boolean as false or true): at the
    fixed moment ``clock`` a moment near now is the literal the databases were given, what it
    is beside it, ``'2026-9-9' <the 9th of September, as YYYY-M-D>``, which can be pasted into
    either database (stranger94b: ``'<today, as YYYY-M-D>'`` could not); else its label alone
    (the evaluation's own now, another instant on each run)."""
    if clock is None or not row.given:
        return [view_values.logical(v) for v in row.values]
    return [
        f"{view_values.logical(g)} {v}" if view_now.is_label(v) else view_values.logical(v)
        for v, g in zip(row.values, row.given, strict=True)
    ]
