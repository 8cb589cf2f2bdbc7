"""Unit tests of month_steps: the month ends a step in months or years is probed at."""

from __future__ import annotations

from twinschema.evaluate import month_steps


def test_steps_are_read_from_modifiers_and_intervals() -> None:
    """A SQLite modifier and a PostgreSQL interval in months or years give their months."""
    texts = (("sqlite", "date(d, '+1 month')"), ("postgresql", "d - interval '18 years'"))
    assert month_steps.of(texts) == (1, 216)
    assert month_steps.of((("postgresql", "d + interval '7 days'"),)) == ()


def test_a_month_from_the_29th_of_a_common_january_is_probed() -> None:
    """A month forward lands in a common February from January 29th to 31st (stranger45 054),
    in a leap one from the 30th, and back into it from March; a timestamp at noon."""
    days = month_steps.values("date", (1,))
    assert {"2023-01-29", "2023-01-31", "2024-01-30", "2023-03-29", "2024-03-31"} <= set(days)
    assert "2023-01-27" not in days and "2024-01-28" not in days
    assert "2023-01-29 12:00:00+00:00" in month_steps.values("timestamptz", (1,))
    assert month_steps.values("time", (1,)) == []


def test_a_year_from_a_leap_day_is_probed() -> None:
    """A year back from a leap day lands in a common February."""
    assert "2024-02-29" in month_steps.values("date", (12,))
