"""A PostgreSQL view's definition with ``NOT x IS NULL`` written ``x IS NOT NULL``.

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
