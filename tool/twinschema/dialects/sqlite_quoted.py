"""A SQLite view's double-quoted tokens, each settled by SQLite itself as a name or as text.

SQLite reads ``"x"`` as the column x where one is in scope, and as the text 'x' where none is
(a misfeature it keeps for compatibility), so ``WHERE s = "x"`` and ``WHERE s = "X"`` are two
different views unless a column x exists, and ``s = "x"`` is ``s = 'x'`` when none does. No
parser of ours can tell which without the view's tables, so the database that holds the view
decides, as ``sqlite_views`` decides parentheses: a token is a name when the SELECT compiles to
the same program (``EXPLAIN``) with it in backticks (always a name in SQLite) and its ASCII
letters lower-cased (so its case is shown not to matter: ``RAISE(ABORT, "No")`` reads its
message where a name may stand, and keeps its case), and text when it compiles to the same
program as a string literal. Written so, the canonical text folds the name and keeps the text's
case (``definitions``). A token in the statement's head (the view's name
and column list) is a name. A token holding a quote of any kind, or one neither rewrite
compiles alike, stays as written (compared with its case kept: never a false "in sync").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from twinschema.definitions import spans
from twinschema.dialects.sqlite_explain import Program
from twinschema.records.dialects import ascii_lower

# Whether a statement's tail compiles to a program: ``sqlite_explain.same`` on the view's
# connection, or a trigger's own test (``sqlite_trigger_quotes``).
Compiles = Callable[[str, Program], bool]


def settled(sql: str, start: int, program: Program, same: Compiles) -> str:
    """``sql`` (a CREATE VIEW or TRIGGER whose tail from ``start`` compiles to ``program``,
    ``same`` saying whether a tail does) with each double-quoted token SQLite reads as a name in
    backticks, lower-cased, and each it reads as text in single quotes (same length: offsets
    into ``sql`` stay valid)."""
    quoted = [
        (a, b)
        for group, a, b in spans(sql, True)
        if group == "quoted" and sql[a] == '"' and not any(q in sql[a + 1 : b - 1] for q in "\"'`")
    ]
    if not quoted:
        return sql
    text = _written(sql, [q for q in quoted if q[0] < start], "`")
    body = [q for q in quoted if q[0] >= start]
    named = _written(text, body, "`", fold=True)
    if not body or same(named[start:], program):  # most often every one is a name
        return named
    for token in body:
        for quote in "`'":
            candidate = _written(text, [token], quote, fold=quote == "`")
            if same(candidate[start:], program):
                text = candidate
                break
    return text


def _written(sql: str, tokens: Sequence[tuple[int, int]], quote: str, fold: bool = False) -> str:
    """``sql`` with the double quotes of each (start, end) token made ``quote`` (and its ASCII
    letters lower-cased when ``fold``)."""
    chars = list(sql)
    for a, b in tokens:
        chars[a] = chars[b - 1] = quote
        if fold:
            chars[a + 1 : b - 1] = ascii_lower(sql[a + 1 : b - 1])
    return "".join(chars)
