"""The current time as a number (stranger round 5, item F): "both give the current time as Unix
seconds" must tell truncation from rounding. Each spelling is decided on its own real database
by running it with its clock read moved to a moment whose fraction is past .5 (the evaluator's
``clock_fixed.FIXED_MOMENT``): strftime('%s'), unixepoch(), floor(), trunc() and a CAST of SQLite's
truncate; PostgreSQL's ::integer, ::bigint, an integer column's assignment and
CURRENT_TIMESTAMP(0) round. The verdicts on whole schemas are the golden cases
``sl-pg.default-now-unix-seconds-*``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest

from twinschema.evaluate import Evaluator, PostgreSQLScratch
from twinschema.evaluate.clock import CLOCK_NUMBER
from twinschema.evaluate.clock_fixed import EXACT_MOMENT, FIXED_MOMENT, at_fixed_moment
from twinschema.model import Column, ColumnType

TRUNCATED = "Unix seconds, truncated to the second"
ROUNDED = "Unix seconds, rounded to the nearest second"
MS_TRUNCATED = "Unix milliseconds, truncated to the millisecond"
MS_ROUNDED = "Unix milliseconds, rounded to the nearest millisecond"
# A clock read the evaluator cannot move is still a clock number, said without a rounding claim.
PLAIN = "Unix seconds"
# The fixed moment as Unix seconds, worked out here by Python's own calendar (not by either
# database), to the millisecond SQLite's clock keeps.
AT_MOMENT = Decimal(dt.datetime.fromisoformat(FIXED_MOMENT).replace(tzinfo=dt.UTC).timestamp())
WITH_FRACTION = (
    f"Unix seconds with a fraction ({AT_MOMENT.quantize(Decimal('0.001'))} at {FIXED_MOMENT} UTC)"
)

JD_SECONDS = f"Unix seconds (1000000001 at {EXACT_MOMENT} UTC)"
JD_MS = f"Unix milliseconds (1000000001999 at {EXACT_MOMENT} UTC)"

SPELLINGS = [
    ("sqlite", "strftime('%s','now')", "INTEGER", TRUNCATED),
    ("sqlite", "strftime('%s')", "INTEGER", TRUNCATED),
    ("sqlite", "unixepoch()", "INTEGER", TRUNCATED),
    ("sqlite", "unixepoch('now')", "INTEGER", TRUNCATED),
    ("sqlite", "strftime('%s', CURRENT_TIMESTAMP)", "INTEGER", TRUNCATED),
    # A double of days falls a little short of a whole second at about half of them (stranger45
    # 013): truncated at the fixed moment, a second or a millisecond short at EXACT_MOMENT.
    ("sqlite", "CAST((julianday('now') - 2440587.5) * 86400 AS INTEGER)", "INTEGER", JD_SECONDS),
    ("sqlite", "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)", "INTEGER", JD_MS),
    ("postgresql", "(EXTRACT(epoch FROM now()))::integer", "integer", ROUNDED),
    ("postgresql", "extract(epoch from now())::bigint", "bigint", ROUNDED),
    ("postgresql", "extract(epoch from now())", "integer", ROUNDED),  # the assignment rounds
    ("postgresql", "date_part('epoch', CURRENT_TIMESTAMP)::int", "integer", ROUNDED),
    ("postgresql", "extract(epoch from CURRENT_TIMESTAMP(0))::bigint", "bigint", ROUNDED),
    ("postgresql", "(floor(EXTRACT(epoch FROM now())))::bigint", "bigint", TRUNCATED),
    ("postgresql", "trunc(extract(epoch from statement_timestamp()))::bigint", "bigint", TRUNCATED),
    ("postgresql", "(extract(epoch from now()) * 1000)::bigint", "bigint", MS_ROUNDED),
    ("postgresql", "floor(extract(epoch from now()) * 1000)::bigint", "bigint", MS_TRUNCATED),
]  # fmt: skip


@pytest.fixture(scope="module")
def evaluator(pg_server: str) -> Iterator[Evaluator]:
    from support.testing import scratch_database

    with (
        scratch_database(pg_server, prefix="clock") as url,
        Evaluator(PostgreSQLScratch(database_url=url)) as found,
    ):
        yield found


@pytest.mark.parametrize(("dialect", "expression", "type_name", "said"), SPELLINGS)
def test_each_spelling_of_unix_time_says_how_it_rounds(
    evaluator: Evaluator, dialect: str, expression: str, type_name: str, said: str
) -> None:
    column = Column("x", ColumnType(dialect, type_name.lower(), raw=type_name))
    verdict = evaluator.single(dialect, expression, column)
    assert (verdict.kind, verdict.value) == (CLOCK_NUMBER, said), verdict
    assert verdict.describe() == f"the current time as {said}"
    assert at_fixed_moment(dialect, expression) is not None


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_a_fraction_kept_is_shown_to_the_millisecond(evaluator: Evaluator, dialect: str) -> None:
    """The seconds with their fraction (a REAL or double column): the value at the moment,
    to the millisecond SQLite's clock has, on both dialects alike."""
    expression, type_name = {
        "sqlite": ("(julianday('now') - 2440587.5) * 86400.0", "REAL"),
        "postgresql": ("extract(epoch from now())", "double precision"),
    }[dialect]
    column = Column("x", ColumnType(dialect, type_name.lower(), raw=type_name))
    verdict = evaluator.single(dialect, expression, column)
    assert (verdict.kind, verdict.value) == (CLOCK_NUMBER, WITH_FRACTION), verdict


def test_a_clock_read_it_cannot_move_keeps_the_plain_class(evaluator: Evaluator) -> None:
    """timeofday() is no clock read the evaluator moves: the value is still the current time
    as Unix seconds, said without a claim about its rounding."""
    expression = "extract(epoch from timeofday()::timestamptz)::bigint"
    column = Column("x", ColumnType("postgresql", "bigint", raw="bigint"))
    verdict = evaluator.single("postgresql", expression, column)
    assert (verdict.kind, verdict.value) == (CLOCK_NUMBER, PLAIN), verdict
    assert at_fixed_moment("postgresql", expression) is None
