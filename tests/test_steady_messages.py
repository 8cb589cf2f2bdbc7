"""What a default gives is said in words that do not depend on the run (stranger45 012, 049):
a default that draws at random by the shape of what it draws (PostgreSQL's ``random()`` in a
bigint column is 0 or 1, never "gives 0" because three inserts happened to), and a time of day
a step from the clock by that step and how it is kept, as clock defaults are
(``fixed_moments``), never by the value one run gave ('07:04:41'). Each default is run by
several evaluators, each its own scratch runs: their descriptions must be one."""

from __future__ import annotations

import pytest

from twinschema.evaluate import Evaluator, PostgreSQLScratch
from twinschema.model import Column, ColumnType

_RUNS = 4


def _described(pg_server: str, dialect: str, expression: str, type_name: str) -> set[str]:
    """What ``expression`` gives as a default of a ``type_name`` column, described by ``_RUNS``
    evaluators of their own (no run's cache shared)."""
    column = Column("c", ColumnType(dialect, type_name, raw=type_name), default="x")
    said = set()
    for _ in range(_RUNS):
        with Evaluator(PostgreSQLScratch(server_url=pg_server)) as evaluator:
            said.add(evaluator.single(dialect, expression, column).describe())
    return said


@pytest.mark.parametrize(
    ("dialect", "expression", "type_name", "said"),
    [
        ("postgresql", "random()", "bigint", "whole numbers 0 or 1 that vary from insert to insert"),
        ("sqlite", "random()", "INTEGER", "whole numbers that vary from insert to insert"),
        ("postgresql", "random()", "double precision", "numbers in [0, 1) that vary from insert to insert"),
    ],
)  # fmt: skip
def test_a_random_default_is_described_by_its_shape(
    pg_server: str, dialect: str, expression: str, type_name: str, said: str
) -> None:
    """Random draws are said by their shape, alike on every run."""
    assert _described(pg_server, dialect, expression, type_name) == {said}


@pytest.mark.parametrize(
    ("dialect", "expression", "type_name", "said"),
    [
        ("sqlite", "time('now', '+2 hours')", "TIME", "+ 2:00:00, truncated to the second"),
        ("postgresql", "LOCALTIME(0) + interval '2 hours'", "time", "+ 2:00:00, rounded to the second"),
        ("postgresql", "LOCALTIME + interval '90 minutes'", "time", "+ 1:30:00, with its fraction"),
        ("sqlite", "time('now', '-30 minutes')", "TIME", "+ 23:30:00, truncated to the second"),
    ],
)  # fmt: skip
def test_a_time_of_day_a_step_from_the_clock_is_said_by_its_step(
    pg_server: str, dialect: str, expression: str, type_name: str, said: str
) -> None:
    """A shifted time of day is its step from the clock's (within a day), and how it is kept."""
    found = _described(pg_server, dialect, expression, type_name)
    assert {f.replace(" of a second", "") for f in found} == {f"the current time of day {said}"}
