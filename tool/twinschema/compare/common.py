"""Small helpers the comparators share: key order, equality in any order, spellings."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Set as AbstractSet
from typing import TypeVar

from twinschema.model import (
    EQUALITY_EXACT,
    EQUALITY_MEANINGS,
    Collation,
    Column,
)

K = TypeVar("K", bound=Hashable)

NOTHING: AbstractSet[int] = frozenset()  # no CHECK accounted for by a column's type


def same_items(left: tuple[Hashable, ...], right: tuple[Hashable, ...]) -> bool:
    """True when two sides hold equal objects, in any order: nothing of that kind differs.

    A table holds a handful of each kind: matching them off one by one compares a few pairs,
    where counting them would hash every object (each hash a tuple of its fields)."""
    if left == right:
        return True
    if len(left) != len(right):
        return False
    rest = list(right)
    for item in left:
        try:
            rest.remove(item)  # its first equal in ``rest``
        except ValueError:
            return False  # one more of it on the left
    return True


def ordered_keys(left: Iterable[K], right: Iterable[K]) -> Iterator[K]:
    """The keys of both sides, left's first, each once."""
    seen: set[K] = set()
    for key in (*left, *right):
        if key not in seen:
            seen.add(key)
            yield key


def coll_text(collation: Collation | None) -> str:
    """A collation as a report spells it."""
    return f"COLLATE {collation.name}" if collation is not None else "default collation"


def coll_meaning(collation: Collation | None, default: str | None = None) -> str:
    """What a collation makes equal; None is ``default`` (an index element: its column's
    own collation), else the dialect's default collation."""
    if collation is not None:
        return collation.describe()
    return default or f"the default collation ({EQUALITY_MEANINGS[EQUALITY_EXACT]})"


def spell(column: Column | None) -> str | None:
    """A column's type as a report spells it (None: the column is absent)."""
    return column.type.spelling() if column is not None else None


def cols(columns: Iterable[str]) -> str:
    """Column names as a report lists them."""
    return ", ".join(columns)
