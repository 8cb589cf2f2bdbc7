"""The literal forms of a default, as the column stores it: ``0`` on a text column is ``'0'``,
``'0'`` on a number column ``0``, a boolean's 1 or 0; SQLite's DEFAULT written as a name is
the string it spells, and its arithmetic on number literals that is NULL stores NULL."""

from __future__ import annotations

import re

from sqlglot import exp

from twinschema.dialects import sqlite_library

# ASCII digits only: '٣' is no number to SQLite or PostgreSQL (Python's \d and float() take it).
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_PG_TRUE = frozenset({"t", "true", "y", "yes", "on", "1"})
_PG_FALSE = frozenset({"f", "false", "n", "no", "off", "0"})
NUMBERS = frozenset({"integer", "float", "numeric", "boolean"})


def default_literal(node: exp.Expr, dialect: str, own: str) -> exp.Expr:
    """A default's literal as the column stores it: ``0`` on a text column is ``'0'``, ``'0'`` on
    a number column is ``0``, ``1`` on a float column is ``1.0``; a boolean's is 1 or 0 (how SQLite
    stores one, and what an integer kept to 0 and 1 holds). On SQLite, arithmetic on number
    literals that is NULL (``1/0``, ``5 % 0``) is NULL: SQLite stores NULL, as with no default."""
    if dialect == "sqlite" and _sqlite_null_arithmetic(node):
        return exp.Null()
    if _negative_number(node):  # sqlglot holds -1 as Neg(1)
        assert isinstance(node, exp.Neg)
        text = "-" + str(node.this.this)
        if own == "text":
            return number_as_text(node, text, dialect)
        if own not in NUMBERS:
            return node
        return exp.Literal.number(_stored_number(text, own))
    if not isinstance(node, exp.Literal | exp.Boolean):
        return node
    if own == "boolean":
        return _boolean_default(node, dialect)
    if not isinstance(node, exp.Literal):
        return node
    text = str(node.this)
    if own == "text" and not node.is_string:
        return number_as_text(node, text, dialect)
    if own not in NUMBERS or not _NUMBER.fullmatch(text):
        return node
    return exp.Literal.number(_stored_number(text, own))


# SQLite takes a DEFAULT that is a name as the string it spells: DEFAULT "abc", [abc], `abc` and
# abc store 'abc' (a parenthesised name would be a column, which a default may not read). The
# names below are values, not strings.
_SQLITE_QUOTED_NAME = re.compile(r'"((?:[^"]|"")*)"|\[([^\]]*)\]|`((?:[^`]|``)*)`|([A-Za-z_]\w*)')
_SQLITE_DEFAULT_WORDS = frozenset(
    ("true", "false", "null", "current_time", "current_date", "current_timestamp")
)


def sqlite_name_default(text: str) -> str | None:
    """The string literal SQLite stores for a DEFAULT written as a name (``"abc"`` is
    ``'abc'``), None for any other default."""
    match = _SQLITE_QUOTED_NAME.fullmatch(text.strip())
    if match is None:
        return None
    double, bracket, backtick, bare = match.groups()
    if bare is not None and bare.lower() in _SQLITE_DEFAULT_WORDS:
        return None
    if double is not None:
        value = double.replace('""', '"')
    elif backtick is not None:
        value = backtick.replace("``", "`")
    else:
        value = bracket if bracket is not None else bare
    return "'" + value.replace("'", "''") + "'"


_ARITHMETIC = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.Neg, exp.Paren)


def _sqlite_null_arithmetic(node: exp.Expr) -> bool:
    """True for a division or remainder of number literals alone (no function, no column, so
    its value is fixed) that the linked SQLite library evaluates to NULL (a division by zero)."""
    if not isinstance(node, exp.Div | exp.Mod):
        return False
    for part in node.walk():
        if isinstance(part, exp.Literal):
            if part.is_string:
                return False
        elif not isinstance(part, _ARITHMETIC):
            return False
    return bool(sqlite_library.answer(f"SELECT ({node.sql(dialect='sqlite')}) IS NULL"))


def number_as_text(node: exp.Expr, text: str, dialect: str) -> exp.Expr:
    """A number literal (spelled ``text``) that a TEXT column stores or is compared with, as the
    text it becomes: its value's rendering, not its spelling (SQLite stores ``DEFAULT 007`` as
    '7' and ``1e3`` as '1000.0'). On SQLite that rendering; elsewhere the spelling only where
    SQLite renders it so (``5``, ``1.5``: PostgreSQL renders those alike too), else the number
    itself, which equals no string."""
    rendered = sqlite_text_of_number(text)
    if rendered is None:
        return node
    if dialect == "sqlite":
        return exp.Literal.string(rendered)
    return exp.Literal.string(text) if rendered == text else node


def sqlite_text_of_number(text: str) -> str | None:
    """What SQLite renders a number literal spelled ``text`` as (``SELECT CAST(007 AS TEXT)`` is
    '7'); None for a text that is no plain number literal."""
    if not _NUMBER.fullmatch(text):
        return None
    return sqlite_library.text_of_number(text)


def _negative_number(node: exp.Expr) -> bool:
    return (
        isinstance(node, exp.Neg)
        and isinstance(node.this, exp.Literal)
        and not node.this.is_string
        and _NUMBER.fullmatch(str(node.this.this)) is not None
    )


def _stored_number(text: str, own: str) -> str:
    """A number's text as a column of kind ``own`` stores it: a float as a float, an integral
    value of an integer column without a fraction."""
    if own == "float":
        return repr(float(text))
    if own == "integer" and float(text).is_integer() and abs(float(text)) < 2**53:
        return str(int(float(text)))
    return text


def _boolean_default(node: exp.Expr, dialect: str) -> exp.Expr:
    if isinstance(node, exp.Boolean):
        return exp.Literal.number(1 if node.this else 0)
    text = str(node.this).lower()
    if not node.is_string or dialect == "postgresql":  # SQLite stores the string 'true' as text
        if text in _PG_TRUE:
            return exp.Literal.number(1)
        if text in _PG_FALSE:
            return exp.Literal.number(0)
    return node
