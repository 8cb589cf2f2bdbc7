"""Where date and time arithmetic reaches its bound (``evaluate.date_steps``): the steps an
expression moves a date or a moment by, or bounds the distance of two by, and the probe values
that hold pairs exactly that step apart (``e <= s + 7`` against ``e <= s + 6``: 2024-01-01 and
2024-01-08)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from twinschema.evaluate import date_steps

DAY, HOUR = Decimal(86400), Decimal(3600)
# (dialect, text as written or as PostgreSQL prints it back, the steps in seconds).
STEPS = [
    ("postgresql", "(e <= (s + 7))", [7 * DAY]),
    ("postgresql", "((e - s) <= 30)", [30 * DAY]),
    ("postgresql", "((e - s) <= '01:00:00'::interval)", [HOUR]),
    ("postgresql", "e - s < interval '1 hour'", [HOUR]),
    ("postgresql", "(e <= (s + '1 day 02:00:00'::interval))", [DAY + 2 * HOUR]),
    ("postgresql", "(EXTRACT(epoch FROM (e - s)) <= (3600)::numeric)", [HOUR]),
    ("postgresql", "(((e - s) >= 1) AND ((e - s) <= 30))", [DAY, 30 * DAY]),
    ("sqlite", "e <= date(s, '+7 days')", [7 * DAY]),
    ("sqlite", "e <= datetime(s, '-90 minutes')", [-90 * Decimal(60)]),
    ("sqlite", "julianday(e) - julianday(s) < 1", [DAY]),
    ("sqlite", "julianday(e) - julianday(s) <= 1.0 / 24", [HOUR]),
    ("sqlite", "CAST(strftime('%s', e) AS INTEGER) - CAST(strftime('%s', s) AS INTEGER) <= 3600",
     [HOUR]),
    ("sqlite", "unixepoch(e) - unixepoch(s) BETWEEN 60 AND 3600", [Decimal(60), HOUR]),
    # A scaled difference compared with a number: the number unscaled (stranger45 007), and
    # the unit of the scaled difference (a minute of * 1440, of / 60: stranger45 045).
    ("sqlite", "(julianday(e) - julianday(s)) * 24 <= 1", [HOUR]),
    ("postgresql", "((EXTRACT(epoch FROM (e - s)) / (3600)::numeric) <= (1)::numeric)", [HOUR]),
    ("sqlite", "CAST((julianday(e) - julianday(s)) * 1440 AS INTEGER)", [Decimal(60)]),
    ("postgresql", "(floor((EXTRACT(epoch FROM (e - s)) / (60)::numeric)))::integer",
     [Decimal(60)]),
]  # fmt: skip
# Near misses: no step (a month's length is the calendar's; a bare comparison; a time of day
# that is no interval; a difference of a column and a literal compared with nothing).
NO_STEPS = [
    ("sqlite", "e < date(s, '+1 month')"),
    ("postgresql", "(e < (s + '1 mon'::interval))"),
    ("postgresql", "(e > s)"),
    ("sqlite", "t0 >= '09:00'"),
    ("sqlite", "e - s"),
]


@pytest.mark.parametrize(("dialect", "text", "steps"), STEPS, ids=[t for _, t, _ in STEPS])
def test_steps(dialect: str, text: str, steps: list[Decimal]) -> None:
    assert list(date_steps.found(dialect, text)[0]) == steps


@pytest.mark.parametrize(("dialect", "text"), NO_STEPS, ids=[t for _, t in NO_STEPS])
def test_no_steps(dialect: str, text: str) -> None:
    assert date_steps.found(dialect, text)[0] == ()


@pytest.mark.parametrize(
    ("dialect", "text"),
    [
        ("sqlite", "ts < datetime('2030-01-01', '+1 day')"),
        ("postgresql", "(ts < ('2030-01-01 00:00:00'::timestamp without time zone + '1 day'::interval))"),
    ],
)  # fmt: skip
def test_a_date_literal_is_the_base(dialect: str, text: str) -> None:
    steps, bases = date_steps.found(dialect, text)
    assert bases == (dt.datetime(2030, 1, 1),)
    assert "2030-01-02 00:00:01" in date_steps.values("timestamp", steps, bases)


def test_date_values_hold_the_bound_and_a_day_either_side() -> None:
    found = date_steps.values("date", (7 * DAY,), ())
    assert found == ["2024-01-01", "2024-01-08", "2024-01-07", "2024-01-09"]


@pytest.mark.parametrize(("kind", "zone"), [("timestamp", ""), ("timestamptz", "+00:00")])
def test_moment_values_hold_the_bound_a_second_and_half_a_second_either_side(
    kind: str, zone: str
) -> None:
    found = date_steps.values(kind, (HOUR,), ())
    expected = [
        "2024-01-01 00:00:00", "2024-01-01 00:00:00.5", "2024-01-01 01:00:00",
        "2024-01-01 00:59:59", "2024-01-01 01:00:01", "2024-01-01 00:59:59.5",
        "2024-01-01 01:00:00.5", "2024-01-01 00:59:59.999999", "2024-01-01 01:00:00.000001",
    ]  # fmt: skip
    assert found == [v + zone for v in expected]


def test_no_step_no_values_and_no_moment_past_the_calendar() -> None:
    assert date_steps.values("date", (), ()) == []
    far = date_steps.values("timestamp", (DAY,), (dt.datetime(9999, 12, 31),))
    assert far == ["9999-12-31 00:00:00", "9999-12-31 00:00:00.5", "9999-12-31 23:59:59",
                   "9999-12-31 23:59:59.5", "9999-12-31 23:59:59.999999"]  # fmt: skip


def test_a_julianday_difference_is_probed_from_midnight_and_from_ten() -> None:
    """julianday() is a double of milliseconds: an hour from midnight is a little short of 1/24
    day, from 10:00 a little past it (stranger45 007, 045), so both are bases."""
    steps, bases = date_steps.found("sqlite", "(julianday(e) - julianday(s)) * 24 <= 1")
    assert bases == (dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 1, 10))
    found = date_steps.values("timestamp", steps, bases)
    assert {"2024-01-01 10:00:00", "2024-01-01 11:00:00", "2024-01-01 01:00:00.000001"} <= set(
        found
    )
