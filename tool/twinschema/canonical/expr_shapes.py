"""Tree shapes the rewriting rules of ``expr_rules`` recognize and build, none of them a rule
itself: ranges and their mirrored comparisons, IN lists grouped from OR and AND, array
comparisons, numbers and truth values."""

from __future__ import annotations

from sqlglot import exp

from twinschema.canonical.expr_tree import (
    is_literal,
    key,
    make,
    operands,
    sorted_unique,
    unparen,
)

MIRRORED: dict[type[exp.Expr], type[exp.Expr]] = {  # a op b == b mirror(op) a
    exp.GT: exp.LT,
    exp.LT: exp.GT,
    exp.GTE: exp.LTE,
    exp.LTE: exp.GTE,
}


def symmetric_range(items: list[exp.Expr]) -> list[exp.Expr]:
    """``(x >= a AND x <= b) OR (x >= b AND x <= a)`` with number bounds (how PostgreSQL
    stores ``x BETWEEN SYMMETRIC a AND b``) is the one range of the two that is not empty: the
    other is false for any x that is not NULL, and NULL with the first for a NULL x."""
    if len(items) != 2:
        return items
    first, second = _range_of(items[0]), _range_of(items[1])
    if first is None or second is None:
        return items
    (x0, low0, high0), (x1, low1, high1) = first, second
    if x0 != x1 or (low0, high0) != (high1, low1):
        return items
    return [items[0] if low0 <= high0 else items[1]]


def _range_of(node: exp.Expr) -> tuple[str, float, float] | None:
    """(operand text, low, high) of a canonical ``x <= high AND x >= low`` on number bounds."""
    node = unparen(node)
    if type(node) is not exp.And:
        return None
    bounds: dict[type[exp.Expr], tuple[str, float]] = {}
    for part in operands(node, exp.And):
        part = unparen(part)
        cls, x, bound = type(part), part.this, part.expression
        if _number(unparen(x)) is not None and cls in MIRRORED:  # (-5) >= x is x <= -5
            cls, x, bound = MIRRORED[cls], bound, x
        value = _number(unparen(bound))
        if cls not in (exp.GTE, exp.LTE) or value is None or cls in bounds:
            return None
        bounds[cls] = (key(x), value)
    if set(bounds) != {exp.GTE, exp.LTE} or bounds[exp.GTE][0] != bounds[exp.LTE][0]:
        return None
    return bounds[exp.GTE][0], bounds[exp.GTE][1], bounds[exp.LTE][1]


def grouped(items: list[exp.Expr], disjunction: bool) -> list[exp.Expr]:
    """OR of ``x = literal`` / ``x IN (...)`` on one ``x``: one IN list. AND of ``x <> literal`` /
    ``x NOT IN (...)``: one NOT IN list. (Both are what IN and NOT IN mean.)"""
    lists: dict[str, tuple[exp.Expr, list[exp.Expr]]] = {}
    rest: list[exp.Expr] = []
    for item in items:
        if disjunction:
            found = _list_of(item, exp.EQ)
        elif isinstance(item, exp.Not):
            inner = unparen(item.this)
            found = _list_of(inner, exp.NEQ) if isinstance(inner, exp.In) else None
        else:
            found = _list_of(item, exp.NEQ)
        if found is None:
            rest.append(item)
            continue
        operand, values = found
        lists.setdefault(key(operand), (operand, []))[1].extend(values)
    for operand, values in lists.values():
        rest.append(make_in(operand, values, negated=not disjunction))
    return rest


def _list_of(node: exp.Expr, comparison: type[exp.Expr]) -> tuple[exp.Expr, list[exp.Expr]] | None:
    """(operand, literal values) of ``x = literal`` (``x <> literal`` with ``comparison`` NEQ) or
    of ``x IN (literals)``."""
    node = unparen(node)
    if type(node) is comparison and is_literal(node.expression) and not is_literal(node.this):
        return node.this, [node.expression]
    if isinstance(node, exp.In) and all(is_literal(v) for v in node.expressions):
        return unparen(node.this), list(node.expressions)
    return None


def make_in(operand: exp.Expr, values: list[exp.Expr], negated: bool = False) -> exp.Expr:
    """``operand IN (values)`` (NOT IN when ``negated``), an equality when one value is left."""
    unique = sorted_unique(values)
    if len(unique) == 1:
        found = make(exp.NEQ if negated else exp.EQ, this=operand, expression=unique[0])
        return found
    node = make(exp.In, this=operand)
    node.set("expressions", unique)
    return make(exp.Not, this=node) if negated else node


def symmetric(node: exp.Expr) -> exp.Expr:
    """``x BETWEEN SYMMETRIC a AND b`` (raw): with two number bounds, a plain BETWEEN of the
    smaller and the larger; else the OR of both orders, which is what SYMMETRIC means."""
    x, low, high = node.this, node.args["low"], node.args["high"]
    bounds = (_number(unparen(low)), _number(unparen(high)))
    if bounds[0] is not None and bounds[1] is not None:
        if bounds[0] > bounds[1]:
            low, high = high, low
        return exp.Between(this=x, low=low, high=high)
    plain = exp.Between(this=x, low=low, high=high)
    swapped = exp.Between(this=x.copy(), low=high.copy(), high=low.copy())
    return exp.Or(this=plain, expression=swapped)


def _number(node: exp.Expr) -> float | None:
    """The value of a number literal (a negated one too), None for anything else."""
    sign = 1.0
    if isinstance(node, exp.Neg):
        sign, node = -1.0, unparen(node.this)
    if isinstance(node, exp.Literal) and not node.is_string:
        try:
            return sign * float(str(node.this))
        except ValueError:
            return None
    return None


def is_row_null_test(node: exp.Expr) -> bool:
    """``ROW(a, b) IS NOT NULL`` is not ``NOT ROW(a, b) IS NULL``: kept as written."""
    return (
        isinstance(node, exp.Is)
        and isinstance(unparen(node.this), exp.Tuple | exp.Struct | exp.Anonymous)
        and unparen(node.this).name.lower() in ("", "row")
    )


def array_compare(cls: type[exp.Expr], left: exp.Expr, right: exp.Expr) -> exp.Expr | None:
    """``x = ANY (ARRAY[...])`` as ``x IN (...)``, ``x <> ALL (ARRAY[...])`` as NOT IN."""
    if cls is exp.EQ and isinstance(right, exp.Any):
        items = _array_items(right.this)
        return None if items is None else exp.In(this=left, expressions=items)
    if (
        cls is exp.NEQ
        and isinstance(right, exp.All | exp.Anonymous)
        and right.name.upper()
        in (
            "ALL",
            "",
        )
    ):
        inner = right.this if isinstance(right, exp.All) else (right.expressions or [None])[0]
        items = _array_items(inner) if isinstance(inner, exp.Expr) else None
        return None if items is None else exp.Not(this=exp.In(this=left, expressions=items))
    return None


def _array_items(node: exp.Expr) -> list[exp.Expr] | None:
    while isinstance(node, exp.Paren | exp.Cast):
        node = node.this
    return list(node.expressions) if isinstance(node, exp.Array) else None


def truth_of(node: exp.Expr) -> bool | None:
    """The truth value a literal spells (true/false, 1/0), else None."""
    if isinstance(node, exp.Boolean):
        return bool(node.this)
    if isinstance(node, exp.Literal) and not node.is_string and str(node.this) in ("0", "1"):
        return str(node.this) == "1"
    return None
