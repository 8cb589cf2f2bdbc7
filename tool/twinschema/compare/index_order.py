"""Two unique indexes whose elements differ in order only: one rule (which two rows collide does
not depend on the order), judged element by element once one is put in the other's order."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from twinschema.model import Index

# The equivalence of two unique indexes whose elements differ in order only.
REORDERED_RULE = "unique index elements in another order"


def reordered_uniques(lefts: list[Index], rights: list[Index]) -> list[tuple[Index, Index]]:
    """Unique indexes left unpaired on each side whose elements are the same, each once, in
    another order, on the same predicate and method: which two rows collide does not depend on
    the order (as a UNIQUE constraint's columns, which pair in any order already), so the pair
    is judged as one index, element by element, like a pair written in one order (stranger40:
    across dialects the reordered pair went to the probes and was parted by a uuid spelling
    the same-order pair is only warned about)."""
    pairs = []
    taken: list[Index] = []
    for lindex in lefts:
        twin = next(
            (r for r in rights if r not in taken and _reordering(lindex, r)),
            None,
        )
        if twin is not None:
            taken.append(twin)
            pairs.append((lindex, twin))
    return pairs


def _reordering(left: Index, right: Index) -> bool:
    return (
        left.unique
        and right.unique
        and left.expressions != right.expressions
        and len(set(left.expressions)) == len(left.expressions)
        and sorted(left.expressions) == sorted(right.expressions)
        and (left.where, left.method) == (right.where, right.method)
    )


def in_order_of(index: Index, model: Index) -> Index:
    """``index`` with its elements (and each element's attributes) in ``model``'s order, which
    holds the same elements."""
    order = [index.expressions.index(e) for e in model.expressions]

    def moved(values: tuple[Any, ...] | None) -> Any:
        return values if not values else tuple(values[k] for k in order)

    return replace(
        index,
        expressions=model.expressions,
        descending=moved(index.descending),
        collations=moved(index.collations),
        nulls=moved(index.nulls),
        opclasses=moved(index.opclasses),
        raw_expressions=moved(index.raw_expressions),
        written_expressions=moved(index.written_expressions),
    )
