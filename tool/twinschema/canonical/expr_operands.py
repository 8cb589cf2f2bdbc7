"""What a value compared with a column reads as, in the expression engine (``expr_rules``):
a literal cast to the column's own kind is that literal, a string compared with a PostgreSQL
json column is a jsonb value, SQLite gives a literal its column's affinity, and on a boolean
column ``c = 1`` is ``c``. Also the context rewriting one expression needs (``Context``) and the
value kind of a column reference (``kind_of``), which these rules and ``expr_rules`` read."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlglot import exp

from twinschema.canonical import expr_defaults, expr_idioms
from twinschema.canonical.expr_shapes import truth_of
from twinschema.canonical.expr_tree import make

BOOLEAN = "boolean"  # a value kind, see value_kinds.value_kind


@dataclass(frozen=True)
class Context:
    """What rewriting one expression needs: its dialect, the table's columns, the default's own
    column kind (None outside a default)."""

    dialect: str
    columns: dict[str, tuple[str, str]]  # folded catalog name -> (logical name, value kind)
    own: str | None
    kinds: dict[str, str]  # logical name -> value kind (of the first column of that name)


def kind_of(node: exp.Expr, ctx: Context) -> str | None:
    """The value kind of a canonical column reference, None for anything else."""
    if not isinstance(node, exp.Column):
        return None
    return ctx.kinds.get(node.name)


def boolean_test(cls: type[exp.Expr], a: exp.Expr, b: exp.Expr, ctx: Context) -> exp.Expr | None:
    """On a boolean column (native, or an integer kept to 0 and 1), ``c = 1`` and ``c = true``
    are ``c``; ``c = 0`` and ``c <> 1`` are ``NOT c``."""
    if cls not in (exp.EQ, exp.NEQ):
        return None
    column, value = (a, b) if kind_of(a, ctx) == BOOLEAN else (b, a)
    if kind_of(column, ctx) != BOOLEAN:
        return None
    truth = truth_of(value)
    if truth is None:
        return None
    return column if truth == (cls is exp.EQ) else make(exp.Not, this=column)


def as_column_kind(value: exp.Expr, other: exp.Expr, ctx: Context) -> exp.Expr:
    """A literal cast to the kind of the column it is compared with is that literal: the column
    casts it the same (PostgreSQL prints ``d > '2020-01-01'::date``, ``s IN ('a'::mood)``)."""
    if not isinstance(value, exp.Cast) or not isinstance(value.this, exp.Literal):
        return value
    to, kind = value.args.get("to"), kind_of(other, ctx)
    if kind is None or not isinstance(to, exp.DataType) or expr_idioms.family(to) != kind:
        return value
    if ctx.dialect == "postgresql" and expr_idioms.rounds_to_real(value.this, to):
        return value  # a real column compared with 0.1 reads it as a double
    return value.this if expr_idioms.type_length(to) is None else value


# The value kinds of SQLite columns with numeric affinity (INTEGER, REAL, NUMERIC) and text.
_NUMERIC_AFFINITY = frozenset({"integer", "float", "numeric"})
_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def json_value(value: exp.Expr, other: exp.Expr, ctx: Context) -> exp.Expr:
    """A string literal compared with a PostgreSQL json column, as the jsonb value it is read
    as (``'{}'::jsonb``, written or not): jsonb compares values, SQLite's JSON text its text, so
    across dialects ``details <> '{}'`` is no one comparison ('{ }' is stored by SQLite, jsonb
    reads it as {} and refuses it; stranger82 002). Between two PostgreSQL sources both print
    the cast."""
    if ctx.dialect != "postgresql" or kind_of(other, ctx) != "json":
        return value
    if isinstance(value, exp.Literal) and value.is_string:
        return exp.Cast(this=value, to=exp.DataType.build("jsonb"))
    return value


def affinity(value: exp.Expr, other: exp.Expr, ctx: Context) -> exp.Expr:
    """SQLite gives a literal compared with a column that column's affinity: against an
    INTEGER, REAL or NUMERIC column the text '5' is the number 5; against a TEXT column the
    number 5 is the text '5', 007 the text '7' (a BLOB column converts nothing)."""
    if ctx.dialect != "sqlite" or not isinstance(value, exp.Literal):
        return value
    kind, text = kind_of(other, ctx), str(value.this)
    if kind in _NUMERIC_AFFINITY and value.is_string and _NUMBER.fullmatch(text):
        return exp.Literal.number(text.lstrip("+"))
    if kind == "text" and not value.is_string:  # its value's rendering, not its spelling
        return expr_defaults.number_as_text(value, text, ctx.dialect)
    return value
