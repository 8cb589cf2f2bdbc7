"""Probe rows that set each two-way column a view reads both ways (``view_probes.crossed``).

A view's filter is often a conjunction of switches: a boolean column (``is_out``, ``is_out = 1``,
``is_out IS TRUE``) and a nullable one tested for NULL (``pub_name IS NOT NULL``). The diagonals
cross a column's values with one value each of another, so a two-valued column and a nullable
one meet on only some of their combinations: a keg out with no pub recorded was never made, and
twin views that part on exactly that row were "the same" or "not compared" (stranger80 003).
Here every combination of the first ``SWITCHES`` such columns (true and false; NULL and a value)
the diagonals missed gets a row of its own, the other columns at their first value and each key
a value no row has.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

# The two-way columns set every way at most (2 ** SWITCHES rows at most).
SWITCHES = 4


def switch_rows(
    values: Sequence[Sequence[Any]],
    keys: Sequence[int],
    read: Sequence[bool],
    rows: Sequence[tuple[Any, ...]],
    seen: set[tuple[Any, ...]],
) -> list[tuple[Any, ...]]:
    """Rows for each combination of the two-way columns' states that ``rows`` lack: a read
    column (no key) whose values hold both False and True is set to each; one whose values hold
    NULL and another value, to NULL and to its first other value. ``seen`` (the keys used) takes
    each new row's keys."""
    ways: list[tuple[int, tuple[Any, Any]]] = []
    for j, given in enumerate(values):
        if j in keys or not read[j]:
            continue
        if any(v is False for v in given) and any(v is True for v in given):
            ways.append((j, (False, True)))
        elif any(v is None for v in given):
            other = next((v for v in given if v is not None), None)
            if other is not None:
                ways.append((j, (None, other)))
    ways = ways[:SWITCHES]
    if len(ways) < 2:  # one column alone: the diagonals hold each of its values
        return []
    had = {tuple(_state(row[j]) for j, _ in ways) for row in rows}
    found: list[tuple[Any, ...]] = []
    for combination in itertools.product((0, 1), repeat=len(ways)):
        states = tuple(_state(pair[n]) for (_, pair), n in zip(ways, combination, strict=True))
        if states in had:
            continue
        row = [v[0] if v else None for v in values]
        for (j, pair), n in zip(ways, combination, strict=True):
            row[j] = pair[n]
        made = keyed(row, values, keys, seen)
        if made is None:
            return found
        found.append(made)
    return found


def keyed(
    row: list[Any],
    values: Sequence[Sequence[Any]],
    keys: Sequence[int],
    seen: set[tuple[Any, ...]],
) -> tuple[Any, ...] | None:
    """``row`` with each key column at a value of its own that no row of ``seen`` (the keys
    used) has at that place, and those keys added to ``seen``; None when a key's values are
    spent."""
    for at, k in enumerate(keys):
        used = {key[at] for key in seen}
        free = next((v for v in values[k] if v not in used), None)
        if free is None:
            return None
        row[k] = free
    seen.add(tuple(row[k] for k in keys))
    return tuple(row)


def _state(value: Any) -> Any:
    """What a switch column's value says: its truth for a boolean, else whether it is NULL."""
    return value if isinstance(value, bool) else value is None
