"""Fractions in integer columns: SQLite keeps the REAL 1.5 written to an INTEGER column, where a
CHECK sees it (``typeof(x) = 'integer'`` rejects it), while PostgreSQL rounds it to 2 on store
(``typemap_storage.ROUNDS_INTEGER_FRACTIONS``). Where one side keeps fractions, its integer
columns are probed with a few (1.5, -1.5, and each whole literal plus one half).

A fraction row is judged only where it tells the CHECKs apart, not the columns' rounding, which
the type mapping already accepts (``x >= 1`` is run on 0.5 on SQLite and on 1 on PostgreSQL):

- away from a bound: the two integers on either side of the fraction (its row with the
  fraction's floor and its ceiling) get one verdict on both sides (else the row is left out);
- where the sides part on it, a side that rounds must judge the fraction itself, run in a
  ``numeric`` column, as it judges the integers around it: a CHECK that treats a fraction as
  such on both sides (``x / 4 = 0`` on each) is the same rule, though only one side ever sees
  one (else the row is left out).

So a witness is a fraction one real database rejects and the other stores (rounded), where the
integers around it are accepted alike.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any, Protocol

from twinschema.canonical.typemap import DIALECT_NAMES
from twinschema.canonical.typemap_storage import ROUNDS_INTEGER_FRACTIONS
from twinschema.evaluate.backends import Backend
from twinschema.model import OPTION_STRICT, ColumnType, Table


class ProbeSet(Protocol):
    """What of ``checks.ProbeSet`` the fraction rules read."""

    @property
    def left(self) -> tuple[tuple[str, ColumnType], ...]: ...
    @property
    def right(self) -> tuple[tuple[str, ColumnType], ...]: ...
    @property
    def backends(self) -> tuple[Backend, Backend]: ...
    @property
    def fractional(self) -> tuple[int, ...]: ...
    @property
    def rounds(self) -> tuple[bool, bool]: ...


Judged = tuple[tuple[Any, ...], bool, bool]

INTEGER_KINDS = frozenset({"integer", "bigint", "smallint"})
_HALF = Decimal("0.5")
# Fractions whose integer neighbours (1 and 2, -1 and -2) every integer column is probed with.
_FRACTIONS = (Decimal("1.5"), Decimal("-1.5"))
# Whole literals up to this size get a fraction of their own (n + 0.5: its neighbours n and n + 1
# are probed too); larger ones sit past what a REAL keeps exactly.
_LARGEST = 2**31


def rounds(dialect: str) -> bool:
    """True when ``dialect``'s integer columns round a fraction on store."""
    return dialect in ROUNDS_INTEGER_FRACTIONS


def keeps(dialect: str, table: Table) -> bool:
    """True when a plain integer column of ``table`` keeps a fraction (a STRICT table rejects
    it, for its type, before any CHECK)."""
    return not rounds(dialect) and OPTION_STRICT not in table.options


def values(numbers: Sequence[Decimal]) -> list[Decimal]:
    """The fractions an integer column is probed with, beside its integers."""
    found = list(_FRACTIONS)
    for n in numbers:
        if n == int(n) and abs(n) < _LARGEST:
            found.append(int(n) + _HALF)
    return list(dict.fromkeys(found))


def is_fraction(value: Any) -> bool:
    """True for a probe fraction (a Decimal that is not whole)."""
    return isinstance(value, Decimal) and value != value.to_integral_value()


def judged(
    found: ProbeSet, both: list[Judged], texts: tuple[str, str], errors_reject: bool
) -> list[Judged]:
    """``both`` (each row with each side's verdict) without the fraction rows that do not tell
    the CHECKs apart (see the module's rules), in their order."""
    if not found.fractional:
        return both
    verdicts = {row: (a, b) for row, a, b in both}
    around: dict[tuple[Any, ...], bool] = {}
    for row, _, _ in both:
        at = [i for i in found.fractional if is_fraction(row[i])]
        if len(at) != 1:  # no fraction, or more than one: no neighbours to judge it by
            continue
        i, value = at[0], row[at[0]]
        near = {verdicts.get((*row[:i], n, *row[i + 1 :])) for n in _neighbours(value)}
        if len(near) == 1 and None not in near:
            (a, b) = near.pop()  # type: ignore[misc]
            if a == b:
                around[row] = a
    parting = [row for row, a, b in both if row in around and a != b]
    as_numbers = [
        _as_numbers(found, side, texts[side], parting, errors_reject) if found.rounds[side] else {}
        for side in (0, 1)
    ]
    kept: list[Judged] = []
    for row, a, b in both:
        if not any(is_fraction(row[i]) for i in found.fractional) or (
            row in around
            and (
                a == b
                or all(as_numbers[s].get(row) == around[row] for s in (0, 1) if found.rounds[s])
            )
        ):
            kept.append((row, a, b))
    return kept


def _neighbours(value: Decimal) -> tuple[int, int]:
    return math.floor(value), math.ceil(value)


def _as_numbers(
    found: ProbeSet,
    side: int,
    text: str,
    rows: list[tuple[Any, ...]],
    errors_reject: bool,
) -> dict[tuple[Any, ...], bool | None]:
    """Each of ``rows`` judged by one side's CHECK with its integer columns ``numeric``: the
    fraction as the number it is, not rounded."""
    if not rows:
        return {}
    columns = found.left if side == 0 else found.right
    typed = tuple(
        (name, _numeric(ctype) if i in found.fractional else ctype)
        for i, (name, ctype) in enumerate(columns)
    )
    got = found.backends[side].try_rows(typed, text, rows, errors_reject)
    return dict(zip(rows, got, strict=True))


def _numeric(ctype: ColumnType) -> ColumnType:
    return replace(ctype, raw="numeric")


def stored(found: ProbeSet, row: tuple[Any, ...], dialects: tuple[str, str]) -> str:
    """What a side that rounds stores for the fraction in ``row`` (``; PostgreSQL stores 1.5
    as 2``), empty when the row holds none."""
    at = [i for i in found.fractional if is_fraction(row[i])]
    sides = [d for d, r in zip(dialects, found.rounds, strict=True) if r]
    if not at or not sides:
        return ""
    value = row[at[0]]
    whole = value.to_integral_value(rounding="ROUND_HALF_UP")
    return f" ({DIALECT_NAMES[sides[0]]} stores {value} in an integer column as {whole})"
