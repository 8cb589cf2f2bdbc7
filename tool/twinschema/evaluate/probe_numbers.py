"""Probe values of number columns (``probes.values_for``): for an integer column each literal
and its neighbours, one either side of products of whole literals, and the type ends; for a
float or numeric one the literals and their neighbours at the scale, the fractions where
rounding rules part, and the values ``scaled_values``, ``unscaled_values`` and ``landings``
give.
"""

from __future__ import annotations

import itertools
import math
import struct
from decimal import Decimal
from typing import Any

from twinschema.canonical import expr_idioms
from twinschema.evaluate import scaled_values, unscaled_values

_INT4 = 2**31
_INT8_MAX = 2**63 - 1
# The first integer a double cannot hold, and the double next to it: SQLite compares an integer
# with a double exactly, PostgreSQL casts a bigint (or numeric) to double precision first, so
# c0 <> c1 holds at (2^53 + 1, 2^53) on SQLite only (fuzz37).
# A smallint's ends and their halves: PostgreSQL computes smallint arithmetic in smallint, so
# c0 + c1 > 0 fails at (32767, 1) and (16384, 16384) there, where SQLite computes on (fuzz37).
SMALLINT_ENDS = [32767, -32768, 16384, -16384]
_PAST_DOUBLE = 2**53 + 1
# The first integer PostgreSQL's real (4 bytes) cannot hold: CAST(x AS REAL) is a double on
# SQLite, so (x, x) parts CAST(x AS REAL) / y there only (stranger36).
_PAST_FLOAT4 = 2**24 + 1
_DOUBLE_BESIDE = 2**53
# Numbers probed side by side in two columns (``crossed_rows.cross``), one apart where a
# conversion makes them one: two doubles one apart in the last place, which a cast to numeric (15
# significant digits on PostgreSQL) makes one (c0 < c1 against c0::numeric < c1::numeric,
# fuzz37), and two integers that a cast to a double makes one (c0 < c1 against
# c0::double precision < c1::double precision at (2^53, 2^53 + 1), stranger38).
NEXT_DOUBLES = ((1.0, 1.0000000000000002), (0.3, 0.30000000000000004))
NUMBER_PAIRS = (*NEXT_DOUBLES, (_DOUBLE_BESIDE, _PAST_DOUBLE))


def integers(numbers: tuple[Decimal, ...]) -> list[Any]:
    """Integers for an integer column: each literal and its neighbours; each product of two
    whole literals and its neighbours, which an integer division by one of them does not divide
    exactly (``x / 2 >= -1``: -3, where SQLite's truncation gives -1 and PostgreSQL's
    ``floor(x / 2.0)`` -2); small negative odd numbers; the boundaries."""
    found: list[int] = []
    for n in numbers:
        whole = int(n)
        found += [whole, whole - 1, whole + 1]
        if n != whole:
            found.append(whole + (1 if n > 0 else -1))
    found += _off_products(numbers)
    found += [0, 1, -1, 2, -2, -3, 3, -5, 10, -10, 100]
    found += [_INT4 - 1, _INT4, -_INT4, _INT8_MAX, -_INT8_MAX - 1, _PAST_FLOAT4]
    found += [_DOUBLE_BESIDE, _PAST_DOUBLE]
    return list(found)


# The first whole literals whose pairwise products are probed (the rest add values as written).
_PRODUCT_LITERALS = 6


def _off_products(numbers: tuple[Decimal, ...]) -> list[int]:
    """One either side of each product of two whole literals (and of its negation): integers
    an integer division by one of them does not divide exactly (``x / 2 <= 3``: 7, which
    SQLite's integer division takes to 3 and exact division to 3.5)."""
    found: list[int] = []
    wholes = list(dict.fromkeys(int(n) for n in numbers if n == int(n) and abs(n) < _INT4))
    for a, b in itertools.combinations_with_replacement(wholes[:_PRODUCT_LITERALS], 2):
        if abs(a * b) > 1:
            found += [a * b - 1, a * b + 1, -a * b - 1, -a * b + 1]
    return found


def _finer_neighbours(numbers: tuple[Decimal, ...], step: Decimal) -> list[Decimal]:
    """For each literal with more decimals than ``step``, the numbers half a unit of its last
    decimal either side of it: a double compared with 0.99999 is probed at 0.999995 and
    0.999985, where ``c < 1`` and ``c <= 0.99999`` part (the step's neighbours, 0.98999 and
    1.00999, do not; fuzz41 R2)."""
    found: list[Decimal] = []
    for n in numbers:
        exponent = n.as_tuple().exponent if n.is_finite() else 0
        if isinstance(exponent, int) and Decimal(1).scaleb(exponent) < step:
            half = Decimal(5).scaleb(exponent - 1)
            found += [n - half, n + half]
    return found


def absorbing(numbers: tuple[Decimal, ...]) -> list[float]:
    """A double so large that adding or subtracting any literal leaves it as it is (2^54 times
    the largest literal's power of two), and its negation: ``c0 - c1 < 100000`` against
    ``c0 < c1 + 100000`` part at c0 = c1 = 2^71, where c1 + 100000 is c1."""
    largest = max((abs(n) for n in numbers if n.is_finite() and n != 0), default=None)
    if largest is None or largest > 2**900:
        return []
    power = 2.0 ** (math.frexp(float(largest))[1] + 54)
    return [power, -power]


def precision_ends(kind: str | None, precision: int | None, scale: int | None) -> list[Decimal]:
    """The largest and smallest value a NUMERIC(precision, scale) column holds, where it has
    both: a number as wide as the column takes is where a function's own width ends first
    (``to_char(amount, 'FM999990.00')`` writes '#' for 99999999.99, which ``amount::text``
    and SQLite's ``printf('%.2f', amount)`` write out; stranger57 051/052)."""
    if kind != "numeric" or precision is None or scale is None or scale > precision:
        return []
    top = _largest(precision, scale)
    return [top, -top]


def cast_ends(to: Any) -> list[Decimal]:
    """The largest number a cast to NUMERIC(p, s) keeps and the first it refuses, where ``to``
    is one: ``price::numeric(5,2) = price`` against ``price = round(price, 2)`` parts at 1000
    (stranger57 138), which no literal names."""
    from sqlglot import exp

    if not isinstance(to, exp.DataType) or to.this != exp.DataType.Type.DECIMAL:
        return []
    declared = expr_idioms.numeric_precision(to)
    if declared is None or declared[0] > 38:
        return []
    return [_largest(*declared), Decimal(10) ** (declared[0] - declared[1])]


# The largest 4-byte float, a double past it (a cast to real refuses it: "value out of range:
# overflow") and a positive double below its smallest (refused: underflow), on PostgreSQL 16.
_REAL_ENDS = (Decimal("3.4028234663852886e38"), Decimal("3.5e38"), Decimal("1e-46"))
# The share of a 4-byte float's step a double is probed beside a literal at: within half a step
# (the real rounds it onto the literal), past a power of two too, where the step below halves.
_REAL_NEAR = 8


def real_ends(dialect: str, to: Any, literals: tuple[Decimal, ...]) -> list[Decimal]:
    """Where a cast of a double to ``dialect``'s 4-byte float changes a comparison, where ``to``
    is one (``storage.FOUR_BYTE_FLOATS``): each literal's doubles an eighth of a real's step
    either side, which the real rounds onto it (``f::real < 1`` refuses 0.99999998509883881,
    ``f < 1`` keeps it; stranger57 139), and real's range ends, either sign."""
    from sqlglot import exp

    from twinschema.canonical.typemap_storage import FOUR_BYTE_FLOATS

    if dialect not in FOUR_BYTE_FLOATS or not isinstance(to, exp.DataType):
        return []
    if to.this != exp.DataType.Type.FLOAT:  # real and float4 (sqlglot's FLOAT is 4 bytes)
        return []
    found = [*_REAL_ENDS, *(-end for end in _REAL_ENDS)]
    for n in literals:
        if n.is_finite() and 0 < abs(n) < _REAL_ENDS[0]:
            near = float(struct.unpack("f", struct.pack("f", float(n)))[0])
            step = math.ulp(near) * 2**29 / _REAL_NEAR  # a double's step is 2^29 times finer
            found += [Decimal(repr(near - step)), Decimal(repr(near + step))]
    return found


def _largest(precision: int, scale: int) -> Decimal:
    """The largest number a NUMERIC(precision, scale) holds (999.99 for (5, 2))."""
    return Decimal(10) ** (precision - scale) - Decimal(1).scaleb(-scale)


def decimals(
    numbers: tuple[Decimal, ...], scale: int | None, exact: bool = False,
    landed: tuple[Decimal, ...] = (),
) -> list[Any]:  # fmt: skip
    """Numbers for a float column, or (``exact``) a numeric one: of its scale when declared,
    else as written, each literal and 1 and 1.5 with a trailing zero too, and for a numeric the
    integers an integer division parts from an exact one (``_off_products``) (an unscaled numeric
    keeps it: 1.0 is '1.0' as text on PostgreSQL, '1' on SQLite, which stores an integer); for
    a numeric, ``landed`` (``landings.for_column``) too, on a scaled one with those rounded
    onto each."""
    step = Decimal(1).scaleb(-(scale if scale is not None else 2))
    found: list[Decimal] = []
    for n in numbers:
        found += [n, n - step, n + step, n - 1, n + 1]
    if exact and scale is None:
        found += unscaled_values.spelled_longer(numbers)
        # Past a double's precision, third after the literals (a cut keeps them), which SQLite's
        # NUMERIC keeps as a double and PostgreSQL's numeric exactly (``DOUBLE_UNSCALED``), and
        # where arithmetic lands on a literal (``landings``: 0.57 * 100 is 56.99999999999999).
        at = len(numbers) * 5
        found[at:at] = [*unscaled_values.past_double_values(numbers), *landed]
    elif not exact:  # a double: where its arithmetic lands on a literal (c * 1000 > 1: 0.001),
        # and beside a literal finer than the step (``_finer_neighbours``)
        found[len(numbers) * 5 : len(numbers) * 5] = [*_finer_neighbours(numbers, step), *landed]
    found += [Decimal(0), Decimal(1), Decimal(-1), step, -step, Decimal("0.5"), Decimal(_INT4)]
    # Fractions where truncating, rounding half to even and half away from zero part
    # (CAST(x AS INTEGER) truncates on SQLite and rounds on PostgreSQL; round() differs too).
    found += [Decimal(v) for v in ("0.4", "0.7", "1.5", "2.5", "-0.5", "-0.7", "-1.5")]
    if exact:  # SQLite's NUMERIC stores a whole value as an integer: 7 / 2 is 3 there
        found += [Decimal(n) for n in _off_products(numbers)]
    if scale is None and exact:  # kept exactly on PostgreSQL, cast to a double there
        found.append(Decimal(_PAST_DOUBLE))
    elif scale is None:  # past a 64-bit integer (SQLite's CAST(x AS INTEGER) saturates), the
        # double beside the first integer past a double's, two doubles one apart
        found += [Decimal("1e20"), Decimal("-1e20"), Decimal(_DOUBLE_BESIDE)]
        found += [Decimal(repr(v)) for pair in NEXT_DOUBLES for v in pair]
    if scale is None:  # a double on SQLite, exact or not
        found += [Decimal(v) for v in absorbing(numbers)]
    if scale is not None:
        found = [d.quantize(step) for d in found]
    if exact and scale is not None and scale >= 0:
        # One decimal beyond the scale, third after the literals (a cut keeps them): PostgreSQL
        # rounds it away on store (0.001 is 0.00, 0.005 and 0.995 round up), SQLite keeps it;
        # then 0.495, rounded onto a literal 0.5, and 0.29, no double (``scaled_values``); then
        # where arithmetic lands on a literal, and those rounded onto it (``landings``).
        fine, at = step / 10, len(numbers) * 5
        onto = [*scaled_values.onto_literals(numbers, scale), *scaled_values.inexact(scale)]
        onto += [*landed, *scaled_values.onto_literals(landed, scale)]
        found[at:at] = [fine, 5 * fine, 1 - 5 * fine, -5 * fine, *onto]
    return [float(d) if scale is None and not exact else d for d in found]
