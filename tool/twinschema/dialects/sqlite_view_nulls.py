"""A SQLite view's NULL tests in one spelling: ``x IS NULL`` and ``x IS NOT NULL``, where SQLite
itself shows that the view means the same so written.

SQLite spells a NULL test five ways (``x ISNULL``, ``x NOTNULL``, ``x NOT NULL`` and the two
``IS`` forms) and, since ``NOT`` binds less tightly than ``IS``, ``NOT x IS NULL`` is
``NOT (x IS NULL)``: for every ``x`` the value of ``x IS NOT NULL`` (1 or 0, never NULL). No
parser of ours decides that a piece of text is such a test: each rewrite is a guess that SQLite
checks on the database that holds the view, by what it compiles the view's SELECT to
(``EXPLAIN``), and a guess it does not confirm leaves the text as it was.

* ``ISNULL``, ``NOTNULL`` and a postfix ``NOT NULL`` become ``IS NULL`` / ``IS NOT NULL`` when
  the SELECT so written compiles to the same program.
* ``NOT e IS NULL`` becomes ``e IS NOT NULL`` (and ``NOT e IS NOT NULL`` ``e IS NULL``) when the
  rewritten SELECT compiles to the same program (so it does in a WHERE clause), or else when both
  texts compile as they do with the test made one parenthesized operand, ``(NOT ((e) IS NULL))``
  in the view as written and ``((e) IS NOT NULL)`` in the rewritten one (so SQLite parses the
  ``NOT`` as covering exactly the test of exactly ``e``, and the rewritten test as standing where
  it stood): the two operands are then one value in one place. In a result column the programs
  differ (``Not`` of ``IsNull`` against ``NotNull``) though the values do not, hence the second
  proof. Where the test stands in the NOT's place only in parentheses (``y = NOT x IS NULL`` is
  ``y = NOT (x IS NULL)``, while ``y = x IS NOT NULL`` is ``(y = x) IS NOT NULL``), the rewrite is
  ``y = (x IS NOT NULL)`` when that compiles as ``y = ((x) IS NOT NULL)`` does. ``NOT x IS NULL =
  2`` is ``NOT ((x IS NULL) = 2)``: no proof holds, it stays.
"""

from __future__ import annotations

import re
import sqlite3

from twinschema.definitions import spans
from twinschema.dialects.sqlite_explain import Program, kept_edits, program, same, try_program

# After one of these a NOT starts an operand of its own (a NOT after IS is IS NOT).
_STARTS = frozenset(
    {"select", "distinct", "all", "where", "having", "and", "or", "not", "on", "when", "then",
     "else", "by", "(", ",", "="}
)  # fmt: skip
# Outside parentheses the tested value holds none of these: operators that bind less tightly
# than IS, NULL tests of their own, and words that end an expression or open a clause.
_NOT_IN_VALUE = frozenset(
    {"and", "or", "not", "is", "isnull", "notnull", "case", "when", "then", "else", "end",
     "select", "from", "where", "as", "on", "group", "order", "having", "union", "intersect",
     "except", "limit", "offset", "window", "over", "filter", "distinct", "null", "by", "join",
     ",", ";"}
)  # fmt: skip
# Tokens that end an operand: a postfix NOT NULL follows one of these groups or a ")".
_OPERAND_END = frozenset({"word", "quoted", "string", "number"})
# A NOT right before an offset (the search's end).
_NOT_BEFORE = re.compile(r"\bnot\s*\Z", re.I)
# Past this many compilations a view keeps its remaining spellings.
_MAX_TRIES = 64


def null_tests(conn: sqlite3.Connection, sql: str, start: int, compiled: Program | None) -> str:
    """``sql`` (a view's statement whose SELECT starts at ``start``; ``compiled`` its program, or
    None to compile it when needed) with its NULL tests spelled ``IS [NOT] NULL`` where SQLite
    confirms it (see the module)."""
    tries = 0
    edits = _postfix_edits(sql, start)
    if edits:
        expected = compiled if compiled is not None else program(conn, sql[start:])
        compiled = expected
        # One at a time from the end: earlier offsets stay right.
        sql, tries = kept_edits(
            sql,
            edits[::-1],
            lambda text, chosen: _edited(text, sorted(chosen)),
            lambda text: same(conn, text[start:], expected),
            _MAX_TRIES,
        )
    at = start
    while tries < _MAX_TRIES:
        found = _next_not(sql, at)
        if found is None:
            break
        compiled = compiled if compiled is not None else program(conn, sql[start:])
        rewritten, tries = _negation(conn, sql, start, found, compiled, tries)
        if rewritten is None:
            at = found[0] + 1
            continue
        sql, compiled = rewritten
        # The value now starts there (a NOT inside it is tried next); a NOT just before it
        # (NOT NOT x IS NULL) covers a test now, and is tried again.
        before = _NOT_BEFORE.search(sql, start, found[0])
        at = before.start() if before else found[0]
    return sql


def _negation(
    conn: sqlite3.Connection,
    sql: str,
    start: int,
    found: tuple[int, tuple[int, int], int, bool],
    compiled: Program,
    tries: int,
) -> tuple[tuple[str, Program] | None, int]:
    """``sql`` with the ``NOT e IS [NOT] NULL`` ``found`` rewritten and its program, when SQLite
    confirms it (None otherwise); and the count of compilations so far."""
    not_at, (v_start, v_end), end, negated = found
    value = sql[v_start:v_end]
    before, after = sql[:not_at], sql[end:]
    test, opposite = ("IS NOT NULL", "IS NULL") if negated else ("IS NULL", "IS NOT NULL")
    candidate = f"{before}{value} {opposite}{after}"
    tries += 1
    got = try_program(conn, candidate[start:])
    if got is None:
        return None, tries
    if got == compiled:
        return (candidate, got), tries
    tries += 2
    as_written = f"{before}(NOT (({value}) {test})){after}"
    if not same(conn, as_written[start:], compiled):
        return None, tries
    as_rewritten = try_program(conn, f"{before}(({value}) {opposite}){after}"[start:])
    if as_rewritten == got:
        return (candidate, got), tries
    # The test stands where the NOT stood only in parentheses (y = NOT x IS NULL is
    # y = (x IS NOT NULL)): so written, when that compiles as the proof's text does.
    grouped = f"{before}({value} {opposite}){after}"
    tries += 1
    if as_rewritten is not None and same(conn, grouped[start:], as_rewritten):
        return (grouped, as_rewritten), tries
    return None, tries


def _edited(sql: str, edits: list[tuple[int, int, str]]) -> str:
    """``sql`` with each (start, end, text) edit made (edits in offset order, not overlapping)."""
    out, at = [], 0
    for begin, end, text in edits:
        out += [sql[at:begin], text]
        at = end
    return "".join(out) + sql[at:]


def _postfix_edits(sql: str, start: int) -> list[tuple[int, int, str]]:
    """Each ``ISNULL``, ``NOTNULL`` and postfix ``NOT NULL`` of the SELECT, with its ``IS``
    spelling: (start, end, text)."""
    tokens = [t for t in spans(sql, True) if t[1] >= start]
    words = [sql[a:b].lower() for _g, a, b in tokens]
    edits: list[tuple[int, int, str]] = []
    for i, (group, at, end) in enumerate(tokens):
        if group != "word" or i == 0:
            continue
        prev_group, prev_at, prev_end = tokens[i - 1]
        follows_operand = prev_group in _OPERAND_END or sql[prev_at:prev_end] == ")"
        if not follows_operand or words[i - 1] in ("is", "not") or words[i - 1] in _STARTS:
            continue
        if words[i] == "isnull":
            edits.append((at, end, "IS NULL"))
        elif words[i] == "notnull":
            edits.append((at, end, "IS NOT NULL"))
        elif words[i] == "not" and i + 1 < len(words) and words[i + 1] == "null":
            edits.append((at, tokens[i + 1][2], "IS NOT NULL"))
    return edits


def _next_not(sql: str, at: int) -> tuple[int, tuple[int, int], int, bool] | None:
    """The first ``NOT e IS [NOT] NULL`` at or after offset ``at`` whose ``NOT`` starts an
    operand: the NOT's offset, the value's (start, end), the test's end, and whether the test is
    IS NOT NULL."""
    tokens = spans(sql, True)
    words = [sql[a:b].lower() for _g, a, b in tokens]
    for i, (_group, not_at, _end) in enumerate(tokens):
        if not_at < at or words[i] != "not" or i == 0 or words[i - 1] not in _STARTS:
            continue
        found = _tested(words, i + 1)
        if found is None:
            continue
        is_index, end_index, negated = found
        value = (tokens[i + 1][1], tokens[is_index - 1][2])
        return not_at, value, tokens[end_index - 1][2], negated
    return None


def _tested(words: list[str], first: int) -> tuple[int, int, bool] | None:
    """From ``words[first]``, the value of a NULL test: the index of its ``is``, the index just
    past the test, and whether it is IS NOT NULL (None when it is not of that shape)."""
    depth = 0
    j = first
    while j < len(words):
        word = words[j]
        if depth == 0 and word == "is":
            break
        depth += {"(": 1, ")": -1}.get(word, 0)
        if depth < 0 or (depth == 0 and word in _NOT_IN_VALUE):
            return None
        j += 1
    if j == first or depth != 0 or j >= len(words):
        return None
    if words[j + 1 : j + 3] == ["not", "null"]:
        return j, j + 3, True
    if words[j + 1 : j + 2] == ["null"]:
        return j, j + 2, False
    return None
