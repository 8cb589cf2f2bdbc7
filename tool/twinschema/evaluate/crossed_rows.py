"""The probe rows of several columns from each column's probe values (``probes.values_for``): a
cross product cut to a size, every value still tried once, and each number of one column beside
another's extremes, where arithmetic over two columns overflows one database's integers and not
the other's (``x + y`` over two int4 columns fails on PostgreSQL past 2147483647; SQLite's
integers are 64-bit)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

# At most this many rows of the cross product are tried per pair of expressions.
MAX_ROWS = 600
# At most this many rows put several columns' fractions together (``together``).
TOGETHER_ROWS = 256
# At most this many rows put one column's numbers beside another's extremes.
_MAX_EXTREMES = 1024


def cross(
    columns: list[list[Any]], limit: int = MAX_ROWS, related: Sequence[tuple[Any, Any]] = ()
) -> list[tuple[Any, ...]]:
    """The cross product of the columns' values, each list cut from its end (its least telling
    values) until the product fits ``limit``; then each value cut away once, the other columns
    at their first (NULL where they take it): every value is tried; then each number of one
    number column beside each extreme of another (``_extremes``), and each ``related`` pair of
    values in two columns that both take them (``_side_by_side``)."""
    lists = _cut([list(v) for v in columns], limit)
    firsts = [values[0] for values in lists]
    alone = [
        (*firsts[:n], v, *firsts[n + 1 :]) for n, values in enumerate(columns)
        for v in values[len(lists[n]) :]
    ]  # fmt: skip
    beside = _side_by_side(columns, firsts, related)
    return distinct([*itertools.product(*lists), *alone, *_extremes(columns, firsts), *beside])


def _cut(lists: list[list[Any]], limit: int) -> list[list[Any]]:
    """``lists`` each cut from its end, the longest first, until their product fits ``limit``
    (none below two values)."""
    while math.prod(map(len, lists)) > limit:
        longest = max(range(len(lists)), key=lambda i: len(lists[i]))
        if len(lists[longest]) <= 2:
            break
        lists[longest].pop()
    return lists


def together(
    columns: list[list[Any]], first: list[list[Any]], limit: int = TOGETHER_ROWS
) -> list[tuple[Any, ...]]:
    """Where two or more columns have values ``first`` (a SQLite INTEGER column's fractions,
    which its probe values hold last: the cut of ``cross`` leaves each beside the other
    columns' first values, NULL, only), the cross product of those columns' values, each
    column's ``first`` ahead of its other values but NULL, cut from the end to ``limit``
    rows; the other columns at their first value. ``a > 0 AND b > a`` keeps (0.5, 1), which
    ``b > 1`` refuses (stranger56)."""
    if sum(1 for values in first if values) < 2:
        return []
    lists = [
        _distinct_values([*ahead, *(v for v in values if v is not None)])
        if ahead
        else values[:1] or [None]
        for values, ahead in zip(columns, first, strict=True)
    ]
    return list(itertools.product(*_cut(lists, limit)))


def _distinct_values(values: list[Any]) -> list[Any]:
    """``values`` without repeats, in their first order (1 and 1.0 stay apart: ``distinct``)."""
    return [row[0] for row in distinct((v,) for v in values)]


def _side_by_side(
    columns: list[list[Any]], firsts: list[Any], related: Sequence[tuple[Any, Any]]
) -> list[tuple[Any, ...]]:
    """Each related pair (a, b) in each two columns whose probes hold a and b
    (``probe_strings.text_pairs``, ``probe_numbers.NUMBER_PAIRS``), the rest at their first
    value."""
    rows = []
    held = [set(map(repr, values)) for values in columns]
    for n, m in itertools.permutations(range(len(columns)), 2):
        for a, b in related:
            if repr(a) in held[n] and repr(b) in held[m]:
                row = list(firsts)
                row[n], row[m] = a, b
                rows.append(tuple(row))
    return rows


def distinct(rows: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """``rows`` without repeats, in their first order; rows equal in Python but not to a
    database stay apart: Decimal 1 and 1.0 (another numeric to PostgreSQL, '1.0' as text), 1
    and 1.0 and True."""
    kept: dict[tuple[tuple[type, str], ...], tuple[Any, ...]] = {}
    for row in rows:
        kept.setdefault(tuple((type(v), str(v)) for v in row), row)
    return list(kept.values())


def _extremes(columns: list[list[Any]], firsts: list[Any]) -> list[tuple[Any, ...]]:
    """Each number of one number column beside each extreme of another, the rest at their
    first value (``x IN (-1, 9999)`` beside a y of 2147483647: x + y overflows int4)."""
    ends = [_ends(values) for values in columns]
    rows: dict[tuple[Any, ...], None] = {}
    for n, m in itertools.permutations(range(len(columns)), 2):
        for v, e in itertools.product(_numbers(columns[n]), ends[m]):
            row = list(firsts)
            row[n], row[m] = v, e
            rows[tuple(row)] = None
    return list(rows)[:_MAX_EXTREMES]


def _numbers(values: list[Any]) -> list[Any]:
    """The finite numbers among ``values``, in order (a NaN sorts with none)."""
    return sorted(
        {
            v
            for v in values
            if isinstance(v, int | float | Decimal) and not isinstance(v, bool) and v == v
        }
        - {float("inf"), float("-inf")}
    )


def _ends(values: list[Any]) -> list[Any]:
    """A number column's three largest and three smallest values (none for other columns): the
    outermost may be past what one side's type holds (2**63 - 1 in an int4), the next are not."""
    numbers = _numbers(values)
    return list(dict.fromkeys([*numbers[-3:], *numbers[:3]]))
