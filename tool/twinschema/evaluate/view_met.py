"""The float-sum groups placed where a view's own filters hold (stranger89 001).

``view_sums`` places its groups of two amounts whose double sum is inexact (0.1 + 0.2) on the
first probe rows and on copies of the parents they name. A view filtering on a literal or on
the clock (``view_filters``) dropped all of them: a sailing dated 2024-01-01 is not today, a
delay of 2 is not ``> 15``, and 0.1 is not a length ``> 6``. Here each group is also placed up
to ``view_filters.TRIES`` times on a template whose filtered columns take values meeting the
filters, with parent copies (and child rows) meeting theirs, and a summed column bounded by a
literal takes a pair past the bound at the column's scale whose double sum is still inexact
(``> 6``: 6.01 and 6.05, 12.059999999999999 against 12.06). A view without such filters gets
no more rows than before.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from twinschema.evaluate import view_filters, view_fits
from twinschema.evaluate.backends import Backend
from twinschema.evaluate.view_filters import Comparison
from twinschema.model import Schema, Table

Filters = dict[int, list[Comparison]]
# Offsets tried past a bound (in steps of the column's scale), the first pairs kept.
_STEPS = 99
_PAIRS = 2


def filters_of(
    text: str, pairs: Sequence[tuple[Table, Table]], columns: Sequence[Sequence[str]]
) -> list[Filters]:
    """Per base table, its columns' filters in the views' SQL ``text``."""
    return [
        view_filters.comparisons(text, lt, rt, given)
        for (lt, rt), given in zip(pairs, columns, strict=True)
    ]


def met_values(
    schemas: tuple[Schema, Schema],
    tables: tuple[Table, Table],
    columns: Sequence[str],
    fits: Sequence[Sequence[Any]],
    said: Filters,
    backends: tuple[Backend | None, Backend | None],
) -> dict[int, list[Any]]:
    """Per filtered column, up to ``TRIES`` values meeting its filters: its probe values
    (``fits``), else values at and past its literals both sides' columns take."""
    found: dict[int, list[Any]] = {}
    for j, comparisons in said.items():
        met = view_filters.meeting(fits[j], comparisons)
        if not met:
            scale = _scale(tables, columns[j])
            offered = [view_filters.derived(comparisons, scale)]
            taken = view_fits.fitted(
                schemas, tables, [columns[j]], offered, [True], backends, False
            )
            met = view_filters.meeting(taken[0] if taken else [], comparisons)
        found[j] = met
    return found


def scale_of(tables: tuple[Table, Table], name: str) -> int | None:
    """The smaller declared scale of column ``name`` on the two sides (None: none declared)."""
    return _scale(tables, name)


def _scale(tables: tuple[Table, Table], name: str) -> int | None:
    scales = [c.type.scale for t in tables if (c := t.column(name)) is not None]
    given = [s for s in scales if s is not None]
    return min(given) if given else None


def shifted(said: Sequence[Comparison], scale: int | None) -> list[tuple[Decimal, Decimal]]:
    """Pairs of amounts meeting the summed column's own filters ``said``, past each of their
    bounds by steps of ``scale`` (2 unless given), whose double sum is not their decimal sum."""
    step = Decimal(1).scaleb(-(scale if scale is not None and scale > 0 else 2))
    bounds = [
        (v, c.op)
        for c in said
        for v in c.values[:1]
        if isinstance(v, Decimal) and c.op in (">", ">=", "<", "<=", "between")
    ]
    found: list[tuple[Decimal, Decimal]] = []
    for bound, op in bounds:
        sign = -1 if op in ("<", "<=") else 1
        near = [bound + sign * step * k for k in range(1, _STEPS + 1)]
        for i, a in enumerate(near):
            for b in near[i + 1 :]:
                if len(found) >= _PAIRS:
                    return found
                if not all(view_filters.meets(v, said) for v in (a, b)):
                    continue
                if float(a) + float(b) != float(a + b):
                    found.append((a, b))
    return found


def templates(
    rows: Sequence[tuple[Any, ...]],
    said: Filters,
    met: dict[int, list[Any]],
    keys: Sequence[int],
    target: Sequence[int],
    least: int = 1,
) -> list[tuple[Any, ...]]:
    """Up to ``TRIES`` rows like the first of ``rows`` whose filtered columns (not a key, not
    the summed ``target``) take the ``i``-th value meeting their filters (``met``); at least
    ``least`` (the most values meeting a filter of a table joined to it: its parent's copy
    takes the ``i``-th of those, fix94b: an hour after now, the fourth, for ``> now()``)."""
    if not rows:
        return []
    tries = max((len(v) for j, v in met.items() if j in said), default=0)
    return [applied(rows[0], said, met, i, [*keys, *target]) for i in range(max(1, least, tries))]


def applied(
    row: Sequence[Any], said: Filters, met: dict[int, list[Any]], i: int, kept: Sequence[int]
) -> tuple[Any, ...]:
    """``row`` with each filtered column not in ``kept`` set to its ``i``-th meeting value
    (the last where it has fewer); a column no value meets keeps its own."""
    return tuple(
        met[j][min(i, len(met[j]) - 1)] if j in said and met.get(j) and j not in kept else v
        for j, v in enumerate(row)
    )


def wanted(filters: Sequence[Filters]) -> bool:
    """True when some base's column is filtered (else the groups are placed as before)."""
    return any(filters)
