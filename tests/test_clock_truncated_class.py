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
from twinschema.evaluate.values import CURRENT_TIME, FROM_CLOCK, Verdict
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
