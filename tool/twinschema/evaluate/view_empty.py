"""Views that aggregate, run on empty base tables too (stranger94a 003).

An aggregate without GROUP BY returns one row over no input: ``count(...) * 100 / count(*)`` is
NULL on SQLite (its division by zero) and fails with "division by zero" on PostgreSQL; and
``count(*) FILTER (WHERE ...)`` is 0 where ``sum(x IS NOT NULL)`` is NULL. The probe rows
always held rows (and a filter literal some of them met), so such views were "the same rows";
an empty table, or a filter no row meets (``WHERE category = 'W50'`` before the first W50
runner), is the input that parts them. So where the probe rows part no such view, it is also
run with every base table empty, and where the answers part there, that is the witness (with
no base row). Near miss: ``coalesce(sum(...), 0)`` against ``count(*) FILTER``, or a division
by ``nullif(count(*), 0)`` on both sides, agree on empty tables too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
# An aggregate call: the views whose answer over no row is one row.
_AGGREGATE = re.compile(
    r"\b(?:count|sum|total|avg|min|max|group_concat|string_agg|array_agg|json_agg|"
    r"json_group_array|bool_and|bool_or|every)\s*\(",
    re.I,
)


def tried(views: Sequence[str], trier: Callable[[dict[int, list[Any]]], T | None]) -> T | None:
    """What ``trier`` finds with every base table empty, where one of the views' SQL texts
    ``views`` calls an aggregate; else None (a view without one returns no row on no row)."""
    if not any(_AGGREGATE.search(text) for text in views):
        return None
    return trier({})
