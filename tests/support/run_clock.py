"""The real clock in tests whose witnesses are made from it: a run kept on one day, and whether
a message names the day the test runs.

A test that writes a witness from now (today's date, a moment half an hour ago, one inside the
next 15 minutes) and then has a real database read its own now() is right only while both
clocks are on the same day (the day a window closes, for a window ahead of now): at 23:59:59.9
the witness says one day and the database, a second later, the next. ``on_one_day`` keeps the
run off that change, at any moment of any day.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TypeVar

from twinschema.evaluate import view_clock

T = TypeVar("T")

# How long before the day changes a run waits for the new day instead of starting: longer than
# a run that writes a witness and reads it on both real databases takes.
MARGIN = timedelta(seconds=10)


def the_day(now: datetime, ahead: timedelta = timedelta(0), zone: tzinfo = UTC) -> date:
    """The day of ``now + ahead`` in ``zone``: the day a witness made at ``now`` is written on."""
    return (now + ahead).astimezone(zone).date()


def until_the_day_changes(
    now: datetime, ahead: timedelta = timedelta(0), zone: tzinfo = UTC
) -> timedelta:
    """How long from ``now`` until ``the_day`` changes (midnight in ``zone``, ``ahead`` later)."""
    day = the_day(now, ahead, zone)
    midnight = datetime.combine(day + timedelta(days=1), datetime.min.time(), zone)
    return midnight.astimezone(UTC) - (now + ahead).astimezone(UTC)  # not wall time: DST


def on_one_day(run: Callable[[], T], *, ahead: timedelta = timedelta(0), zone: tzinfo = UTC) -> T:
    """``run()`` (a witness made from now and read by real databases, their answers returned)
    while ``the_day`` stays one day: started after the day changes when that is under
    ``MARGIN`` away, and run again should it change all the same while ``run`` ran (once: the
    day changes once in a day). Why: a witness made on one day and read by a database on the
    next is no witness (a false failure at midnight, or at 23:45 for a 15-minute window)."""
    left = until_the_day_changes(datetime.now(UTC), ahead, zone)
    if left < MARGIN:
        time.sleep(left.total_seconds() + 0.1)
    began = the_day(datetime.now(UTC), ahead, zone)
    done = run()
    return done if the_day(datetime.now(UTC), ahead, zone) == began else run()


def moment_days() -> frozenset[str]:
    """The dates of the check's own fixed moments (``view_clock.MOMENTS``), which it may name."""
    return frozenset(m[:10] for m in view_clock.MOMENTS)


def names_the_run_date(said: str, *days: date, now: datetime | None = None) -> bool:
    """Whether ``said`` names the day the test runs (UTC, at ``now``, else the clock's), or
    one of ``days`` (a witness's day near it): the check names moments near now by their labels
    and fixed moments by ``view_clock.MOMENTS``, never by the run's day. A day that is one of
    those moments' dates is not counted: on it a message that names the fixed moment is right,
    and no test can tell the two apart."""
    today = (now or datetime.now(UTC)).astimezone(UTC).date()
    named = {d.isoformat() for d in (today, *days)} - moment_days()
    return any(day in said for day in named)


# Moments a witness made from now is checked at without waiting for them (with ``read_at``):
# just before and after midnight UTC, just before a 15-minute window closes after midnight, the
# last second of a year and of a month, 29 February, New York's spring DST change (07:00 UTC).
_FAKE = (
    "2026-12-05 23:58:00", "2026-12-06 00:00:30", "2026-12-05 23:44:59", "2026-12-05 23:45:00",
    "2026-12-05 23:52:30", "2026-12-05 23:59:58", "2026-12-31 23:59:59", "2026-11-30 23:59:50",
    "2028-02-29 12:00:00", "2028-02-29 23:50:00", "2028-02-28 23:59:59", "2027-03-14 06:59:59",
)  # fmt: skip


def fake_nows() -> tuple[datetime, ...]:
    """``_FAKE``, then the start, noon and 23:58 of each of ``view_clock.MOMENTS``' dates (on
    which a message naming a fixed moment names the run's day too), as UTC instants."""
    texts = [*_FAKE, *(f"{d} {t}" for d in sorted(moment_days()) for t in _HOURS)]
    return tuple(datetime.fromisoformat(t).replace(tzinfo=UTC) for t in texts)


_HOURS = ("00:00:30", "12:00:00", "23:58:00")


def read_at(now: datetime, ahead: timedelta = timedelta(0)) -> tuple[datetime, ...]:
    """The moments a real database may read its now() at for a witness made at ``now`` by a run
    ``on_one_day`` keeps: ``now`` and up to ``MARGIN`` later, on ``now``'s day (``ahead``)."""
    later = (now + timedelta(seconds=s) for s in (0, 0.5, 1, 5, MARGIN.total_seconds() - 0.1))
    return tuple(t for t in later if the_day(t, ahead) == the_day(now, ahead))


@contextmanager
def process_zone(zone: str) -> Iterator[None]:
    """This process's local zone (``TZ``, ``time.tzset``) is ``zone`` inside the block, then
    what it was: what SQLite's 'localtime' reads, for a witness written for a device in
    ``zone`` that must not follow the zone of the machine running the tests."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()
