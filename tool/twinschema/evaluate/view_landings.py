"""Probe values of a NUMERIC column where a view's arithmetic of it with constants lands on a
literal or on a whole number a double misses (stranger94a 005).

SQLite computes ``fee * 100`` in doubles: 4.35 * 100 is 434.99999999999994, so ``WHERE fee *
100 >= 435`` drops a fee of exactly 4.35 that PostgreSQL's numeric keeps; and ``CAST(distance_km
* 1000 AS INTEGER)`` is 1000 for 1.001 (1000.9999999999999, truncated), 1001 on PostgreSQL.
The CHECK probes already invert such comparisons (``landings``: 0.57 for ``n * 100 <> 57``);
a view's filter and select list got no such value. So each view's SQL is read for the same
landings (quantized to the column's scale) and, for a cast to an integer of the column times a
whole number, the smallest values of its scale whose double product falls below or above the
exact one (``scaled_values.inexact_times``); they are offered first after the column's first
probe value. Near misses: an integer column (exact on both); ``round(n * 1000)`` before the
cast rounds 1000.9999999999999 to 1001 on both.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from twinschema.evaluate import landings, probes, scaled_values
from twinschema.evaluate.probe_arithmetic import precision
from twinschema.model import Table
from twinschema.records import SQLGLOT_DIALECTS
from twinschema.records.kinds import INTEGER_KINDS

# The integer types a cast truncates to on SQLite (and rounds to on PostgreSQL).
_INTEGERS = ("INT", "BIGINT", "SMALLINT", "TINYINT")


def added(
    offered: Sequence[Sequence[Any]],
    tables: tuple[Table, Table],
    columns: Sequence[str],
    views: Sequence[tuple[str, str]],
) -> list[list[Any]]:
    """``offered`` (each column's probe values) with, for each scaled NUMERIC column of
    ``tables``, the values where the views' arithmetic of it lands (``views``: (dialect, SQL)),
    placed after its first value."""
    trees = _trees(views)
    found = [list(v) for v in offered]
    if not trees:
        return found
    lt, rt = tables
    for j, name in enumerate(columns):
        lc, rc = lt.column(name), rt.column(name)
        if lc is None or rc is None or probes.kind_of(lc, rc) in INTEGER_KINDS:
            continue
        scale = lc.type.scale if lc.type.scale is not None else rc.type.scale
        if scale is None or scale <= 0:
            continue
        names = {lc.own_name.lower(), rc.own_name.lower()}
        new: list[Decimal] = []
        for tree in trees:
            landed = landings.landings(tree)
            for own in names:
                new += landings.for_column(landed, own, scale, precision(lc, rc))
            new += [v for f in _cast_factors(tree, names) for v in _inexact(scale, f)]
        new = [v for v in dict.fromkeys(new) if v not in found[j]]
        found[j] = found[j][:1] + new + found[j][1:]
    return found


def _trees(views: Sequence[tuple[str, str]]) -> list[Any]:
    """Each view's parsed SQL (those sqlglot reads)."""
    import sqlglot
    from sqlglot.errors import SqlglotError

    trees: list[Any] = []
    for dialect, sql in views:
        try:
            trees += [t for t in sqlglot.parse(sql, read=SQLGLOT_DIALECTS[dialect]) if t]
        except (SqlglotError, ValueError):
            continue
    return trees


def _cast_factors(tree: Any, names: set[str]) -> list[int]:
    """The whole factors c of each cast to an integer of a column of ``names`` times c."""
    from sqlglot import exp

    found: list[int] = []
    for cast in tree.find_all(exp.Cast):
        to = cast.args.get("to")
        inner = cast.this.unnest() if cast.this is not None else None
        if to is None or not to.is_type(*_INTEGERS) or not isinstance(inner, exp.Mul):
            continue
        for side, other in ((inner.this, inner.expression), (inner.expression, inner.this)):
            factor = landings.constant(other)
            side = side.unnest()
            read = isinstance(side, exp.Column) and side.name.lower() in names
            if read and factor and factor == factor.to_integral_value() and abs(factor) >= 2:
                found.append(int(factor))
    return found


def _inexact(scale: int, factor: int) -> tuple[Decimal, ...]:
    """The values of ``scale`` whose double times ``factor`` misses the exact product."""
    if factor == 10**scale:
        return scaled_values.inexact(scale)
    return scaled_values.inexact_times(scale, factor)
