"""Why two defaults of one dialect that give one class of value part side by side (see
``defaults``): each column of the run is one value per transaction or changes from statement
to statement, and two current moments of one transaction each may still be kept apart
(``now()`` with its fraction of a second, ``CURRENT_TIMESTAMP(0)`` rounded to the second, often
later than ``now()``: stranger58 006)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from twinschema.evaluate.backends import Run
from twinschema.evaluate.clock import CLOCK_OFFSET
from twinschema.evaluate.clock_fixed import FIXED_MOMENT
from twinschema.evaluate.run_values import equal
from twinschema.evaluate.time_kept import moment_kept
from twinschema.evaluate.values import CURRENT_TIME
from twinschema.model import Column

if TYPE_CHECKING:
    from twinschema.evaluate.evaluator import Evaluator

# What is said where no better reason is found.
APART = "rows inserted side by side get different values"


def why_apart(
    ev: Evaluator, dialect: str, sides: tuple[tuple[str, Column], tuple[str, Column]], run: Run
) -> str:
    """Why two defaults (their texts and columns) of one class give different rows in ``run``
    (rows inserted in one transaction, one statement each): which one changes from statement to
    statement, or, both being one value per transaction, how each keeps the current moment;
    ``APART`` where each changes from statement to statement."""
    steady = [_steady(run, n) for n in (0, 1)]
    if steady[0] != steady[1]:
        one, other = ("the first", "the second") if steady[0] else ("the second", "the first")
        return f"{one} is one value per transaction, {other} changes from statement to statement"
    if not steady[0]:
        return APART
    kept = [_kept(ev, dialect, text, column) for text, column in sides]
    if kept[0] is None or kept[1] is None or kept[0] == kept[1]:
        return "both are one value per transaction, but not the same one"
    return (
        f"both are one value per transaction, but the first keeps the moment {kept[0]}, the "
        f"second {kept[1]}"
    )


def _steady(run: Run, n: int) -> bool:
    """True when column ``n`` of ``run`` holds one value in every row."""
    return all(equal(row[n], run.rows[0][n]) for row in run.rows)


def _kept(ev: Evaluator, dialect: str, text: str, column: Column) -> str | None:
    """How a current moment (a step from it too) is kept: truncated, rounded to the second or
    with its fraction, from its run at ``FIXED_MOMENT``; None for any other default."""
    verdict = ev.single(dialect, text, column)
    if verdict.kind not in (CURRENT_TIME, CLOCK_OFFSET):
        return None
    step = dt.timedelta(seconds=verdict.value if verdict.kind == CLOCK_OFFSET else 0)
    return moment_kept(ev.at_moment(dialect, text, column, FIXED_MOMENT), step)
