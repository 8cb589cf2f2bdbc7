"""What a PostgreSQL SQL file wrote, for messages: PostgreSQL keeps no text of an index's
expressions, a CHECK or a generated column, only what it prints back (``"left"(s,
'-1'::integer)`` for the ``left(s, -1)`` the file wrote, ``(b > 0)`` for ``b > 0``). The
file's own text of each is read here, by tokens (strings, quoted names and comments kept
whole), and set on the reflected object as what reports show (``written``); what runs and
what is compared stay the catalog's. A CHECK is found by its name: the file's, or the one
PostgreSQL gives it (``t_a_check`` for a CHECK on one column a, else ``t_check``, then
``t_check1``...)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from twinschema.model import CheckConstraint, Column, Index, Schema, Table
from twinschema.sql_expression import columns_read, parse_expression

_NAME_TOKENS = ("VAR", "IDENTIFIER")
# Words an index element may end with that are no part of its expression.
_ORDERING = frozenset({"ASC", "DESC", "NULLS", "FIRST", "LAST"})
_VALUE_ENDS = frozenset({"VAR", "IDENTIFIER", "R_PAREN", "STRING", "NUMBER"})
# Longer names are cut by PostgreSQL (NAMEDATALEN): not matched.
_MAX_NAME = 63


@dataclass
class Written:
    """What the file wrote, keyed as PostgreSQL names things: per index (table, name) its
    elements and predicate; per CHECK (table, name) its expression; per generated column
    (table, column) its expression."""

    indexes: dict[tuple[str, str], tuple[tuple[str, ...], str | None]] = field(default_factory=dict)
    checks: dict[tuple[str, str], str] = field(default_factory=dict)
    generated: dict[tuple[str, str], str] = field(default_factory=dict)


def with_written(schema: Schema, text: str) -> Schema:
    """``schema`` (reflected from the PostgreSQL file ``text``) with what the file wrote of
    each index (where it has as many elements), CHECK and generated column."""
    found = written(text)
    tables = {name: _table(table, found) for name, table in schema.tables.items()}
    return replace(schema, tables=tables)


def _table(table: Table, found: Written) -> Table:
    indexes = tuple(
        _index_written(index, found.indexes.get((table.name, index.name or "")))
        for index in table.indexes
    )
    checks = tuple(
        replace(c, written=_own_text(c, found.checks.get((table.name, c.name or ""))))
        for c in table.checks
    )
    columns = tuple(
        _column_written(c, found.generated.get((table.name, c.name))) for c in table.columns
    )
    return replace(table, indexes=indexes, checks=checks, columns=columns)


def _column_written(column: Column, text: str | None) -> Column:
    if text is None or column.generated is None:
        return column
    return replace(column, generated=replace(column.generated, written=text))


def _index_written(index: Index, found: tuple[tuple[str, ...], str | None] | None) -> Index:
    if found is None or len(found[0]) != len(index.expressions):
        return index
    elements, where = found
    return replace(
        index,
        written_expressions=elements,
        written_where=where if index.where is not None else None,
    )


def written(text: str) -> Written:
    """What ``text`` wrote of each named index, CHECK and generated column. A file the
    tokenizer cannot read gives nothing."""
    from sqlglot.dialects.postgres import Postgres
    from sqlglot.errors import SqlglotError

    found = Written()
    try:
        tokens = Postgres().tokenize(text)
    except (SqlglotError, ValueError):
        return found
    statement: list[Any] = []
    for token in [*tokens, None]:
        if token is None or token.token_type.name == "SEMICOLON":
            if statement:
                _statement(statement, text, found)
            statement = []
        else:
            statement.append(token)
    return found


def written_indexes(text: str) -> dict[tuple[str, str], tuple[tuple[str, ...], str | None]]:
    """Each ``CREATE [UNIQUE] INDEX name ON table (...) [WHERE ...]`` of ``text``: its elements
    and predicate as written."""
    return written(text).indexes


def _statement(tokens: list[Any], text: str, found: Written) -> None:
    read = _index(tokens, text)
    if read is not None:
        found.indexes[read[0]] = read[1]
        return
    _create_table(tokens, text, found)


def _kind(token: Any) -> str:
    return str(token.token_type.name)


def _name(token: Any) -> str:
    """A name as PostgreSQL keeps it: folded to lower case unless quoted."""
    return str(token.text) if _kind(token) == "IDENTIFIER" else str(token.text).lower()


def _index(
    tokens: list[Any], text: str
) -> tuple[tuple[str, str], tuple[tuple[str, ...], str | None]] | None:
    words = [str(t.text).upper() for t in tokens]
    if words[:2] != ["CREATE", "INDEX"] and words[:3] != ["CREATE", "UNIQUE", "INDEX"]:
        return None
    at = words.index("INDEX") + 1
    while at < len(words) and words[at] in ("CONCURRENTLY", "IF", "NOT", "EXISTS"):
        at += 1
    if at >= len(tokens) or words[at] == "ON" or _kind(tokens[at]) not in _NAME_TOKENS:
        return None  # no name: PostgreSQL makes one
    name = _name(tokens[at])
    at += 1
    if at >= len(words) or words[at] != "ON":
        return None
    at += 1 + (words[at + 1 : at + 2] == ["ONLY"])
    table = None
    while at < len(tokens) and (_kind(tokens[at]) in _NAME_TOKENS or _kind(tokens[at]) == "DOT"):
        if _kind(tokens[at]) != "DOT":
            table = _name(tokens[at])
        at += 1
    if table is None:
        return None
    if at < len(words) and words[at] == "USING":
        at += 2
    if at >= len(tokens) or _kind(tokens[at]) != "L_PAREN":
        return None
    elements, at = _elements(tokens, at, text)
    where = None
    if "WHERE" in words[at:]:
        rest = tokens[words.index("WHERE", at) + 1 :]
        where = text[rest[0].start : rest[-1].end + 1] if rest else None
    return (table, name), (elements, where)


def _elements(tokens: list[Any], at: int, text: str) -> tuple[tuple[str, ...], int]:
    """The elements of the parenthesised list that opens at ``tokens[at]``, each without its
    collation, operator class and ordering; and where the list ends."""
    parts, end = _split(tokens, at)
    if end is None:
        return (), len(tokens)
    return tuple(_element(part, text) for part in parts), end


def _split(tokens: list[Any], at: int) -> tuple[list[list[tuple[Any, int]]], int | None]:
    """The comma-separated parts of the parenthesised list that opens at ``tokens[at]``, each
    token with its depth of parentheses, and the index after the list (None: it never closes)."""
    depth = 0
    parts: list[list[tuple[Any, int]]] = [[]]
    for n in range(at, len(tokens)):
        kind = _kind(tokens[n])
        if kind == "L_PAREN":
            depth += 1
            if depth == 1:
                continue
        elif kind == "R_PAREN":
            depth -= 1
            if depth == 0:
                return parts, n + 1
        elif kind == "COMMA" and depth == 1:
            parts.append([])
            continue
        parts[-1].append((tokens[n], depth))
    return parts, None


def _element(tokens: list[tuple[Any, int]], text: str) -> str:
    top = [n for n, (_, depth) in enumerate(tokens) if depth == 1]
    end = len(tokens)
    for n in top:  # COLLATE and what follows it are no part of the expression
        if str(tokens[n][0].text).upper() == "COLLATE":
            end = n
            break
    while end and tokens[end - 1][1] == 1 and str(tokens[end - 1][0].text).upper() in _ORDERING:
        end -= 1
    shown = [n for n in top if n < end]
    if (
        len(shown) >= 2
        and _kind(tokens[shown[-1]][0]) in _NAME_TOKENS
        and _kind(tokens[shown[-2]][0]) in _VALUE_ENDS
    ):
        end = shown[-1]  # an operator class after the expression
    kept = [t for t, _ in tokens[:end]]
    return text[kept[0].start : kept[-1].end + 1] if kept else ""


def _create_table(tokens: list[Any], text: str, found: Written) -> None:
    """The CHECKs (by the names PostgreSQL keeps) and generated columns of a CREATE TABLE."""
    words = [str(t.text).upper() for t in tokens]
    if not words or words[0] != "CREATE" or "TABLE" not in words[:4]:
        return
    at = words.index("TABLE") + 1
    while at < len(words) and words[at] in ("IF", "NOT", "EXISTS"):
        at += 1
    table = None
    while at < len(tokens) and (_kind(tokens[at]) in _NAME_TOKENS or _kind(tokens[at]) == "DOT"):
        if _kind(tokens[at]) != "DOT":
            table = _name(tokens[at])
        at += 1
    if table is None or at >= len(tokens) or _kind(tokens[at]) != "L_PAREN":
        return
    checks: list[tuple[str | None, str]] = []  # (name as written or None, expression)
    for part in _parts(tokens, at):
        _table_part(part, text, table, checks, found)
    names: set[str] = set()
    for name, _ in checks:
        if name is not None:
            names.add(name)
    for name, expression in checks:
        chosen = name or _default_check_name(table, expression, names)
        if chosen is None:
            return  # the numbering of the rest is unknown
        names.add(chosen)
        if len(chosen) <= _MAX_NAME:
            found.checks[(table, chosen)] = expression


def _parts(tokens: list[Any], at: int) -> list[list[Any]]:
    """The comma-separated parts of the parenthesised list that opens at ``tokens[at]``."""
    return [[token for token, _ in part] for part in _split(tokens, at)[0] if part]


def _group(tokens: list[Any], at: int, text: str) -> tuple[str, int] | None:
    """The text inside the parentheses that open at ``tokens[at]``, and the index after them."""
    if at >= len(tokens) or _kind(tokens[at]) != "L_PAREN":
        return None
    depth = 0
    for n in range(at, len(tokens)):
        kind = _kind(tokens[n])
        depth += kind == "L_PAREN"
        depth -= kind == "R_PAREN"
        if depth == 0:
            inner = tokens[at + 1 : n]
            return (text[inner[0].start : inner[-1].end + 1] if inner else ""), n + 1
    return None


def _table_part(
    part: list[Any], text: str, table: str, checks: list[tuple[str | None, str]], found: Written
) -> None:
    """One column definition or table constraint: its CHECKs in order, its generation."""
    words = [str(t.text).upper() for t in part]
    column = None if words[0] in _TABLE_CONSTRAINTS else _name(part[0])
    depth = 0
    name: str | None = None
    for n, token in enumerate(part):
        kind = _kind(token)
        if kind == "L_PAREN":
            depth += 1
        elif kind == "R_PAREN":
            depth -= 1
        if depth:
            continue
        if words[n] == "CONSTRAINT" and n + 1 < len(part):
            name = _name(part[n + 1])
        elif words[n] == "CHECK":
            group = _group(part, n + 1, text)
            if group is not None:
                checks.append((name, group[0]))
            name = None
        elif words[n] == "GENERATED" and words[n + 1 : n + 3] == ["ALWAYS", "AS"]:
            group = _group(part, n + 3, text)
            if group is not None and column is not None:
                found.generated[(table, column)] = group[0]


_TABLE_CONSTRAINTS = frozenset(
    {"CONSTRAINT", "CHECK", "PRIMARY", "UNIQUE", "FOREIGN", "EXCLUDE", "LIKE"}
)


def _default_check_name(table: str, expression: str, taken: set[str]) -> str | None:
    """The name PostgreSQL gives an unnamed CHECK: ``{table}_{column}_check`` when it reads one
    column, else ``{table}_check``; a number appended while the name is taken. None when the
    expression does not parse (its columns are unknown)."""
    columns = _columns(expression)
    if columns is None:
        return None
    base = f"{table}_{columns[0]}_check" if len(columns) == 1 else f"{table}_check"
    chosen, n = base, 0
    while chosen in taken:
        n += 1
        chosen = f"{base}{n}"
    return chosen


def _columns(expression: str) -> list[str] | None:
    """The columns a PostgreSQL expression reads, sorted; None when it does not parse."""
    import sqlglot
    from sqlglot.errors import SqlglotError

    try:
        tree = parse_expression(partial(sqlglot.parse_one, read="postgres"), expression)
    except (SqlglotError, ValueError):
        return None
    # columns_read: ``f(doc -> 'a')`` reads the column doc (stranger50 068: taken for no
    # column, the CHECK was named t_check, and the next CHECK's text shown for t_doc_check).
    names = columns_read(tree)
    return sorted({i.name if i.args.get("quoted") else i.name.lower() for i in names})


def _own_text(check: CheckConstraint, text: str | None) -> str | None:
    """``text``, found for ``check`` by its name, where it reads the columns the catalog's
    expression reads; else None: a text found under another CHECK's name is never shown for
    this one (the difference would name a CHECK other than the one its witness parts)."""
    if text is None:
        return None
    shown, own = _columns(text), _columns(check.raw or check.expression)
    return text if shown is None or own is None or shown == own else None
