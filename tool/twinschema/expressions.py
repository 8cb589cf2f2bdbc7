"""Canonical, dialect-neutral text for SQL expressions: column defaults, CHECK constraints,
partial-index predicates, index expressions and policies.

Strings are never compared as written: ``now()`` and ``CURRENT_TIMESTAMP``, ``(0)`` and ``0``,
``'x'::text`` and ``'x'``, ``true`` and ``1``, ``status = ANY (ARRAY['a'::text])`` and
``status IN ('a')`` mean the same, so each expression is parsed (sqlglot: a maintained SQL parser
that reads both dialects into one syntax tree, which is what this needs) and rewritten into one
canonical form. Each distinct (dialect, text, renames) is parsed once per process.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

# sqlglot dialect names of twinschema's dialects.
SQLGLOT_DIALECTS: Mapping[str, str] = {"sqlite": "sqlite", "postgresql": "postgres"}

# Functions that all mean "the current date and time" as a default.
_NOW_FUNCTIONS = frozenset(
    {"now", "transaction_timestamp", "statement_timestamp", "localtimestamp"}
)

Renames = tuple[tuple[str, str], ...]  # physical -> logical column names of one table


@dataclass(frozen=True, slots=True)
class Canonical:
    """An expression in canonical text, plus the column/literal list when it is ``col IN (...)``."""

    text: str
    column: str | None = None
    values: tuple[str, ...] | None = None


def canonical(dialect: str, text: str, renames: Renames = (), numeric: bool = False) -> Canonical:
    """The canonical form of ``text`` written in ``dialect``.

    ``renames`` maps the table's physical column names to logical ones, so expressions from two
    databases that name a column differently still compare equal. ``numeric`` says the expression
    is the default of a numeric or boolean column, where the literal ``'0'`` means ``0``.
    """
    return _canonical(dialect, text.strip(), renames, numeric)


@lru_cache(maxsize=65536)
def _canonical(dialect: str, text: str, renames: Renames, numeric: bool) -> Canonical:
    shape = _shape(text)
    if shape is None:
        return _parsed(dialect, text, renames, numeric)
    template, numbers = shape
    fill = _filler(dialect, template, renames, numeric)
    if fill is None:
        return _parsed(dialect, text, renames, numeric)
    return Canonical(fill.format(*numbers))


# Schemas repeat a few expression shapes with different numbers (``x <= 100``, ``x <= 250``,
# ``length(code) >= 3``...), and parsing is most of what canonicalizing costs. So the numbers are
# replaced by numbered placeholders, each shape is parsed once, and the numbers are put back in
# the canonical text. Parsing and printing never depend on a number's value, except where the
# canonical form orders or extracts values: IN lists and ``= ANY (ARRAY[...])``, which are parsed
# as written. Numbers inside strings, quoted names and comments are left alone.
_SHAPE_TOKEN = re.compile(
    r"""'[^']*(?:''[^']*)*'|"[^"]*(?:""[^"]*)*"|`[^`]*`|\[[^\]]*\]"""
    r"""|(?<![\w.$])(\d+(?:\.\d+)?)(?![\w.$])"""
)
# Each pattern starts with a character class, so that the regex engine skips to candidates in C;
# the word boundary before a keyword is the look-behind after its first letter.
_UNSHAPED = re.compile(
    r"[iIaAsS](?<![\w$][iIaAsS])(?i:n|ny|rray|ome|ll)(?![\w$])|--|/\*|987654321"
)  # IN, ANY, ARRAY, SOME, ALL, comments, and what looks like a placeholder
_PLACEHOLDER_BASE = 98765432100000
_PLACEHOLDER = re.compile(r"987654321(\d{5})")
_DIGIT = re.compile(r"\d")
_BARE_NUMBER = re.compile(r"(\d(?<![\w.$]\d)\d*(?:\.\d+)?)(?![\w.$])")  # as _SHAPE_TOKEN's
_QUOTED = re.compile(r"['\"`\[]")  # what may hold a number that is not one


def _shape(text: str) -> tuple[str, list[str]] | None:
    """``text`` with each number replaced by a placeholder, and the numbers; None if not worth it."""
    if _DIGIT.search(text) is None or _UNSHAPED.search(text):
        return None
    if _QUOTED.search(text) is None:  # no string or quoted name: every number is a number
        parts = _BARE_NUMBER.split(text)  # text, number, text, ..., text
        count = len(parts) // 2
        if not count or count > 99_999:
            return None
        numbers = parts[1::2]
        parts[1::2] = map(_placeholder, range(count))
        return "".join(parts), numbers
    found: list[str] = []

    def placeholder(match: re.Match[str]) -> str:
        number = match.group(1)
        if number is None:
            return match.group()
        found.append(number)
        return _placeholder(len(found) - 1)

    template = _SHAPE_TOKEN.sub(placeholder, text)
    if not found or len(found) > 99_999:
        return None
    return template, found


def _placeholder(n: int) -> str:
    return str(_PLACEHOLDER_BASE + n)


@lru_cache(maxsize=4096)
def _filler(dialect: str, template: str, renames: Renames, numeric: bool) -> str | None:
    """The canonical text of a shape as a format string that takes its numbers in order; None
    where the canonical form depends on them (an IN list's values)."""
    found = _parsed(dialect, template, renames, numeric)
    if found.values is not None or _PLACEHOLDER.search(found.column or ""):
        return None
    escaped = found.text.replace("{", "{{").replace("}", "}}")
    return _PLACEHOLDER.sub(lambda m: "{" + str(int(m.group(1))) + "}", escaped)


@lru_cache(maxsize=65536)
def _parsed(dialect: str, text: str, renames: Renames, numeric: bool) -> Canonical:
    try:
        tree = sqlglot.parse_one(text, read=SQLGLOT_DIALECTS.get(dialect, dialect))
    except SqlglotError:
        return Canonical(_fallback(text, renames))
    names = dict(renames)
    # The tree is ours alone: transform it in place (copying it three times was a third of the
    # cost of canonicalizing).
    tree = tree.transform(lambda node: _rewrite(node, names), copy=False)
    if numeric:
        tree = tree.transform(_numeric_literal, copy=False)
    in_list = _in_list(tree)
    tree = tree.transform(_sorted_in_list, copy=False)
    sql = tree.sql(normalize_functions="lower")
    if in_list is not None:
        return Canonical(sql, column=in_list[0], values=in_list[1])
    return Canonical(sql)


def _rewrite(node: exp.Expr, names: Mapping[str, str]) -> exp.Expr:
    if isinstance(node, exp.Cast | exp.TryCast | exp.Paren):
        return node.this.transform(lambda n: _rewrite(n, names))  # type: ignore[no-any-return]
    if isinstance(node, exp.Identifier):
        name = str(node.this)
        logical = names.get(name) or names.get(name.lower()) or name
        return exp.Identifier(this=logical.lower(), quoted=False)
    if isinstance(node, exp.Boolean):
        return exp.Literal.number(1 if node.this else 0)
    if isinstance(node, exp.CurrentTimestamp | exp.CurrentDatetime):
        return exp.CurrentTimestamp()
    if isinstance(node, exp.Anonymous | exp.Func) and _is_now(node):
        return exp.CurrentTimestamp()
    if isinstance(node, exp.EQ) and isinstance(node.expression, exp.Any):
        values = _array_items(node.expression.this)
        if values is not None:
            return exp.In(this=node.this, expressions=values).transform(
                lambda n: _rewrite(n, names)
            )
    if isinstance(node, exp.Null) and isinstance(node.parent, exp.Paren | None):
        return node
    return node


def _is_now(node: exp.Func) -> bool:
    name = node.name.lower() if isinstance(node, exp.Anonymous) else node.sql_name().lower()
    if name in _NOW_FUNCTIONS and not node.expressions:
        return True
    # SQLite: datetime('now') is CURRENT_TIMESTAMP's value, as text.
    args = node.expressions
    return (
        name == "datetime"
        and len(args) == 1
        and isinstance(args[0], exp.Literal)
        and str(args[0].this).lower() == "now"
    )


def _array_items(node: exp.Expr) -> list[exp.Expr] | None:
    while isinstance(node, exp.Paren | exp.Cast):
        node = node.this
    if isinstance(node, exp.Array):
        return list(node.expressions)
    return None


def _numeric_literal(node: exp.Expr) -> exp.Expr:
    if isinstance(node, exp.Literal) and node.is_string and _NUMBER.fullmatch(str(node.this)):
        return exp.Literal.number(str(node.this))
    return node


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _in_list(tree: exp.Expr) -> tuple[str, tuple[str, ...]] | None:
    if not isinstance(tree, exp.In) or not isinstance(tree.this, exp.Column):
        return None
    items = tree.expressions
    if not items or not all(isinstance(item, exp.Literal) for item in items):
        return None
    return tree.this.name, tuple(str(item.this) for item in items)


def _sorted_in_list(node: exp.Expr) -> exp.Expr:
    # The order of an IN list does not change its meaning.
    if isinstance(node, exp.In) and node.expressions:
        items = sorted(node.expressions, key=lambda item: item.sql())
        return exp.In(this=node.this, expressions=items)
    return node


def _fallback(text: str, renames: Renames) -> str:
    """Unparseable text: compared with whitespace, case and the outer parentheses normalised."""
    out = " ".join(text.split()).lower()
    while out.startswith("(") and out.endswith(")") and _balanced(out[1:-1]):
        out = out[1:-1].strip()
    for physical, logical in renames:
        out = re.sub(rf"\b{re.escape(physical.lower())}\b", logical.lower(), out)
    return out


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += (char == "(") - (char == ")")
        if depth < 0:
            return False
    return depth == 0


def is_null(text: str | None) -> bool:
    """True for no default at all and for ``DEFAULT NULL``, which mean the same."""
    return text is None or text.strip().strip("()").strip().upper() in ("", "NULL")
