"""sqlglot's tree of one SQL expression (a CHECK, a default, an index predicate), also where it
begins with a word sqlglot takes for a statement: a column named ``lock``, ``comment``, ``set``,
``load`` or ``call`` (``lock = 'X'`` parses as PostgreSQL's LOCK command, a ``Command`` node
that holds no column and no literal, and so compared as written, unlike ``(lock = 'X')``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlglot import exp


def parse_expression(parse: Callable[[str], exp.Expr], text: str) -> exp.Expr:
    """``parse(text)``; where that gives a statement (or fails) but ``text`` in parentheses is
    an expression, the expression inside them. Raises what ``parse(text)`` raised where neither
    reads."""
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    failed: SqlglotError | None = None
    try:
        tree = parse(text)
        if not isinstance(tree, exp.Command | exp.Pragma):
            return tree
    except SqlglotError as error:
        failed = error
    try:
        wrapped = parse(f"(\n{text}\n)")  # on lines of their own: a trailing -- comment ends
    except SqlglotError:
        wrapped = None
    if isinstance(wrapped, exp.Paren):
        inner: exp.Expr = wrapped.this
        return inner
    if failed is not None:
        raise failed
    return tree


def columns_read(tree: exp.Expr) -> list[exp.Identifier]:
    """The identifiers of the columns ``tree`` reads, in the order of a walk: those of its
    ``Column`` nodes and the parameters of its ``Lambda`` nodes. SQLite and PostgreSQL have no
    lambdas, but sqlglot reads ``doc -> 'k'`` inside a call (``f(doc -> 'k')``) as a lambda of
    the parameter ``doc``: it is the column ``doc`` all the same."""
    from sqlglot import exp

    found: list[exp.Identifier] = []
    for node in tree.walk():
        if isinstance(node, exp.Column) and isinstance(node.this, exp.Identifier):
            found.append(node.this)
        elif isinstance(node, exp.Lambda):
            found += [i for i in node.expressions if isinstance(i, exp.Identifier)]
    return found


def outside_quotes(text: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """Each character of SQL ``text`` from ``start`` that stands outside quoted strings and
    double-quoted names (a doubled quote inside them included), with its index and the depth
    of parentheses just after it: what finds a closing parenthesis or a top-level comma."""
    depth, quote = 0, ""
    for i in range(start, len(text)):
        char = text[i]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        else:
            depth += (char == "(") - (char == ")")
            yield i, char, depth


def closing_paren(text: str, start: int) -> int | None:
    """The index of the parenthesis that closes the one at ``start`` in SQL ``text`` (quoted
    strings and double-quoted names skipped), or None when it is never closed."""
    for i, char, depth in outside_quotes(text, start):
        if char == ")" and depth == 0:
            return i
    return None


def split_top_level(text: str) -> list[str]:
    """SQL ``text`` cut at its top-level commas (none inside parentheses or quotes), each part
    stripped."""
    parts, last = [], 0
    for i, char, depth in outside_quotes(text):
        if char == "," and depth == 0:
            parts.append(text[last:i].strip())
            last = i + 1
    parts.append(text[last:].strip())
    return parts
