"""Where an expression of one column read more than once (or a power or square root of it)
lands on a literal, found by bisection (see ``landings``, which inverts an expression step by
step where it reads the column once).

``n * n * 10000 <> 3249`` reads n twice, so no step undoes it; evaluated in decimal arithmetic
it is a function of n alone, and where it crosses 3249 between two points of a fixed grid
(0, and +-1, 2, 5 times each power of ten from 10^-8 to 10^12) the crossing is found by
bisection: n = 0.57, the shortest decimal (17 significant digits at most) on which the
expression is exactly the literal, else the crossing to 17 significant digits. SQLite computes
0.57 * 0.57 * 10000 on doubles, 3248.9999999999995, and accepts; PostgreSQL's numeric gives
3249.0000 and rejects. The expression may use + - * /, unary minus, abs, round(x, k), floor,
ceil, trunc, sqrt, power with a whole exponent, parentheses and casts to a non-integer number,
over constants and the one column; anything else (another column, an integer cast, another
function) gives no landing. Two crossings between the same two grid points (the expression
back on the same side) and a touch without crossing off the grid (``(n - 0.3) * (n - 0.3) =
0``; ``n * n = 0`` lands, on the grid's 0) are not found.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DecimalException,
)
from itertools import pairwise
from typing import Any

# Decimal arithmetic for the evaluation, and how many bisection steps (each halves the cell:
# 2^-200 of a cell 10^12 wide is far below any declared scale).
_CONTEXT = Context(prec=60)
_STEPS = 200
_DIGITS = 17
# At most this many crossings of one expression with one literal.
_MOST = 4
_GRID = sorted(
    {Decimal(0)}
    | {s * Decimal(m).scaleb(k) for s in (1, -1) for m in (1, 2, 5) for k in range(-8, 13)}
)


class _Unsupported(Exception):
    """The expression uses something ``_value`` does not compute."""


def column_of(node: Any) -> str | None:
    """The one column ``node`` reads, by name, when it reads exactly one (any number of times)."""
    from sqlglot import exp

    names = {c.name.lower() for c in node.find_all(exp.Column)}
    return names.pop() if len(names) == 1 else None


def beyond_steps(node: Any) -> bool:
    """True where ``landings`` does not invert ``node`` step by step but by ``roots``: it reads
    its one column more than once (``n * n``), or takes a power or square root."""
    from sqlglot import exp

    reads = list(node.find_all(exp.Column))
    return len({c.name.lower() for c in reads}) == 1 and (
        len(reads) > 1 or any(True for _ in node.find_all(exp.Pow, exp.Sqrt))
    )


def roots(node: Any, target: Decimal) -> list[tuple[str, Decimal]]:
    """(column, value) where ``node``, an expression of one column, crosses ``target`` (none
    where it reads no single column or uses what ``_value`` does not compute)."""
    name = column_of(node)
    if name is None:
        return []
    try:

        def gap(x: Decimal) -> Decimal | None:
            value = _value(node, x)
            return None if value is None else _CONTEXT.subtract(value, target)

        points = [(x, gap(x)) for x in _GRID]
    except _Unsupported:
        return []
    if len({fa for _, fa in points}) == 1:  # a constant (n * 0), or undefined everywhere
        return []
    found: list[Decimal] = []
    for (a, fa), (b, fb) in pairwise(points):
        if len(found) >= _MOST:
            break
        if fa is not None and fa == 0:
            found.append(a)
        elif fa is not None and fb is not None and (fa < 0) != (fb < 0) and fb != 0:
            found.append(_shortest(_bisect(gap, a, b, fa < 0), node, target))
    return [(name, v) for v in dict.fromkeys(found)]


def _bisect(
    gap: Callable[[Decimal], Decimal | None], low: Decimal, high: Decimal, rising: bool
) -> Decimal:
    """The crossing of ``gap`` with zero between ``low`` and ``high``, by bisection (a point
    where it is undefined, a pole, counts as past the crossing)."""
    for _ in range(_STEPS):
        middle = _CONTEXT.divide(_CONTEXT.add(low, high), 2)
        value = gap(middle)
        if value == 0:
            return middle
        if value is not None and (value < 0) == rising:
            low = middle
        else:
            high = middle
    return low


def _shortest(x: Decimal, node: Any, target: Decimal) -> Decimal:
    """The shortest rounding of ``x`` (at most ``_DIGITS`` significant digits) on which
    ``node`` is exactly ``target``: 0.57 for a crossing found at 0.5699999...; else ``x`` to
    ``_DIGITS`` significant digits."""
    for digits in range(1, _DIGITS + 1):
        near = _CONTEXT.create_decimal(x).quantize(
            Decimal(1).scaleb(x.adjusted() - digits + 1), ROUND_HALF_UP
        )
        if _value(node, near) == target:
            return near.normalize()
    return x.quantize(Decimal(1).scaleb(x.adjusted() - _DIGITS + 1), ROUND_HALF_UP).normalize()


def _value(node: Any, x: Decimal) -> Decimal | None:
    """``node`` at column value ``x`` in decimal arithmetic (None where it is undefined: a
    division by zero, the square root of a negative number); raises ``_Unsupported``."""
    from sqlglot import exp

    if isinstance(node, exp.Column):
        return x
    if isinstance(node, exp.Literal):
        try:
            return Decimal(str(node.this))
        except DecimalException:
            raise _Unsupported("literal") from None
    if isinstance(node, exp.Paren) or (
        isinstance(node, exp.Cast) and node.to.is_type(*exp.DataType.REAL_TYPES)
    ):
        return _value(node.this, x)
    name = type(node).__name__
    if name in ("Add", "Sub", "Mul", "Div", "Pow"):
        left, right = _value(node.this, x), _value(node.expression, x)
        return None if left is None or right is None else _binary(name, left, right)
    if name not in _UNARY or (name != "Round" and node.args.get("decimals")):
        raise _Unsupported(name)
    inner = _value(node.this, x)
    if inner is None or name == "Round":
        return inner if inner is None else _round(node, inner, x)
    if name == "Sqrt":
        return _CONTEXT.sqrt(inner) if inner >= 0 else None
    return _UNARY[name](inner)


def _round(node: Any, inner: Decimal, x: Decimal) -> Decimal:
    """``round(inner, k)`` half away from zero, as PostgreSQL's numeric rounds (k a constant)."""
    digits = _value(node.args["decimals"], x) if node.args.get("decimals") else Decimal(0)
    if digits is None or not digits.is_finite() or abs(digits) > 30 or digits % 1:
        raise _Unsupported("round")
    return inner.quantize(Decimal(1).scaleb(-int(digits)), ROUND_HALF_UP, _CONTEXT)


_UNARY: dict[str, Callable[[Decimal], Decimal]] = {
    "Neg": lambda v: -v,
    "Abs": abs,
    "Round": lambda v: v,  # ``_round``
    "Sqrt": lambda v: v,  # ``_CONTEXT.sqrt`` of a number not negative
    "Floor": lambda v: v.to_integral_value(ROUND_FLOOR),
    "Ceil": lambda v: v.to_integral_value(ROUND_CEILING),
    "Trunc": lambda v: v.to_integral_value(ROUND_DOWN),
}


def _binary(name: str, left: Decimal, right: Decimal) -> Decimal | None:
    """``left`` op ``right`` (None for a division by zero; a power only to a whole exponent
    of at most 10)."""
    try:
        if name == "Add":
            return _CONTEXT.add(left, right)
        if name == "Sub":
            return _CONTEXT.subtract(left, right)
        if name == "Mul":
            return _CONTEXT.multiply(left, right)
        if name == "Div":
            return _CONTEXT.divide(left, right)
    except DecimalException:
        return None
    if right % 1 or not 0 <= right <= 10:
        raise _Unsupported("power")
    return _CONTEXT.power(left, int(right))
