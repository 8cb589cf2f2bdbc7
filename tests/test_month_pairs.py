"""Unit tests of month_pairs: the start and end days a step in months or years parts SQLite
and PostgreSQL at."""

from __future__ import annotations

from twinschema.evaluate import month_pairs


def test_month_step_pairs_a_month_end_with_clamp_between_and_overflow() -> None:
    found = month_pairs.pairs((1,))
    # 2023-01-31 + 1 month: PostgreSQL 2023-02-28, SQLite 2023-03-03.
    assert ("2023-01-31", "2023-02-28") in found
    assert ("2023-01-31", "2023-03-01") in found
    assert ("2023-01-31", "2023-03-03") in found
    # a month back from a 31st into a 30-day month
    assert ("2023-05-31", "2023-04-30") in found


def test_year_steps_start_on_the_leap_day() -> None:
    assert ("2024-02-29", "2025-02-28") in month_pairs.pairs((12,))
    assert ("2024-02-29", "2042-03-01") in month_pairs.pairs((216,))
    # whole-day steps written beside the year move the start either way
    moved = month_pairs.pairs((12,), (1,))
    assert ("2024-03-01", "2025-03-01") in moved
    assert ("2024-02-28", "2025-02-28") in moved


def test_no_step_in_months_no_pairs() -> None:
    assert month_pairs.pairs(()) == []
    texts = (("sqlite", "e <= date(s, '+31 days')"), ("postgresql", "e <= s + 31"))
    assert month_pairs.rows([], [], texts) == []


def test_day_steps_of_the_texts() -> None:
    texts = (("sqlite", "e <= date(s, '-1 day', '+1 year')"),)
    assert month_pairs._days(texts) == (1,)
