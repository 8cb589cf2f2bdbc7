"""The rewriting rules of the expression engine: a parsed sqlglot tree in, its canonical tree out.

Each rule keeps the meaning of what it rewrites (three-valued logic included):

- parentheses go, and come back exactly around an operator that is the operand of another
  operator, so precedence is explicit and never lost (``(a + b) * 2`` is not ``a + b * 2``);
- the operands of AND and OR are flattened, deduplicated and sorted; an OR of equalities on one
  operand is an IN list, an AND of inequalities a NOT IN list; a one-item IN list is an equality;
- NOT is pushed inwards (De Morgan, ``NOT x > 1`` is ``x <= 1``, ``NOT NOT x`` is ``x``), so
  ``NOT x IS NULL`` and ``x IS NOT NULL`` meet (for a row value they differ and are kept apart);
- ``x BETWEEN a AND b`` is ``x >= a AND x <= b``; ``0 < x`` is ``x > 0``; the operands of ``=``,
  ``<>``, ``+`` and ``*`` are sorted; ``x = ANY (ARRAY[...])`` is ``x IN (...)``;
- a cast goes only when it cannot change the value (see ``_cast``); a cast that can is kept;
- on a boolean column ``active = 1`` and ``active = true`` are ``active``;
- names are matched to the table's columns as the dialect folds them (``identifiers``), quoted
  names keep their case where the dialect does, and string literals always keep theirs.

The current-time idioms, cast targets and the literal forms of defaults are in ``expr_idioms``;
building and printing canonical trees in ``expr_tree``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlglot import exp

from twinschema import expr_idioms
from twinschema.expr_tree import (
    PLAIN_NAME,
    chain,
    is_literal,
    key,
    make,
    operands,
    sorted_unique,
    unparen,
    wrapped,
)
from twinschema.identifiers import fold

# The value kinds the engine knows (see ``normalize.value_kind``).
BOOLEAN = "boolean"  # a value kind, see normalize.value_kind


@dataclass(frozen=True)
class Context:
    """What rewriting one expression needs: its dialect, the table's columns, the default's own
    column kind (None outside a default)."""

    dialect: str
    columns: dict[str, tuple[str, str]]  # folded catalog name -> (logical name, value kind)
    own: str | None


Rule = Callable[[exp.Expr, Context], exp.Expr]

_COMPARISONS: dict[type[exp.Expr], type[exp.Expr]] = {  # each comparison and its negation
    exp.EQ: exp.NEQ,
    exp.NEQ: exp.EQ,
    exp.GT: exp.LTE,
    exp.LTE: exp.GT,
    exp.LT: exp.GTE,
    exp.GTE: exp.LT,
    exp.NullSafeEQ: exp.NullSafeNEQ,
    exp.NullSafeNEQ: exp.NullSafeEQ,
}
_MIRRORED: dict[type[exp.Expr], type[exp.Expr]] = {  # a op b == b mirror(op) a
    exp.GT: exp.LT,
    exp.LT: exp.GT,
    exp.GTE: exp.LTE,
    exp.LTE: exp.GTE,
}
_SYMMETRIC = (exp.EQ, exp.NEQ, exp.NullSafeEQ, exp.NullSafeNEQ)
_COMMUTATIVE = (exp.Add, exp.Mul)  # two operands only: regrouping floats may change a result


def canon(node: exp.Expr, ctx: Context) -> exp.Expr:
    """The canonical tree of ``node`` (consumed: the caller's tree is rewritten in place)."""
    node = unparen(node)
    if node.args.get("negate") and not _is_row_null_test(node):
        node.set("negate", False)
        return _negation(node, ctx)
    own_meaning = expr_idioms.SQLITE_OWN_MEANING.get(type(node))
    if own_meaning is not None and ctx.dialect == "sqlite":
        args = [canon(v, ctx) for v in node.args.values() if isinstance(v, exp.Expr)]
        return exp.Anonymous(this=own_meaning, expressions=args)
    rule = _RULES.get(type(node))
    if rule is not None:
        return rule(node, ctx)
    idiom = expr_idioms.idiom(node, ctx.dialect, ctx.own)
    if idiom is not None:
        return idiom
    return _children(node, ctx)


# -- structure ----------------------------------------------------------------------------------


def _children(node: exp.Expr, ctx: Context) -> exp.Expr:
    """Any other node: its operands made canonical, in place, wrapped where precedence needs."""
    for name, value in list(node.args.items()):
        if isinstance(value, exp.Expr):
            node.set(name, wrapped(node, canon(value, ctx)))
        elif isinstance(value, list):
            node.set(
                name,
                [wrapped(node, canon(v, ctx)) if isinstance(v, exp.Expr) else v for v in value],
            )
    return node


# -- names and literals -------------------------------------------------------------------------


def _column(node: exp.Expr, ctx: Context) -> exp.Expr:
    ident = node.this
    if not isinstance(ident, exp.Identifier):
        return _children(node, ctx)
    name = fold(ctx.dialect, str(ident.this), bool(ident.quoted))
    if _double_quoted_string(node, name, ctx):
        return exp.Literal.string(str(ident.this))
    logical = ctx.columns.get(name, (name, ""))[0]
    # A CHECK or an index names columns of its own table only: a qualifier adds nothing.
    return exp.column(logical, quoted=not PLAIN_NAME.fullmatch(logical))


def _double_quoted_string(node: exp.Expr, name: str, ctx: Context) -> bool:
    """SQLite reads a double-quoted name that names no column of the table as a string literal
    (``CHECK (s IN ("a", "b"))``): known only where the table's columns are."""
    return (
        ctx.dialect == "sqlite"
        and bool(node.this.quoted)
        and not node.args.get("table")
        and bool(ctx.columns)
        and name not in ctx.columns
    )


def kind_of(node: exp.Expr, ctx: Context) -> str | None:
    """The value kind of a canonical column reference, None for anything else."""
    if not isinstance(node, exp.Column):
        return None
    for logical, kind in ctx.columns.values():
        if logical == node.name:
            return kind
    return None


def _boolean(node: exp.Expr, ctx: Context) -> exp.Expr:
    if ctx.dialect == "sqlite":  # SQLite's TRUE and FALSE are the integers 1 and 0
        return exp.Literal.number(1 if node.this else 0)
    return node


def _neg(node: exp.Expr, ctx: Context) -> exp.Expr:
    inner = canon(node.this, ctx)
    if isinstance(inner, exp.Literal) and not inner.is_string:
        text = str(inner.this)
        return exp.Literal.number(text[1:] if text.startswith("-") else "-" + text)
    return make(exp.Neg, this=inner)


# -- logic --------------------------------------------------------------------------------------


def _connector(node: exp.Expr, ctx: Context) -> exp.Expr:
    cls = type(node)
    items: list[exp.Expr] = []
    for operand in operands(node, cls):
        done = canon(operand, ctx)
        items += operands(done, cls) if type(done) is cls else [done]
    items = _grouped(items, cls is exp.Or)
    items = sorted_unique(items)
    if cls is exp.Or:
        items = _symmetric_range(items)
    return chain(cls, items) if len(items) > 1 else items[0]


def _symmetric_range(items: list[exp.Expr]) -> list[exp.Expr]:
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
        if _number(unparen(x)) is not None and cls in _MIRRORED:  # (-5) >= x is x <= -5
            cls, x, bound = _MIRRORED[cls], bound, x
        value = _number(unparen(bound))
        if cls not in (exp.GTE, exp.LTE) or value is None or cls in bounds:
            return None
        bounds[cls] = (key(x), value)
    if set(bounds) != {exp.GTE, exp.LTE} or bounds[exp.GTE][0] != bounds[exp.LTE][0]:
        return None
    return bounds[exp.GTE][0], bounds[exp.GTE][1], bounds[exp.LTE][1]


def _grouped(items: list[exp.Expr], disjunction: bool) -> list[exp.Expr]:
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
        rest.append(_in(operand, values, negated=not disjunction))
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


def _in(operand: exp.Expr, values: list[exp.Expr], negated: bool = False) -> exp.Expr:
    unique = sorted_unique(values)
    if len(unique) == 1:
        found = make(exp.NEQ if negated else exp.EQ, this=operand, expression=unique[0])
        return found
    node = make(exp.In, this=operand)
    node.set("expressions", unique)
    return make(exp.Not, this=node) if negated else node


def _not(node: exp.Expr, ctx: Context) -> exp.Expr:
    return _negation(unparen(node.this), ctx)


def _negation(inner: exp.Expr, ctx: Context) -> exp.Expr:
    """The canonical form of NOT ``inner`` (``inner`` raw), with NOT pushed inwards."""
    inner = unparen(inner)
    if isinstance(inner, exp.Not):
        return canon(inner.this, ctx)
    if isinstance(inner, exp.And | exp.Or):
        flipped = exp.Or if isinstance(inner, exp.And) else exp.And
        parts = [exp.Not(this=item) for item in operands(inner, type(inner))]
        return canon(chain(flipped, parts), ctx)  # type: ignore[arg-type]
    opposite = _COMPARISONS.get(type(inner))
    if opposite is not None:
        return canon(opposite(this=inner.this, expression=inner.expression), ctx)
    if isinstance(inner, exp.Between) and inner.args.get("symmetric"):
        return canon(exp.Not(this=exp.Paren(this=_symmetric(inner))), ctx)
    if isinstance(inner, exp.Between):
        low = exp.LT(this=inner.this, expression=inner.args["low"])
        high = exp.GT(this=inner.this.copy(), expression=inner.args["high"])
        return canon(exp.Or(this=low, expression=high), ctx)
    done = canon(inner, ctx)
    if isinstance(done, exp.Not):  # e.g. a boolean column compared with false
        return unparen(done.this)
    return make(exp.Not, this=done)


def _between(node: exp.Expr, ctx: Context) -> exp.Expr:
    if node.args.get("symmetric"):
        return canon(_symmetric(node), ctx)
    low = exp.GTE(this=node.this, expression=node.args["low"])
    high = exp.LTE(this=node.this.copy(), expression=node.args["high"])
    return canon(exp.And(this=low, expression=high), ctx)


def _symmetric(node: exp.Expr) -> exp.Expr:
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


def _is_row_null_test(node: exp.Expr) -> bool:
    """``ROW(a, b) IS NOT NULL`` is not ``NOT ROW(a, b) IS NULL``: kept as written."""
    return (
        isinstance(node, exp.Is)
        and isinstance(unparen(node.this), exp.Tuple | exp.Struct | exp.Anonymous)
        and unparen(node.this).name.lower() in ("", "row")
    )


def _is(node: exp.Expr, ctx: Context) -> exp.Expr:
    if _is_row_null_test(node):
        row = unparen(node.this)
        row.set("expressions", [canon(e, ctx) for e in row.expressions])
        return node
    return _children(node, ctx)


def passes_on_null(tree: exp.Expr) -> exp.Expr:
    """A CHECK's canonical tree without the ``x IS NULL`` operands of its top OR that add
    nothing: a CHECK passes when it is NULL, and each other operand is NULL when x is (a
    comparison of x), so ``a > 0 OR a IS NULL`` is ``a > 0``. ``(a > 0 AND b > 0) OR a IS NULL``
    keeps it: with a NULL and b = -1 the AND is false, not NULL."""
    if type(tree) is not exp.Or:
        return tree
    items = operands(tree, exp.Or)
    tests = {key(unparen(i.this)): i for i in items if _is_null_test(i)}
    rest = [i for i in items if not _is_null_test(i)]
    if not tests or not rest:
        return tree
    kept = [i for name, i in tests.items() if not all(_strict(r, name) for r in rest)]
    if len(kept) == len(tests):
        return tree
    items = sorted_unique([*rest, *kept])
    return chain(exp.Or, items) if len(items) > 1 else unparen(items[0])


def without_not_null(tree: exp.Expr, not_null: tuple[str, ...]) -> exp.Expr:
    """A CHECK's canonical tree without the ``x IS NOT NULL`` operands of its top AND where the
    column x is NOT NULL: the column already rejects what they reject."""
    if not not_null or type(tree) is not exp.And:
        return tree
    items = operands(tree, exp.And)
    kept = [i for i in items if not _not_null_test(i, not_null)]
    if not kept or len(kept) == len(items):
        return tree
    return chain(exp.And, kept) if len(kept) > 1 else unparen(kept[0])


def _not_null_test(node: exp.Expr, not_null: tuple[str, ...]) -> bool:
    node = unparen(node)
    if not isinstance(node, exp.Not) or not _is_null_test(node.this):
        return False
    column = unparen(unparen(node.this).this)
    return isinstance(column, exp.Column) and column.name in not_null


def _is_null_test(node: exp.Expr) -> bool:
    node = unparen(node)
    return (
        isinstance(node, exp.Is)
        and isinstance(unparen(node.expression), exp.Null)
        and isinstance(unparen(node.this), exp.Column)
    )


_STRICT_OPERATORS = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.DPipe)
_STRICT_TESTS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Like, exp.Glob)


def _strict(node: exp.Expr, name: str) -> bool:
    """True when ``node`` (a canonical condition) is NULL whenever the column ``name`` is."""
    node = unparen(node)
    if isinstance(node, exp.Not):
        return _strict(node.this, name)
    if isinstance(node, exp.In) and not node.args.get("query"):
        return _strict_term(node.this, name)
    if isinstance(node, _STRICT_TESTS):
        return _strict_term(node.this, name) or _strict_term(node.expression, name)
    return False


def _strict_term(node: exp.Expr, name: str) -> bool:
    """True when the value ``node`` is NULL whenever the column ``name`` is."""
    node = unparen(node)
    if isinstance(node, exp.Column):
        return key(node) == name
    if isinstance(node, exp.Neg):
        return _strict_term(node.this, name)
    if isinstance(node, _STRICT_OPERATORS):
        return _strict_term(node.this, name) or _strict_term(node.expression, name)
    return False


# -- comparisons --------------------------------------------------------------------------------


def _comparison(node: exp.Expr, ctx: Context) -> exp.Expr:
    cls = type(node)
    right = unparen(node.expression)
    listed = _array_compare(cls, node.this, right)
    if listed is not None:
        return canon(listed, ctx)
    a, b = canon(node.this, ctx), canon(right, ctx)
    a, b = _as_column_kind(a, b, ctx), _as_column_kind(b, a, ctx)
    a, b = _affinity(a, b, ctx), _affinity(b, a, ctx)
    flag = _boolean_test(cls, a, b, ctx)
    if flag is not None:
        return flag
    if cls in _SYMMETRIC:
        if is_literal(a) == is_literal(b):
            a, b = sorted((a, b), key=key)
        elif is_literal(a):
            a, b = b, a
    elif is_literal(a) > is_literal(b) or (
        is_literal(a) == is_literal(b) and cls in (exp.LT, exp.LTE)
    ):  # the literal goes right; otherwise > and >= are the one direction
        cls, a, b = _MIRRORED[cls], b, a
    return make(cls, this=a, expression=b)


def _array_compare(cls: type[exp.Expr], left: exp.Expr, right: exp.Expr) -> exp.Expr | None:
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


def _boolean_test(cls: type[exp.Expr], a: exp.Expr, b: exp.Expr, ctx: Context) -> exp.Expr | None:
    """On a boolean column (native, or an integer kept to 0 and 1), ``c = 1`` and ``c = true``
    are ``c``; ``c = 0`` and ``c <> 1`` are ``NOT c``."""
    if cls not in (exp.EQ, exp.NEQ):
        return None
    column, value = (a, b) if kind_of(a, ctx) == BOOLEAN else (b, a)
    if kind_of(column, ctx) != BOOLEAN:
        return None
    truth = _truth(value)
    if truth is None:
        return None
    return column if truth == (cls is exp.EQ) else make(exp.Not, this=column)


def _truth(node: exp.Expr) -> bool | None:
    if isinstance(node, exp.Boolean):
        return bool(node.this)
    if isinstance(node, exp.Literal) and not node.is_string and str(node.this) in ("0", "1"):
        return str(node.this) == "1"
    return None


def _in_list(node: exp.Expr, ctx: Context) -> exp.Expr:
    if node.args.get("query") or not node.expressions:
        return _children(node, ctx)
    operand = canon(node.this, ctx)
    values = [
        _affinity(_as_column_kind(canon(v, ctx), operand, ctx), operand, ctx)
        for v in node.expressions
    ]
    return _in(operand, values)


def _as_column_kind(value: exp.Expr, other: exp.Expr, ctx: Context) -> exp.Expr:
    """A literal cast to the kind of the column it is compared with is that literal: the column
    casts it the same (PostgreSQL prints ``d > '2020-01-01'::date``, ``s IN ('a'::mood)``)."""
    if not isinstance(value, exp.Cast) or not isinstance(value.this, exp.Literal):
        return value
    to, kind = value.args.get("to"), kind_of(other, ctx)
    if kind is None or not isinstance(to, exp.DataType) or expr_idioms.family(to) != kind:
        return value
    return value.this if expr_idioms.type_length(to) is None else value


# The value kinds of SQLite columns with numeric affinity (INTEGER, REAL, NUMERIC) and text.
_NUMERIC_AFFINITY = frozenset({"integer", "float", "numeric"})
_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def _affinity(value: exp.Expr, other: exp.Expr, ctx: Context) -> exp.Expr:
    """SQLite gives a literal compared with a column that column's affinity: against an
    INTEGER, REAL or NUMERIC column the text '5' is the number 5; against a TEXT column the
    number 5 is the text '5', 007 the text '7' (a BLOB column converts nothing)."""
    if ctx.dialect != "sqlite" or not isinstance(value, exp.Literal):
        return value
    kind, text = kind_of(other, ctx), str(value.this)
    if kind in _NUMERIC_AFFINITY and value.is_string and _NUMBER.fullmatch(text):
        return exp.Literal.number(text.lstrip("+"))
    if kind == "text" and not value.is_string:  # its value's rendering, not its spelling
        return expr_idioms.number_as_text(value, text, ctx.dialect)
    return value


def _commutative(node: exp.Expr, ctx: Context) -> exp.Expr:
    a, b = sorted((canon(node.this, ctx), canon(node.expression, ctx)), key=key)
    return make(type(node), this=a, expression=b)


# -- casts --------------------------------------------------------------------------------------


def _cast(node: exp.Expr, ctx: Context) -> exp.Expr:
    """A cast that cannot change the value goes: a string literal to a text type long enough for
    it, a number to a numeric type that holds it unchanged (an integer to any, a decimal to a
    decimal or float), NULL to anything, a text column to text, and, in a default, a literal to
    its column's own kind (PostgreSQL prints ``'x'::character varying``, ``(0)::numeric``,
    ``'{}'::jsonb``). Any other cast (``price::integer``) is kept."""
    inner = canon(node.this, ctx)
    to = node.args.get("to")
    if isinstance(to, exp.DataType) and expr_idioms.cast_is_noop(
        inner, to, ctx.own, kind_of(inner, ctx)
    ):
        return inner
    number = expr_idioms.numeric_string(inner, to)
    if number is not None:  # '-10'::integer, as PostgreSQL prints a negative literal, is -10
        return exp.Literal.number(number)
    if (
        ctx.dialect == "sqlite"
        and isinstance(to, exp.DataType)
        and expr_idioms.family(to) == "integer"
        and not isinstance(inner, exp.Literal)
    ):
        return exp.Anonymous(this=expr_idioms.SQLITE_CAST_INTEGER, expressions=[inner])
    node.set("this", inner)
    return node


def _json_access(node: exp.Expr, ctx: Context) -> exp.Expr:
    """PostgreSQL's ``c ->> 'id'`` as the path SQLite writes, ``json_extract(c, '$.id')``."""
    node = _children(node, ctx)
    arg = node.expression
    if ctx.dialect == "postgresql" and isinstance(arg, exp.Literal):
        text = str(arg.this)
        if not arg.is_string:
            node.set("expression", exp.Literal.string(f"$[{text}]"))
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", text):
            node.set("expression", exp.Literal.string(f"$.{text}"))
        else:
            node.set("expression", exp.Literal.string('$."' + text.replace('"', '\\"') + '"'))
    return node


_RULES: dict[type[exp.Expr], Rule] = {
    exp.JSONExtract: _json_access,
    exp.JSONExtractScalar: _json_access,
    exp.Column: _column,
    exp.Boolean: _boolean,
    exp.Neg: _neg,
    exp.And: _connector,
    exp.Or: _connector,
    exp.Not: _not,
    exp.Between: _between,
    exp.Is: _is,
    exp.In: _in_list,
    exp.Cast: _cast,
    **{cls: _comparison for cls in _COMPARISONS},
    **{cls: _commutative for cls in _COMMUTATIVE},
}
