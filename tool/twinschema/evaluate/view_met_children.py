"""Child rows meeting a view's filters for each parent row near now (stranger89 002).

A parent row holding a moment near now (``view_now``: a sailing at now + 30 min written in
-01:00) decides a view over a join only through the child rows naming it, and those were the
diagonals' (``view_probes.crossed``): the booking naming sailing -5 took the status the row
numbering gave it, the probe values cycled by their count. With ``CHECK (status IN ('active',
'cancelled'))`` it was 'active' and ``not_checked_in`` (``b.status = 'active' AND NOT
b.checked_in AND s.departs_at > now() ...``) parted on it; with a third value in the CHECK (any
order) it was 'waitlisted', the filter dropped it, and the view was "the same rows" (a false in
sync, and "remove this allowance" for an allowance that still held).

So each parent row near now (at most ``PARENTS`` per reference) also gets child rows naming it
with each combination of the values a filter can ask of the child's closed columns: each label
of an enum (a CHECK IN list over the column, or its type's), both values of a boolean, each of
the views' text literals a text column holds (beside the row's own value); at most
``COMBINATIONS`` per parent (the first closed columns crossed fully, the rest at their first
value). The child's keys are new (``view_copies.copied``), its other columns the values of the
child row that already named the parent (else of the first child row).

Near miss: a view whose SQLite side compares a normalised moment
(``datetime(s.departs_at) > datetime('now')``) returns the same rows on these rows too, under
two enum values and three.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import count, islice, product
from typing import Any

from twinschema.evaluate import probes, view_copies, view_now
from twinschema.evaluate.view_keys import Keys, Reference
from twinschema.model import Column, Table

Rows = list[tuple[Any, ...]]
# A column's values a filter may ask, and whether they are its whole domain (an enum's labels,
# a boolean's values) or literals beside which a row's own value is tried too.
Closed = tuple[tuple[Any, ...], bool]
# Parent rows near now given children of their own, per foreign key, at most.
PARENTS = 32
# Combinations of the closed columns' values per parent row, at most.
COMBINATIONS = 12
# The views' text literals a column holds, tried per column, at most.
_NAMED = 2


def met_children(
    rows: Sequence[Sequence[tuple[Any, ...]]],
    fits: Sequence[Sequence[Sequence[Any]]],
    own_keys: Sequence[Sequence[int]],
    keys: Keys,
    closed: Sequence[Sequence[Closed]],
) -> list[Rows]:
    """``rows`` (per base) and, for each foreign key between two bases, child rows naming each
    parent row that holds a moment near now, one per combination of ``closed`` (per base and
    column: the values a filter may ask, ``closed_values``; empty where none)."""
    found = [list(r) for r in rows]
    counter = count()
    for ref in keys.references:
        if ref.child == ref.parent or not found[ref.child]:
            continue
        near = [r for r in found[ref.parent] if _near(r)][:PARENTS]
        for parent in near:
            named = tuple(parent[i] for i in ref.to)
            if any(v is None for v in named):
                continue
            for row in _variants(found[ref.child], ref, named, closed[ref.child]):
                made = view_copies.copied(
                    found, fits, keys, ref.child, row, own_keys[ref.child], counter
                )
                if made is None:
                    break
                found[ref.child].append(tuple(made))
    return found


def closed_values(
    pair: tuple[Table, Table],
    columns: Sequence[str],
    fits: Sequence[Sequence[Any]],
    read: Sequence[bool],
    keys: Sequence[int],
    named: Sequence[str],
) -> list[Closed]:
    """Per column of a base table, the values a view's filter may ask of it, among those both
    sides take (``fits``): each label of an enum, False and True for a boolean, else the views'
    text literals (``named``) it holds, at most ``_NAMED``; empty for a key, a column no view
    reads, or one with none of these. An enum's labels the views name come first, so the
    combination a filter asks is among the first ``COMBINATIONS``."""
    found: list[Closed] = []
    for j, name in enumerate(columns):
        given = fits[j]
        lc, rc = pair[0].column(name), pair[1].column(name)
        if j in keys or not read[j] or lc is None or rc is None:
            found.append(((), True))
            continue
        labels = _labels(pair[0], lc) | _labels(pair[1], rc)
        if labels and probes.kind_of(lc, rc) in probes.TEXT_KINDS:
            # The labels the views name first (fix94b): a fifth label asked beside two more
            # closed columns came past ``COMBINATIONS`` and no child met the filter.
            held = [v for v in given if v in labels]
            asked = [v for v in named if v in held]
            found.append((tuple(dict.fromkeys([*asked, *held])), True))
        elif any(v is False for v in given) and any(v is True for v in given):
            found.append(((False, True), True))
        else:
            found.append((tuple(s for s in named if s in given)[:_NAMED], False))
    return found


def _variants(
    children: Sequence[tuple[Any, ...]],
    ref: Reference,
    named: tuple[Any, ...],
    closed: Sequence[Closed],
) -> Iterator[tuple[Any, ...]]:
    """Child rows naming ``named`` by ``ref``: the child row that names it (else the first) with
    its closed columns set to each combination of their values (a text column's literals
    after its own value), at most ``COMBINATIONS``: every combination of the enums and
    booleans before a literal is tried in a text column."""
    like = next((c for c in children if tuple(c[i] for i in ref.at) == named), children[0])
    template = list(like)
    for i, v in zip(ref.at, named, strict=True):
        template[i] = v
    # ``product`` turns its last columns fastest: the columns holding the views' literals
    # first (each at its own value first), so every combination of the enums and booleans
    # is made before a literal is tried.
    ways = [
        (j, list(dict.fromkeys((template[j], *given))))
        for j, (given, whole) in enumerate(closed)
        if given and not whole
    ]
    ways += [(j, list(given)) for j, (given, whole) in enumerate(closed) if given and whole]
    ways = [(j, options) for j, options in ways if j not in ref.at]
    combos = product(*(options for _, options in ways))
    for combo in islice(combos, COMBINATIONS):
        row = list(template)
        for (j, _), v in zip(ways, combo, strict=True):
            row[j] = v
        yield tuple(row)


def _near(row: tuple[Any, ...]) -> bool:
    return any(isinstance(v, view_now.NowMoment) for v in row)


def _labels(table: Table, column: Column) -> set[Any]:
    """The labels of an enum column: its type's, or a CHECK's IN list over it alone."""
    found = set(column.type.values or ())
    for check in table.checks:
        if check.values and check.column and check.column.lower() == column.own_name.lower():
            found |= set(check.values)
    return found
