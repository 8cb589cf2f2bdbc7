"""What a unique index over exactly a table's primary key columns may add and still refuse no
row the key accepts (``compare.unique_rules``): an operator class whose equality is its type's
default one, and a partial-index predicate that cannot fail on a row.

A unique index refuses a row when the row is in the index and equal on its elements to another
row in it, or when computing its predicate fails (an insert that fails is refused). Over the
key's columns, compared with an equality no looser than the key's, the first refuses a subset of
what the key refuses; the second must never happen.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.errors import SqlglotError

from twinschema.canonical.expr_idioms import SQLITE_OWN_MEANING
from twinschema.canonical.expressions import parse
from twinschema.dialects.postgresql_types import EQUALITY_KEEPING_OPCLASSES

# The nodes of a predicate that no row can make fail, on either dialect: column references,
# literals, comparisons (their operand types are resolved, or refused, when the index is
# created), IS [NOT] NULL, IN a list, BETWEEN and the boolean connectives. Arithmetic (10 / k
# fails for k = 0 on PostgreSQL), casts, LIKE (PostgreSQL refuses some patterns) and every
# function call are left out.
_SAFE = (
    exp.Column,
    exp.Identifier,
    exp.Literal,
    exp.Boolean,
    exp.Null,
    exp.Paren,
    exp.And,
    exp.Or,
    exp.Not,
    exp.EQ,
    exp.NEQ,
    exp.GT,
    exp.GTE,
    exp.LT,
    exp.LTE,
    exp.Is,
    exp.NullSafeEQ,
    exp.NullSafeNEQ,
    exp.In,
    exp.Between,
)


def keeps_equality(opclass: str) -> bool:
    """True when an index element with operator class ``opclass`` ("" for its type's default)
    tests equality as the default class does (``EQUALITY_KEEPING_OPCLASSES``)."""
    return not opclass or opclass.lower() in EQUALITY_KEEPING_OPCLASSES


def cannot_fail(predicate: str) -> bool:
    """True when the canonical partial-index ``predicate`` is built only of nodes no row can
    make fail (``_SAFE``; a negated literal too, ``k > -1``); False for anything else and for
    text that does not parse."""
    try:
        tree = parse("", predicate)
    except (SqlglotError, RecursionError):
        return False
    for node in tree.walk():
        if isinstance(node, exp.In) and node.args.get("query") is not None:
            return False
        if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal):
            continue
        if not isinstance(node, _SAFE):
            return False
    return True


# Functions of one text argument that give equal values for equal arguments and never NULL for
# a non-NULL one (each dialect's case folding: SQLite's by the canonical name its own meaning
# is printed under): a unique index over ``lower(x)`` refuses every two rows a UNIQUE (x)
# refuses (fuzz42 009b).
_FOLDS = (exp.Lower, exp.Upper)
_CASE_FOLDS = frozenset(SQLITE_OWN_MEANING[f] for f in _FOLDS)


def folded_column(element: str) -> tuple[str, bool] | None:
    """The column a canonical index element ``element`` reads, and whether it is folded, when
    the element is the column itself or a case folding of it (``lower(x)``): two rows equal in
    that column (in an exact collation, where it is folded) are equal on the element, and a
    non-NULL column gives a non-NULL element. None for any other element and for text that
    does not parse."""
    try:
        tree = parse("", element)
    except (SqlglotError, RecursionError):
        return None
    while isinstance(tree, exp.Paren):
        tree = tree.this
    folded = isinstance(tree, _FOLDS) or (
        isinstance(tree, exp.Anonymous) and tree.name.lower() in _CASE_FOLDS
    )
    if isinstance(tree, exp.Anonymous) and folded:
        arguments = tree.expressions
        tree = arguments[0] if len(arguments) == 1 else tree
    elif folded:
        tree = tree.this
    if not isinstance(tree, exp.Column) or tree.table:
        return None
    return tree.name, folded
