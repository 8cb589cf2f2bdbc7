"""A witness row written as each side's SQL reads it: the same text for both sides, except where
a value is spelled otherwise per dialect (bytes: X'00' on SQLite, '\\x00'::bytea on PostgreSQL,
where X'00' is a bit string a bytea column refuses; fuzz41), then each side's, named."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from twinschema.evaluate.probe_strings import FOLDS_ONTO
from twinschema.evaluate.shown_probes import probe_text
from twinschema.records.dialects import DIALECT_NAMES


def per_dialect(dialects: Sequence[str], render: Callable[[str], str]) -> str:
    """``render``'s text for each of the two sides' ``dialects`` (left, right): once where both
    read the same, else each side's named (``(X'00') on SQLite, ('\\x00'::bytea) on
    PostgreSQL``), so that a witness pastes into each side's own SQL."""
    texts = [render(d) for d in dialects]
    if len(set(texts)) == 1:
        return texts[0]
    return ", ".join(f"{t} on {DIALECT_NAMES[d]}" for t, d in zip(texts, dialects, strict=True))


def row_text(dialects: Sequence[str], row: Sequence[Any]) -> str:
    """A witness row's values, comma-separated in parentheses, as each side writes them
    (``per_dialect``)."""
    return per_dialect(dialects, lambda d: "(" + ", ".join(probe_text(v, d) for v in row) + ")")


def look_alikes(values: Iterable[Any]) -> str:
    """`` (K is U+212A KELVIN SIGN)`` for each character of the strings among ``values`` that
    looks like a letter it is not (``probe_strings.FOLDS_ONTO``), said after a witness's
    values (inside them, the row would no longer paste into an INSERT); else ""."""
    text = "".join(v for v in values if isinstance(v, str))
    found = [c for c in dict.fromkeys(text) if c in FOLDS_ONTO]
    named = [f"{c} is U+{ord(c):04X} {unicodedata.name(c)}" for c in found]
    return f" ({'; '.join(named)})" if named else ""


def magnitude(values: Iterable[Any]) -> tuple[float, bool]:
    """The largest absolute number among ``values`` (0 for none: texts, NULLs, booleans count
    nothing), then whether any is negative: the key by which a witness is chosen among rows
    that part two sides alike, the smallest first and a positive before its negation, so that
    an everyday value (0.7: CAST truncates to 0 on SQLite, ``::integer`` rounds to 1 on
    PostgreSQL) is shown before a type's edge (2147483648.0, an int4 overflow), which reads as
    "only absurd values differ" (stranger71 006)."""
    found = [
        float(v) for v in values if isinstance(v, int | float | Decimal) and not isinstance(v, bool)
    ]
    found = [v for v in found if v == v]  # not NaN
    return max((abs(v) for v in found), default=0.0), any(v < 0 for v in found)


def plainness(values: Iterable[Any]) -> tuple[int, int]:
    """How plain the texts among ``values`` read: the rarest character class in them (0: ASCII
    only, 1: Latin-1, 2: any other code point), then whether one is long (past ``_SHORT``
    characters): the key by which a witness is chosen among rows that part two sides, the
    plainest first, so that ('é', 'É') is shown before ('xxxx...', 'K') with U+212A KELVIN SIGN
    (stranger74 007). Among rows alike so, the probes' own order decides, which puts a bound's
    edge first (one second before a timestamp bound, not noon of the day; '{}' before '1'):
    length is no finer key. Values that are no text count nothing. A row only an exotic code
    point parts is still a witness: it comes last, never left out."""
    texts = [v for v in values if isinstance(v, str)]
    top = max((ord(c) for t in texts for c in t), default=0)
    rank = 0 if top < 0x80 else 1 if top <= 0xFF else 2
    return rank, int(any(len(t) > _SHORT for t in texts))


# The longest text a witness shows as short: a timestamp with a fraction of six digits and an
# offset ('2023-12-31 23:59:59.123456+05:30') is 32 characters.
_SHORT = 32
