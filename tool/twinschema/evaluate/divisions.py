"""What a division or modulo of two expressions can part the dialects by, read from the
expressions themselves, so that a reason is true of them (``reasons``): ``x % 5`` never divides
by zero, and ``price * qty / 100`` over integer columns is integer division on PostgreSQL too,
so "x % 0 is NULL on SQLite" and "2 / 3 is 0.666... on PostgreSQL" are not why they part.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from twinschema.canonical import typemap
from twinschema.canonical.typemap_operators import DIVISION_BY_ZERO, DIVISION_INTEGRAL
from twinschema.model import ColumnType
from twinschema.records import POSTGRESQL, SQLGLOT_DIALECTS
from twinschema.records.kinds import INTEGER_KINDS
from twinschema.sql_expression import parse_expression

Columns = Sequence[tuple[str, ColumnType]]


def general(dialects: tuple[str, str], texts: tuple[str, str], operator: str, reason: str) -> str:
    """``reason``, the general one of ``operator``, less what the two expressions rule out: a
    modulo or division whose every divisor is a non-zero number literal divides by no zero;
    a division whose every operand is integral on PostgreSQL divides integers on both."""
    if operator not in ("Mod", "Div"):
        return reason
    literal = all(_literal_divisors(d, t, operator) for d, t in zip(dialects, texts, strict=True))
    if operator == "Mod":
        return "" if literal else reason
    parts = [DIVISION_INTEGRAL] if not integral(dialects, texts, None) else []
    parts += [] if literal else [DIVISION_BY_ZERO]
    if len(parts) == 2:
        return reason
    return parts[0] if parts else ""


def integral(
    dialects: tuple[str, str], texts: tuple[str, str], columns: tuple[Columns, Columns] | None
) -> bool:
    """True when each division of each PostgreSQL side divides integer by integer (integer
    columns, whole literals, and + - * / % of them): integer division there as on SQLite.
    ``columns`` are each side's (name, type); None: the names alone cannot tell (False)."""
    sides = [n for n, d in enumerate(dialects) if d == POSTGRESQL]
    if not sides or columns is None:
        return False
    for n in sides:
        whole = {
            name.lower() for name, ctype in columns[n] if typemap.kinds_of(ctype) & INTEGER_KINDS
        }
        tree = _tree(dialects[n], texts[n])
        if tree is None:
            return False
        from sqlglot import exp

        for node in tree.find_all(exp.Div):
            if not (_whole(node.this, whole) and _whole(node.expression, whole)):
                return False
    return True


def _whole(node: Any, whole: set[str]) -> bool:
    """True when ``node`` computes an integer on PostgreSQL from the integer columns ``whole``."""
    from sqlglot import exp

    if isinstance(node, exp.Paren | exp.Neg):
        return _whole(node.this, whole)
    if isinstance(node, exp.Column):
        return node.name.lower() in whole
    if isinstance(node, exp.Literal):
        return not node.is_string and str(node.this).isdigit()
    if isinstance(node, exp.Add | exp.Sub | exp.Mul | exp.Div | exp.Mod):
        return _whole(node.this, whole) and _whole(node.expression, whole)
    return False


def _literal_divisors(dialect: str, text: str, operator: str) -> bool:
    """True when every ``operator`` node of ``text`` divides by a non-zero number literal."""
    from sqlglot import exp

    tree = _tree(dialect, text)
    if tree is None:
        return False
    for node in tree.walk():
        if type(node).__name__ != operator:
            continue
        divisor = node.expression
        while isinstance(divisor, exp.Paren | exp.Neg):
            divisor = divisor.this
        if not isinstance(divisor, exp.Literal) or divisor.is_string:
            return False
        try:
            if float(str(divisor.this)) == 0:
                return False
        except ValueError:
            return False
    return True


def _tree(dialect: str, text: str) -> Any:
    """sqlglot's tree of ``text``; None where it does not parse."""
    import sqlglot
    from sqlglot.errors import SqlglotError

    try:
        return parse_expression(partial(sqlglot.parse_one, read=SQLGLOT_DIALECTS[dialect]), text)
    except (SqlglotError, ValueError):
        return None
