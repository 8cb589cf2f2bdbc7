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

What a value compared with a column reads as is in ``expr_operands``, the current-time idioms
and cast targets in ``expr_idioms``, defaults' literal forms in
``expr_defaults``, building and printing canonical trees in ``expr_tree``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlglot import exp

from twinschema.canonical import expr_idioms
from twinschema.canonical.expr_operands import (
    Context,
    affinity,
    as_column_kind,
    boolean_test,
    json_value,
    kind_of,
)
from twinschema.canonical.expr_shapes import (
    MIRRORED,
    array_compare,
    grouped,
    is_row_null_test,
    make_in,
    symmetric,
    symmetric_range,
)
from twinschema.canonical.expr_tree import (
    chain,
    is_literal,
    key,
    make,
    operands,
    quantified,
    sorted_unique,
    unparen,
    wrapped,
)
from twinschema.canonical.identifiers import PLAIN_NAME, fold

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
_SYMMETRIC = (exp.EQ, exp.NEQ, exp.NullSafeEQ, exp.NullSafeNEQ)
_COMMUTATIVE = (exp.Add, exp.Mul)  # two operands only: regrouping floats may change a result


def canon(node: exp.Expr, ctx: Context) -> exp.Expr:
    """The canonical tree of ``node`` (consumed: the caller's tree is rewritten in place)."""
    node = unparen(node)
    if node.args.get("negate") and not is_row_null_test(node):
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
    items = grouped(items, cls is exp.Or)
    items = sorted_unique(items)
    if cls is exp.Or:
        items = symmetric_range(items)
    return chain(cls, items) if len(items) > 1 else items[0]


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
    if opposite is not None and not quantified(inner):
        return canon(opposite(this=inner.this, expression=inner.expression), ctx)
    if isinstance(inner, exp.Between) and inner.args.get("symmetric"):
        return canon(exp.Not(this=exp.Paren(this=symmetric(inner))), ctx)
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
        return canon(symmetric(node), ctx)
    low = exp.GTE(this=node.this, expression=node.args["low"])
    high = exp.LTE(this=node.this.copy(), expression=node.args["high"])
    return canon(exp.And(this=low, expression=high), ctx)


def _is(node: exp.Expr, ctx: Context) -> exp.Expr:
    if is_row_null_test(node):
        row = unparen(node.this)
        row.set("expressions", [canon(e, ctx) for e in row.expressions])
        return node
    return _children(node, ctx)


# -- comparisons --------------------------------------------------------------------------------


def _comparison(node: exp.Expr, ctx: Context) -> exp.Expr:
    cls = type(node)
    right = unparen(node.expression)
    listed = array_compare(cls, node.this, right)
    if listed is not None:
        return canon(listed, ctx)
    a, b = canon(node.this, ctx), canon(right, ctx)
    a, b = as_column_kind(a, b, ctx), as_column_kind(b, a, ctx)
    a = expr_idioms.integer_widening(a, b, ctx.kinds, ctx.dialect)
    b = expr_idioms.integer_widening(b, a, ctx.kinds, ctx.dialect)
    a, b = json_value(a, b, ctx), json_value(b, a, ctx)
    a, b = affinity(a, b, ctx), affinity(b, a, ctx)
    flag = boolean_test(cls, a, b, ctx)
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
        cls, a, b = MIRRORED[cls], b, a
    return make(cls, this=a, expression=b)


def _in_list(node: exp.Expr, ctx: Context) -> exp.Expr:
    if node.args.get("query") or not node.expressions:
        return _children(node, ctx)
    operand = canon(node.this, ctx)
    values = [
        affinity(
            json_value(as_column_kind(canon(v, ctx), operand, ctx), operand, ctx), operand, ctx
        )
        for v in node.expressions
    ]
    return make_in(operand, values)


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
    if (
        isinstance(to, exp.DataType)
        and expr_idioms.cast_is_noop(inner, to, ctx.own, kind_of(inner, ctx))
        and not expr_idioms.widens_arithmetic(node, inner, to, ctx.dialect)
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
