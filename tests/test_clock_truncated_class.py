"""A moment truncated to the minute or the hour is "a date or time computed from the clock"
whatever second a check runs in (stranger68 001's leftover, found while testing it): its value at
the moment a check runs is within the few seconds that make "the current time" in a minute's
(an hour's) first seconds only, so ``strftime('%Y-%m-%d %H:%M:00','now')`` against
``date_trunc('minute', now())`` was once equal, once "SQLite gives a date or time computed from the
clock, PostgreSQL gives the current time", by the second each side ran in. The class is now read
at the fixed moments as well (``fixed_moments.steady``), where the step from the clock varies.
Near misses: ``CURRENT_TIMESTAMP``, ``now()``, ``date_trunc('second', now())`` stay "the current
time". Run on real SQLite and PostgreSQL, each default as it is read at the fixed moments."""

from __future__ import annotations

import pytest
from probes import Loader

from twinschema.evaluate import fixed_moments
from twinschema.evaluate.clock import DATE_OFFSET, START_OF_DAY
from twinschema.evaluate.values import CURRENT_DATE, CURRENT_TIME, FROM_CLOCK, Verdict
from twinschema.model import Column, ColumnType

_TYPES = {"sqlite": "text", "postgresql": "timestamptz"}


@pytest.mark.parametrize(
    ("dialect", "default", "kind"),
    [
        ("sqlite", "(strftime('%Y-%m-%d %H:%M:00', 'now'))", FROM_CLOCK),
        ("sqlite", "(strftime('%Y-%m-%d %H:00:00', 'now'))", FROM_CLOCK),
        ("postgresql", "date_trunc('minute', now())", FROM_CLOCK),
        ("postgresql", "date_trunc('hour', statement_timestamp())", FROM_CLOCK),
        # Near misses: the current time at each fixed moment.
        ("sqlite", "CURRENT_TIMESTAMP", CURRENT_TIME),
        ("postgresql", "now()", CURRENT_TIME),
        ("postgresql", "date_trunc('second', now())", CURRENT_TIME),
    ],
)
def test_a_current_time_read_at_the_fixed_moments(
    loader: Loader, dialect: str, default: str, kind: str
) -> None:
    """As the moment a check runs may find it (within seconds of the clock): its class then."""
    column = Column("at", ColumnType(dialect, _TYPES[dialect]), default=default)
    ev = loader.evaluator
    found = fixed_moments.steady(
        lambda moment: ev.at_moment(dialect, default, column, moment), Verdict(CURRENT_TIME)
    )
    assert found.kind == kind


@pytest.mark.parametrize(
    ("dialect", "default", "found", "said"),
    [
        # Run in the hour from 00:00 UTC, an hour truncation is midnight: it was "the current
        # date at midnight (00:00:00)" (stranger70 001); at the fixed moments it is the hour.
        (
            "sqlite",
            "(strftime('%Y-%m-%d %H:00:00+00', 'now'))",
            Verdict(START_OF_DAY, 0),
            "the current time truncated to the hour (HH:00:00)",
        ),
        (
            "postgresql",
            "date_trunc('hour', statement_timestamp())",
            Verdict(START_OF_DAY, 0),
            "the current time truncated to the hour (HH:00:00)",
        ),
        (
            "postgresql",
            "date_trunc('minute', now())",
            Verdict(START_OF_DAY, 0),
            "the current time truncated to the minute (HH:MM:00)",
        ),
        (
            "postgresql",
            "date_trunc('hour', now())",
            Verdict(CURRENT_TIME),
            "the current time truncated to the hour (HH:00:00)",
        ),
        # A month's first day as a date: "the current date" on the 1st of a month only.
        (
            "postgresql",
            "date_trunc('month', now())::date",
            Verdict(CURRENT_DATE),
            "the first day of the current month",
        ),
        (
            "sqlite",
            "(date('now', 'start of month'))",
            Verdict(CURRENT_DATE),
            "the first day of the current month",
        ),
        (
            "sqlite",
            "(date('now', 'start of year'))",
            Verdict(DATE_OFFSET, -3),
            "the first day of the current year",
        ),
        # Near misses: a day truncation is midnight at each moment; a date is the current date;
        # next Monday is computed from the clock, with no name.
        (
            "postgresql",
            "date_trunc('day', now())",
            Verdict(START_OF_DAY, 0),
            "the current date at midnight (00:00:00)",
        ),
        ("postgresql", "CURRENT_DATE", Verdict(CURRENT_DATE), "the current date"),
        (
            "sqlite",
            "(date('now', 'weekday 1'))",
            Verdict(CURRENT_DATE),
            "a date or time computed from the clock, no fixed step from it",
        ),
    ],
)
def test_a_truncation_is_named_by_its_unit(
    loader: Loader, dialect: str, default: str, found: Verdict, said: str
) -> None:
    """As a check run in the hour from midnight UTC (or on a month's 1st) finds it: what its
    values at the fixed moments say it is, in words."""
    kind = "date" if "::date" in default or default == "CURRENT_DATE" else "timestamptz"
    ctype = ColumnType(dialect, _TYPES[dialect] if dialect == "sqlite" else kind)
    column = Column("at", ctype, default=default)
    ev = loader.evaluator
    steady = fixed_moments.steady(
        lambda moment: ev.at_moment(dialect, default, column, moment), found
    )
    assert steady.describe() == said
