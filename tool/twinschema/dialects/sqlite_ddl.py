"""Reading a stored CREATE TABLE or CREATE INDEX statement: the CHECK constraints, the names of
named UNIQUE and FOREIGN KEY constraints, and the elements and predicate of an index, which no
PRAGMA reports.

Why a tokenizer and not sqlglot, which parses SQLite DDL: on the real-world fixtures sqlglot 30
gives up on ``WITHOUT ROWID`` tables (it falls back to an opaque Command), fails to parse two of
sakila's tables, and regenerates a CHECK's text where the model keeps it as SQLite stores it
(``raw``). The scans are separate (CHECKs and names here; options, ON CONFLICT, COLLATE and
GENERATED, DEFERRABLE and MATCH in ``sqlite_clauses``), each run only when a cheap substring test
says its words occur: most tables get one scan or none."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from twinschema.definitions import canonical_sql, without_words
from twinschema.dialects.sqlite_lexer import (
    SKIPPED,
    TOKEN,
    keywords,
    lexer,
    next_token,
    starts_word,
    unquote,
)
from twinschema.dialects.sqlite_views import ViewFacts
from twinschema.model import (
    OBJECT_TRIGGER,
    CheckConstraint,
    SchemaObject,
)
from twinschema.records.dialects import ascii_lower

# Over lower-cased text: the keywords CHECKs and constraint names hang on. Both are reserved
# words in SQLite, so outside strings, quoted names and comments they are always keywords.
_TABLE_TOKEN = lexer(keywords("check", "constraint"))

_BODY_TOKEN = lexer(r"| \( | \)")


_ELEMENT_TOKEN = lexer(r"| \( | \) | ,")


_INDEX_TOKEN = lexer(r"| \( | \) | ," + keywords("where", "asc", "desc"))


_HARD = re.compile(r"[-'\"`\[/(]")  # what makes a CHECK body need the full scan


@dataclass(slots=True)
class TableSql:
    """What the tokenizer finds in a CREATE TABLE statement."""

    checks: list[CheckConstraint] = field(default_factory=list)
    unique_names: dict[tuple[str, ...], str] = field(default_factory=dict)
    fk_names: dict[tuple[str, ...], str] = field(default_factory=dict)


def scan_table(sql: str, low: str) -> TableSql:
    """Find the CHECK constraints, and the names of named UNIQUE and FOREIGN KEY constraints.

    A CHECK body is the text between the parenthesis after CHECK and the one that closes it,
    nested groups, strings and comments included. A ``CONSTRAINT name`` names the constraint
    whose keyword follows it (the names of NOT NULL, DEFAULT and PRIMARY KEY are not kept).
    ``low`` is ``ascii_lower(sql)``.
    """
    found = TableSql()
    pos = 0
    while (match := _TABLE_TOKEN.search(low, pos)) is not None:
        start, pos = match.span()
        word = match.group()
        if word[0] in SKIPPED or not starts_word(low, start):
            continue
        name = None
        if word == "constraint":
            token = next_token(sql, pos)
            keyword = next_token(sql, token.end()) if token is not None else None
            if token is None or keyword is None:
                break
            name = unquote(token.group())
            pos = keyword.end()
            word = keyword.group().lower()
        if word == "check":
            span = _balanced(low, pos)
            if span is not None:
                body = sql[span[0] : span[1]].strip()
                found.checks.append(CheckConstraint(body, name=name, raw=body))
                pos = span[1] + 1
        elif name is not None and word in ("unique", "foreign", "references"):
            _name_constraint(found, sql, low, word, name, start, pos)
    return found


def _opens_element(low: str, pos: int) -> bool:
    """True when only whitespace lies between ``pos`` and the comma or parenthesis before it:
    what starts there is a table constraint, not part of a column definition."""
    before = pos - 1
    while before >= 0 and low[before] in " \t\r\n":
        before -= 1
    return before >= 0 and low[before] in ",("


def _balanced(low: str, pos: int) -> tuple[int, int] | None:
    """The span inside the parenthesised group that opens next at or after ``pos``."""
    opened = low.find("(", pos) + 1
    closed = low.find(")", opened)
    if (
        opened
        and closed > 0
        and not low[pos : opened - 1].strip()
        and _HARD.search(low, opened, closed) is None  # the common case: nothing nested
    ):
        return opened, closed
    depth = 0
    opened = -1
    for match in _BODY_TOKEN.finditer(low, pos):
        char = match.group()[0]
        if char == "(":
            depth += 1
            if depth == 1:
                opened = match.end()
        elif char == ")":
            depth -= 1
            if depth == 0:
                return (opened, match.start()) if opened >= 0 else None
        elif opened < 0 and char not in "-/":  # something other than a comment before "("
            return None
    return (opened, len(low)) if opened >= 0 else None


def _name_constraint(
    found: TableSql, sql: str, low: str, word: str, name: str, start: int, pos: int
) -> None:
    """Record the name of a UNIQUE or FOREIGN KEY constraint under its columns.

    ``start`` is where its ``CONSTRAINT`` keyword starts, ``pos`` where its own keyword ends.
    """
    if word != "references" and _opens_element(low, start):
        # ``CONSTRAINT name`` opens the element: a table constraint, UNIQUE (a, b) or FOREIGN
        # KEY (a, b). Otherwise it follows a column definition's start (the rarer path below).
        (found.unique_names if word == "unique" else found.fk_names)[_name_list(sql, pos)] = name
        return
    first = next_token(sql, _element_start(low, start))
    leading = first.group().lower() if first is not None else ""
    if first is not None and (
        word == "references" or (word == "unique" and leading not in ("constraint", "unique"))
    ):
        columns: tuple[str, ...] = (unquote(first.group()),)  # a column constraint
    else:  # a table constraint: UNIQUE (a, b) or FOREIGN KEY (a, b)
        columns = _name_list(sql, pos)
    (found.unique_names if word == "unique" else found.fk_names)[columns] = name


def _element_start(low: str, pos: int) -> int:
    """Where the column definition or table constraint holding offset ``pos`` starts."""
    depth = 0
    element = 0
    for match in _ELEMENT_TOKEN.finditer(low, 0, pos):
        char = match.group()[0]
        if char == "(":
            depth += 1
            if depth == 1:
                element = match.end()
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 1:
            element = match.end()
    return element


def _name_list(sql: str, pos: int) -> tuple[str, ...]:
    """The names of the first parenthesised list at or after ``pos``: ``(a, "b c")``."""
    names: list[str] = []
    opened = False
    expect_name = True
    for match in TOKEN.finditer(sql, pos):
        text = match.group()
        if text.startswith(("--", "/*")):
            continue
        if text == "(":
            opened = True
        elif text == ")":
            break
        elif text == ",":
            expect_name = True
        elif opened and expect_name:
            names.append(unquote(text))
            expect_name = False
    return tuple(names)


def scan_index(sql: str, keep_order: bool = False) -> tuple[list[str], str | None]:
    """The element texts of a CREATE INDEX statement (ASC/DESC removed, unless ``keep_order``)
    and its WHERE text.

    The element list is the first parenthesised group: the index and table names before it can
    only hold a parenthesis when quoted, and quoted names are single tokens.
    """
    low = ascii_lower(sql)
    elements: list[str] = []
    depth = 0
    start = -1
    closed = False
    order: tuple[int, int] | None = None  # a trailing ASC or DESC of the current element
    for match in _INDEX_TOKEN.finditer(low):
        text = match.group()
        first = text[0]
        if first in SKIPPED:
            if depth == 1 and first not in "-/":
                order = None  # a quoted name or string after an ASC is not the end
            continue
        if first.isalpha() and not starts_word(low, match.start()):
            continue
        if closed:  # after the element list, only WHERE matters
            if text == "where":
                return elements, sql[match.end() :].strip().rstrip(";").strip()
        elif first == "(":
            depth += 1
            if depth == 1:
                start, order = match.end(), None
        elif first == ")":
            depth -= 1
            if depth == 0:
                elements.append(_element(sql, start, match.start(), None if keep_order else order))
                closed = True
        elif depth == 1 and first == ",":
            elements.append(_element(sql, start, match.start(), None if keep_order else order))
            start, order = match.end(), None
        elif depth == 1:
            order = match.span() if text in ("asc", "desc") else None
    return elements, None


def _element(sql: str, start: int, end: int, order: tuple[int, int] | None) -> str:
    """One index element's text, without its trailing ASC or DESC."""
    if order is not None and sql[start : order[0]].strip():
        end = order[0]
    return sql[start:end].strip()


# What a table without CHECKs or named constraints yields (read-only: shared by every such table).
EMPTY_TABLE_SQL = TableSql()


def schema_object(
    kind: str,
    name: str,
    table: str,
    sql: str,
    view: ViewFacts | None = None,
    settled: str | None = None,
) -> SchemaObject:
    """A view or trigger from its stored CREATE statement, made canonical.

    SQLite keeps the statement as written: whitespace, comments, the case of keywords and of
    identifiers (quoted or not: SQLite folds them all) and the optional ``FOR EACH ROW`` of a
    trigger (SQLite has only row triggers) are made uniform. A view SQLite compiles (``view``)
    is its columns' names, then its statement without the parentheses SQLite
    does not need (see ``sqlite_views``), so a difference in the SELECT is shown at its end as
    before. A trigger's double-quoted tokens SQLite settled as names or text are so written
    (``settled``: see ``sqlite_trigger_quotes``). A view is keyed by its name alone (a view is
    a relation), a trigger by its table and name.
    """
    if kind == OBJECT_TRIGGER:
        canonical = without_words(canonical_sql(settled or sql, True), "for each row")
        return SchemaObject(kind, name.lower(), canonical, table.lower(), sql)
    if view is None:
        return SchemaObject(kind, name.lower(), canonical_sql(sql, True), None, sql)
    columns = " , ".join('"' + n.replace('"', '""') + '"' for n in view.columns)
    canonical = f"columns ( {columns} ) {canonical_sql(view.sql, True)}"
    return SchemaObject(kind, name.lower(), canonical, None, sql)
