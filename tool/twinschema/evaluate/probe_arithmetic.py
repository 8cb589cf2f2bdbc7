"""The probe rows where arithmetic over a table's columns meets an edge no CHECK end or literal
is near (``probe_sets.probe_rows`` adds them): a product at the value it is compared with
(``product_rows``), a product just past a narrow integer type's ends (``past_type_ends``), a
``round()`` at a half SQLite's doubles miss (``half_rows``), an expression landing on a type's
end (``type_end_landings``)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from twinschema.canonical import typemap, typemap_storage
from twinschema.evaluate import half_rounds, probes
from twinschema.evaluate.context import StageContext, find
from twinschema.evaluate.expression_reads import reads
from twinschema.model import Column
from twinschema.records.kinds import INTEGER_KINDS


def product_rows(
    names: list[str],
    values: list[list[Any]],
    products: tuple[tuple[str, str, Decimal], ...],
    numbers: tuple[Decimal, ...],
) -> list[tuple[Any, ...]]:
    """For each product ``a * b`` compared with L and each number k the probes hold, the row
    with a at k and b at L / k, and the other way round, where both columns' probes hold those
    values (``landings.over_products`` made L / k one), the rest at their first value: the cut
    cross product may leave out qty 2 beside price 1.5, which a CHECK on their product meets
    (stranger50 014)."""
    firsts = [column_values[0] if column_values else None for column_values in values]
    rows = []
    for a, b, target in products:
        for k in (n for n in numbers if n and n.is_finite()):
            for x, y in ((a, b), (b, a)):
                if x not in names or y not in names:
                    continue
                at = [names.index(x), names.index(y)]
                held = [
                    next((v for v in values[i] if _is_number(v, want)), None)
                    for i, want in zip(at, (k, target / k), strict=True)
                ]
                if None not in held:
                    row = list(firsts)
                    row[at[0]], row[at[1]] = held
                    rows.append(tuple(row))
    return rows


# The small factors a product is probed with just past its type's ends.
_FACTORS = (2, 3)


def past_type_ends(
    st: StageContext, table: str, names: list[str], values: list[list[Any]],
    products: tuple[tuple[str, str, Decimal], ...],
) -> list[tuple[Any, ...]]:  # fmt: skip
    """For each product ``a * b`` a side computes in a narrow integer type (both columns of
    one, the wider counting), the rows with one column at 2 or 3 and the other at the integer
    that takes the product just past that type's ends, the rest at their first value:
    ``width * height <= 4000000`` over PostgreSQL smallints overflows at (2, 16384), which
    SQLite's integers store; no CHECK end or literal is near it."""
    firsts = [column_values[0] if column_values else None for column_values in values]
    rows = []
    for side in (st.left, st.right):
        narrow = typemap_storage.NARROW_INTEGERS.get(side.schema.dialect, frozenset())
        for a, b, _ in products:
            columns = [find(side, table, name)[1] for name in (a, b)]
            kinds = [typemap.kinds_of(c.type) & narrow if c else frozenset() for c in columns]
            if a not in names or b not in names or not all(kinds):
                continue
            wider = "integer" if "integer" in kinds[0] | kinds[1] else "smallint"
            for end, k in itertools.product(typemap_storage.INTEGER_RANGES[wider], _FACTORS):
                past = -(-end // k) if end > 0 else end // k  # past * k reaches end, then passes it
                past += (past * k == end) * (1 if end > 0 else -1)
                for x, y in ((a, b), (b, a)):
                    row = list(firsts)
                    row[names.index(x)], row[names.index(y)] = k, past
                    rows.append(tuple(row))
    return rows


def _is_number(value: Any, want: Decimal) -> bool:
    """True where the probe value ``value`` is the number ``want`` (not a boolean or a text)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return False
    return Decimal(str(value)) == want


def half_rows(
    texts: tuple[tuple[str, str], ...],
    pairs: list[tuple[Column, Column]],
    values: list[list[Any]],
) -> tuple[tuple[Any, ...], ...]:
    """Across SQLite and PostgreSQL, the rows where a ``round()`` of arithmetic over integer
    and numeric columns is a half at its digit that SQLite's doubles miss (``half_rounds``),
    the other columns at their first probe value (NULL where they take it)."""
    if {dialect for dialect, _ in texts} != {"sqlite", "postgresql"}:
        return ()
    columns: tuple[list[tuple[str, str, int | None, int | None]], ...] = ([], [])
    for lc, rc in pairs:
        kind = probes.kind_of(lc, rc)
        scale = lc.type.scale if lc.type.scale is not None else rc.type.scale
        kind = "integer" if kind in INTEGER_KINDS else kind or ""
        for own, column in zip(columns, (lc, rc), strict=True):  # each text reads its own names
            own.append((column.own_name.lower(), kind, scale, precision(lc, rc)))
    firsts = [column_values[0] if column_values else None for column_values in values]
    found = []
    for (dialect, text), own in zip(texts, columns, strict=True):
        for hit in half_rounds.rows(dialect, text, tuple(own)):
            row = list(firsts)
            for name, value in hit:
                at = next((i for i, c in enumerate(own) if c[0] == name), None)
                if at is not None:
                    row[at] = int(value) if own[at][1] == "integer" else value
            found.append(tuple(row))
    return tuple(found)


def type_end_landings(
    st: StageContext, table: str, texts: tuple[Sequence[str], Sequence[str]]
) -> tuple[tuple[str, Decimal], ...]:
    """(column, value) where an expression of a side (``texts``: each side's) lands on an end
    of a narrow integer type of its table (PostgreSQL's integer and smallint), to be probed
    (``landed``): ``abs(-x * 2)`` at x = 1073741824, where ``-x * 2`` is the smallest integer
    and ``abs`` of it overflows; ``(x + 1) * 2 / 2`` at x = 2147483646, where ``x + 1`` does
    not. No CHECK end or literal is near them."""
    found: list[tuple[str, Decimal]] = []
    for side, expressions in zip((st.left, st.right), texts, strict=True):
        dialect, own = side.schema.dialect, find(side, table, "")[0]
        narrow = typemap_storage.NARROW_INTEGERS.get(dialect, frozenset())
        kinds = {k for c in own.columns for k in typemap.kinds_of(c.type) & narrow} if own else ()
        ends = ", ".join(str(v) for k in sorted(kinds) for v in typemap_storage.INTEGER_RANGES[k])
        for text in expressions if ends else ():
            got = reads(dialect, f"({text}) IN ({ends})")
            found += got.landed if got is not None else ()
    return tuple(dict.fromkeys(found))


def precision(left: Column, right: Column) -> int | None:
    """The declared NUMERIC precision of a column, the left side's first."""
    return left.type.precision if left.type.precision is not None else right.type.precision
