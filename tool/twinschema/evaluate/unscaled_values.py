"""Probe values of an unscaled NUMERIC column (see ``probe_numbers.decimals``), which SQLite keeps as
a double past about 15 significant digits and PostgreSQL keeps exactly
(``typemap_storage.DOUBLE_UNSCALED``), and each literal with one more trailing zero (1.0 is
'1.0' as text on PostgreSQL, '1' on SQLite).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

# A number of 20 significant digits with a fraction, and its whole part: one double on SQLite.
_PAST_DOUBLE = (Decimal("12345678901234567890.5"), Decimal("12345678901234567890"))


def past_double_values(numbers: tuple[Decimal, ...]) -> list[Decimal]:
    """Each number and 0.5 with a 17th significant digit (0.30000000000000001); _PAST_DOUBLE."""
    found = [n + Decimal(1).scaleb(n.adjusted() - 16) for n in (*numbers, Decimal("0.5")) if n]
    return [*found, *_PAST_DOUBLE]


def past_double(value: Any) -> bool:
    """True for a number a double does not hold exactly as written (0.30000000000000001)."""
    return isinstance(value, Decimal) and value.is_finite() and Decimal(repr(float(value))) != value


def no_double(value: Any) -> bool:
    """True for a number no double holds exactly (0.57, whose double is 0.56999999999999995...:
    times 100 it is 56.99999999999999 on SQLite), past a double's precision or not."""
    return isinstance(value, Decimal) and value.is_finite() and Decimal(float(value)) != value


def spelled_longer(numbers: tuple[Decimal, ...]) -> list[Decimal]:
    """Numbers an unscaled numeric keeps with trailing zeros (another text, another scale):
    each literal with one more (``padded``), 1.0 and 1.50, and 1 written with one decimal more
    than each small whole literal, which a scale test may name (``scale(x) <= 2``: 1.000, equal
    to 1.00 and to round(1.000, 2), of scale 3)."""
    wholes = sorted({int(n) for n in numbers if n == int(n) and 0 <= n < 20})
    past = [Decimal(1).quantize(Decimal(1).scaleb(-(k + 1))) for k in wholes]
    return [*map(padded, numbers), Decimal("1.0"), Decimal("1.50"), *past]


def padded(number: Decimal) -> Decimal:
    """``number`` with one more trailing zero (1 is 1.0, 1.5 is 1.50)."""
    return number.quantize(Decimal(1).scaleb(min(int(number.as_tuple().exponent), 0) - 1))
