"""Where a column times a decimal literal lands on a half or a whole number that a binary double
misses (see ``expression_reads.reads``): SQLite computes ``net * 0.175`` in doubles, PostgreSQL in exact
numeric, so at net = 180 the product is 31.499999999999996 on SQLite and 31.500 on PostgreSQL,
and ``round()`` gives 31 on one and 32 on the other (stranger40 071, 075). Such a product is a
function's argument (round, floor, a cast) or a CHECK's operand, so the column is probed at the
smallest whole value whose double product falls below the exact half or whole number, the
smallest whose falls above it, and their negatives; a column compared with an expression that
holds the product (``tax = round(net * 0.175)``) at the two whole numbers either side of the
exact product there (31 and 32), so that a probe row can pair them. Arithmetic over several
columns inside a ``round()`` (a price times a quantity and a discount) is ``half_rounds``'s.
"""

from __future__ import annotations

import math
from decimal import Decimal
from functools import lru_cache
from typing import Any

# How far the search goes (0.175 first parts at 180; a literal of 6 decimals well within).
_SEARCH = 10**4
# At most this many literals per expression are searched for.
_LITERALS = 4
_COMPARISONS = ("EQ", "NEQ", "LT", "LTE", "GT", "GTE")


@lru_cache(maxsize=256)
def halves(factor: Decimal) -> tuple[int, ...]:
    """The smallest positive integer x for which ``x * factor`` is exactly a multiple of 0.5
    and the double ``float(x) * float(factor)`` is below it, the smallest for which it is above
    it, and their negatives (180 and -180 for 0.175: 31.499999999999996 below 31.5); none for a
    whole factor or one every such product of is a double (0.5, 0.125)."""
    if not factor.is_finite() or factor == factor.to_integral_value():
        return ()
    digits = factor.as_tuple()
    exponent = digits.exponent if isinstance(digits.exponent, int) else 0
    if exponent < -17:
        return ()
    scaled = int(factor.scaleb(-exponent))  # factor = scaled * 10^exponent
    unit = 10**-exponent
    # x * factor is a multiple of 0.5 when 2 * x * scaled is a multiple of 10^-exponent.
    step = unit // math.gcd(2 * scaled, unit)
    double = float(factor)
    found: list[int] = []
    for below in (True, False):
        for x in range(step, _SEARCH, step):
            exact = factor * x
            got = Decimal(float(x) * double)
            if got != exact and (got < exact) == below:
                found += [x, -x]
                break
    return tuple(found)


def landings(tree: Any) -> tuple[tuple[str, Decimal], ...]:
    """Each (column, value) for the products in ``tree`` of one column and a decimal literal:
    the column at ``halves``, and a column compared with an expression holding such a product
    at the whole numbers either side of the exact product there."""
    from sqlglot import exp

    found: list[tuple[str, Decimal]] = []
    products: list[tuple[Any, str, Decimal]] = []
    for node in tree.find_all(exp.Mul):
        for column, literal in ((node.this, node.expression), (node.expression, node.this)):
            name, factor = _column_name(column), _literal(literal)
            if name is not None and factor is not None and len(products) < _LITERALS:
                products.append((node, name, factor))
    for node, name, factor in products:
        exact = [factor * x for x in halves(factor)]
        found += [(name, Decimal(x)) for x in halves(factor)]
        for compared in _compared_with(tree, node):
            if compared != name:
                found += [(compared, v.to_integral_value(r)) for v in exact for r in _ENDS]
    return tuple(dict.fromkeys(found))


_ENDS = ("ROUND_FLOOR", "ROUND_CEILING")


def _column_name(node: Any) -> str | None:
    """The folded name of a column (in parentheses or cast), else None."""
    from sqlglot import exp

    while isinstance(node, (exp.Paren, exp.Cast)):
        node = node.this
    return node.name.lower() if isinstance(node, exp.Column) else None


def _literal(node: Any) -> Decimal | None:
    """The number of a literal with a fraction (in parentheses or cast), else None."""
    from twinschema.evaluate.landings import constant

    value = constant(node)
    if value is None or not value.is_finite() or value == value.to_integral_value():
        return None
    return value


def _compared_with(tree: Any, product: Any) -> list[str]:
    """The columns compared by =, <>, <, <=, >, >= with an expression that holds ``product``."""
    found: list[str] = []
    for node in tree.walk():
        if type(node).__name__ not in _COMPARISONS:
            continue
        for one, other in ((node.this, node.expression), (node.expression, node.this)):
            name = _column_name(one)
            if name is not None and any(n is product for n in other.walk()):
                found.append(name)
    return found
