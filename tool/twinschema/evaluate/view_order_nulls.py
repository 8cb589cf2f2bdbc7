"""Groups of rows that part SQLite's and PostgreSQL's order of NULLs under a view's top-N cut
(stranger94a 001).

SQLite sorts NULL first in ascending order, PostgreSQL last. A podium, ``rank() OVER
(PARTITION BY event_id, category ORDER BY chip_ms)`` kept by ``WHERE place <= 3``, or
``... ORDER BY chip_ms LIMIT 3``, returns the runner without a time on SQLite and the third
runner on PostgreSQL, but only where one partition passing the view's filters holds a NULL and
three other times: the probe rows held such a partition by chance (a whole-table rank was
parted, the podium not). So each nullable column a view's ``ORDER BY`` names gets groups of a
NULL and N distinct values of its own (N: the largest number of a ``LIMIT`` or of a ``<`` or
``<=`` comparison in the views' SQL, at least 1, at most ``_MOST``), the other columns as a
template has them (one partition) and fresh (a partition of its own), also placed where the
views' filters hold (``view_placed``), as the float-sum groups are (``view_sums``). Near
miss: ``ORDER BY chip_ms NULLS LAST`` on both sides returns the same rows on these groups.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from twinschema.evaluate import view_met, view_now, view_placed, view_probes, view_sums
from twinschema.evaluate.backends import Backend
from twinschema.evaluate.view_keys import Keys
from twinschema.model import Schema, Table

Rows = list[tuple[Any, ...]]
# The most values beside the NULL in a group (a top-N cut past it is not probed).
_MOST = 5
# An ORDER BY clause's text, to its closing parenthesis, LIMIT, OFFSET or the end.
_ORDER = re.compile(r"\border\s+by\b(.*?)(?=\)|\blimit\b|\boffset\b|;|$)", re.I | re.S)
# The numbers a top-N cut names: LIMIT n, x <= n, x < n.
_CUT = re.compile(r"(?:\blimit\s+|<=\s*|<\s*)(\d+)\b", re.I)


def with_nulls(
    schemas: tuple[Schema, Schema],
    pairs: Sequence[tuple[Table, Table]],
    columns: Sequence[Sequence[str]],
    fits: Sequence[Sequence[Sequence[Any]]],
    rows: Sequence[Sequence[tuple[Any, ...]]],
    own_keys: Sequence[Sequence[int]],
    text: str,
    backends: tuple[Backend | None, Backend | None],
    keys: Keys,
    units: list[list[Rows]] | None = None,
) -> list[Rows]:
    """``rows`` (per base table of a view) and, for each column ``ordered_columns`` finds, a
    group of rows holding NULL and ``cut(text)`` distinct probe values of it (``fits``), the
    other columns as the first rows have them and fresh, each key new, with parent and child
    rows of its own (``view_sums``), and placed where the views' filters hold; each group also
    given to ``units``, where it is judged alone (``view_placed.alone``)."""
    found = [list(r) for r in rows]
    n = cut(text)
    if n is None:
        return found
    counter = view_sums.Counter()

    def linked(rows: list[Rows], fits: Any, keys: Keys, b: int, group: Rows, *rest: Any) -> Rows:
        before = [len(r) for r in rows]
        made = view_sums.link_rows(rows, fits, keys, b, group, *rest)
        if units is not None:
            unit = [list(r[m:]) for r, m in zip(rows, before, strict=True)]
            unit[b] += made
            units.append(unit)
        return made

    filters = view_met.filters_of(text, pairs, columns)
    placing = None
    if view_met.wanted(filters):
        placed = (schemas, pairs, columns, fits, own_keys, filters, backends, keys)
        placing = view_placed.Placing(*placed, view_sums.groups, linked)
    for b, (tables, given) in enumerate(zip(pairs, columns, strict=True)):
        for j in ordered_columns(text, tables, given) if rows[b] else []:
            values = _values(fits[b][j], n)
            if values is None:
                continue
            amounts = (None, *values)
            for group, fresh in view_sums.groups(
                found[b], fits[b], own_keys[b], (j,), amounts, counter
            ):
                found[b] += linked(found, fits, keys, b, group, fresh, counter)
            if placing is not None:
                placing.place(found, b, (j,), amounts, True, set(), counter)
    return found


def cut(text: str) -> int | None:
    """How many values beside a NULL a group needs to part a top-N cut of ``text``: the
    largest number of a LIMIT or a ``<``/``<=`` comparison (at least 1, at most ``_MOST``);
    None where the views' SQL orders by nothing."""
    if _ORDER.search(text) is None:
        return None
    found = [int(m.group(1)) for m in _CUT.finditer(text)]
    return max(1, min(_MOST, max(found, default=1)))


def ordered_columns(text: str, tables: tuple[Table, Table], columns: Sequence[str]) -> list[int]:
    """The indexes of ``columns`` an ORDER BY of the views' SQL ``text`` names (in a window or
    before a LIMIT) that both sides' tables let hold NULL (a NOT NULL column sorts no NULL)."""
    clauses = " ".join(m.group(1) for m in _ORDER.finditer(text))
    found = []
    for j, name in enumerate(columns):
        lc, rc = tables[0].column(name), tables[1].column(name)
        if lc is None or rc is None or not (lc.nullable and rc.nullable):
            continue
        if any(view_probes.word(c.own_name).search(clauses) for c in (lc, rc)):
            found.append(j)
    return found


def _values(fitted: Sequence[Any], n: int) -> tuple[Any, ...] | None:
    """``n`` distinct values of ``fitted`` (a column's probe values) of one kind, numbers or
    texts, none a moment near now; None where it has fewer."""
    kinds: dict[type, list[Any]] = {}
    for v in dict.fromkeys(fitted):
        if v is None or isinstance(v, view_now.NowMoment | bool):
            continue
        kind = Decimal if isinstance(v, int | float | Decimal) else type(v)
        kinds.setdefault(kind, []).append(v)
    for found in kinds.values():
        if len(found) >= n:
            return tuple(found[:n])
    return None
