"""Canonical, dialect-neutral text for SQL expressions: column defaults, CHECK constraints,
partial-index predicates, index expressions and policies.

Expressions are compared by meaning, not as written: each is parsed into a syntax tree (sqlglot,
which reads both dialects) and rewritten by rules that keep its meaning (``expr_rules``: precedence,
logic, comparisons, casts, names; ``expr_idioms``: the current time; ``expr_defaults``: a default's
literal). Two spellings with the same canonical text mean the same; a difference the rules cannot
see stays a difference. Text sqlglot cannot parse is compared as written, with only its layout
normalized.

sqlglot's own optimizer (``simplify`` then ``normalize``) was measured on the cases of
``tests/test_expressions.py`` before writing these rules: it found 14 of the 36 equivalences of
CHECKs (it misses IN against OR and ``= ANY``, NOT IN, NOT IS NULL as PostgreSQL prints it,
casts, booleans, name folding, ``2 * x``) and cannot parse ``~>=~``; the rules here are the
engine's own.

What the engine needs to know of the table (its columns, their logical names and value kinds, the
kind of the column a default belongs to) comes in as plain data: a ``Scope``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ParseError, SqlglotError
from sqlglot.parser import Parser
from sqlglot.tokens import Tokenizer

from twinschema.canonical import (
    expr_defaults,
    expr_idioms,
    expr_nulls,
    expr_operands,
    expr_rules,
    expr_tree,
)
from twinschema.canonical.identifiers import catalog_key, fold
from twinschema.records import SQLGLOT_DIALECTS
from twinschema.sql_expression import parse_expression

# sqlglot dialect names of twinschema's dialects.


@dataclass(frozen=True, slots=True)
class Scope:
    """The table an expression belongs to, as plain data.

    ``columns`` holds (catalog name, logical name, value kind) per column, value kinds as
    ``value_kinds.value_kind`` gives them (``text``, ``integer``, ``float``, ``numeric``,
    ``boolean``, ``timestamp``, ``timestamptz``, ``date``, ``json``, ``uuid``, ``other``).
    ``own`` is the value kind of the column whose default the expression is (None elsewhere).
    ``check`` is True for a CHECK's expression: a CHECK passes when it is NULL, so ``a > 0 OR a
    IS NULL`` is ``a > 0`` there (not in an index predicate, where NULL excludes the row);
    ``not_null`` names the columns whose ``IS NOT NULL`` test in a CHECK's top AND adds nothing.
    ``predicate`` is True for a partial index's WHERE: its ``Canonical.not_null`` then names the
    columns no row of the index holds a NULL in.
    """

    columns: tuple[tuple[str, str, str], ...] = ()
    own: str | None = None
    check: bool = False  # a CHECK's expression, which passes on NULL as on true
    not_null: tuple[str, ...] = ()  # in a CHECK: the logical names of the NOT NULL columns
    predicate: bool = False  # a partial index's WHERE, which keeps only the rows it is true on


@dataclass(frozen=True, slots=True)
class Canonical:
    """An expression in canonical text, plus the column and literals when it is ``col IN (...)``
    (how SQLite spells a boolean, ``IN (0, 1)``, and an enum)."""

    text: str
    column: str | None = None
    values: tuple[str, ...] | None = None
    # In a CHECK: the columns it makes NOT NULL (``x IS NOT NULL`` alone or in its top AND); in
    # an index predicate: the columns it is true only without a NULL in.
    not_null: tuple[str, ...] = ()


def canonical(dialect: str, text: str, scope: Scope = Scope()) -> Canonical:
    """The canonical form of ``text`` written in ``dialect``, in the table described by ``scope``."""
    return _canonical(dialect, text.strip(), scope)


@lru_cache(maxsize=16384)
def _canonical(dialect: str, text: str, scope: Scope) -> Canonical:
    # Cached on the whole text: a schema repeats its defaults and CHECKs across tables.
    try:
        tree = parse(dialect, text)
    except (SqlglotError, RecursionError):
        return Canonical(fallback(dialect, text))
    columns, kinds = _columns(dialect, scope.columns)
    context = expr_operands.Context(dialect, columns, scope.own, kinds)
    try:
        tree = expr_rules.canon(tree, context)
        tested: tuple[str, ...] = ()
        if scope.check:
            tested = expr_nulls.not_null_tested(tree)
            tree = expr_nulls.passes_on_null(expr_nulls.without_not_null(tree, scope.not_null))
        elif scope.predicate:
            tested = expr_nulls.true_only_when_not_null(tree)
        if scope.own is not None:
            tree = expr_defaults.default_literal(tree, dialect, scope.own)
        return Canonical(expr_tree.key(tree), *_in_list(tree), not_null=tested)
    except (SqlglotError, RecursionError):
        # Nested deeper than Python's stack (AND and OR chains of any length are not), or a
        # node the printer does not know: compared as written.
        return Canonical(fallback(dialect, text))


def _columns(
    dialect: str, columns: tuple[tuple[str, str, str], ...]
) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    # A table's columns by the key a name written in SQL is matched by, and the value kind of
    # each logical name (the first column of that name, as ``expr_operands.kind_of`` reads it).
    by_key = {catalog_key(dialect, name): (logical, kind) for name, logical, kind in columns}
    kinds: dict[str, str] = {}
    for logical, kind in by_key.values():
        kinds.setdefault(logical, kind)
    return by_key, kinds


def parse(dialect: str, text: str) -> exp.Expr:
    """The syntax tree of ``text`` written in ``dialect``, as ``sqlglot.parse_one`` gives it
    (raises sqlglot's errors where it does), read as an expression where it begins with a
    statement's word (``sql_expression``)."""
    tokenizer, parser = _reader(dialect)

    def read(text: str) -> exp.Expr:
        trees = parser.parse(tokenizer.tokenize(text), text)
        if not trees or trees[0] is None:
            raise ParseError(f"No expression was parsed from '{text}'")
        return exp.Block(expressions=trees) if len(trees) > 1 else trees[0]

    return parse_expression(read, text)


@cache
def _reader(dialect: str) -> tuple[Tokenizer, Parser]:
    # One tokenizer and parser per dialect, each reset by every call: ``sqlglot.parse_one``
    # builds a dialect, a tokenizer and a parser for each text, half the cost of parsing one.
    reader = Dialect.get_or_raise(SQLGLOT_DIALECTS.get(dialect, dialect))
    return reader.tokenizer(), reader.parser()


def _in_list(tree: exp.Expr) -> tuple[str | None, tuple[str, ...] | None]:
    if not isinstance(tree, exp.In) or not isinstance(tree.this, exp.Column):
        return None, None
    items = tree.expressions
    if not items or not all(isinstance(item, exp.Literal) for item in items):
        return None, None
    return tree.this.name, tuple(str(item.this) for item in items)


def across(text: str) -> tuple[str, str | None]:
    """A canonical text in the form compared across dialects, and the rule that rewrote it (None
    when nothing was): the current-time idioms of both dialects are one, and a JSON text access
    is noted where SQLite and PostgreSQL part. Same-dialect pairs compare canonical texts as
    they are."""
    return expr_idioms.across(text)


# The words of PostgreSQL's local date and time of day in a canonical expression, which SQLite
# reads in UTC (a CHECK's ``CURRENT_DATE >= d``).
_LOCAL_CLOCK_READ = re.compile(r"\bCURRENT_DATE\b|\bcurrent_time\(\)")


def local_clock_rule(text: str) -> str | None:
    """``expr_idioms.LOCAL_DATE_NOTE`` where a canonical expression (a CHECK's) reads the local
    date or time of day by a word SQLite reads in UTC (``d <= CURRENT_DATE``): written alike,
    the two are one only in a session whose TimeZone is UTC; else None."""
    return expr_idioms.LOCAL_DATE_NOTE if _LOCAL_CLOCK_READ.search(text) else None


def default_as_stored(dialect: str, text: str) -> str:
    """A default's text as the dialect reads it: SQLite stores ``DEFAULT "abc"`` (a name where a
    value belongs) as the string 'abc', so it is that literal, spelled ``'abc'``."""
    if dialect != "sqlite":
        return text
    literal = expr_defaults.sqlite_name_default(text)
    return text if literal is None else literal


# Why a unique index on a JSON member is a difference across dialects (``{element}``: the
# index's element), by what the other side's element reads, each verified on both real
# databases (tests/test_json_keys_note.py, tests/fixtures/probes/sl-pg.unique-json-access-*):
# PostgreSQL's ``->>`` gives the member's text, ``->`` (and ``#>``) its jsonb value.
JSON_KEYS_NOTE = (
    "{element} reads a JSON member: SQLite's json_extract keeps numbers and strings apart "
    "(1 and 1.0 collide, '1' and 1 do not), PostgreSQL's ->> compares their text (1 and 1.0 "
    "do not collide, '1' and 1 do): the unique index accepts different rows on each side"
)
JSON_VALUE_KEYS_NOTE = (
    "{element} reads a JSON member: SQLite's json_extract gives its SQL value (1 and 1.0 "
    "collide, '1' and 1 do not, true is 1 and collides with it), PostgreSQL's -> compares jsonb "
    "values (numbers by value: 1 and 1.0 collide; strings apart from numbers: '1' and 1 do not; "
    "true apart from 1): the unique index accepts different rows on each side"
)
# PostgreSQL's element is neither a bare ->> nor a bare -> (a cast, a call around it).
JSON_OTHER_KEYS_NOTE = (
    "{element} reads a JSON member: SQLite's json_extract gives its SQL value (1 and 1.0 "
    "collide, '1' and 1 do not, true is 1 and collides with it), which PostgreSQL's element "
    "does not read alike: the unique index accepts different rows on each side"
)
# All three, for finding one in a message already said.
JSON_KEYS_NOTES = (JSON_KEYS_NOTE, JSON_VALUE_KEYS_NOTE, JSON_OTHER_KEYS_NOTE)
# A canonical text that is one JSON member read as a scalar (``c ->> 'k'``), or as a jsonb
# value (``c -> 'k'``, ``c #> '{k}'``), and nothing around it.
_JSON_TEXT_CALL = re.compile(r"json_extract_scalar\(")
_JSON_VALUE_CALL = re.compile(r"jsonb?_extract\(")


def reads_json_text(text: str) -> bool:
    """True when a canonical text reads a JSON member as a scalar (``json_extract(c, '$.id')``,
    ``c ->> 'id'``): where SQLite and PostgreSQL part on which values are equal."""
    return expr_idioms.across(text)[1] == expr_idioms.JSON_ACCESS


def json_keys_note(sides: tuple[tuple[str, str], tuple[str, str]]) -> str | None:
    """Why a unique index element whose twin elements are ``sides`` ((dialect, canonical text)
    each) accepts other rows on SQLite and PostgreSQL, where SQLite's reads a JSON member as a
    scalar (``json_extract(c, '$.k')``), by what PostgreSQL's reads: the member's text
    (``->>``: ``JSON_KEYS_NOTE``), its jsonb value (``->``, stranger83 006:
    ``JSON_VALUE_KEYS_NOTE``: 1 and 1.0 collide as on SQLite, true and 1 do not, the opposite
    of ``->>``) or something else (``JSON_OTHER_KEYS_NOTE``). None for another pair of dialects
    or where SQLite's element reads no member as a scalar."""
    texts = dict(sides)
    if set(texts) != {"sqlite", "postgresql"} or not reads_json_text(texts["sqlite"]):
        return None
    theirs = texts["postgresql"]
    if _whole_call(_JSON_TEXT_CALL, theirs):
        return JSON_KEYS_NOTE
    return JSON_VALUE_KEYS_NOTE if _whole_call(_JSON_VALUE_CALL, theirs) else JSON_OTHER_KEYS_NOTE


def _whole_call(name: re.Pattern[str], text: str) -> bool:
    """True when ``text`` is one call of the function ``name`` matches (its opening parenthesis
    included), nothing around it: the parenthesis it opens closes at the end."""
    found = name.match(text)
    return found is not None and text.endswith(")") and _balanced(text[found.end() : -1])


# Unparseable text: strings and quoted names as written (a quoted name folded as the dialect
# folds it), comments dropped, the rest in lower case, whitespace and outer parentheses normalised.
_TOKEN = re.compile(
    r"""(?P<string>'[^']*(?:''[^']*)*')|(?P<quoted>"[^"]*(?:""[^"]*)*")"""
    r"""|(?P<comment>--[^\n]*|/\*.*?\*/)|(?P<space>\s+)|(?P<other>[^'"\s-]+|-)""",
    re.DOTALL,
)


def fallback(dialect: str, text: str) -> str:
    """The text of an expression no parser reads, normalised only where that cannot change it."""
    parts: list[str] = []
    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind == "string":
            parts.append(value)
        elif kind == "quoted":
            parts.append('"' + fold(dialect, value[1:-1], True) + '"')
        elif kind == "space":
            parts.append(" ")
        elif kind == "other":
            parts.append(value.lower())
    out = " ".join("".join(parts).split())
    while out.startswith("(") and out.endswith(")") and _balanced(out[1:-1]):
        out = out[1:-1].strip()
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
