"""SQLite's integer division as what a view's witness shows, before digits past a double's
(stranger94b 008, stranger94a 002).

``SUM(total_price) / SUM(nights)`` over a NUMERIC sum parts the dialects twice: on a row
such as (7100, 0.1) only past a double's 15-17 digits, and on (2, 15), which SQLite stores as
integers, by integer division (7 against 7.50). The first witness found was the former, whose
hint says to round both sides; rounding keeps the integer division, and the rounded view was
then what the user checked next. So where the first witness parts the views only past a
double's digits and the views divide a column SQLite keeps whole values of as integers
(``view_doubled``), a single probe row parting them by more is the witness shown; and whether
the division is what parts them is asked on the witness chosen (its columns declared REAL).
Near miss: a view whose rows part only past a double's digits keeps that witness and hint.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from twinschema.evaluate import view_doubled
from twinschema.evaluate.view_digits import past_double
from twinschema.evaluate.view_pair import Pair
from twinschema.evaluate.view_runs import Answer
from twinschema.evaluate.view_values import parted
from twinschema.model import Schema

Answers = tuple[Answer, Answer]
Tried = tuple[list[list[Any]], Answers]


def preferred(
    schemas: tuple[Schema, Schema],
    name: str,
    pair: Pair,
    found: Tried,
    rows: Sequence[Sequence[Any]],
    tried: Callable[[dict[int, list[Any]]], Tried | None],
) -> Tried:
    """``found`` (a witness and both answers on it), or, where those answers part only past a
    double's digits and view ``name`` divides a column SQLite keeps whole values of as integers,
    the first single row of ``rows`` (per base) on which the views part by more (``tried``: the
    rows and answers where the views part there, else None)."""
    if not _digits(found[1]) or view_doubled.doubled(schemas, name, pair) is None:
        return found
    for t, given in enumerate(rows):
        for row in given:
            other = tried({t: [row]})
            if other is not None and not _digits(other[1]):
                return other
    return found


def divided(
    schemas: tuple[Schema, Schema],
    name: str,
    pair: Pair,
    answers: Callable[[Pair], Answers | None],
) -> bool:
    """True when SQLite's integer division is what parts view ``name`` on the witness: run
    again (``answers``) with the divided columns declared REAL in SQLite's scratch tables
    (``view_doubled``), the views return the same rows, or rows parting only past a double's
    digits."""
    twin = view_doubled.doubled(schemas, name, pair)
    again = None if twin is None else answers(twin)
    return again is not None and (not parted(*again) or _digits(again))


def _digits(answers: Answers) -> bool:
    """True when the two answers part only past a double's digits."""
    return past_double(answers[0].rows, answers[1].rows)
