"""Clauses of a stored CREATE TABLE statement that no PRAGMA reports: table options
(STRICT, WITHOUT ROWID), AUTOINCREMENT, ON CONFLICT, a column's COLLATE and GENERATED expression,
a foreign key's DEFERRABLE and MATCH, a virtual table's module."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from twinschema.dialects.sqlite_lexer import SKIPPED, TOKEN, unquote
from twinschema.dialects.sqlite_types import collation_of
from twinschema.model import (
    MATCH_KINDS,
    OPTION_STRICT,
    OPTION_WITHOUT_ROWID,
    Column,
    ConflictClause,
    Generated,
)

_OPTION_WORDS = {"strict": OPTION_STRICT, "rowid": OPTION_WITHOUT_ROWID}  # WITHOUT ROWID


def table_options(sql: str, low: str) -> tuple[tuple[str, ...], bool]:
    """The options of a CREATE TABLE statement (``STRICT``, ``WITHOUT ROWID``: sorted
    ``model.OPTION_*`` values) and whether a column is AUTOINCREMENT. ``low`` is ``ascii_lower(sql)``.

    Options follow the parenthesis that closes the column list; AUTOINCREMENT is a keyword
    inside it. Both are looked for token by token (outside strings, quoted names and comments)
    only when the words appear at all, which is rare.
    """
    tail = low[low.rfind(")") + 1 :]
    wanted = [word for word in _OPTION_WORDS if word in tail]
    if not wanted and "autoincrement" not in low:
        return (), False
    depth, seen_list = 0, False
    options: set[str] = set()
    autoincrement = False
    for match in TOKEN.finditer(sql):
        token = match.group()
        if token == "(":
            depth, seen_list = depth + 1, True
        elif token == ")":
            depth -= 1
        elif token[0] not in SKIPPED:
            word = token.lower()
            if depth == 1 and word == "autoincrement":
                autoincrement = True
            elif depth == 0 and seen_list and word in _OPTION_WORDS:
                options.add(_OPTION_WORDS[word])
    return tuple(sorted(options)), autoincrement


_CONFLICT_ALGORITHMS = frozenset({"rollback", "fail", "ignore", "replace"})  # ABORT: the default


_TABLE_CONSTRAINTS = frozenset({"constraint", "primary", "unique", "check", "foreign"})


_COLUMN_CONSTRAINTS = {"primary": "PRIMARY KEY", "unique": "UNIQUE", "not": "NOT NULL"}


def conflict_clauses(sql: str, low: str) -> tuple[ConflictClause, ...]:
    """The ON CONFLICT clauses of a CREATE TABLE statement other than the default ABORT, sorted.
    A REPLACE deletes the row a new one conflicts with, an IGNORE drops the new row silently,
    where another database rejects it: no catalog says so, so it is read in the table's SQL
    (token by token, outside strings and comments). A table CHECK's clause is left out: SQLite
    parses it and does not act on it (3.40: ``CHECK (x > 0) ON CONFLICT IGNORE``, ``REPLACE``
    or ``FAIL`` refuses ``(1), (-1)`` whole, as ABORT does; stranger70 004 follow-up: it was
    said to drop the row silently)."""
    if "conflict" not in low:
        return ()
    found: list[ConflictClause] = []
    depth = 0
    words: list[str] = []  # the current definition's words at depth 1, lower-cased
    columns: list[str] = []  # a table constraint's column list
    head = ""
    for match in TOKEN.finditer(sql):
        token = match.group()
        if token.startswith(("--", "/*")):
            continue
        if token == "(":
            depth += 1
            continue
        if token == ")":
            depth -= 1
            continue
        if depth == 1 and token == ",":
            words, columns, head = [], [], ""
            continue
        if depth == 2 and words and words[0] in _TABLE_CONSTRAINTS and token != ",":
            columns.append(unquote(token))
        if depth != 1 or token[0] in "'\"":
            if depth == 1 and not words:
                words.append(unquote(token).lower())
                head = unquote(token)
            continue
        word = token.lower()
        if not words:
            head = unquote(token)
        words.append(word)
        if word in _CONFLICT_ALGORITHMS and words[-3:-1] == ["on", "conflict"]:
            constraint, on = _conflict_owner(words, head, columns)
            if constraint != "CHECK":  # parsed, never acted on (below)
                found.append(ConflictClause(constraint, on, word.upper()))
    return tuple(sorted(found))


def _conflict_owner(words: list[str], head: str, columns: list[str]) -> tuple[str, tuple[str, ...]]:
    """The constraint an ON CONFLICT clause belongs to and its columns: a table constraint's, or
    the constraint of a column definition that the clause follows (UNIQUE (email) and email's
    UNIQUE are one)."""
    if words[0] in _TABLE_CONSTRAINTS:
        kinds = [w for w in words if w in ("primary", "unique", "check")]
        kind = _COLUMN_CONSTRAINTS.get(kinds[-1], kinds[-1].upper()) if kinds else "CONSTRAINT"
        return kind, tuple(columns)
    constraint = ""
    for word in words[1:-3]:
        if word in _COLUMN_CONSTRAINTS:
            constraint = _COLUMN_CONSTRAINTS[word]
    return constraint, (head,)


# The words of a column definition that the clause scan below looks for.
_TABLE_CONSTRAINT_WORDS = frozenset({"constraint", "primary", "unique", "check", "foreign"})


def column_clauses(sql: str) -> dict[str, tuple[str | None, str | None]]:
    """Per column (lower-case name): its COLLATE name and its generating expression's text, as
    the column definitions of a CREATE TABLE statement write them."""
    found: dict[str, tuple[str | None, str | None]] = {}
    depth = 0
    read = _Definition()
    for match in TOKEN.finditer(sql):
        text = match.group()
        if text.startswith(("--", "/*")):
            continue
        if text == "(":
            depth += 1
            read.opened_at(depth, match.end())
            continue
        if text == ")":
            depth -= 1
            read.closed_at(depth, sql, match.start())
        if depth == 0 and text != ")":
            continue  # CREATE TABLE name, before the list of definitions
        if depth == 0 or (depth == 1 and text == ","):  # the end of a definition
            if read.column is not None and (
                read.collation is not None or read.expression is not None
            ):
                found[read.column] = (read.collation, read.expression)
            read.next_definition()
            if depth == 0:
                break
            continue
        if depth == 1 and text != ")":
            read.word(text)
    return found


@dataclass(slots=True)
class _Definition:
    """What ``column_clauses`` has read of the column definition it is in."""

    column: str | None = None
    expect_name: bool = False
    collation: str | None = None
    expression: str | None = None
    after: str | None = None  # the keyword whose operand comes next: "collate" or "as"
    opened: int = -1  # where a generating expression's text starts

    def opened_at(self, depth: int, end: int) -> None:
        """A "(" ending at ``end`` took the scan to ``depth``: the list of definitions opens
        (a column's name comes next), or a generating expression does."""
        if depth == 1:
            self.expect_name = True
        elif depth == 2 and self.after == "as":
            self.opened = end

    def closed_at(self, depth: int, sql: str, start: int) -> None:
        """A ")" at ``start`` took the scan back to ``depth``: a generating expression ends."""
        if depth == 1 and self.opened >= 0:
            self.expression = sql[self.opened : start].strip()
            self.opened, self.after = -1, None

    def next_definition(self) -> None:
        """The definition ended: the next one starts with its name."""
        self.column, self.collation, self.expression, self.after = None, None, None, None
        self.expect_name = True

    def word(self, text: str) -> None:
        """A word of the definition at the list's depth: its name, COLLATE's operand, or the
        keyword (COLLATE, AS) whose operand comes next."""
        word = text.lower()
        if self.expect_name:
            self.expect_name = False
            self.column = None if word in _TABLE_CONSTRAINT_WORDS else unquote(text).lower()
        elif self.after == "collate":
            self.collation, self.after = text, None
        elif word in ("collate", "as"):
            self.after = word


def fk_clauses(sql: str, count: int) -> list[tuple[bool, str | None]] | None:
    """Per foreign key, in the order the table declares them: whether it is DEFERRABLE INITIALLY
    DEFERRED, and the MATCH it declares (None when none), read from the table's SQL.

    pragma_foreign_key_list reports neither (its ``match`` column always says NONE). SQLite
    defers a key only when it is DEFERRABLE INITIALLY DEFERRED (plain DEFERRABLE, INITIALLY
    IMMEDIATE and NOT DEFERRABLE all check each statement, and no statement can defer one key),
    and it parses MATCH but enforces MATCH SIMPLE whatever is written
    (https://sqlite.org/foreignkeys.html). Each REFERENCES opens one foreign key, in order; None
    when the count does not match ``count`` (the SQL could not be read as expected).
    """
    words = [
        m.group().lower()
        for m in TOKEN.finditer(sql)
        if m.group()[0].isalpha() or m.group()[0] == "_"
    ]
    found: list[list[Any]] = []
    for n, word in enumerate(words):
        if word == "references":
            found.append([False, None])
        elif not found:
            continue
        elif word == "match" and n + 1 < len(words) and words[n + 1].upper() in MATCH_KINDS:
            found[-1][1] = words[n + 1].upper()
        elif (
            word == "deferrable"
            and words[n - 1] != "not"
            and words[n + 1 : n + 3] == ["initially", "deferred"]
        ):
            found[-1][0] = True
    if len(found) != count:
        return None
    return [(bool(deferred), match) for deferred, match in found]


def with_clauses(columns: list[Column], sql: str, generated: dict[str, str]) -> list[Column]:
    """``columns`` with the COLLATE and GENERATED ALWAYS AS clauses of their definitions in
    ``sql`` (no PRAGMA reports either): a column keeps its shared object when it has neither."""
    clauses = column_clauses(sql)
    result = []
    for column in columns:
        collation_name, expression = clauses.get(column.name.lower(), (None, None))
        storage = generated.get(column.name)
        computed = None
        if storage is not None and expression is not None:
            computed = Generated(expression, storage, expression)
        collation = collation_of(collation_name)
        if collation is not None or computed is not None:
            column = replace(column, collation=collation, generated=computed)
        result.append(column)
    return result
