"""Two PostgreSQL defaults one step from the clock that a UTC session calls one (``now() +
interval '1 day'`` against ``now() + interval '24 hours'``: both "the current time + 1 day")
but that a session with summer time parts: a day is 23 hours across Europe's change to summer
time, 24 hours are 24 (stranger58 018). Each is run with its clock a day before that change,
in a session whose TimeZone is ``ZONE`` (see ``defaults``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from twinschema.evaluate.clock import CLOCK_OFFSET, at_fixed_moment
from twinschema.evaluate.context import equal
from twinschema.evaluate.fixed_moments import as_moment, value_of
from twinschema.model import Column

if TYPE_CHECKING:
    from twinschema.evaluate.evaluator import Evaluator

ZONE = "Europe/Paris"
# A day before Europe's change to summer time (2026-03-29 01:00 UTC), in UTC.
BEFORE_CHANGE = "2026-03-28 12:00:00"


def apart(
    ev: Evaluator, dialect: str, left: tuple[str, Column], right: tuple[str, Column]
) -> str | None:
    """What parts two PostgreSQL defaults of one step from the clock in a ``ZONE`` session a
    day before its change to summer time, said; None where they agree or are no such pair."""
    if dialect != "postgresql":
        return None
    verdicts = [ev.single(dialect, text, column) for text, column in (left, right)]
    if any(v.kind != CLOCK_OFFSET for v in verdicts):
        return None
    backend = ev.backend(dialect)
    if backend is None:
        return None
    got = []
    for text, column in (left, right):
        moved = at_fixed_moment(dialect, text, BEFORE_CHANGE)
        if moved is None:
            return None
        ev.runs += 1
        got.append(as_moment(value_of(backend.run([(moved, column.type)], zone=ZONE))))
    if got[0] is None or got[1] is None or equal(got[0], got[1]):
        return None
    shown = [f"{v:%Y-%m-%d %H:%M:%S} UTC" for v in got]
    return (
        f"they agree in a session whose TimeZone is UTC only: in one whose TimeZone is {ZONE}, "
        f"at {BEFORE_CHANGE} UTC (a day before its change to summer time) they give {shown[0]} "
        f"vs {shown[1]}"
    )
