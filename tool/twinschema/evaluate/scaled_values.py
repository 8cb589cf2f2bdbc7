"""Probe values of a column with a declared NUMERIC scale s where what each dialect stores parts
them (see ``probe_numbers.decimals``): PostgreSQL rounds to s on store, half away from zero, before
its CHECK runs, while SQLite keeps the number as written, as a double.

- ``onto_literals``: for each number literal L of the expressions, the values one decimal past
  s that PostgreSQL rounds onto L, the farthest on each side (0.495 and 0.504 for 0.5 at s = 2,
  -0.495 and -0.504 for -0.5, 1.5 and 2.4 for 2 at s = 0, -0.004 and 0.004 for 0): SQLite's
  ``n < 0.5`` accepts 0.495, PostgreSQL's rejects it, stored 0.50. A literal with more decimals
  than s gets the values one decimal past its own either side of it (0.0009 and 0.0011 for
  0.001 at s = 2: ``n > 0.001`` accepts 0.0011 on SQLite, stored 0.00 on PostgreSQL rejects it).
- ``inexact``: the smallest number of scale s whose double times 10^s is below it, the smallest
  whose double times 10^s is above it, and their negatives: 0.29 and 0.07 at s = 2 (0.29 * 100
  is 28.999999999999996 on SQLite, so ``CAST(n * 100 AS INTEGER)`` is 28, and 0.07 * 100 is
  7.000000000000001, above 7; PostgreSQL computes 29.00 and 7.00). None exists for s = 0 or 1
  (below 10^5).
- ``inexact_quotients``: for a divisor d, the smallest multiple of d of scale s whose double
  divided by d's double falls below the whole quotient, the smallest above, and their negatives:
  3.3 for d = 1.1 (2.9999999999999996, which SQLite's floor makes 2; PostgreSQL gives 3).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Context, Decimal
from functools import lru_cache
from typing import Any

# Enough digits to tell any probe value whole or not.
_EXACT = Context(prec=400)
# How far the search for ``inexact`` goes (s = 3 first finds 1.001; s = 1 finds none).
_SEARCH = 10**5


def onto_literals(numbers: Sequence[Decimal], scale: int) -> list[Decimal]:
    """For each literal, the two values one decimal past the scale that PostgreSQL's rounding
    (half away from zero) stores as that literal; for a literal finer than the scale, the
    values one decimal past its own either side of it."""
    found: list[Decimal] = []
    for n in numbers:
        if not n.is_finite():
            continue
        exponent = n.normalize().as_tuple().exponent
        places = max(scale, -min(exponent, 0) if isinstance(exponent, int) else 0)
        fine = Decimal(1).scaleb(-(places + 1))
        if places > scale:
            found += [n - fine, n + fine]
        elif n > 0:  # 0.495 rounds up onto 0.50, 0.504 down onto it
            found += [n - 5 * fine, n + 4 * fine]
        elif n < 0:
            found += [n + 5 * fine, n - 4 * fine]
        else:  # -0.005 rounds away from zero, onto -0.01
            found += [-4 * fine, 4 * fine]
    return found


def finer(values: Sequence[Any], scale: int) -> bool:
    """True when one of ``values`` has more decimals than ``scale``: stored rounded on one
    side (0.001 in a NUMERIC(6,2) is 0.00 on PostgreSQL, 0.001 on SQLite)."""
    return any(_fraction(v.scaleb(scale, _EXACT)) for v in values if isinstance(v, Decimal))


def no_double(values: Sequence[Any]) -> Decimal | None:
    """The first of ``values`` that is a fraction no double holds (2.01, held as
    2.0099999999999998), else None."""
    return next(
        (v for v in values if isinstance(v, Decimal) and _fraction(v) and Decimal(float(v)) != v),
        None,
    )


def _fraction(value: Decimal) -> bool:
    """True for a finite number that is not whole (exactly, however many digits it has)."""
    return value.is_finite() and value != value.to_integral_value(context=_EXACT)


@lru_cache(maxsize=32)
def inexact(scale: int) -> tuple[Decimal, ...]:
    """The smallest k / 10^scale whose double times 10^scale is below k (0.29 at s = 2), the
    smallest whose double times 10^scale is above k (0.07: 7.000000000000001, which a CHECK
    ``n * 100 <= 7`` rejects on SQLite), and their negatives (none where no k below
    ``_SEARCH`` is)."""
    return _crossing(scale, 10**scale) if scale > 0 else ()


@lru_cache(maxsize=256)
def inexact_times(scale: int, factor: int) -> tuple[Decimal, ...]:
    """As ``inexact``, for a column of ``scale`` times a whole ``factor`` other than 10^scale:
    the smallest k / 10^scale whose double times ``factor`` is below the double of the exact
    product, the smallest above it, and their negatives (2.01 for s = 2 and 1000:
    2009.9999999999998, which SQLite's CAST to an integer truncates to 2009, PostgreSQL's
    numeric gives 2010)."""
    if scale <= 0 or abs(factor) < 2 or factor == 10**scale:
        return ()
    return _crossing(scale, factor)


@lru_cache(maxsize=256)
def inexact_quotients(scale: int, divisor: Decimal) -> tuple[Decimal, ...]:
    """For a column of ``scale`` divided by ``divisor``: the smallest whole multiple m of the
    divisor (of that scale) whose double divided by the divisor's double falls below m, the
    smallest whose falls above it, and their negatives (3.3 for s = 2 and 1.1: 3.3 / 1.1 is
    2.9999999999999996, which SQLite's floor makes 2, PostgreSQL's numeric 3). Computed on
    Python's doubles: SQLite reads some literals to another double (its 0.03), so a value
    found here may part nothing; the rows decide."""
    if scale < 0 or not divisor.is_finite() or not divisor:
        return ()
    unit = Decimal(1).scaleb(-scale)
    found: list[Decimal] = []
    for below in (True, False):
        for m in range(1, _SEARCH // 10):
            value = divisor * m
            if value != value.quantize(unit) or value.adjusted() > 15:
                continue
            quotient = float(value) / float(divisor)
            if quotient != m and (quotient < m) == below:
                found += [value.quantize(unit), -value.quantize(unit)]
                break
    return tuple(found)


def _crossing(scale: int, factor: int) -> tuple[Decimal, ...]:
    """The smallest k / 10^scale whose double times ``factor`` falls below the double of the
    exact product, the smallest whose falls above it, and their negatives."""
    unit = 10**scale
    found: list[Decimal] = []
    for below in (True, False):
        k = next(
            (k for k in range(1, _SEARCH)
             if float(k / unit) * factor != float(Decimal(k * factor) / unit)
             and (float(k / unit) * factor < float(Decimal(k * factor) / unit)) == below),
            None,
        )  # fmt: skip
        if k is not None:
            value = Decimal(k).scaleb(-scale)
            found += [value, -value]
    return tuple(found)
