"""Two tables' CHECKs grouped otherwise: ``CHECK (a > 0 AND b > 0)`` is ``CHECK (a > 0), CHECK
(b > 0)``. A row passes a CHECK unless it is false, and ``A AND B`` is false exactly where A or
B is (in three-valued logic too), so one CHECK of a conjunction and one CHECK per conjunct
refuse the same rows. The comparer records such tables as one equivalence (``SPLIT_RULE``);
across dialects the evaluation stage still runs each side's regrouped CHECKs, as one
conjunction, where their operators depend on the dialect. ``a > 0 OR b > 0`` is no conjunction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

from twinschema.canonical.expr_tree import conjuncts

SPLIT_RULE = "CHECK split at AND"
# A CHECK on one side only whose every conjunct the other side's CHECKs hold too.
HELD_RULE = "its conjuncts are in the other side's CHECKs"

T = TypeVar("T")


def split_alike(left: Iterable[str], right: Iterable[str]) -> bool:
    """True when two tables' CHECKs (their canonical texts) differ one by one but hold the same
    conjuncts in all."""
    lkeys, rkeys = set(left), set(right)
    return lkeys != rkeys and _conjuncts(lkeys) == _conjuncts(rkeys)


def regrouped(left: Mapping[str, T], right: Mapping[str, T]) -> tuple[list[T], list[T]]:
    """Each side's CHECKs (by canonical text) the other lacks as they are but holds conjunct by
    conjunct, in order."""
    lconj, rconj = _conjuncts(left), _conjuncts(right)
    return (
        [c for k, c in left.items() if k not in right and set(conjuncts(k)) <= rconj],
        [c for k, c in right.items() if k not in left and set(conjuncts(k)) <= lconj],
    )


def held_by_other(left: Mapping[str, T], right: Mapping[str, T]) -> tuple[list[str], list[str]]:
    """The CHECKs (canonical texts) of each side that the other lacks as they are but whose
    every conjunct is a conjunct of one of its CHECKs: that side then refuses every row such a
    CHECK refuses, and no row parts the sides on it (``CHECK (qty > 0)`` beside ``CHECK (qty >
    0 AND total <= 1000)``, stranger48 019). What the other side's CHECK holds more stays a
    difference of its own."""
    lconj, rconj = _conjuncts(left), _conjuncts(right)
    return (
        [k for k in left if k not in right and set(conjuncts(k)) <= rconj],
        [k for k in right if k not in left and set(conjuncts(k)) <= lconj],
    )


def listed(texts: Iterable[str]) -> str:
    """``CHECK (a > 0), CHECK (b > 0)``: a group of CHECKs as messages show it."""
    return ", ".join(f"CHECK ({text})" for text in texts) or "-"


def _conjuncts(keys: Iterable[str]) -> set[str]:
    return {c for key in keys for c in conjuncts(key)}
