"""Texts of its own for each probe row of a text key column (``view_probes.candidates``;
stranger82 001).

A key column takes a value no other row holds on every probe row (``view_switches.keyed``). A
text key's own probe values are few, fewer where its type or CHECKs refuse some (a UNIQUE
``serial varchar(20)`` kept 22): the diagonal rows spent them, the rows of moments near now
found no key left, and twin views that part on one were "the same rows on 22 probe rows". So a
text key takes, after its own values, short texts one per row, 'k1', 'k2', ...; and where its
own CHECKs name a LIKE pattern or a whole number (a length), the same texts shaped to them
(``serial LIKE 'B-%'``: 'B-k1'; ``length(serial) = 8``: 'k0000001'). ``view_fits`` keeps
those both sides take.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

# The LIKE patterns and the lengths of a key's own CHECKs that key texts are shaped to, at most.
_PATTERNS = 2
_LENGTHS = 2
_LONGEST = 64


def key_texts(numbers: Sequence[Decimal], strings: Sequence[str], count: int) -> list[str]:
    """``count`` texts 'k1', 'k2', ..., then as many shaped to each LIKE pattern of ``strings``
    (its first % the number, other wildcards 'k') and padded to each whole length of
    ``numbers`` (the key's own CHECKs' literals), so that a key CHECKed to a shape still has a
    text of its own for every probe row."""
    found = [f"k{n}" for n in range(1, count + 1)]
    patterns = [s for s in strings if "%" in s][:_PATTERNS]
    for pattern in patterns:
        head, _, tail = pattern.partition("%")
        fill = [head.replace("_", "k"), tail.replace("%", "").replace("_", "k")]
        found += [f"{fill[0]}k{n}{fill[1]}" for n in range(1, count + 1)]
    lengths = [int(n) for n in numbers if n == int(n) and 2 <= n <= _LONGEST][:_LENGTHS]
    for length in lengths:
        found += [f"k{n:0{length - 1}d}" for n in range(1, min(count, 10 ** (length - 1) - 1) + 1)]
    return list(dict.fromkeys(found))
