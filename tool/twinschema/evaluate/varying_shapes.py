"""What values that vary from insert to insert are, in words that stay the same from run to
run (``values.Verdict.describe``): a random default is told by its shape, not by the values one
run happened to give. Two random tokens of one shape (SQLite's ``lower(hex(randomblob(16)))``,
PostgreSQL's ``md5(random()::text)``: texts of 32 lowercase hex digits) are alike by that shape
(stranger60 016); other varying values (numbers, texts of another alphabet) are not.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

_HEX = frozenset("0123456789abcdefABCDEF")


def varying_shape(values: Any) -> str:
    """What varying values are, in words that stay the same from run to run: ``whole
    numbers`` (SQLite's random()), ``whole numbers 0 or 1`` (PostgreSQL's random()::bigint),
    ``numbers in [0, 1)`` (PostgreSQL's random()), texts of one length and alphabet (``texts
    of 32 lowercase hex digits``: SQLite's lower(hex(randomblob(16))), PostgreSQL's
    md5(random()::text)), or ``values``."""
    found = [v for v in values or () if v is not None]
    if found and all(isinstance(v, str) for v in found):
        return _text_shape(found)
    if not found or not all(isinstance(v, int | float | Decimal) for v in found):
        return "values"
    if all(v == int(v) for v in found):
        return "whole numbers 0 or 1" if all(v in (0, 1) for v in found) else "whole numbers"
    return "numbers in [0, 1)" if all(0 <= v < 1 for v in found) else "numbers"


def _text_shape(found: list[str]) -> str:
    """Varying texts in words: their one length, and their alphabet where it is hex digits of
    one letter case."""
    sizes = {len(v) for v in found}
    joined = "".join(found)
    if len(sizes) != 1:
        return "texts"
    size = sizes.pop()
    if joined and all(c in _HEX for c in joined):
        lower, upper = any(c in "abcdef" for c in joined), any(c in "ABCDEF" for c in joined)
        case = "lowercase " if lower and not upper else "uppercase " if upper and not lower else ""
        if lower != upper or not (lower or upper):
            return f"texts of {size} {case}hex digits"
    return f"texts of {size} characters"


def is_token(values: Any) -> bool:
    """True when varying ``values`` are texts of one length of hex digits in one case: a
    random token, which two generators alike in that shape give alike (no value shared)."""
    return "hex digits" in varying_shape(values)
