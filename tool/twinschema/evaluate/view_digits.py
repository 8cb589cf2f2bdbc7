"""Whether two views' answers part only past a double's digits (stranger79 007): SQLite
computes ``avg()``, a division of a REAL and a ``sum()`` of REAL or NUMERIC values as a double
(``34.666666666666664``; a sum of money 0.30000000000000004, stranger81 003), PostgreSQL
``avg()`` of integers and ``numeric`` arithmetic with more digits (``34.6666666666666667``).
The rows do differ as an application receives them (a number by value), so the view stays a
difference; what this tells is the hint: round both sides to the digits the application shows
(``round(avg(x), 2)``), or make PostgreSQL's a double too (``avg(x)::float8``), both of which
return the same rows (golden ``sl-pg.view-answers-avg-*``)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from twinschema.evaluate.view_values import answered, plain

# How ``view_values.plain`` marks a number.
_NUMBER = plain(0)[0]


def past_double(left: Sequence[tuple[Any, ...]], right: Sequence[tuple[Any, ...]]) -> bool:
    """True when the two row lists differ, but are the same multiset once every number is read
    as a double, and a double of one side meets a ``Decimal`` of the other there. Other values
    are read as the view comparison reads them (``view_values.answered``): a uuid key against
    the TEXT that names it is one value (the recheck of stranger84 (4): float sums grouped by
    such a key, over a join or not, got the generic hint)."""
    if len(left) != len(right):
        return False
    read = answered(left, right)
    if sorted(map(_doubles, read[0])) != sorted(map(_doubles, read[1])):
        return False
    kinds = ({_kind(v) for r in left for v in r}, {_kind(v) for r in right for v in r})
    return ("float" in kinds[0] and "decimal" in kinds[1]) or (
        "decimal" in kinds[0] and "float" in kinds[1]
    )


def _doubles(row: tuple[tuple[int, str], ...]) -> tuple[tuple[int, str], ...]:
    """``row`` (as ``view_values.plain`` gives it) with each number a double at 15 significant
    digits, which every double keeps: a float sum's last digit (0.30000000000000004,
    stranger81 003) is past them too."""
    return tuple((k, f"{float(v):.15g}") if k == _NUMBER else (k, v) for k, v in row)


def _kind(value: Any) -> str:
    if isinstance(value, float):
        return "float"
    return "decimal" if isinstance(value, Decimal) else ""
