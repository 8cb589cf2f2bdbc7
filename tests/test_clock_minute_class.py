"""A time of day kept to the minute ('HH:MM') is classed alike at every second (fix87c).

``strftime('%H:%M', 'now')`` in a TEXT column (and PostgreSQL's ``to_char(now(), 'HH24:MI')``)
gives the clock's hour and minute: within a few seconds of the clock in a minute's first seconds
only. Run then it was "the current time of day as text 'HH:MM'", run later "a date or time
computed from the clock" (seen: 01:04:02 UTC the first, 01:04:30 the second, the same default),
and a pair whose two sides ran on either side of that edge was a difference by the second the
check ran in. Such a value, not kept to ``FIXED_MOMENT``'s second when run there, is now judged
by its values at the fixed moments, as at any other second. Near miss: a time kept to the second
(``time('now')``, ``LOCALTIME(0)::text``) stays the current time of day, truncated or rounded."""

from __future__ import annotations

import pytest

from twinschema.evaluate import Evaluator, PostgreSQLScratch, fixed_moments
from twinschema.evaluate.values import CURRENT_TIME_OF_DAY, FROM_CLOCK, Verdict
from twinschema.model import Column, ColumnType

TYPES = {"sqlite": "TEXT", "postgresql": "text"}
MINUTE = {"sqlite": "strftime('%H:%M', 'now')", "postgresql": "to_char(now(), 'HH24:MI')"}
SECOND = {
    "sqlite": ("time('now')", "truncated to the second"),
    "postgresql": ("(LOCALTIME(0))::text", "rounded to the second"),
}


def _column(dialect: str) -> Column:
    """A text column of ``dialect`` (the default's text is given to the evaluator apart)."""
    return Column("c", ColumnType(dialect, TYPES[dialect], raw=TYPES[dialect]), default="x")


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_a_minute_as_text_is_from_the_clock_at_any_second(dialect: str, pg_server: str) -> None:
    """Read as the current time of day (as ``classify`` reads it in a minute's first seconds),
    the minute's text is judged at the fixed moments on the real database: from the clock; and
    run at whatever second this test runs, the evaluator's verdict is that too."""
    column = _column(dialect)
    with Evaluator(PostgreSQLScratch(server_url=pg_server)) as ev:
        read_now = Verdict(CURRENT_TIME_OF_DAY, form="HH:MM")
        judged = fixed_moments.minute_kept(
            lambda moment: ev.at_moment(dialect, MINUTE[dialect], column, moment), read_now
        )
        assert judged.kind == FROM_CLOCK, judged
        assert ev.single(dialect, MINUTE[dialect], column).kind == FROM_CLOCK


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_a_time_kept_to_the_second_stays_the_current_time_of_day(
    dialect: str, pg_server: str
) -> None:
    """The near miss: a time of day with its seconds is the current time of day, and says how
    it is kept at ``FIXED_MOMENT`` (the value ``minute_kept`` leaves alone)."""
    expression, kept = SECOND[dialect]
    with Evaluator(PostgreSQLScratch(server_url=pg_server)) as ev:
        found = ev.single(dialect, expression, _column(dialect))
        assert (found.kind, found.value) == (CURRENT_TIME_OF_DAY, kept), found
        same = fixed_moments.minute_kept(
            lambda moment: ev.at_moment(dialect, expression, _column(dialect), moment), found
        )
        assert same == found
