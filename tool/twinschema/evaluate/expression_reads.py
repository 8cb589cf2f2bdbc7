"""What an expression (a CHECK, a default, a generated column, an index's WHERE) reads: its
columns, by name and by the key its dialect matches them by, its number and string literals,
and the dialect-dependent operators it uses; the probe values (``probes``) are chosen from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache, partial
from typing import Any

from twinschema.canonical import typemap_operators
from twinschema.canonical.identifiers import fold
from twinschema.evaluate import half_products, landings, probe_numbers
from twinschema.evaluate.check_conjuncts import conjuncts
from twinschema.model import Table
from twinschema.sql_expression import columns_read, parse_expression

# Longer lengths compared with length() are not probed (a declared length always is).
_MAX_LENGTH = 1000


@dataclass(frozen=True)
class Reads:
    """What an expression reads: its column names, and the number and string literals in it."""

    columns: frozenset[str]
    numbers: tuple[Decimal, ...]
    strings: tuple[str, ...]
    # The integer literals of an expression that measures a length (length(), char_length()):
    # strings of each length, and one shorter and longer, are probed.
    lengths: tuple[int, ...] = ()
    # The dialect-dependent operators it uses (``typemap_operators.DIALECT_DEPENDENT_OPERATORS``).
    dependent: tuple[str, ...] = ()
    # The columns it orders (an operand of <, <=, >, >= or BETWEEN): text order on SQLite, the
    # declared order on a PostgreSQL enum.
    ordered: frozenset[str] = frozenset()
    # The columns it converts to text (``typemap_operators.TEXT_CONVERSIONS``): a number, boolean or time
    # is printed as each dialect prints it.
    rendered: frozenset[str] = frozenset()
    # Which of those conversions it uses (keys of ``typemap_operators.TEXT_CONVERSIONS``), for reasons.
    conversions: tuple[str, ...] = ()
    # Where arithmetic on one column lands on a literal (``landings``): (column, value).
    landed: tuple[tuple[str, Decimal], ...] = ()
    # Products of two columns compared with a number (``landings.products``): (a, b, L).
    products: tuple[tuple[str, str, Decimal], ...] = ()
    # Where a column's product with a decimal literal is a half or whole number a double misses
    # (``half_products``), probed before the other landings: (column, value).
    halves: tuple[tuple[str, Decimal], ...] = ()
    # Whether it measures a length (length(), char_length()): SQLite's counts the characters
    # before a text's first NUL, so a text holding one is probed between two SQLite sources.
    measures: bool = False
    # Its columns by the key its dialect matches a name by (``identifiers.fold``): PostgreSQL's
    # quoted ``"At"`` and unquoted ``at`` are two columns, SQLite's ``At`` and ``at`` one.
    keys: frozenset[str] = frozenset()


def table_checks(dialect: str, table: Table | None) -> list[tuple[str, frozenset[str], Reads]]:
    """Each CHECK of ``table`` that parses, as its top AND's operands (``conjuncts``: each holds
    for every stored row): the text as written, the columns it reads by their keys in
    ``dialect`` (``Reads.keys``, to match against ``identifiers.catalog_key`` of a column's own
    name: PostgreSQL's ``"At"`` and ``at`` are two), and what else it reads; none for a
    missing table."""
    found = []
    for check in table.checks if table is not None else ():
        for text in conjuncts(dialect, check.raw or check.expression):
            got = reads(dialect, text)
            if got is not None:
                found.append((text, got.keys, got))
    return found


@lru_cache(maxsize=4096)
def reads(dialect: str, text: str) -> Reads | None:
    """The columns and literals of ``text`` (None when it does not parse)."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    from twinschema.records import SQLGLOT_DIALECTS

    try:
        tree = parse_expression(partial(sqlglot.parse_one, read=SQLGLOT_DIALECTS[dialect]), text)
    except (SqlglotError, ValueError):
        return None
    identifiers = columns_read(tree)
    columns = frozenset(i.name for i in identifiers)
    numbers: list[Decimal] = []
    strings: list[str] = []
    for literal in tree.find_all(exp.Literal):
        if literal.is_string:
            strings.append(str(literal.this))
            cast = literal.parent  # PostgreSQL prints a negative bound ``'-999'::integer``
            if not (isinstance(cast, exp.Cast) and cast.to.is_type(*exp.DataType.NUMERIC_TYPES)):
                continue
        try:
            value = Decimal(str(literal.this))
        except InvalidOperation:
            continue
        if not value.is_finite():  # ``'NaN'::numeric``: no number to probe beside (a numeric
            continue  # column is probed at NaN itself: ``probe_sets._stores``)
        numbers.append(-value if isinstance(literal.parent, exp.Neg) else value)
    # Arithmetic of literals alone is the number it folds to (``x > 0 - 999``: -999).
    for node in tree.find_all(exp.Add, exp.Sub, exp.Mul):
        folded = landings.constant(node)
        if folded is not None and folded.is_finite():
            numbers.append(folded)
    # A cast to NUMERIC(p, s) refuses numbers past its end (``price::numeric(5,2)``: 1000).
    literals = tuple(numbers)
    for cast in tree.find_all(exp.Cast):  # ...and a cast to real at its ends and the literals
        numbers += probe_numbers.cast_ends(cast.args.get("to"))  # it rounds onto (0.99999999)
        numbers += probe_numbers.real_ends(dialect, cast.args.get("to"), literals)
    # A JSON path becomes a path object, not a literal, in the tree: its text is read as written.
    strings += [m.replace("''", "'") for m in re.findall(r"'((?:[^']|'')*)'", text)]
    lengths: list[int] = []
    if any(True for _ in tree.find_all(exp.Length)):
        lengths = [int(n) for n in numbers if n == int(n) and 0 <= n <= _MAX_LENGTH]
    return Reads(
        columns,
        tuple(dict.fromkeys(numbers)),
        tuple(dict.fromkeys(strings)),
        tuple(dict.fromkeys(lengths)),
        _dependent(tree),
        _ordered(tree),
        *_rendered(tree),
        landings.landings(tree),
        landings.products(tree),
        half_products.landings(tree),
        measures=any(True for _ in tree.find_all(exp.Length)),
        keys=frozenset(fold(dialect, i.name, bool(i.quoted)) for i in identifiers),
    )


_ORDERINGS = ("GT", "GTE", "LT", "LTE", "Between")


def _ordered(tree: Any) -> frozenset[str]:
    """The columns ``tree`` compares by order (``s < 'b'``, ``s BETWEEN 'a' AND 'c'``)."""
    from sqlglot import exp

    found = set()
    for node in tree.walk():
        if type(node).__name__ not in _ORDERINGS:
            continue
        for operand in node.iter_expressions():
            while isinstance(operand, (exp.Paren, exp.Cast)):
                operand = operand.this
            if isinstance(operand, exp.Column):
                found.add(operand.name)
    return frozenset(found)


def _rendered(tree: Any) -> tuple[frozenset[str], tuple[str, ...]]:
    """The columns ``tree`` converts to text by a cast to a text type, format() or printf()
    (a string literal's cast, ``'a'::text``, converts nothing), and the conversions that do."""
    from sqlglot import exp

    found: set[str] = set()
    used: set[str] = set()
    for node in tree.walk():
        name = node.name if isinstance(node, exp.Anonymous) else type(node).__name__
        if name not in typemap_operators.TEXT_CONVERSIONS:
            continue
        if isinstance(node, exp.Cast):
            if node.to.this not in exp.DataType.TEXT_TYPES:
                continue
            operands = [node.this]
        else:  # the format string is no value printed
            operands = list(node.expressions)[0 if isinstance(node, exp.Format) else 1 :]
        columns = {i.name for o in operands for i in columns_read(o)}
        if columns:
            found.update(columns)
            used.add(name)
    return frozenset(found), tuple(sorted(used))


def _dependent(tree: Any) -> tuple[str, ...]:
    """The names of the dialect-dependent operators ``tree`` uses (see typemap): a cast only
    to a number, a date, a time or a boolean (not PostgreSQL's casts of a literal to its
    column's text type, ``'X'::bpchar``)."""
    from sqlglot import exp

    cast_targets = (
        exp.DataType.NUMERIC_TYPES | exp.DataType.TEMPORAL_TYPES | {exp.DataType.Type.BOOLEAN}
    )

    found: list[str] = []
    for node in tree.walk():
        name = type(node).__name__
        if name not in typemap_operators.DIALECT_DEPENDENT_OPERATORS:
            continue
        held = typemap_operators.DEPENDENT_WHEN_LITERAL_HOLDS.get(name)
        if held is not None and not any(
            held in str(n.this) for n in node.find_all(exp.Literal) if n.is_string
        ):
            continue
        if name in typemap_operators.CAST_OPERATORS and node.to.this not in cast_targets:
            continue
        if name in typemap_operators.DEPENDENT_UNLESS_NULL_TESTED and _null_tested(node):
            continue
        found.append(name)
    return tuple(dict.fromkeys(found))


def _null_tested(node: Any) -> bool:
    """True when ``node``'s value only meets an IS NULL or IS NOT NULL (through parentheses)."""
    from sqlglot import exp

    parent = node.parent
    while isinstance(parent, exp.Paren):
        parent = parent.parent
    return isinstance(parent, exp.Is) and isinstance(parent.expression, exp.Null)


def dependent_default(dialect: str, text: str) -> bool:
    """True when a default uses an operator whose result depends on the dialect (see
    ``_dependent``), other than a || of text literals alone ('a' || 'b' is 'ab' on both)."""
    found = reads(dialect, text)
    if found is None or not found.dependent:
        return False
    return set(found.dependent) != {"DPipe"} or not _text_only(dialect, text)


def _text_only(dialect: str, text: str) -> bool:
    """True when ``text`` joins string literals only (PostgreSQL's ``'a'::text`` included)."""
    import sqlglot
    from sqlglot import exp

    from twinschema.records import SQLGLOT_DIALECTS

    tree = parse_expression(partial(sqlglot.parse_one, read=SQLGLOT_DIALECTS[dialect]), text)
    for node in tree.walk():
        if isinstance(node, exp.Literal):
            if not node.is_string:
                return False
        elif isinstance(node, exp.Cast):
            if not node.to.is_type(*exp.DataType.TEXT_TYPES):
                return False
        elif not isinstance(node, (exp.DPipe, exp.Paren, exp.DataType)):
            return False
    return True
