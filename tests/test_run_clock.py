"""The clock helpers of the tests whose witnesses are made from now (``support.run_clock``), at
fixed moments: when a run waits for the new day, and what counts as naming the run's day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest
from support.run_clock import (
    MARGIN,
    fake_nows,
    moment_days,
    names_the_run_date,
    read_at,
    the_day,
    until_the_day_changes,
)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


NEW_YORK = ZoneInfo("America/New_York")  # 2027-03-14: 02:00 EST became 03:00 EDT
QUARTER_HOUR = timedelta(minutes=15)

# A run's start (UTC), how far ahead its window reaches, the zone whose day counts -> the moment
# (UTC) that day changes, and whether the run waits for it (it is under ``MARGIN`` away). Moments
# on a calendar, computed from fixed starts: no clock is read.
DAY_CHANGES = [
    ("2026-12-05 23:59:59.5", timedelta(0), UTC, "2026-12-06 00:00:00", True),
    ("2026-12-06 00:00:00.5", timedelta(0), UTC, "2026-12-07 00:00:00", False),
    ("2028-02-29 12:00:00", timedelta(0), UTC, "2028-03-01 00:00:00", False),
    # a window closing on the next day from 23:45 on: its closing day changes then
    ("2026-12-05 23:44:55", QUARTER_HOUR, UTC, "2026-12-05 23:45:00", True),
    ("2026-12-05 23:45:05", QUARTER_HOUR, UTC, "2026-12-06 23:45:00", False),
    # 23:59:55 EDT on 14 March: New York's midnight is 04:00 UTC
    ("2027-03-15 03:59:55", timedelta(0), NEW_YORK, "2027-03-15 04:00:00", True),
    # 01:00 EST on the DST day: its midnight is 22 hours on, not the 23 its wall clock shows
    ("2027-03-14 06:00:00", timedelta(0), NEW_YORK, "2027-03-15 04:00:00", False),
]


@pytest.mark.parametrize(("start", "ahead", "zone", "changes", "waits"), DAY_CHANGES)
def test_a_run_waits_only_at_the_end_of_its_day(
    start: str, ahead: timedelta, zone: tzinfo, changes: str, waits: bool
) -> None:
    """A run starting in the last ``MARGIN`` of a day (UTC, a window's closing day, a zone's day
    across New York's spring DST change) waits for the next; one after midnight or at noon does
    not (the near misses). The day it counts changes at the calendar's moment."""
    now = _at(start)
    until = until_the_day_changes(now, ahead, zone)
    assert now + until == _at(changes)
    assert (until < MARGIN) is waits


def test_the_day_is_the_zones() -> None:
    """A moment after New York's midnight in UTC is still the day before there."""
    assert the_day(_at("2027-03-15 03:59:55"), zone=NEW_YORK) == date(2027, 3, 14)


def test_the_moments_a_database_reads_are_on_the_witness_day() -> None:
    """``read_at``: the moment itself and up to ``MARGIN`` later, never on the next day."""
    for now in fake_nows():
        later = read_at(now)
        assert later[0] == now and all(the_day(t) == the_day(now) for t in later)
        assert max(later) < now + MARGIN
    assert len(read_at(_at("2026-12-05 23:59:58"))) == 3  # 23:59:58, 58.5 and 59


def test_the_run_date_is_not_counted_on_the_checks_own_dates() -> None:
    """A message naming the run's day, or a witness's day near it, names it; on a day that is
    one of ``view_clock.MOMENTS``' dates it cannot tell (near miss: the day after one)."""
    assert "2026-12-01" in moment_days() and "2028-02-29" in moment_days()
    said = "parts on '2026-12-01 12:00:00' and on '2026-12-05'"
    assert names_the_run_date(said, now=_at("2026-12-05 10:00:00"))
    assert not names_the_run_date(
        said.replace("2026-12-05", "<today>"), now=_at("2026-12-01 10:00")
    )
    assert names_the_run_date("on 2026-12-02", now=_at("2026-12-02 10:00:00"))
    assert names_the_run_date("on 2027-01-04", date(2027, 1, 4), now=_at("2026-12-05 10:00"))
    assert not names_the_run_date("on 2026-11-30", date(2026, 11, 30), now=_at("2026-10-31 10:00"))
