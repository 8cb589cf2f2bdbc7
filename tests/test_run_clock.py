"""The clock helpers of the tests whose witnesses are made from now (``support.run_clock``), at
fixed moments: when a run waits for the new day, and what counts as naming the run's day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

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


def test_a_run_waits_only_in_the_last_seconds_of_its_day() -> None:
    """A run starting in the last ``MARGIN`` of a day (UTC, a window's closing day, a zone's day
    across New York's spring DST change) waits for the next; one after midnight or at noon does
    not (the near misses)."""
    assert until_the_day_changes(_at("2026-12-05 23:59:59.5")) < MARGIN
    assert until_the_day_changes(_at("2026-12-05 23:59:59.5")) == timedelta(seconds=0.5)
    assert until_the_day_changes(_at("2026-12-06 00:00:00.5")) > MARGIN
    assert until_the_day_changes(_at("2028-02-29 12:00:00")) == timedelta(hours=12)
    window = timedelta(minutes=15)
    assert until_the_day_changes(_at("2026-12-05 23:44:55"), window) == timedelta(seconds=5)
    assert until_the_day_changes(_at("2026-12-05 23:45:05"), window) > MARGIN
    new_york = ZoneInfo("America/New_York")  # 2027-03-14: 02:00 EST became 03:00 EDT
    before = until_the_day_changes(_at("2027-03-15 03:59:55"), zone=new_york)  # 04:00 UTC
    assert before == timedelta(seconds=5)
    # 01:00 EST on the DST day: 22 hours to midnight, not the 23 its wall clock shows
    assert until_the_day_changes(_at("2027-03-14 06:00:00"), zone=new_york) == timedelta(hours=22)
    assert the_day(_at("2027-03-15 03:59:55"), zone=new_york) == date(2027, 3, 14)


def test_the_moments_a_database_reads_are_on_the_witness_day() -> None:
    """``read_at``: the moment itself and up to ``MARGIN`` later, never on the next day."""
    for now in fake_nows():
        later = read_at(now)
        assert later[0] == now and all(the_day(t) == the_day(now) for t in later)
        assert max(later) - now < MARGIN
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
