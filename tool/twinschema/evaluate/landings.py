"""Where arithmetic on one column lands on a literal (see ``probe_numbers.decimals``).

A comparison of an arithmetic expression of one column with constants (``n * c``, ``n / c``,
``c / n``, ``n + c``, ``n - c``, ``c - n``, ``-n``, ``abs(n)``, ``round(n, k)``, ``floor(n)``,
``ceil(n)``, ``trunc(n)``, ``n % c``, a cast to an integer, nested, through parentheses and
casts to a non-integer number) against a number L (a literal, or a sum, difference or product
of literals) by =, <>, <, <=, >, >=, BETWEEN, IN or PostgreSQL's ``= ANY (ARRAY[...])`` is
inverted: the column value v for which the expression is L (for ``round(n, k)``, the two ends
of what rounds onto L: L - h and L + h, h half a unit of the k-th decimal; for floor, ceil
and trunc, the ends of what they make L; for n % c, L; for an integer cast, which SQLite
truncates and PostgreSQL rounds, L and L +- 0.5; for abs(n), L and -L).
A NUMERIC(p,s) column is then probed with v quantized to s and with the values one decimal
past s that PostgreSQL rounds onto it (``scaled_values.onto_literals``), an unscaled one with v
as computed: ``n * 100 < 50`` lands at 0.50, and 0.495, which SQLite stores and accepts (49.5),
PostgreSQL stores as 0.50 and rejects; ``n * 100 <> 57`` lands at 0.57, whose double times 100
is 56.99999999999999 on SQLite, 57 on PostgreSQL; ``round(n, 1) < 0.5`` lands at 0.45 and 0.55,
and 0.449 is 0.4 on SQLite, stored 0.45 and rounded to 0.5 on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal, DecimalException
from typing import Any

from twinschema.evaluate import root_landings

_Op = Callable[[Decimal, Decimal], Decimal]

# At most this many landings per column (each gives up to three probe values); on an unscaled
# NUMERIC, those of at most this many significant digits (c / x is rarely exact).
MAX_LANDINGS = 6
_DIGITS = 17
# Decimal arithmetic for the inversion: enough digits for any declared NUMERIC precision.
_CONTEXT = Context(prec=60)
_COMPARISONS = ("EQ", "NEQ", "LT", "LTE", "GT", "GTE")
# For a function onto the integers and an integer L, where x lands so that it gives L: the ends
# of what it makes L (floor: [L, L + 1), ceil: (L - 1, L], trunc: either, by the sign); for an
# integer cast, which SQLite truncates and PostgreSQL rounds, L and the ends of what rounds
# onto it.
_WHOLE = {
    "Floor": (Decimal(0), Decimal(1)),
    "Ceil": (Decimal(-1), Decimal(0)),
    "Trunc": (Decimal(-1), Decimal(0), Decimal(1)),
}
_CAST = (Decimal("-0.5"), Decimal(0), Decimal("0.5"))
_FOLD: dict[str, _Op] = {"Add": _CONTEXT.add, "Sub": _CONTEXT.subtract, "Mul": _CONTEXT.multiply}


def divisors(tree: Any) -> list[Decimal]:
    """The non-zero constants ``tree`` divides by (``x / 1.1``, PostgreSQL's ``x / (3)::numeric``
    too), each once, in order."""
    from sqlglot import exp

    found = [constant(node.expression) for node in tree.find_all(exp.Div)]
    return list(dict.fromkeys(c for c in found if c is not None and c.is_finite() and c))


def landings(tree: Any) -> tuple[tuple[str, Decimal], ...]:
    """Each (column name, value) where an arithmetic expression of that one column, compared
    with a number literal in ``tree``, lands on that literal (none for a bare column: its
    literal is probed as such)."""
    found: list[tuple[str, Decimal]] = []
    for side, target in _compared(tree):
        if _bare(side):
            continue
        # Step by step; the column read twice (n * n), or a power or square root of it, by
        # bisection.
        stepwise = not root_landings.beyond_steps(side)
        landed = _invert(side, target) if stepwise else root_landings.roots(side, target)
        found += [(c.lower(), v) for c, v in landed if v.is_finite()]
    return tuple(dict.fromkeys(found))


def products(tree: Any) -> tuple[tuple[str, str, Decimal], ...]:
    """Each (a, b, L) where the product of two columns ``a * b`` is compared with a number L
    (``qty * price <= 5000000``): ``over_products`` makes landings of them from the other
    numbers the probes hold (qty = 5 beside price = 1000000, a CHECK's end). A product divided
    by a whole number c is compared with L where it is L * c, and where dividing integers, which
    truncates, still makes it L: ``(qty * price) / 2 <> 1`` at 2 and 3 (a SQLite column of
    numeric affinity holds qty 2 times price 1.5 as the integer 3, and 3 / 2 is 1 there, 1.5
    where the product stays a fraction: stranger50 014)."""
    from sqlglot import exp

    found: list[tuple[str, str, Decimal]] = []
    for side, target in _compared(tree):
        side = _unwrapped(side)
        targets = [target]
        divisor = constant(side.expression) if isinstance(side, exp.Div) else None
        if divisor is not None and divisor > 1 and divisor == divisor.to_integral_value():
            side, reach = _unwrapped(side.this), divisor - 1
            ends = (reach,) if target > 0 else (-reach,) if target < 0 else (reach, -reach)
            targets = [target * divisor, *(target * divisor + e for e in ends)]
        if isinstance(side, exp.Mul) and _bare(side.this) and _bare(side.expression):
            names = [c.name.lower() for c in (side.this, side.expression)]
            if names[0] != names[1]:
                found += [(names[0], names[1], t) for t in targets]
    return tuple(dict.fromkeys(found))


def _unwrapped(node: Any) -> Any:
    """``node`` out of its parentheses and casts."""
    from sqlglot import exp

    while isinstance(node, (exp.Paren, exp.Cast)):
        node = node.this
    return node


def over_products(
    found: tuple[tuple[str, str, Decimal], ...], numbers: tuple[Decimal, ...]
) -> tuple[tuple[str, Decimal], ...]:
    """Landings of ``products``: for a * b against L, a = L / k and b = L / k for each non-zero
    number k the probes hold, so that a row pairs the quotient with k in the other column."""
    landed: list[tuple[str, Decimal]] = []
    for a, b, target in found:
        for k in numbers:
            if k and k.is_finite():
                try:
                    quotient = _CONTEXT.divide(target, k)
                except DecimalException:
                    continue
                landed += [(a, quotient), (b, quotient)]
    return tuple(dict.fromkeys(landed))


def _compared(tree: Any) -> list[tuple[Any, Decimal]]:
    """Each (operand, number) ``tree`` compares by =, <>, <, <=, >, >=, BETWEEN, IN or ``= ANY``,
    both ways round."""
    return [(side, target) for side, other in compared(tree) for target in _targets(other)]


def compared(tree: Any) -> list[tuple[Any, Any]]:
    """Each (operand, what it is compared with) of ``tree``'s =, <>, <, <=, >, >=, BETWEEN and IN,
    both ways round (also used by ``date_parts``)."""
    from sqlglot import exp

    found: list[tuple[Any, Any]] = []
    for node in tree.walk():
        if type(node).__name__ in _COMPARISONS:
            found += [(node.this, node.expression), (node.expression, node.this)]
        elif isinstance(node, exp.Between):
            found += [(node.this, node.args.get("low")), (node.this, node.args.get("high"))]
        elif isinstance(node, exp.In):
            found += [(node.this, e) for e in node.expressions]
    return found


def _targets(node: Any) -> list[Decimal]:
    """The finite numbers ``node`` stands for: one constant, or each of an ``= ANY (ARRAY[...])``,
    as PostgreSQL prints an IN list back (a NaN is compared with nothing: ``abs(n) = 'NaN'``)."""
    from sqlglot import exp

    if isinstance(node, exp.Any):
        inner = node.this.this if isinstance(node.this, exp.Paren) else node.this
        items = inner.expressions if isinstance(inner, exp.Array) else []
        return [v for v in map(constant, items) if v is not None and v.is_finite()]
    value = constant(node)
    return [] if value is None or not value.is_finite() else [value]  # 'NaN'::numeric


def for_column(
    found: tuple[tuple[str, Decimal], ...], column: str, scale: int | None, precision: int | None
) -> list[Decimal]:
    """The landings of ``column``, at most ``MAX_LANDINGS``: quantized to ``scale`` as
    PostgreSQL stores them (half away from zero), those a NUMERIC of ``precision`` holds; with
    no scale, those of at most ``_DIGITS`` significant digits, as computed."""
    values: list[Decimal] = []
    for name, value in found:
        if name != column.lower():
            continue
        try:
            if scale is not None:
                value = value.quantize(Decimal(1).scaleb(-scale), ROUND_HALF_UP, _CONTEXT)
            elif len(value.as_tuple().digits) > _DIGITS:
                continue
            elif value.as_tuple().exponent > 0:  # type: ignore[operator]  # finite here
                value = value.quantize(Decimal(1))  # 1E+2 is 100
        except DecimalException:
            continue
        if scale is None or precision is None or value.adjusted() < precision - scale:
            values.append(value)
    return list(dict.fromkeys(values))[:MAX_LANDINGS]


def whole(found: tuple[tuple[str, Decimal], ...], column: str) -> list[Decimal]:
    """The landings of ``column`` for an integer column: each whole one, else the integers
    either side of it (``x * 2`` lands on 32767 at 16383.5: 16383 and 16384), at most
    ``2 * MAX_LANDINGS``."""
    values: list[Decimal] = []
    for name, value in found:
        if name == column.lower() and abs(value) < 2**63:
            values += [value.to_integral_value(ROUND_FLOOR), value.to_integral_value(ROUND_CEILING)]
    return list(dict.fromkeys(values))[: 2 * MAX_LANDINGS]


def _bare(node: Any) -> bool:
    """True for a column as such (in parentheses or a cast): its literal is probed already."""
    from sqlglot import exp

    return isinstance(_unwrapped(node), exp.Column)


def constant(node: Any) -> Decimal | None:
    """The number ``node`` stands for: a literal (a string one only under a cast, PostgreSQL's
    ``'-0.5'::numeric``), negated, in parentheses or cast to a number, or a sum, difference or
    product of such (``50 + 7``; a quotient is not, integer division on both dialects); else
    None."""
    from sqlglot import exp

    sign = 1
    cast = False
    while isinstance(node, (exp.Paren, exp.Cast, exp.Neg)):
        if isinstance(node, exp.Neg):
            sign = -sign
        if isinstance(node, exp.Cast):
            if not node.to.is_type(*exp.DataType.NUMERIC_TYPES):
                return None
            cast = True
        node = node.this
    if isinstance(node, (exp.Add, exp.Sub, exp.Mul)):
        left, right = constant(node.this), constant(node.expression)
        if left is None or right is None:
            return None
        value = _FOLD[type(node).__name__](left, right)
        return value if sign > 0 else -value
    if not isinstance(node, exp.Literal) or (node.is_string and not cast):
        return None
    try:
        value = Decimal(str(node.this))
    except DecimalException:
        return None
    return value if sign > 0 else -value


def _invert(node: Any, target: Decimal) -> list[tuple[str, Decimal]]:
    """The (column, value) pairs for which ``node`` is ``target`` (none where it reads no
    single column through the operators above, or the inversion divides by zero)."""
    from sqlglot import exp

    if isinstance(node, exp.Column):
        return [(node.name, target)]
    if isinstance(node, exp.Paren) or (
        isinstance(node, exp.Cast) and node.to.is_type(*exp.DataType.REAL_TYPES)
    ):
        return _invert(node.this, target)
    if isinstance(node, exp.Neg):
        return _invert(node.this, -target)
    if isinstance(node, exp.Abs):
        return _invert(node.this, target) + _invert(node.this, -target) if target > 0 else []
    whole = isinstance(node, exp.Cast) and node.to.is_type(*exp.DataType.INTEGER_TYPES)
    offsets = _CAST if whole else _WHOLE.get(type(node).__name__)
    if offsets is not None and not node.args.get("decimals"):
        if target != target.to_integral_value():  # no integer function gives 0.5
            return []
        return [p for o in offsets for p in _invert(node.this, target + o)]
    if isinstance(node, exp.Round):
        digits = constant(node.args["decimals"]) if node.args.get("decimals") else Decimal(0)
        if digits is None or not digits.is_finite() or abs(digits) > 30 or digits % 1:
            return []
        half = Decimal(5).scaleb(-int(digits) - 1)
        return _invert(node.this, target - half) + _invert(node.this, target + half)
    if not isinstance(node, (exp.Mul, exp.Div, exp.Add, exp.Sub, exp.Mod)):
        return []
    left, right = constant(node.this), constant(node.expression)
    operator = type(node).__name__
    try:
        if right is not None:  # x op c
            return _invert(node.this, _UNDO[operator](target, right))
        if left is not None and operator in _UNDO_LEFT:  # c op x
            return _invert(node.expression, _UNDO_LEFT[operator](target, left))
    except DecimalException:  # a division by zero (x * 0, x / 0, c / x = 0): no landing
        return []
    return []


# The x for which ``x op c`` is t (for ``x % c``, the smallest: t itself), and the x for which
# ``c op x`` is t (a division by zero raises under ``_CONTEXT``).
_UNDO: dict[str, _Op] = {
    "Mod": lambda t, c: t if c else _CONTEXT.divide(t, c),
    "Mul": lambda t, c: _CONTEXT.divide(t, c),
    "Div": lambda t, c: _CONTEXT.multiply(t, c) if c else _CONTEXT.divide(t, c),
    "Add": lambda t, c: _CONTEXT.subtract(t, c),
    "Sub": lambda t, c: _CONTEXT.add(t, c),
}
_UNDO_LEFT: dict[str, _Op] = {
    "Mul": lambda t, c: _CONTEXT.divide(t, c),
    "Div": lambda t, c: _CONTEXT.divide(c, t),
    "Add": lambda t, c: _CONTEXT.subtract(t, c),
    "Sub": lambda t, c: _CONTEXT.subtract(c, t),
}
