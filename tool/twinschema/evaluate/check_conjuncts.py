"""The operands of a CHECK's top AND, each as written (``conjuncts``). A CHECK holds for every
row a table stores, so each of them does (three-valued logic too: ``a AND b`` is FALSE exactly
when one of them is), and one that reads only some columns keeps those columns within it:
``CHECK (unit_price >= 0 AND quantity BETWEEN 1 AND 200)`` keeps quantity to 1..200 whatever
unit_price holds, as ``CHECK (quantity BETWEEN 1 AND 200)`` does. An operand under OR, NOT or
CASE is no conjunct (``a > 0 OR b > 0`` keeps neither column anywhere).

The operands are cut from the text at its top ANDs (sqlglot's tokens, outside parentheses,
CASE ... END and BETWEEN's own AND), so each is run as its side wrote it, never as sqlglot
prints it back; where the cuts and sqlglot's tree disagree, the CHECK stays whole.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, partial
from itertools import pairwise
from typing import TYPE_CHECKING

from twinschema.records import SQLGLOT_DIALECTS
from twinschema.sql_expression import parse_expression

if TYPE_CHECKING:
    from sqlglot import Token


@lru_cache(maxsize=4096)
def conjuncts(dialect: str, text: str) -> tuple[str, ...]:
    """The operands of ``text``'s top AND (at any depth of AND and parentheses), each as
    written; ``text`` alone where its top is no AND or it does not read as one."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.dialects.dialect import Dialect
    from sqlglot.errors import SqlglotError

    from twinschema.canonical.expr_tree import operands, unparen

    read = partial(sqlglot.parse_one, read=SQLGLOT_DIALECTS[dialect])
    try:
        tree = unparen(parse_expression(read, text))
        if type(tree) is not exp.And:
            return (text,)
        tokens = Dialect.get_or_raise(SQLGLOT_DIALECTS[dialect]).tokenize(text)
        pieces = _cut(text, tokens)
        if len(pieces) != len(operands(tree, exp.And)):
            return (text,)
        for piece in pieces:  # each reads alone as an expression
            parse_expression(read, piece)
    except (SqlglotError, ValueError):
        return (text,)
    return tuple(pieces)


def within(dialect: str, text: str, fits: Callable[[str], bool]) -> str | None:
    """What of ``text`` ``fits`` (a test of an expression, such as reading one column alone):
    all of it, else its top AND's operands that fit, as one; None where none does. A partial
    index's ``done_at IS NULL AND remind_at >= '2024-01-01'`` holds a row with done_at NULL
    exactly where ``remind_at >= '2024-01-01'`` does (stranger61 015)."""
    if fits(text):
        return text
    found = [c for c in conjuncts(dialect, text) if fits(c)]
    return " AND ".join(f"({c})" for c in found) if found else None


def _cut(text: str, tokens: list[Token]) -> list[str]:
    """The text of each operand of the top AND chain of ``tokens``, parentheses that enclose a
    whole operand (or the whole text) opened."""
    found: list[str] = []
    spans = [(0, len(tokens) - 1)]
    while spans:
        first, last = spans.pop()
        while first < last and _closing(tokens, first) == last:
            first, last = first + 1, last - 1  # "(a AND b)": the AND inside is on top
        cuts = _top_ands(tokens, first, last)
        if not cuts:
            found.append(text[tokens[first].start : tokens[last].end + 1])
            continue
        ends = [first - 1, *cuts, last + 1]
        spans += reversed([(a + 1, b - 1) for a, b in pairwise(ends)])
    return found


_OPEN = frozenset({"L_PAREN", "L_BRACKET", "CASE"})
_CLOSE = frozenset({"R_PAREN", "R_BRACKET", "END"})


def _closing(tokens: list[Token], at: int) -> int:
    """Where the parenthesis opened at ``at`` closes; -1 where ``at`` opens none."""
    if tokens[at].token_type.name != "L_PAREN":
        return -1
    depth = 0
    for k in range(at, len(tokens)):
        name = tokens[k].token_type.name
        depth += 1 if name in _OPEN else -1 if name in _CLOSE else 0
        if depth == 0:
            return k
    return -1


def _top_ands(tokens: list[Token], first: int, last: int) -> list[int]:
    """The positions of the ANDs between ``first`` and ``last`` outside parentheses and CASE,
    less each BETWEEN's own."""
    found, depth, between = [], 0, 0
    for k in range(first, last + 1):
        name = tokens[k].token_type.name
        if name in _OPEN or name in _CLOSE:
            depth += 1 if name in _OPEN else -1
        elif depth == 0 and name == "BETWEEN":
            between += 1
        elif depth == 0 and name == "AND":
            if between:
                between -= 1
            else:
                found.append(k)
    return found
