"""Where a table's own CHECKs keep the columns an expression reads, as probe values
(``probe_sets``): the numbers of those CHECKs (``numbers_within``), and the rows with
several number columns at their CHECKs' ends together (``corner_rows``). Arithmetic of several
columns reaches its extremes at such corners: ``x * y * 2`` with x kept to 0..46340 and y to
0..46341 overflows PostgreSQL's int4 at (46340, 46341), inside both tables' CHECKs, where
SQLite computes on; no literal of the expression comes near it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from twinschema.canonical import typemap
from twinschema.canonical.identifiers import catalog_key
from twinschema.canonical.typemap_storage import INTEGER_RANGES
from twinschema.evaluate import expression_reads
from twinschema.model import ColumnType, Table

# Each side's dialect and its table (None where the side lacks it).
Sides = tuple[tuple[str, Table | None], tuple[str, Table | None]]

# At most this many columns an expression reads get ``corner_rows`` (2^k rows).
CORNER_COLUMNS = 8


def numbers_within(sides: Sides, names: Sequence[str]) -> tuple[Decimal, ...]:
    """The finite numbers of each side's CHECKs that read only columns among ``names`` (logical
    names: each side's CHECKs read its own, ``_own``)."""
    found = [
        n
        for dialect, table in sides
        for _, columns, reads in expression_reads.table_checks(dialect, table)
        if columns <= {_own(dialect, table, name) for name in names}
        for n in reads.numbers
        if n.is_finite()
    ]
    return tuple(dict.fromkeys(found))


def _own(dialect: str, table: Table | None, name: str) -> str:
    """The logical column ``name`` as ``table``'s own expressions read it, by its key in
    ``dialect`` (``catalog_key``): domain.yaml may name it otherwise on its dialect
    (``unit_price``: ``unitprice``)."""
    return catalog_key(dialect, table.own_name_of(name) if table is not None else name)


def corner_rows(
    sides: Sides, columns: Sequence[tuple[str, ColumnType]], have: Sequence[tuple[Any, ...]]
) -> tuple[tuple[Any, ...], ...]:
    """For an expression of several number ``columns`` (logical names), the rows with each at either end of
    what its own CHECKs on either side name (the smallest and largest number of the CHECKs that
    read it alone) and at its integer type's ends (for every column where few columns keep the
    rows few; else for one with no CHECK of its own; 0 for another kind), every combination,
    those ``have`` lacks: ``x + y + z - w`` into a smallint, each kept to 0..11000, reaches
    33000 (past it on PostgreSQL) only at (11000, 11000, 11000, 0), which the cross product of
    four columns' probe values cuts away; ``x + y + 1 > 100`` with y kept to 0..46341, and x
    to x >= 0 or not at all, overflows PostgreSQL's int4 at (2147483647, 0)."""
    if not 1 < len(columns) <= CORNER_COLUMNS:
        return ()
    ends: list[list[Any]] = []
    for name, ctype in columns:
        kinds = typemap.kinds_of(ctype)
        if not kinds & typemap.NUMBER_KINDS:
            return ()
        own = [n for dialect, table in sides for n in _own_numbers(dialect, table, name)]
        whole = bool(kinds & {"integer", "bigint", "smallint"})
        bounds = sorted({min(own), max(own)}) if own else []
        ends.append([int(v) if whole else v for v in bounds if not whole or v % 1 == 0])
    # A CHECK may bound a column on one side only (x >= 0): its type's ends are corners too,
    # while every column's four values stay few enough to combine.
    wide = math.prod(len(e) + 2 for e in ends) <= _WIDE_CORNERS
    for values, (_, ctype) in zip(ends, columns, strict=True):
        if wide or not values:
            values += sorted(_type_ends(typemap.kinds_of(ctype)) - set(values))
    known = set(have)
    return tuple(r for r in itertools.product(*ends) if r not in known)


# At most this many corner rows combine each column's CHECK ends with its type's ends.
_WIDE_CORNERS = 256


def _type_ends(kinds: frozenset[str]) -> set[Any]:
    """The smallest and largest value of a narrow integer kind (``INTEGER_RANGES``), else 0."""
    for kind in sorted(kinds & INTEGER_RANGES.keys()):
        return set(INTEGER_RANGES[kind])
    return {Decimal(0)}


def _own_numbers(dialect: str, table: Table | None, column: str) -> list[Decimal]:
    """The finite numbers of ``table``'s CHECKs that read ``column`` (logical) and no other."""
    own = {_own(dialect, table, column)}
    checks = expression_reads.table_checks(dialect, table)
    return [
        n for _, columns, reads in checks if columns == own for n in reads.numbers if n.is_finite()
    ]
