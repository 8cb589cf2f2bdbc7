"""A probe row copied beside the others of its table with keys of its own: the parent and child
rows a float-sum group gets (``view_sums``) and the parents a row near now gets
(``view_own_parents``) are such copies.

A copy must be a row both real databases store beside the others, or the scratch copy drops it
and the rows naming it with it (a join then loses the very rows that part the views). So each
unique key of the copy takes a combination of the values its columns take that no row holds,
not a fresh value of the column's kind: seat's UNIQUE (row_label, seat_no) under CHECK
(row_label GLOB '[A-Z]') gets ('A', 2), where a fresh text ('sum3') is refused by the CHECK.
Only the columns given new values (the key a foreign key names) and, for a group of its own,
the columns no key holds take fresh values where the probe values run out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from decimal import Decimal
from itertools import islice, product
from typing import Any

from twinschema.evaluate.view_keys import Keys

# Where a column's probe values are spent, a copy's own value (``_fresh``): past them.
_FRESH = 7100
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
# At most this many combinations of a unique key's values are tried for a copy.
_COMBINATIONS = 10_000


def copied(
    rows: Sequence[Sequence[tuple[Any, ...]]],
    fits: Sequence[Sequence[Sequence[Any]]],
    keys: Keys,
    base: int,
    like: tuple[Any, ...],
    new: Sequence[int],
    numbers: Iterator[int],
    fresh: bool = False,
) -> list[Any] | None:
    """``like`` (a row of ``base``) with values no row of it holds in the columns ``new`` (a
    probe value not yet used, else a fresh one: ``unheld`` of the next of ``numbers``), where ``fresh``
    in every column no key holds too (a group of its own, for a view grouping by a parent's
    name), and in each other unique key a combination of the values its columns take that no
    row holds (its foreign key's columns kept). None where every combination up to
    ``_COMBINATIONS`` is held: no copy, rather than one a CHECK or the key refuses."""
    bound = {i for ref in keys.references if ref.child == base for i in ref.at}
    uniques = [u for u in keys.uniques if u.base == base and not set(u.at) & set(new)]
    keyed = {i for u in uniques for i in u.at}
    loose = [i for i in range(len(like)) if i not in bound and i not in keyed and i not in new]
    copy = list(like)
    for i in [*new, *(loose if fresh else ())]:
        held = {r[i] for r in rows[base]}
        spare = [v for v in fits[base][i] if v not in held]
        copy[i] = spare[0] if spare else unheld(like[i], next(numbers), held)
    for unique in uniques:
        held_keys = {tuple(r[i] for i in unique.at) for r in rows[base]}
        if tuple(copy[i] for i in unique.at) not in held_keys:
            continue
        offered = product(
            *([copy[i]] if i in bound else dict.fromkeys(fits[base][i]) for i in unique.at)
        )
        spare_key = next((c for c in islice(offered, _COMBINATIONS) if c not in held_keys), None)
        if spare_key is None:
            return None
        for i, v in zip(unique.at, spare_key, strict=True):
            copy[i] = v
    return copy


def unheld(value: Any, n: int, held: set[Any]) -> Any:
    """``_fresh``'s value of ``value``'s kind for ``n``, or for the next number no row holds."""
    while (made := _fresh(value, n)) in held and made != value:
        n += 1
    return made


def _fresh(value: Any, n: int) -> Any:
    """A value of ``value``'s kind no probe row holds, for the ``n``-th copy or group (a group
    sharing an owner with other rows sums their amounts too, and 0.01 + 0.1 + 0.2 is exact as a
    double): a number past the probes, a uuid or a text of its own; else ``value`` (a boolean
    keeps the filter the template passed)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | Decimal):
        return type(value)(_FRESH + n)
    if isinstance(value, str):
        return f"00000000-0000-4000-9000-{n:012d}" if _UUID.match(value) else f"sum{n}"
    return value
