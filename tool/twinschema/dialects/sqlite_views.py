"""A SQLite view's definition as SQLite itself reads it: the grouping parentheses that do not
change what SQLite compiles are left out, and the names of the view's columns, as SQLite derives
them, are part of it.

SQLite keeps a view as written. Parentheses are grouping only where they change nothing, and
whether they do is SQLite's own precedence (``a = b < c`` is ``a = (b < c)`` in SQLite, not in
standard SQL), so no parser of ours decides it: each pair of parentheses is taken out only when
SQLite compiles the view's SELECT to the same program (``EXPLAIN``) without it, on the database
that holds the view. A pair whose removal fails to compile or compiles differently stays.

Its NULL tests are spelled ``x IS NULL`` / ``x IS NOT NULL`` where SQLite confirms it the same
way (``sqlite_view_nulls``: ``x NOTNULL``, ``NOT x IS NULL``).

A view's column names are its interface, and SQLite names a column without an alias by the
expression's text as written (``SELECT (a+b)`` has the column ``(a+b)``, ``SELECT A + b`` the
column ``A + b``), so spacing and parentheses that the SELECT does not need can still part two
views: the columns ``pragma_table_info`` gives are compared too, their names folded as SQLite
compares names (ASCII case only).

A double-quoted token is first settled as a name or as text by the same test
(``sqlite_quoted``): SQLite reads ``"x"`` as the text 'x' where no column x is in scope.

Anything that fails (a view naming a table that does not exist, a statement not of the expected
shape) leaves the view as before: its stored statement, compared as written up to whitespace,
comments, keyword and identifier case and quoting.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from twinschema.definitions import spans
from twinschema.dialects.sqlite_explain import Program, kept_edits, program, same
from twinschema.dialects.sqlite_quoted import settled
from twinschema.dialects.sqlite_view_nulls import null_tests
from twinschema.records.dialects import ascii_lower

# Parentheses right after one of these words (or after an operator, a comma or another
# parenthesis) may be grouping ones; after any other word they belong to a call, a list, a
# subquery or a clause (``count(``, ``IN (``, ``EXISTS (``, ``AS (``, ``VALUES (``, ``OVER (``).
_GROUPING_AFTER = frozenset(
    {
        "select", "distinct", "all", "where", "having", "and", "or", "not", "on", "when",
        "then", "else", "case", "is", "between", "like", "glob", "match", "regexp", "escape",
        "by", "from", "join", "limit", "offset",
    }
)  # fmt: skip
# Past this many pairs a view keeps its remaining parentheses (each try is one EXPLAIN).
_MAX_TRIES = 64


@dataclass(frozen=True, slots=True)
class ViewFacts:
    """What SQLite says of one view: its statement with the parentheses SQLite does not need
    blanked out, and its columns' names (folded as SQLite compares names).

    Their declared types are not kept: a column's is its table column's (compared with the
    table, spelled as the table wrote it, ``decimal(4,2)`` or ``decimal(4, 2)``) or the CAST the
    SELECT writes."""

    sql: str
    columns: tuple[str, ...]


# Every view's columns in one statement; it fails as a whole when one view does not compile,
# and then each view's are read on their own.
_ALL_COLUMNS = (
    "SELECT m.name, p.name FROM main.sqlite_master AS m "
    "JOIN pragma_table_info(m.name, 'main') AS p WHERE m.type = 'view' ORDER BY m.name, p.cid"
)
_COLUMNS = "SELECT name FROM pragma_table_info(?, 'main') ORDER BY cid"


def view_facts(conn: sqlite3.Connection, master: Sequence[Sequence[Any]]) -> dict[str, ViewFacts]:
    """The facts of each view of ``master`` (``sqlite_master`` rows) that SQLite compiles, by
    view name; a view it cannot compile is left out (compared as written)."""
    views = [(str(name), str(sql)) for kind, name, _table, sql in master if kind == "view" and sql]
    if not views:
        return {}
    columns: dict[str, list[tuple[str]]] | None
    try:
        rows = conn.execute(_ALL_COLUMNS).fetchall()
    except sqlite3.Error:
        columns = None
    else:
        columns = {}
        for view, name in rows:
            columns.setdefault(view, []).append((name,))
    facts: dict[str, ViewFacts] = {}
    for name, sql in views:
        try:
            if columns is None:
                found = _facts(conn, sql, conn.execute(_COLUMNS, (name,)).fetchall())
            else:
                found = _facts(conn, sql, columns.get(name, []))
        except (sqlite3.Error, RecursionError):
            continue
        if found is not None:
            facts[name] = found
    return facts


def _facts(conn: sqlite3.Connection, sql: str, rows: Sequence[Sequence[Any]]) -> ViewFacts | None:
    columns = tuple(ascii_lower(str(row[0])) for row in rows)  # as SQLite compares names
    tokens = spans(sql, True)
    start = _body_start(sql, tokens)
    if start is None or not columns:
        return None
    compiled: Program | None = None
    if '"' in sql:  # "x" is a name or the text 'x': SQLite says which (``sqlite_quoted``)
        compiled = program(conn, sql[start:])
        sql = settled(sql, start, compiled, lambda select, c: same(conn, select, c))
        tokens = spans(sql, True)
    pairs: list[tuple[int, int]] = []
    for index, (group, at, _end) in enumerate(tokens):
        if at < start or group != "op" or sql[at] != "(" or not _may_group(sql, tokens, index):
            continue
        close = _closing(sql, tokens, index)
        if close is not None and len(pairs) < _MAX_TRIES:
            pairs.append((at, close))
    if not pairs:
        return ViewFacts(null_tests(conn, sql, start, compiled), columns)
    if compiled is None:
        compiled = program(conn, sql[start:])
    # Most often every such pair is redundant: one EXPLAIN says so. Then SQLite's parse tree is
    # the one its precedence gives the text without any, so it is with any subset of them too.
    expected = compiled
    text, _tries = kept_edits(
        sql, pairs, _blanked, lambda t: same(conn, t[start:], expected), len(pairs) + 1
    )
    # The text compiles as the view does: its NULL tests are spelled one way where SQLite agrees.
    return ViewFacts(null_tests(conn, text, start, compiled), columns)


def _blanked(sql: str, pairs: Sequence[tuple[int, int]]) -> str:
    """``sql`` with the parentheses at each (open, close) offset pair made spaces."""
    chars = list(sql)
    for at, close in pairs:
        chars[at] = chars[close] = " "
    return "".join(chars)


def _body_start(sql: str, tokens: list[tuple[str, int, int]]) -> int | None:
    """Where the SELECT of ``CREATE [TEMP] VIEW [IF NOT EXISTS] name [(columns)] AS ...``
    (``tokens``: its ``spans``) starts, or None when the statement is not of that shape."""
    words = [sql[a:b].lower() if g == "word" else sql[a:b] for g, a, b in tokens]
    if not words or words[0] != "create":
        return None
    i = 1
    if i < len(words) and words[i] in ("temp", "temporary"):
        i += 1
    if i >= len(words) or words[i] != "view":
        return None
    i += 1
    if words[i : i + 3] == ["if", "not", "exists"]:
        i += 3
    i += 1  # the name
    if i < len(words) and words[i] == ".":
        i += 2  # schema.name
    if i < len(words) and words[i] == "(":
        close = _closing(sql, tokens, i)
        if close is None:
            return None
        while i < len(tokens) and tokens[i][1] != close:
            i += 1
        i += 1
    if i + 1 >= len(words) or words[i] != "as":
        return None
    return tokens[i + 1][1]


def _may_group(sql: str, tokens: list[tuple[str, int, int]], index: int) -> bool:
    """Whether the ``(`` at ``tokens[index]`` may be a grouping parenthesis."""
    if index == 0:
        return False
    group, start, end = tokens[index - 1]
    before = sql[start:end]
    if group == "word":
        return before.lower() in _GROUPING_AFTER
    return group == "op" and before != ")"


def _closing(sql: str, tokens: list[tuple[str, int, int]], index: int) -> int | None:
    """The offset of the ``)`` that closes the ``(`` at ``tokens[index]``."""
    depth = 0
    for group, start, _end in tokens[index:]:
        if group != "op":
            continue
        depth += {"(": 1, ")": -1}.get(sql[start], 0)
        if depth == 0:
            return start
    return None
