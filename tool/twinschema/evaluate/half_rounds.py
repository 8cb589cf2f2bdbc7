"""Rows where arithmetic over several columns lands on a half at the digit ``round()`` keeps, and
SQLite's doubles miss it (``half_products`` generalized past one column times a literal).

``round(qty * unit_price * (100 - discount) / 100.0, 2)`` at (7, 11.87, 50) is exactly 41.545:
PostgreSQL computes it in exact numeric and rounds half away from zero (41.55), SQLite in
binary doubles (41.54499999999999, a few ulps below) and its round() gives 41.54 (stranger44
009). Such rows are rare (two in 180,000 rows of cents, quantities and discounts), so no cross
product of probe values meets them: the values of the columns the argument reads are searched,
bounded (``_BUDGET`` rows, small positive values), for rows whose exact value is a half at the
rounding digit; the double of each is rounded by the SQLite library this process links (the one
the evaluator runs), and the rows where that parts from the exact rounding are probed. A column
compared with such a ``round()`` is set, in those rows, to the exact value rounded down and up.
"""

from __future__ import annotations

import itertools
import math
import sqlite3
from collections.abc import Callable, Iterator
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from functools import lru_cache, partial
from typing import Any

# How many rows are searched per round() argument (over the columns taken in turn), and how
# many rows where it parts are kept.
_BUDGET = 400_000
_FOUND = 2
# At most this many columns in one argument are searched over.
_COLUMNS = 3
# The values searched: an integer column's, a fractional column's that the search runs through
# in steps of its scale (``_STEPS`` of them: 0.01 to 20.00 at scale 2), and a fractional
# column's few plain values (a discount of 50, 12.5) when another runs through its steps.
_INTEGERS = tuple(range(1, 10))
# An integer column's larger values, each searched in a group of its own (the others small):
# a discount of 50 halves (100 - discount), which small values never do.
_WHOLE = tuple(Decimal(v) for v in ("10", "15", "20", "25", "50", "75"))
_STEPS = 2000
_PLAIN = tuple(Decimal(v) for v in ("1", "2", "5", "10", "12.5", "15", "20", "25", "50", "75"))
_COMPARISONS = ("EQ", "NEQ", "LT", "LTE", "GT", "GTE")
_HALF = Decimal("0.5")

# (name, kind, scale, precision) of each column: kind "integer", "numeric" or another.
Columns = tuple[tuple[str, str, int | None, int | None], ...]
Row = tuple[tuple[str, Decimal], ...]


def rows(dialect: str, text: str, columns: Columns) -> tuple[Row, ...]:
    """The rows ((column, value), ...) of ``text`` (an expression of ``dialect``) where a
    ``round()`` of arithmetic over ``columns`` parts between exact numeric and SQLite's
    doubles; none for an expression that does not parse."""
    import sqlglot
    from sqlglot.errors import SqlglotError

    from twinschema.records import SQLGLOT_DIALECTS
    from twinschema.sql_expression import parse_expression

    try:
        tree = parse_expression(partial(sqlglot.parse_one, read=SQLGLOT_DIALECTS[dialect]), text)
    except (SqlglotError, ValueError):
        return ()
    found: list[Row] = []
    for node, digits in _rounds(tree):
        compared = _compared_with(tree, node)
        argument = node.this.sql(dialect=SQLGLOT_DIALECTS[dialect])
        searched = _search(dialect, argument, digits, columns) if _arithmetic(node.this) else ()
        for hit, exact in searched:
            step = Decimal(1).scaleb(-digits)
            ends = [exact.quantize(step, r) for r in (ROUND_FLOOR, ROUND_CEILING)]
            found += [(*hit, (c, end)) for c in compared for end in ends] or [hit]
    return tuple(dict.fromkeys(found))


def _rounds(tree: Any) -> Iterator[tuple[Any, int]]:
    """Each ``round(argument[, digits])`` of ``tree`` whose digits are a whole literal, with
    them (0 when left out)."""
    from sqlglot import exp

    for node in tree.find_all(exp.Round):
        digits = node.args.get("decimals")
        if digits is None:
            yield node, 0
        elif isinstance(digits, exp.Literal) and not digits.is_string and digits.this.isdigit():
            yield node, int(digits.this)


def _arithmetic(node: Any) -> bool:
    """True when ``node`` is columns and number literals joined by + - * / only."""
    from sqlglot import exp

    allowed: tuple[type, ...] = (exp.Column, exp.Identifier, exp.Literal, exp.Paren, exp.Neg)
    allowed += (exp.Add, exp.Sub, exp.Mul, exp.Div)
    return all(
        isinstance(n, allowed) and not (isinstance(n, exp.Literal) and n.is_string)
        for n in node.walk()
    )


@lru_cache(maxsize=256)
def _search(
    dialect: str, argument: str, digits: int, columns: Columns
) -> tuple[tuple[Row, Decimal], ...]:
    """The rows (and the exact value there) where ``argument`` (an expression of ``dialect``,
    columns and number literals joined by + - * / only) is a half
    at ``digits`` in exact numeric and SQLite's round() of its double is not its exact rounding,
    at most ``_FOUND``."""
    import sqlglot
    from sqlglot import exp

    from twinschema.records import SQLGLOT_DIALECTS

    tree = sqlglot.parse_one(argument, read=SQLGLOT_DIALECTS[dialect])
    names = sorted({c.name.lower() for c in tree.find_all(exp.Column)})
    kinds = {name: (kind, scale, precision) for name, kind, scale, precision in columns}
    if not names or len(names) > _COLUMNS or any(n not in kinds for n in names):
        return ()
    if any(kinds[n][0] not in ("integer", "numeric") for n in names):
        return ()  # a double on both sides computes alike; other kinds are not numbers
    found: list[tuple[Row, Decimal]] = []
    unit = Decimal(1).scaleb(-digits)
    left = _BUDGET  # over all the groups
    with localcontext() as ctx:
        ctx.prec = 40
        for order, lists in _candidates(names, kinds):
            exact = _compiled(tree, order, kinds, exact=True, scaled=digits)
            double = _compiled(tree, order, kinds, exact=False)
            size = min(left, math.prod(map(len, lists)))
            left -= size
            product = itertools.islice(itertools.product(*lists), size)
            for values in product:
                try:
                    value = exact(*(v[1] for v in values))
                    if not isinstance(value, Decimal) or abs(value % 1) != _HALF:
                        continue
                    computed = double(*(v[2] for v in values))
                except (ArithmeticError, ValueError):
                    continue
                value = value.scaleb(-digits)
                if not isinstance(computed, float) or Decimal(computed) == value:
                    continue
                if _sqlite_round(computed, digits) != value.quantize(unit, ROUND_HALF_UP):
                    hit = sorted(zip(order, (v[0] for v in values), strict=True))
                    found.append((tuple(hit), value))
                    if len(found) >= _FOUND:
                        break
            if found or not left:  # the others' steps only where these find none
                break
    return tuple(found)


# A value searched: as written, as PostgreSQL reads it (an int in an integer column), as SQLite
# stores it (whole values as integers, others as doubles).
_Value = tuple[Decimal, Decimal | int, int | float]


def _candidates(
    names: list[str], kinds: dict[str, tuple[str, int | None, int | None]]
) -> Iterator[tuple[list[str], list[list[_Value]]]]:
    """The columns (in the order their values are crossed, the outer first) and the values
    searched: each fractional column in turn, the widest first, runs through its steps (the
    outer loop) while the other fractional ones take their plain values; integer columns
    take small integers, then (the widest fractional column running) each in turn its larger
    whole values (``_WHOLE``: ``round(qty * unit_price * (100 - discount) / 100.0, 2)`` with
    an integer discount parts at (7, 11.87, 50) only)."""
    fractional = [n for n in names if kinds[n][0] == "numeric" and kinds[n][1] != 0]
    fractional.sort(key=lambda n: -(kinds[n][2] or 1000))
    wholes = [n for n in names if kinds[n][0] == "integer" or kinds[n][1] == 0]
    groups = [(running, "") for running in fractional or names[:1]]
    groups += [(fractional[0], wide) for wide in wholes if fractional]
    for running, wide in groups:
        order = [running, *(n for n in names if n != running)]
        lists = []
        for name in order:
            kind, scale, precision = kinds[name]
            if name == wide:
                values = list(_WHOLE)
            elif kind == "integer" or scale == 0:
                values = [Decimal(v) for v in _INTEGERS]
            elif name == running:
                step = Decimal(1).scaleb(-(scale if scale is not None else 2))
                values = [step * m for m in range(1, _STEPS + 1)]
            else:
                values = [v for v in _PLAIN if _holds(v, scale, precision)]
            whole = kind == "integer"
            lists.append([(v, int(v) if whole else v, _stored(v)) for v in values])
        yield order, lists


def _holds(value: Decimal, scale: int | None, precision: int | None) -> bool:
    """True when a NUMERIC(precision, scale) keeps ``value`` as it is."""
    if scale is not None and value != value.quantize(Decimal(1).scaleb(-scale)):
        return False
    return precision is None or value.adjusted() < precision - (scale or 0)


def _stored(value: Decimal) -> int | float:
    """A probe value as SQLite's NUMERIC and INTEGER affinities store it: whole values as
    integers, others as doubles."""
    return int(value) if value == value.to_integral_value() else float(value)


def _compiled(
    tree: Any,
    names: list[str],
    kinds: dict[str, tuple[str, int | None, int | None]],
    exact: bool,
    scaled: int = 0,
) -> Callable[..., Any]:
    """``tree`` as a function of the columns ``names`` (in order): with ``exact``, as
    PostgreSQL computes it (integers where both operands are, else exact numeric; an integer
    column's value an int), times 10^``scaled``; else as SQLite does (integers while both
    operands are, else doubles; integer division truncates on both)."""
    from sqlglot import exp

    constants: dict[str, Any] = {"_div": _exact_div if exact else _sqlite_div}

    def source(node: Any) -> tuple[str, bool]:  # (Python text, PostgreSQL's type is integer)
        if isinstance(node, exp.Paren):
            return source(node.this)
        if isinstance(node, exp.Neg):
            text, whole = source(node.this)
            return f"(-{text})", whole
        if isinstance(node, exp.Column):
            name = node.name.lower()
            whole = kinds[name][0] == "integer"
            index = names.index(name)
            return f"v{index}", whole
        if isinstance(node, exp.Literal):
            literal = str(node.this)
            whole = literal.isdigit()
            key = f"k{len(constants)}"
            constants[key] = (
                int(literal) if whole else (Decimal(literal) if exact else float(literal))
            )
            return key, whole
        left, lwhole = source(node.this)
        right, rwhole = source(node.expression)
        whole = lwhole and rwhole
        if isinstance(node, exp.Div):
            if exact and not whole:  # a Decimal divides exactly, an int by it too
                return f"({left} / {right})", whole
            return f"_div({left}, {right})", whole
        operator = {exp.Add: "+", exp.Sub: "-", exp.Mul: "*"}[type(node)]
        return f"({left} {operator} {right})", whole

    body, _ = source(tree)
    if scaled:
        constants["scale"] = Decimal(1).scaleb(scaled)
        body = f"({body}) * scale"
    arguments = ", ".join(f"v{i}" for i in range(len(names)))
    compiled: Callable[..., Any] = eval(f"lambda {arguments}: {body}", constants)
    return compiled


def _exact_div(a: Any, b: Any) -> Any:
    """PostgreSQL's division: an integer one truncates toward zero."""
    if isinstance(a, int) and isinstance(b, int):
        quotient = abs(a) // abs(b)
        return quotient if (a < 0) == (b < 0) else -quotient
    return Decimal(a) / Decimal(b)


def _sqlite_div(a: Any, b: Any) -> Any:
    """SQLite's division: of two integers it truncates toward zero, else it is a double's."""
    if isinstance(a, int) and isinstance(b, int):
        return _exact_div(a, b)
    return a / b


@lru_cache(maxsize=1)
def _sqlite() -> sqlite3.Connection:
    """An in-memory database of the SQLite library this process links."""
    return sqlite3.connect(":memory:", check_same_thread=False)


def _sqlite_round(value: float, digits: int) -> Decimal:
    """SQLite's ``round(value, digits)``, as this process's library computes it."""
    got = _sqlite().execute("SELECT round(?, ?)", (value, digits)).fetchone()[0]
    return Decimal(repr(got))


def _compared_with(tree: Any, node: Any) -> list[str]:
    """The columns compared by =, <>, <, <=, >, >= with an expression that holds ``node``."""
    from sqlglot import exp

    found: list[str] = []
    for comparison in tree.walk():
        if type(comparison).__name__ not in _COMPARISONS:
            continue
        for one, other in (
            (comparison.this, comparison.expression),
            (comparison.expression, comparison.this),
        ):
            while isinstance(one, (exp.Paren, exp.Cast)):
                one = one.this
            if isinstance(one, exp.Column) and any(n is node for n in other.walk()):
                found.append(one.name.lower())
    return list(dict.fromkeys(found))
