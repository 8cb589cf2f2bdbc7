"""A view's witness as short as it can be (``shortest``): each number in its base rows written
with more digits than it needs is tried rounded to fewer, the shortest first, and the rounded
row is kept only where both sides' tables take it and store it alike and the views still part
on it (run on the real scratch databases, as the witness was).

stranger79 011: ``label || ' — ' || weight_grams || ' g'`` over ``numeric(8,2)`` was witnessed
by weight_grams = 0.50000000000000001 (a probe past a double's digits), where 1 parts the views
as well ('1 g' on SQLite, '1.00 g' on PostgreSQL). Where the digits are what parts the views
(10.000000000000001 against its double), no shorter number does, and the witness stays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from twinschema.evaluate import view_runs, view_values
from twinschema.evaluate.backends import Backend

# A witness: per base table, its rows; and each side's answer on them.
Found = tuple[list[list[Any]], tuple[view_runs.Answer, view_runs.Answer]]
# The digits a number may be written with before a shorter one is tried.
_PLAIN = 6
# The most rounded numbers tried per value.
_TRIES = 4


def shortest(
    found: Found,
    plans: tuple[view_runs.Plan, view_runs.Plan],
    read: Sequence[Sequence[bool]],
    backends: tuple[Backend | None, Backend | None],
    parts: Callable[[list[list[Any]]], Found | None],
) -> Found:
    """``found`` with each long number of its rows rounded to the shortest that still parts
    the views (``parts``: the rows and answers where the views part on them, else None), both
    sides' tables (``plans``, columns ``read`` per base) taking it and storing it alike."""
    rows, _ = found
    for t, given in enumerate(rows):
        for r in range(len(given)):
            for i, value in enumerate(given[r]):
                for number in _rounded(value)[:_TRIES]:
                    tried = [list(g) for g in found[0]]
                    tried[t][r] = (*tried[t][r][:i], number, *tried[t][r][i + 1 :])
                    if not _taken(plans, tried, read, backends):
                        continue
                    shorter = parts(tried)
                    if shorter is not None:
                        found = shorter
                        break
    return found


def _rounded(value: Any) -> list[Decimal | int]:
    """``value``, a number written with more than ``_PLAIN`` digits, rounded to each fewer
    number of decimals, the shortest first (none for a text, a boolean, a short number); a
    whole one as an int, bound as the ``1`` a witness shows (SQLite's TEXT keeps 1.0 as
    '1.0')."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return []
    try:
        exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        return []
    if not exact.is_finite() or len(exact.as_tuple().digits) <= _PLAIN:
        return []
    places = -int(exact.as_tuple().exponent)
    found = [_tidy(exact.quantize(Decimal(1).scaleb(-d))) for d in range(max(places, 0))]
    found = [n for n in found if n != exact]
    shortest = sorted(dict.fromkeys(found), key=lambda n: len(_plain(n)))
    return [int(n) if n == n.to_integral_value() else n for n in shortest]


def _tidy(number: Decimal) -> Decimal:
    """``number`` without trailing zeros (0.50 is 0.5; 100 stays 100, 0.0 is 0)."""
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def _plain(number: Decimal) -> str:
    """``number`` written without an exponent."""
    return format(number, "f")


def _taken(
    plans: tuple[view_runs.Plan, view_runs.Plan],
    rows: list[list[Any]],
    read: Sequence[Sequence[bool]],
    backends: tuple[Backend | None, Backend | None],
) -> bool:
    """True where both sides' tables take each of ``rows`` and store it alike in the columns
    the views read (``view_values.alike``), as the probe rows a witness is chosen from are."""
    taken = [view_runs.run(p, rows, b, tried=True) for p, b in zip(plans, backends, strict=True)]
    if any(a.setup is not None for a in taken):
        return False
    stored = zip(taken[0].stored, taken[1].stored, read, strict=True)
    return all(
        view_values.alike(a, b, columns)
        for left, right, columns in stored
        for a, b in zip(left, right, strict=True)
    )
