"""Text rows that share a prefix or a suffix, for judging two unique keys on probe rows.

Two unique indexes that keep different lengths of a text (``substr(s, 1, 3)`` against
``left(s, 2)``, ``substr(s, -2)`` against ``right(s, 3)``) agree on every probe row unless two
rows share all but one character at the place where the lengths part: 'abc' and 'abd' are one
key under ``left(s, 2)`` and two under ``substr(s, 1, 3)``. The probe values of a text column
(its literals and their neighbours) rarely hold such a pair, so a unique key is also run over a
family of rows built from one base text: the base with each one character changed, and each of
its prefixes. The base is longer than every whole number the expressions hold (a length or a
position), so every cut an expression can make falls inside it.

Likewise two unique keys that divide (``water_g * 1.0 / flour_g``) agree on every probe row
unless two rows hold different ratios that one side's numbers cannot tell apart: SQLite divides
in doubles, PostgreSQL in NUMERIC, so 2147483646/2147483647 and 2147483645/2147483646 (they
differ by 2e-19) are one key on SQLite and two on PostgreSQL (stranger44 case 020). So each two
whole-number columns are also set to such a pair of neighbouring ratios near 1, both ways round.
"""

from __future__ import annotations

import string
from dataclasses import replace
from typing import Any

from twinschema.canonical import typemap
from twinschema.evaluate import expression_reads
from twinschema.evaluate.probe_sets import ProbeSet

# The base text's length: at least this, else the largest whole number of the expressions + 3.
_SHORTEST = 8
_LONGEST = 64


# The largest value of a PostgreSQL integer: the pair of neighbouring ratios is built under it.
_TOP = 2147483647
# The kinds whose columns hold it on both sides.
_WHOLE = frozenset({"integer", "bigint"})


def with_neighbours(found: ProbeSet, dialects: tuple[str, str], texts: tuple[str, str]) -> ProbeSet:
    """``found`` with, for each text column, the family of rows described above, and for each
    two whole-number columns their neighbouring ratios (the other columns holding their first
    value that is not NULL)."""
    text_columns = [
        k for k, (_, ctype) in enumerate(found.left) if "text" in typemap.kinds_of(ctype)
    ]
    whole = [
        k
        for k in range(len(found.names))
        if all(typemap.kinds_of(side[k][1]) & _WHOLE for side in (found.left, found.right))
    ]
    if not text_columns and len(whole) < 2:
        return found
    template = [
        next((row[k] for row in found.rows if row[k] is not None), None)
        for k in range(len(found.names))
    ]
    extra: list[tuple[Any, ...]] = []
    if text_columns:
        family = _family(_longest_number(dialects, texts))
        for k in text_columns:
            for value in family:
                extra.append(tuple(value if n == k else v for n, v in enumerate(template)))
    for top in whole:
        for below in (k for k in whole if k != top):
            for step in (0, 1):  # (TOP - 1) / TOP, then (TOP - 2) / (TOP - 1)
                row = list(template)
                row[top], row[below] = _TOP - step, _TOP - 1 - step
                extra.append(tuple(row))
    known = set(found.rows)
    return replace(found, rows=found.rows + tuple(r for r in extra if r not in known))


def _longest_number(dialects: tuple[str, str], texts: tuple[str, str]) -> int:
    """The largest whole number (by magnitude) either expression holds, 0 when none."""
    largest = 0
    for dialect, text in zip(dialects, texts, strict=True):
        found = expression_reads.reads(dialect, text)
        for n in found.numbers if found is not None else ():
            if n == n.to_integral_value():
                largest = max(largest, min(abs(int(n)), _LONGEST))
    return largest


def _family(longest: int) -> list[str]:
    """The base text (lower-case letters), each of its prefixes, and the base with each one
    character changed to a digit."""
    size = max(_SHORTEST, longest + 3)
    base = (string.ascii_lowercase * (size // 26 + 1))[:size]
    prefixes = [base[:n] for n in range(size + 1)]
    changed = [base[:n] + "0" + base[n + 1 :] for n in range(size)]
    return prefixes + changed
