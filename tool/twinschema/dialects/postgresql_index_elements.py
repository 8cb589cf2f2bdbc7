"""An index element written as SQL text, as PostgreSQL's grammar takes it.

PostgreSQL reads an index element bare only when it is a column name or a function call
(``index_elem``: ``ColId``, ``func_expr_windowless``, or ``'(' a_expr ')'``); any other
expression must stand in parentheses: ``CREATE INDEX i ON t (a % 10)`` is refused ("syntax
error at or near "%"") where ``CREATE INDEX i ON t ((a % 10))`` is made; SQLite takes both.
SQLAlchemy groups an index element it builds from operators, but not one given as text
(``sa.text('a % 10')``, ``sa.literal_column(...)``), which Alembic writes into a revision as
it finds it (s76batch). The element's trailing options (COLLATE, an operator class, ASC or
DESC, NULLS FIRST or LAST) stay after the parentheses.
"""

from __future__ import annotations

import re

from twinschema.sql_expression import closing_paren

_NAME = r'(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)'
_QUALIFIED = rf"{_NAME}(?:\s*\.\s*{_NAME})*"
# What may follow a bare element: [COLLATE name] [opclass] [ASC|DESC] [NULLS FIRST|LAST].
_OPTIONS = re.compile(
    rf"(?:\s+COLLATE\s+{_QUALIFIED})?"
    rf"(?:\s+(?!(?:ASC|DESC|NULLS|COLLATE|IS|ISNULL|NOTNULL|NOT|AND|OR|IN|LIKE|ILIKE|SIMILAR"
    rf"|BETWEEN|AT|OVERLAPS)\b){_QUALIFIED})?"
    r"(?:\s+(?:ASC|DESC))?(?:\s+NULLS\s+(?:FIRST|LAST))?\s*",
    re.IGNORECASE,
)
_ORDER = re.compile(
    r"(?P<body>.*?\S)(?P<order>(?:\s+(?:ASC|DESC))?(?:\s+NULLS\s+(?:FIRST|LAST))?\s*)",
    re.IGNORECASE | re.DOTALL,
)


def index_element_sql(text: str) -> str:
    """``text``, an index element's SQL, as PostgreSQL makes it: unchanged when its grammar
    takes it bare (a column, a function call, an expression already in parentheses, each with
    its options), else the expression in parentheses before its ASC/DESC and NULLS options
    (see the module docstring)."""
    head = _head_end(text)
    if head is not None and _OPTIONS.fullmatch(text, head):
        return text
    found = _ORDER.fullmatch(text)
    if found is None:  # blank: nothing to group
        return text
    return f"({found['body'].strip()}){found['order']}"


def _head_end(text: str) -> int | None:
    """Where the leading column name, function call or parenthesized expression of ``text``
    ends, or None when it starts with none of them."""
    at = len(text) - len(text.lstrip())
    if text.startswith("(", at):
        return _closing(text, at)
    name = re.compile(_QUALIFIED).match(text, at)
    if name is None:
        return None
    after = name.end()
    call = re.compile(r"\s*\(").match(text, after)
    return _closing(text, call.end() - 1) if call is not None else after


def _closing(text: str, opening: int) -> int | None:
    """The index just past the parenthesis that closes the one at ``opening``, skipping quoted
    strings and names, or None when it is never closed."""
    end = closing_paren(text, opening)
    return None if end is None else end + 1
