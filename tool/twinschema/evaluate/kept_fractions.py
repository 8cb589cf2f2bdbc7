"""The numbers that are not whole which a CHECK over an integer column names, as probe values
of that column (``probe_sets``), for the sides whose dialect keeps them as written
(``typemap_storage.KEEPS_FRACTIONS``): each such literal and its neighbours one unit of its last
decimal either side (99.4, 99.5, 99.6 for 99.5).

SQLite ``shirt INTEGER, CHECK (shirt BETWEEN 1 AND 99.5)`` stores 99.5 (a REAL), while
PostgreSQL ``shirt integer CHECK (shirt BETWEEN 1 AND 99)`` rounds it to 100 and refuses the row
(run on SQLite 3.40 and PostgreSQL 16; stranger68 018): no whole number parts the two CHECKs,
99.5 does. Between two SQLite sources ``probe_sets._stores`` adds more values SQLite keeps (the
halves of whole literals, 2^63, text); across dialects only these are added, and a row on which
the sides part is a witness only by what each side stores (``stored_rows.partings``): PostgreSQL
``shirt <= 99.5`` against SQLite ``shirt <= 99`` part at 99.4 as written, but PostgreSQL stores
99, which SQLite's CHECK accepts too, so they stay equal (a number that is not whole is
``crossing``'s warning of its own: SQLite stores 1.5, PostgreSQL 2).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from twinschema.canonical.typemap_storage import KEEPS_FRACTIONS
from twinschema.records.kinds import INTEGER_KINDS


def values(kind: str | None, sides: Sequence[tuple[str, Sequence[Decimal]]]) -> list[float]:
    """For a column of an integer ``kind``, the numbers that are not whole among the literals
    of each side (``sides``: its dialect, its expression's numbers) whose dialect keeps them in
    an integer column, with their neighbours at their last decimal, as the doubles SQLite stores;
    none for another kind."""
    if kind not in INTEGER_KINDS:
        return []
    found: list[float] = []
    for dialect, numbers in sides:
        if dialect not in KEEPS_FRACTIONS:
            continue
        for n in numbers:
            if not n.is_finite() or n == n.to_integral_value():
                continue
            exponent = n.as_tuple().exponent
            step = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
            found += [float(v) for v in (n, n - step, n + step) if v != v.to_integral_value()]
    return list(dict.fromkeys(found))


def around(kind: str | None, stored: list[Any]) -> list[Any]:
    """Where ``kind`` is an integer kind, the fractions among a column's values that a side
    keeps as written (``probe_sets._stores``, ``values``), each followed by the whole numbers
    either side of it (0.5, 0, 1, 1.5, 2, ...): what ``crossed_rows.together`` puts first in
    several such columns at once, so that a row of fractions and whole numbers close together is
    tried (``a < b AND b < c`` with ``c <= 2`` keeps (0.5, 1, 1.5) on SQLite only, which no
    three whole numbers do)."""
    if kind not in INTEGER_KINDS:
        return []
    found: list[Any] = []
    for v in stored:
        if isinstance(v, float) and math.isfinite(v) and not v.is_integer():
            found += [v, math.floor(v), math.ceil(v)]
    return list(dict.fromkeys(found))
