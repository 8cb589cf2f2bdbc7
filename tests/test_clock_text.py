"""Stored date and time text is never trusted to name a real moment: SQLite keeps
``date('2024-02-30')`` as '2024-02-30' and a DATETIME default as any text, so each reader of
such text in ``evaluate.clock`` answers "not a date / not a moment" (None, False), never raises
(an internal error, exit 4, before)."""

from __future__ import annotations

import datetime as dt

import pytest

from twinschema.evaluate import clock

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
