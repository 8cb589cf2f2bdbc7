"""What a PostgreSQL SQL file wrote, for messages: PostgreSQL keeps no text of an index's
expressions and predicate, only what it prints back (``"left"(s, '-1'::integer)`` for the
``left(s, -1)`` the file wrote, ``(b > 0)`` for ``b > 0``). The file's own text of each named
index's elements and WHERE is read here, by tokens (strings, quoted names and comments kept
whole), and set on the reflected index as what reports show (``Index.written_expressions``,
``Index.written_where``); what runs and what is compared stay the catalog's."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from twinschema.model import Index, Schema

# Per index (table, name), as PostgreSQL names them: each element's text, and the predicate's.
Written = dict[tuple[str, str], tuple[tuple[str, ...], str | None]]

_NAME_TOKENS = ("VAR", "IDENTIFIER")
# Words an index element may end with that are no part of its expression.
_ORDERING = frozenset({"ASC", "DESC", "NULLS", "FIRST", "LAST"})
_VALUE_ENDS = frozenset({"VAR", "IDENTIFIER", "R_PAREN", "STRING", "NUMBER"})


def with_written(schema: Schema, text: str) -> Schema:
    """``schema`` (reflected from the PostgreSQL file ``text``) with each named index's elements
    and WHERE as the file wrote them, where the file's index has as many elements."""
    found = written_indexes(text)
    if not found:
        return schema
    tables = {}
    for name, table in schema.tables.items():
        indexes = tuple(
            _written(index, found.get((table.name, index.name or ""))) for index in table.indexes
        )
        tables[name] = replace(table, indexes=indexes)
    return replace(schema, tables=tables)


def _written(index: Index, found: tuple[tuple[str, ...], str | None] | None) -> Index:
    if found is None or len(found[0]) != len(index.expressions):
        return index
    elements, where = found
    return replace(
        index,
        written_expressions=elements,
        written_where=where if index.where is not None else None,
    )


def written_indexes(text: str) -> Written:
    """Each ``CREATE [UNIQUE] INDEX name ON table (...) [WHERE ...]`` of ``text``: its elements
    and predicate as written. A statement the tokenizer cannot read gives nothing."""
    from sqlglot.dialects.postgres import Postgres
    from sqlglot.errors import SqlglotError

    try:
        tokens = Postgres().tokenize(text)
    except (SqlglotError, ValueError):
        return {}
    found: Written = {}
    statement: list[Any] = []
    for token in [*tokens, None]:
        if token is None or token.token_type.name == "SEMICOLON":
            read = _index(statement, text)
            if read is not None:
                found[read[0]] = read[1]
            statement = []
        else:
            statement.append(token)
    return found


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
    depth = 0
    current: list[tuple[Any, int]] = []
    found: list[str] = []
    for n in range(at, len(tokens)):
        kind = _kind(tokens[n])
        if kind == "L_PAREN":
            depth += 1
            if depth == 1:
                continue
        elif kind == "R_PAREN":
            depth -= 1
            if depth == 0:
                found.append(_element(current, text))
                return tuple(found), n + 1
        elif kind == "COMMA" and depth == 1:
            found.append(_element(current, text))
            current = []
            continue
        current.append((tokens[n], depth))
    return (), len(tokens)


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
