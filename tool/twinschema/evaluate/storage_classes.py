"""The rows that part a CHECK on a column's storage class from a column without it
(``rows``): values a dialect's column keeps in another storage class than its type's, which
the other side's type takes, the row as a probe row holds it otherwise.

SQLite ``harvest_year INTEGER NOT NULL CHECK (typeof(harvest_year) = 'integer')`` against
PostgreSQL ``harvest_year integer NOT NULL`` (stranger79 008): SQLite keeps 0.5 as a REAL,
which the CHECK refuses, PostgreSQL stores 1 (run on SQLite 3.40 and PostgreSQL 16). So, where
the CHECK's side keeps fractions in an integer column (``typemap_storage.KEEPS_FRACTIONS``),
each whole number a probe row holds there is tried half a unit either side, and the text that
side keeps as text where the other's type reads a value from it
(``typemap_storage.KEPT_AS_TEXT``: '1_000', 'NaN', 'ab' in a bytea), and the bytes it keeps as
a blob where the other's type stores their text (``KEPT_AS_BLOB``: X'6162' in a TEXT column,
which ``typeof(x) = 'text'`` refuses, PostgreSQL's text stores as '\\x6162'). A fraction is the column
pair's own matter wherever a CHECK pair or an equivalence is judged (``kept_fractions``): these
rows only name the witness of a CHECK on one side only that stays a difference (``one_sided``),
none being found among the probe rows.
"""

from __future__ import annotations

import math
from dataclasses import replace
from decimal import Decimal
from typing import Any

from twinschema.canonical import typemap
from twinschema.canonical.typemap_storage import KEEPS_FRACTIONS, KEPT_AS_BLOB, KEPT_AS_TEXT
from twinschema.evaluate.probe_sets import ProbeSet
from twinschema.evaluate.witness_rows import magnitude
from twinschema.records.kinds import INTEGER_KINDS

# The most whole numbers of a column whose fractions are tried (a probe set holds a few dozen).
_MOST = 64


def rows(found: ProbeSet, side: str, dialects: tuple[str, str]) -> ProbeSet:
    """``found``'s columns with the rows that hold, in one column, a value ``side``'s dialect
    (``dialects``: left's, right's) keeps in another storage class than its type's where the
    other side's type takes it; the fractions, smallest first, before the text."""
    own = dialects[0 if side == "left" else 1]
    theirs = found.right if side == "left" else found.left
    made: list[tuple[Any, ...]] = []
    for i, (_, ctype) in enumerate(theirs):
        kinds = typemap.kinds_of(ctype)
        fractions: list[tuple[Any, ...]] = []
        if own in KEEPS_FRACTIONS and kinds & INTEGER_KINDS:
            for row in _holding(found.rows, i, _whole)[:_MOST]:
                whole = int(row[i])
                fractions += [_at(row, i, whole + half) for half in (0.5, -0.5)]
        fractions.sort(key=magnitude)
        texts = {t for k in sorted(kinds) for t in KEPT_AS_TEXT.get(own, {}).get(k, ())}
        blobs = {b for k in sorted(kinds) for b in KEPT_AS_BLOB.get(own, {}).get(k, ())}
        first = next(iter(_holding(found.rows, i, lambda v: v is not None)), None)
        kept = [*sorted(texts), *sorted(blobs)]
        spelled = [_at(first, i, t) for t in kept] if first is not None else []
        made += [r for r in dict.fromkeys(fractions + spelled) if r not in found.rows]
    return replace(found, rows=tuple(dict.fromkeys(made)))


def _whole(value: Any) -> bool:
    """True for a whole number (not a boolean)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    if isinstance(value, int):
        return abs(value) < 2**53
    number = float(value)  # NaN and the infinities are no whole number
    return math.isfinite(number) and abs(number) < 2**53 and number == int(number)


def _holding(given: tuple[tuple[Any, ...], ...], i: int, test: Any) -> list[tuple[Any, ...]]:
    """The first row of ``given`` holding each value that passes ``test`` in column ``i``."""
    seen: dict[Any, tuple[Any, ...]] = {}
    for row in given:
        if test(row[i]) and row[i] not in seen:
            seen[row[i]] = row
    return list(seen.values())


def _at(row: tuple[Any, ...], i: int, value: Any) -> tuple[Any, ...]:
    """``row`` with column ``i`` set to ``value``."""
    return (*row[:i], value, *row[i + 1 :])
