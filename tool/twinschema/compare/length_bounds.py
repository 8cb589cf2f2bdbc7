"""Two declared lengths of a varchar judged with the CHECKs that bound the column's length.

``VARCHAR(100)`` against ``varchar(150)`` is no difference where each side also has ``CHECK
(length(x) BETWEEN 1 AND 100)``: the CHECK keeps both to 100 characters, and a side whose
dialect does not enforce its declared length (``typemap.enforces_length``) keeps no other
bound (stranger60 003). What a side takes, on lengths, is then two facts:

- its bound: the smaller of its CHECK's bound and, where its dialect enforces it, its declared
  length;
- whether it stores a text whose excess over its declared length is spaces, cut to that length
  (a dialect that enforces its length cuts so on assignment): only where the cut text passes
  its CHECK, that is where the declared length is the bound.

Two sides alike in both are one rule. Two with one bound that part on the cut alone differ by
one row, ``'x' * n + ' '`` (stored cut on one side, refused by the other's CHECK): that is
the difference, said so (not "rejects values longer than n that the other accepts", which the
other's CHECK refuses too). Where the bounds differ, the difference names them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from twinschema.canonical import expr_tree, typemap
from twinschema.canonical.identifiers import sql_name
from twinschema.records import Side

SAME = "same"


@dataclass(frozen=True)
class Taken:
    """What one side takes, on lengths: its bound (None: none) and whether it stores a text
    whose excess over its declared length is spaces, cut."""

    bound: int | None
    cuts: bool
    checked: bool


def judged(
    sides: tuple[tuple[Side, str], tuple[Side, str]], table: str, column: str,
    lengths: tuple[int, int],
) -> str | None:  # fmt: skip
    """Where both sides have a CHECK bounding the column's length: ``SAME`` when they take the
    same texts, else what parts them in words; None where a side has no such CHECK (the
    declared lengths decide)."""
    taken = [_taken(side, table, column, n) for (side, _), n in zip(sides, lengths, strict=True)]
    if not all(t.checked for t in taken):
        return None
    left, right = taken
    if left.bound == right.bound:
        if left.cuts == right.cuts:
            return SAME
        k = 0 if left.cuts else 1
        label, other = sides[k][1], sides[1 - k][1]
        return (
            f"each keeps at most {left.bound} characters by its CHECK or type, but {label} "
            f"stores a text whose excess over {lengths[k]} is spaces cut to {lengths[k]} "
            f"characters ('x' * {lengths[k]} + ' '), which {other}'s CHECK rejects"
        )
    k = 0 if right.bound is None or (left.bound is not None and left.bound < right.bound) else 1
    bound = taken[k].bound
    label, other = sides[k][1], sides[1 - k][1]
    kept = f"at most {taken[1 - k].bound}" if taken[1 - k].bound is not None else "any length"
    return (
        f"{label} takes at most {bound} characters (its type and CHECK together), {other} "
        f"{kept}: {label} rejects texts of {bound + 1 if bound is not None else 0} characters "
        f"that {other} accepts"
    )


def _taken(side: Side, table: str, column: str, declared: int) -> Taken:
    """What ``side`` takes of ``column`` (its declared length ``declared``), on lengths."""
    check = check_bound(side, table, column)
    enforced = typemap.enforces_length(side.schema.dialect)
    bounds = [b for b in (check, declared if enforced else None) if b is not None]
    bound = min(bounds) if bounds else None
    cuts = enforced and (check is None or declared <= check)
    return Taken(bound, cuts, check is not None)


def check_bound(side: Side, table: str, column: str) -> int | None:
    """The smallest n that a CHECK of ``side``'s ``table`` bounds ``length(column)`` by, alone
    or in its top AND (``length(c) <= n``, ``length(c) < n + 1``; ``BETWEEN 1 AND n`` reads
    so), None where none does."""
    found = side.schema.tables.get(table)
    name = re.escape(sql_name(column))
    pattern = re.compile(rf"^length\({name}\) (<=|<) (\d+)$")
    bounds = []
    for check in found.checks if found else ():
        for conjunct in expr_tree.conjuncts(check.expression):
            match = pattern.match(conjunct)
            if match:
                bounds.append(int(match[2]) - (1 if match[1] == "<" else 0))
    return min(bounds) if bounds else None
