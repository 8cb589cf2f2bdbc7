"""A PostgreSQL view's definition with ``NOT x IS NULL`` written ``x IS NOT NULL``, and with
the columns of its outermost SELECT's only relation bare and a relation named old or new by its
own name, as PostgreSQL 16 prints them (see ``sole_relation_unqualified``, ``old_new_as_named``).

``pg_get_viewdef`` prints a view from its parse tree, so redundant parentheses, spacing and
keyword case are gone already, but it prints what was written: ``NOT (x IS NULL)`` stays ``NOT x
IS NULL`` and ``x IS NOT NULL`` stays as it is. For a scalar ``x`` the two are one test. For a
row value they are not: ``ROW(a, b) IS NOT NULL`` is true when no field is NULL, ``NOT ROW(a,
b) IS NULL`` when some field is not (the row (1, NULL) parts them), and a column of a composite
type, or a table's whole row (``t.*``), is a row value though it is written as a name.

Which it is PostgreSQL knows: each ``IS [NOT] NULL`` test of the stored view (``pg_rewrite.ev_action``)
says ``argisrow``. The rewrite is made only for a view none of whose tests is on a row (the
catalog query reads that, ``SQL_OBJECTS``), and only where the printed text is unambiguous:
the ``NOT`` starts an operand (after ``WHERE``, ``AND``, ``(``, ...), what it tests holds no
operator that binds less tightly than ``IS`` (``AND``, ``OR``, ``NOT``, another ``IS``) nor a
clause word, and the test ends its operand (``AND``, ``)``, ``FROM``...). ``NOT x IS NOT NULL``
becomes ``x IS NULL`` likewise. Anything else is left as printed, so at worst a difference is
reported, never a false sameness.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Tokens after which a NOT starts an operand of its own.
_START = frozenset(
    {"where", "having", "and", "or", "not", "(", ",", "select", "distinct", "when", "then",
     "else", "on"}
)  # fmt: skip
# Tokens that end the operand of a NOT (nothing binding more tightly follows).
_END = frozenset(
    {"and", "or", ")", ",", ";", "then", "else", "end", "when", "from", "where", "group",
     "order", "having", "window", "limit", "offset", "fetch", "union", "intersect", "except",
     "as"}
)  # fmt: skip
# Words that may not appear outside parentheses in the tested value: operators binding less
# tightly than IS, tests of their own, and words that end an expression or open a clause.
_NOT_IN_VALUE = frozenset(
    {"and", "or", "not", "is", "isnull", "notnull", "case", "when", "then", "else", "end",
     "select", "from", "where", "as", "on", "group", "order", "having", "union", "intersect",
     "except", "limit", "offset", "fetch", "window", "over", "filter", "within", "distinct",
     "null"}
)  # fmt: skip
_OPEN = {"(": 1, "[": 1, ")": -1, "]": -1}


def scalar_null_tests(tokens: Sequence[str]) -> list[str]:
    """``tokens`` (canonical, lower case) with each unambiguous ``not x is null`` written
    ``x is not null`` and each ``not x is not null`` written ``x is null``. Call it only for a
    view whose ``IS NULL`` tests are all on scalars (see the module)."""
    out = list(tokens)
    i = 0
    while i < len(out):
        rewritten = _rewrite_at(out, i)
        if rewritten is not None:
            out[i : rewritten[0]] = rewritten[1]
        i += 1
    return out


def _rewrite_at(tokens: list[str], i: int) -> tuple[int, list[str]] | None:
    """The end of the ``not x is [not] null`` starting at ``tokens[i]`` and its rewrite."""
    if tokens[i] != "not" or i == 0 or tokens[i - 1] not in _START:
        return None
    depth = 0
    j = i + 1
    while j < len(tokens):
        token = tokens[j]
        if depth == 0 and token == "is":
            break
        depth += _OPEN.get(token, 0)
        if depth < 0 or (depth == 0 and token in _NOT_IN_VALUE) or token == ";":
            return None
        j += 1
    value = tokens[i + 1 : j]
    if not value or depth != 0:
        return None
    if tokens[j + 1 : j + 3] == ["not", "null"]:
        test, end = ["is", "null"], j + 3
    elif tokens[j + 1 : j + 2] == ["null"]:
        test, end = ["is", "not", "null"], j + 2
    else:
        return None
    if end < len(tokens) and tokens[end] not in _END:
        return None
    return end, [*value, *test]


# A column of the sole relation of a view's outermost SELECT
#
# PostgreSQL 16 prints a column of a query's only range-table entry bare, unless the query is
# nested in another (ruleutils' ``varprefix``: ``parentnamespace != NIL || list_length(rtable) !=
# 1``). Up to 15 a view's stored query also held its OLD and NEW entries, so every column was
# qualified: the same ``CREATE VIEW v AS SELECT id FROM keg WHERE is_out`` reads ``SELECT keg.id
# FROM keg WHERE keg.is_out`` on 15 and ``SELECT id FROM keg WHERE is_out`` on 16. In the
# outermost SELECT of a view (there is no scope outside it) whose FROM is one relation (a
# table, a set-returning function, a subquery or VALUES list with its alias; ``_item_name``),
# the two name one column; ``sole_relation_unqualified`` writes 15's form as 16's. A join, a
# comma, a set operation (each arm is a nested query), anything else in FROM, and every
# nested SELECT (subqueries, CTE bodies, set-operation arms: qualified on both
# majors, and where an inner relation may shadow the outer one) are left as printed.

# Words that end the FROM clause of a SELECT.
_FROM_END = frozenset(
    {"where", "group", "having", "window", "order", "limit", "offset", "fetch", "for", ";"}
)
_SET_OPERATIONS = frozenset({"union", "intersect", "except"})
# A parenthesis opening one of these holds a nested query.
_QUERY_START = frozenset({"select", "with", "values", "table"})
_WORD = re.compile(r'[a-z_][a-z0-9_$]*|"(?:[^"]|"")*"')
# Tokens before a ``name . name`` that make it something other than a column (a type, a
# collation, an operator's or a function's schema).
_NOT_COLUMN_BEFORE = frozenset({"::", ".", "collate", "operator"})


def sole_relation_unqualified(tokens: Sequence[str]) -> list[str]:
    """``tokens`` (a PostgreSQL view's, lower case, quoted names as printed) with each column of
    the outermost SELECT's only relation written bare, as PostgreSQL 16 prints it, where 15
    qualifies it (see above): a view's text then compares alike from either major. Anything
    not certainly of that shape is returned unchanged, so at worst a difference is reported."""
    out = list(tokens)
    nested = _nested_queries(out)
    if nested is None:
        return out
    outer = [i for i in range(len(out)) if not nested[i]]
    if any(out[i] in _SET_OPERATIONS for i in outer):
        return out
    item = _sole_from_item(out, nested)
    if item is None:
        return out
    start, end, refname = item
    keep = [True] * len(out)
    for i in outer:
        if start <= i < end or out[i] != refname or i + 2 >= len(out):
            continue
        if out[i + 1] != "." or not _WORD.fullmatch(out[i + 2]) or nested[i + 2]:
            continue
        if i > 0 and out[i - 1] in _NOT_COLUMN_BEFORE:
            continue
        if i + 3 < len(out) and out[i + 3] in ("(", "."):
            continue
        keep[i] = keep[i + 1] = False
    return [t for t, k in zip(out, keep, strict=True) if k]


def _nested_queries(tokens: Sequence[str]) -> list[bool] | None:
    """For each token, whether it lies inside a parenthesised nested query (its parentheses
    too); None when the parentheses do not balance."""
    flags = [False] * len(tokens)
    stack: list[bool] = []  # per open parenthesis: does it open a nested query
    for i, token in enumerate(tokens):
        inside = any(stack)
        if token in ("(", "["):
            opens = token == "(" and i + 1 < len(tokens) and tokens[i + 1] in _QUERY_START
            stack.append(opens)
            flags[i] = inside or opens
        elif token in (")", "]"):
            if not stack:
                return None
            flags[i] = any(stack)
            stack.pop()
        else:
            flags[i] = inside
    return None if stack else flags


def _sole_from_item(tokens: Sequence[str], nested: Sequence[bool]) -> tuple[int, int, str] | None:
    """Where the outermost SELECT's FROM item lies (start, end) and the name its columns are
    qualified by, when FROM is exactly one relation (``_item_name``); None otherwise."""
    depth, start = 0, -1
    for i, token in enumerate(tokens):
        if nested[i]:
            continue
        depth += _OPEN.get(token, 0)
        if depth == 0 and token == "from" and tokens[max(0, i - 2) : i] not in _NOT_FROM:
            if start >= 0:
                return None  # a second FROM outside any nested query: not a shape known here
            start = i + 1
    if start < 0:
        return None
    end, depth = start, 0
    while end < len(tokens) and (nested[end] or depth > 0 or tokens[end] not in _FROM_END):
        depth += 0 if nested[end] else _OPEN.get(tokens[end], 0)
        end += 1
    name = _item_name(tokens[start:end], nested[start:end])
    return None if name is None else (start, end, name)


# Words before a FROM that is no FROM clause (``IS DISTINCT FROM``, ``FROM ROWS FROM (...)``).
_NOT_FROM = (["is", "distinct"], ["not", "distinct"], ["from", "rows"])
# Words after a relation that are no alias of it.
_NOT_ALIAS = frozenset(
    {"join", "natural", "cross", "lateral", "inner", "left", "right", "full", "on", "using",
     "tablesample", "with", "rows", ","}
)  # fmt: skip


def _item_name(item: Sequence[str], nested: Sequence[bool]) -> str | None:
    """The name a sole FROM item's columns are qualified by, when the item is exactly ``[ONLY]
    [schema.]table [alias] [(columns)] [TABLESAMPLE method (args) [REPEATABLE (seed)]]``,
    ``[schema.]function(args) [WITH ORDINALITY] [alias] [(columns [types])]`` (a set-returning
    function, 15's ``n.n`` for ``generate_series(1, 3) n(n)``; ``ROWS FROM (...)`` too) or
    ``(subquery) alias [(columns)]``; None for anything else (a join, a comma)."""
    i, name, table = 0, "", False
    if item[:1] == ["("] and nested[0]:
        while i < len(item) and nested[i]:
            i += 1
    else:
        i = 1 if item[:1] == ["only"] else 0
        if item[:2] == ["rows", "from"]:
            item = ["rows", *item[2:]]  # ``ROWS FROM (f(...), g(...))``: one function's shape
            nested = [False, *nested[2:]]
        if i + 2 < len(item) and item[i + 1] == ".":
            i += 2  # the schema's name
        if i >= len(item) or not _WORD.fullmatch(item[i]) or item[i] in _FROM_END:
            return None
        name, i = item[i], i + 1
        table = item[i : i + 1] != ["("]
        if not table and (i := _past_parentheses(item, i)) < 0:
            return None
        if not table and item[i : i + 2] == ["with", "ordinality"]:
            i += 2
    if i < len(item) and _WORD.fullmatch(item[i]) and item[i] not in _NOT_ALIAS:
        name, i = item[i], i + 1
    if not name:
        return None
    if item[i : i + 1] == ["("] and (i := _past_parentheses(item, i)) < 0:
        return None
    if table and item[i : i + 1] == ["tablesample"] and i + 1 < len(item):
        if not _WORD.fullmatch(item[i + 1]) or (i := _past_parentheses(item, i + 2)) < 0:
            return None
        if item[i : i + 1] == ["repeatable"] and (i := _past_parentheses(item, i + 1)) < 0:
            return None
    return name if i == len(item) else None


def _past_parentheses(item: Sequence[str], i: int) -> int:
    """The index past the balanced parentheses opening at ``item[i]``; -1 where none opens
    there or they do not close."""
    if item[i : i + 1] != ["("]:
        return -1
    depth = 0
    for j in range(i, len(item)):
        depth += _OPEN.get(item[j], 0)
        if depth == 0:
            return j + 1
    return -1


# A relation named old or new
#
# Up to 15 a view's stored query held range-table entries named old and new (its rule's OLD and
# NEW), so the printer gave any relation of the view named old or new another name: ``CREATE
# VIEW v AS SELECT id FROM old`` reads ``SELECT old_1.id FROM old old_1`` on 15 and ``SELECT id
# FROM old`` on 16, anywhere in the view (a nested SELECT's ``FROM new`` too).
# ``old_new_as_named`` gives such a relation its own name back.

_OLD_NEW = ("old", "new")


def old_new_as_named(tokens: Sequence[str]) -> list[str]:
    """``tokens`` (a PostgreSQL view's, lower case) with 15's ``old old_1`` (and ``new
    new_1``) written ``old``, and each ``old_1.`` qualifier ``old.``, as 16 prints them. Left
    as printed where the name is used otherwise (a second such relation, ``old_2``; an
    ``old_1`` that qualifies nothing; an ``old.`` already there), so at worst a difference is
    reported."""
    out = list(tokens)
    for word in _OLD_NEW:
        alias = f"{word}_1"
        named = [i for i in range(1, len(out)) if out[i] == alias and out[i - 1] == word]
        if not named or f"{word}_2" in out:
            continue
        others = [i for i, t in enumerate(out) if t == alias and i not in named]
        if any(out[i + 1 : i + 2] != ["."] or out[i - 1 : i] == ["."] for i in others):
            continue
        if any(t == word and out[i + 1 : i + 2] == ["."] for i, t in enumerate(out)):
            continue
        for i in others:
            out[i] = word
        for i in reversed(named):
            if out[i + 1 : i + 2] == ["("]:
                out[i] = word  # a column list keeps the alias: 16's ``old old(a, b)``
            else:
                del out[i]
    return out
