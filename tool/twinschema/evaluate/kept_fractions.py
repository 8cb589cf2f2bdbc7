"""The numbers that are not whole which a CHECK over an integer column names, as probe values
of that column (``probe_sets``), for the sides whose dialect keeps them as written
(``typemap_storage.KEEPS_FRACTIONS``): each such literal and its neighbours one unit of its last
decimal either side (99.4, 99.5, 99.6 for 99.5).

SQLite ``shirt INTEGER, CHECK (shirt BETWEEN 1 AND 99.5)`` stores 99.5 (a REAL), while
PostgreSQL ``shirt integer CHECK (shirt BETWEEN 1 AND 99)`` rounds it to 100 and refuses the row
(run on SQLite 3.40 and PostgreSQL 16; stranger68 018): no whole number parts the two CHECKs,
99.5 does. A whole literal gets the numbers 0.4 either side, which round onto it: the same
``battery_pct < 100`` on both sides parts at 99.6, which SQLite stores and PostgreSQL rounds to
100 and refuses, so a sync from SQLite fails (stranger82 005; as 0.001 does under ``w > 0`` on
numeric(6,2)), and ``rounded_apart`` has such a pair run on probe rows. Between two SQLite
sources ``probe_sets._stores`` adds more values SQLite keeps (the halves of whole literals, 2^63,
text); across dialects only these are added, and a row on which
the sides part is a witness only by what each side stores (``stored_rows.partings``): PostgreSQL
``shirt <= 99.5`` against SQLite ``shirt <= 99`` part at 99.4 as written, but PostgreSQL stores
99, which SQLite's CHECK accepts too, so they stay equal (a number that is not whole is
``crossing``'s warning of its own: SQLite stores 1.5, PostgreSQL 2).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from twinschema.canonical.typemap import DIALECT_NAMES, kinds_of
from twinschema.canonical.typemap_storage import FRACTION_REASON, KEEPS_FRACTIONS
from twinschema.model import Column
from twinschema.records.kinds import INTEGER_KINDS

# What a whole literal n of a CHECK over an integer column is probed with where one side keeps
# a number not whole as written and the other rounds it: n - 0.4 and n + 0.4, which the other
# rounds onto n (99.6 under ``x < 100``: stored by SQLite, refused by PostgreSQL as 100), and
# n - 0.6 and n + 0.6, which it rounds past n (1900.6 under ``y > 1900`` beside SQLite's
# ``typeof(y) = 'integer'``: PostgreSQL stores 1901, so the one-sided CHECK is no conjunct's;
# ``x % 5 = 0``: 5.6 is 5 to SQLite's ``%``, 6 to PostgreSQL). No half: PostgreSQL rounds a
# double's half to even and a numeric's away from zero.
AROUND_WHOLE = tuple(Decimal(d) for d in ("-0.6", "-0.4", "0.4", "0.6"))


def values(kind: str | None, sides: Sequence[tuple[str, Sequence[Decimal]]]) -> list[float]:
    """For a column of an integer ``kind``, the numbers that are not whole among the literals
    of each side (``sides``: its dialect, its expression's numbers) whose dialect keeps them in
    an integer column, with their neighbours at their last decimal, and the whole literals of
    every side less and plus 0.4 and 0.6 where one side keeps such numbers and the other not
    (``AROUND_WHOLE``), as the doubles SQLite stores; none for another kind."""
    if kind not in INTEGER_KINDS:
        return []
    found: list[float] = []
    keeps = len({dialect in KEEPS_FRACTIONS for dialect, _ in sides}) == 2  # one side only
    for dialect, numbers in sides:
        for n in numbers:
            if keeps and n.is_finite() and n == n.to_integral_value():
                found += [float(n + d) for d in AROUND_WHOLE]
            if dialect not in KEEPS_FRACTIONS or not n.is_finite() or n == n.to_integral_value():
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


Pair = tuple[Column | None, Column | None]


def rounded_apart(pairs: Iterable[Pair]) -> bool:
    """True where one of ``pairs`` (a column as each side has it) is of an integer kind on both
    sides, one of whose dialects keeps a number not whole as written (``KEEPS_FRACTIONS``) and
    the other not: a CHECK over it written alike parts by what each side stores (SQLite keeps
    99.6 under ``x < 100``, PostgreSQL rounds it to 100 and refuses it), so its probe rows, not
    its canonical text, settle it (stranger82 005)."""
    for left, right in pairs:
        if left is None or right is None:
            continue
        if not all(kinds_of(c.type) & INTEGER_KINDS for c in (left, right)):
            continue
        if (left.type.dialect in KEEPS_FRACTIONS) != (right.type.dialect in KEEPS_FRACTIONS):
            return True
    return False


def reasons(pairs: Iterable[Pair], seen: dict[str, list[Any]] | None) -> list[str]:
    """Why a CHECK pair over ``pairs`` parts on its witness, whose values by column are
    ``seen``: each integer column one side keeps a number not whole in as written and the
    other rounds (``rounded_apart``), where the witness holds such a number in it (99.6: "is
    100 on one, 99.6 on the other"); none without a witness."""
    found = []
    for left, right in pairs:
        if left is None or right is None or seen is None or not rounded_apart([(left, right)]):
            continue
        odd = [v for v in seen.get(left.name.lower(), []) if _not_whole(v)]
        if not odd:
            continue
        keeps, rounds = (left, right) if left.type.dialect in KEEPS_FRACTIONS else (right, left)
        names = {"rounds": rounds.type.dialect, "keeps": keeps.type.dialect}
        shown = {role: DIALECT_NAMES[dialect] for role, dialect in names.items()}
        value, rounded = repr(odd[0]), round(odd[0])
        found.append(
            FRACTION_REASON.format(column=left.name, value=value, rounded=rounded, **shown)
        )
    return found


def _not_whole(value: Any) -> bool:
    """True for a finite double that is not a whole number (what SQLite keeps of 99.6)."""
    return isinstance(value, float) and math.isfinite(value) and not value.is_integer()
