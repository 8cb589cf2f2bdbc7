"""Probe rows for the moments near now (``view_now``), beside the diagonals (``view_probes``).

On the diagonals a moment an hour ago met a returned_at that was set, and the overdue view it
parts never saw it (stranger79 001): each moment near now gets a row of its own, the other
columns at their first value. A view's filter often names a value of another column too
(``status = 'held' AND hold_until BETWEEN now() AND ...``); the first value of status was
'cancelled', so no moment near now ever met the filter and the view was "not compared", or
"the same rows" where an offset spelling parts it (stranger83 002, 004). Each moment therefore
also gets a row with each column (no key) at each of the first ``NAMED`` text literals of the
views its values hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from twinschema.evaluate import view_dates, view_now, view_switches

# The views' text literals each moment near now is also crossed with, per column, at most.
NAMED = 2


def near_rows(
    values: Sequence[Sequence[Any]],
    keys: Sequence[int],
    seen: set[tuple[Any, ...]],
    named: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """A row for each moment near now among ``values`` (per column), the other columns at
    their first value (NULL where a column takes it), and one more for each column (no key)
    at each of the first ``NAMED`` of the views' text literals ``named`` it holds; each row
    with keys of its own (``seen``: the keys used, which takes the new rows' keys)."""
    found: list[tuple[Any, ...]] = []
    others = [
        (i, [s for s in named if s in given][:NAMED])
        for i, given in enumerate(values)
        if i not in keys
    ]
    for j, given in enumerate(values):
        for value in given if j not in keys else ():
            if not isinstance(value, view_now.NowMoment):
                continue
            first = [v[0] if v else None for v in values]
            variants = [first] + [
                [*first[:i], s, *first[i + 1 :]] for i, said in others if i != j for s in said
            ]
            variants += view_dates.bounding(first, values, [*keys, j])  # CHECKs across dates
            for row in dict.fromkeys((*v[:j], value, *v[j + 1 :]) for v in variants):
                made = view_switches.keyed(list(row), values, keys, seen)
                if made is None:
                    return found
                found.append(made)
    return found


def cut(values: Sequence[Any], first: int) -> list[Any]:
    """The ``first`` of a column's values and every moment near now past them (``view_now``:
    a day a step away is no less telling than the values before it)."""
    return [v for i, v in enumerate(values) if i < first or isinstance(v, view_now.NowMoment)]
