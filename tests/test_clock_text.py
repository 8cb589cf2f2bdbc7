"""Stored date and time text is never trusted to name a real moment: SQLite keeps
``date('2024-02-30')`` as '2024-02-30' and a DATETIME default as any text, so each reader of
such text in ``evaluate.clock`` answers "not a date / not a moment" (None, False), never raises
(an internal error, exit 4, before)."""

from __future__ import annotations

import datetime as dt

import pytest

from twinschema.evaluate import clock, values
from twinschema.evaluate.backends import Run

# Each shaped like a date or a moment, none a real one.
NO_MOMENT = [
    "2024-02-30",
    "2023-02-29",
    "0000-01-01",
    "2024-13-01",
    "2024-02-30 10:00:00",
    "2024-01-01 24:00:00",
    "2024-01-01 00:00:00+25",
    "2024-01-01 00:00:00+24:00",
    "9999-12-31 23:00:00-02",
    "0001-01-01 00:00:00+02",
]


@pytest.mark.parametrize("text", NO_MOMENT)
def test_text_that_names_no_moment_is_no_date_and_no_time(text: str) -> None:
    assert clock.date_of(text) is None
    assert clock.timestamp_of(text) is None
    assert not clock.is_now(text, 0, 2e9)
    assert not clock.is_today(text, 0, 2e9)
    assert clock.moved_clock([text], 1e9, 1e9 + 1) is None


def test_real_days_and_moments_still_read() -> None:
    assert clock.date_of("2024-02-29") == dt.date(2024, 2, 29)
    assert clock.timestamp_of("2024-01-01 00:00:00+02") == dt.datetime(
        2023, 12, 31, 22, tzinfo=dt.UTC
    )


# A run at the fixed moment made while the real clock reads the same time of day (01:46:40 UTC,
# as CI hit on 2026-12-02: three time-of-day pairs read "in sync"), and one made at noon.
_AT_FIXED_TIME = dt.datetime(2026, 12, 2, 1, 46, 38, tzinfo=dt.UTC).timestamp()
_AT_NOON = dt.datetime(2026, 12, 2, 12, 0, 0, tzinfo=dt.UTC).timestamp()


@pytest.mark.parametrize("started", [_AT_FIXED_TIME, _AT_NOON], ids=["real-clock-alike", "noon"])
@pytest.mark.parametrize(
    ("value", "kept"),
    [
        (dt.time(1, 46, 40, 750600), "with its fraction of a second"),
        (dt.time(1, 46, 40), "truncated to the second"),
        ("01:46:41", "rounded to the second"),
    ],
)
def test_a_time_of_day_run_at_the_fixed_moment_is_read_whatever_the_real_clock(
    started: float, value: object, kept: str
) -> None:
    """How a current time of day is kept is read from its run at the fixed moment even when the
    real clock shows the same time of day (``classify`` then calls the value the current time
    of day, and the evaluator said nothing, so a fraction no longer parted two defaults)."""
    ran = Run(rows=((value,), (value,)), started=started, ended=started + 4)
    assert values.fixed_time_of_day(ran) == kept


def test_a_time_of_day_that_is_not_the_fixed_moment_is_not_read() -> None:
    """The near miss: a clock read the fixed moment missed gives the real time, which says
    nothing of how the default keeps it; nor do values that differ from insert to insert."""
    started = _AT_NOON
    assert values.fixed_time_of_day(Run(rows=((dt.time(12, 0, 1),),), started=started)) is None
    drifting = Run(rows=((dt.time(1, 46, 40, 1),), (dt.time(1, 46, 40, 2),)), started=started)
    assert values.fixed_time_of_day(drifting) is None
