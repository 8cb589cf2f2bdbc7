"""Pair table and column names by each dialect's identifier rule, before the comparer sees them.

SQLite matches identifiers without regard to (ASCII) case, so a SQLite column ``Lock`` is the
column PostgreSQL reads as ``lock`` from unquoted SQL, and a SQLite table ``Users`` is ``users``.
When either side's dialect is case-insensitive (``typemap.CASE_INSENSITIVE_NAMES``), a name of
the right side that has no exact twin on the left takes the spelling of the one left name it
equals case-insensitively; everything that names it (keys, foreign keys, uniques, plain index
columns, a CHECK's column) is renamed with it. Two PostgreSQL sources match names exactly: a
quoted ``"Amount"`` and ``amount`` are two columns there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from types import MappingProxyType

from twinschema.canonical import typemap
from twinschema.canonical.identifiers import sql_name
from twinschema.model import CheckConstraint, Column, ForeignKey, Index, Policy, Schema, Table

# One renamed name: (table as the left names it, column or None for the table, right's spelling).
Renamed = tuple[str, str | None, str]


def align(left: Schema, right: Schema) -> tuple[Schema, list[Renamed]]:
    """``right`` with its names spelled as ``left`` spells the same identifiers, and the list of
    names so renamed (for ``equivalences``). Unchanged when the dialects match names exactly."""
    if not typemap.folds_names(left.dialect, right.dialect):
        return right, []
    tables = _pairs(left.tables.keys(), right.tables.keys())
    columns: dict[str, dict[str, str]] = {}  # right's table name -> {right column: left column}
    for rname, rtable in right.tables.items():
        ltable = left.tables.get(tables.get(rname, rname))
        if ltable is not None:
            found = _pairs((c.name for c in ltable.columns), (c.name for c in rtable.columns))
            if found:
                columns[rname] = found
    if not tables and not columns:
        return right, []
    renamed: list[Renamed] = [(new, None, old) for old, new in sorted(tables.items())]
    for rname, found in sorted(columns.items()):
        table = tables.get(rname, rname)
        renamed.extend((table, new, old) for old, new in sorted(found.items()))
    aligned = {
        tables.get(name, name): _table(table, tables, columns)
        for name, table in right.tables.items()
    }
    return replace(right, tables=MappingProxyType(aligned)), renamed


def _pairs(left: Iterable[str], right: Iterable[str]) -> dict[str, str]:
    """{right name: left name} for right names with no exact twin on the left that equal exactly
    one left name, itself without an exact twin, case-insensitively."""
    lnames, rnames = set(left), set(right)
    lonely_left: dict[str, list[str]] = {}
    for name in lnames - rnames:
        lonely_left.setdefault(typemap.fold(name), []).append(name)
    lonely_right: dict[str, list[str]] = {}
    for name in rnames - lnames:
        lonely_right.setdefault(typemap.fold(name), []).append(name)
    return {
        names[0]: lonely_left[key][0]
        for key, names in lonely_right.items()
        if len(names) == 1 and len(lonely_left.get(key, ())) == 1
    }


def _table(
    table: Table, tables: Mapping[str, str], columns: Mapping[str, Mapping[str, str]]
) -> Table:
    """``table`` in the left's spelling of its own name, its columns and the tables and columns
        its foreign keys refer to, in every expression that names them (CHECKs, index expressions
    and predicates, generated columns, policies)."""
    own = columns.get(table.name, {})
    refers = any(fk.ref_table in tables or fk.ref_table in columns for fk in table.foreign_keys)
    if not own and table.name not in tables and not refers:
        return table

    def col(name: str) -> str:
        return own.get(name, name)

    def text(expression: str | None) -> str | None:
        return renamed_in(expression, own) if expression and own else expression

    return replace(
        table,
        name=tables.get(table.name, table.name),
        columns=tuple(_column(c, own, text) for c in table.columns),
        primary_key=tuple(map(col, table.primary_key)),
        foreign_keys=tuple(_foreign_key(fk, col, tables, columns) for fk in table.foreign_keys),
        uniques=tuple(replace(u, columns=tuple(map(col, u.columns))) for u in table.uniques),
        indexes=tuple(_index(i, col, text) for i in table.indexes),
        checks=tuple(_check(c, col, text) for c in table.checks),
        policies=tuple(_policy(p, text) for p in table.policies),
    )


def _column(
    column: Column, own: Mapping[str, str], text: Callable[[str | None], str | None]
) -> Column:
    if column.name in own:
        column = replace(column, name=own[column.name])
    if column.generated is not None and own:
        generated = column.generated
        column = replace(
            column, generated=replace(generated, expression=text(generated.expression) or "")
        )
    return column


def _index(
    index: Index, col: Callable[[str], str], text: Callable[[str | None], str | None]
) -> Index:
    """A column's name renamed as a name; an expression's text, its names renamed within."""
    return replace(
        index,
        expressions=tuple(col(e) if col(e) != e else text(e) or "" for e in index.expressions),
        where=text(index.where),
        include=tuple(map(col, index.include)) if index.include is not None else None,
    )


def _check(
    check: CheckConstraint, col: Callable[[str], str], text: Callable[[str | None], str | None]
) -> CheckConstraint:
    return replace(
        check,
        expression=text(check.expression) or "",
        column=col(check.column) if check.column is not None else None,
    )


def _policy(policy: Policy, text: Callable[[str | None], str | None]) -> Policy:
    return replace(policy, using=text(policy.using), with_check=text(policy.with_check))


# What an identifier can be in canonical expression text: a string literal (left alone), a
# quoted name, or a bare word that is not a function's name (not followed by "(").
# Compiled at first use (re's cache), not at import: a check that never needs it does not pay.
_TOKEN = (
    r"(?P<string>'(?:[^']|'')*')"
    r'|"(?P<quoted>(?:[^"]|"")*)"'
    r"|(?P<word>(?<![\w$])[A-Za-z_][A-Za-z0-9_$]*)(?![\w$])(?!\s*\()"
)


def renamed_in(expression: str, names: Mapping[str, str]) -> str:
    """Canonical expression text with the column names in ``names`` (old -> new) renamed, as the
    expression engine prints a name (plain when it can be, else quoted); strings untouched."""

    def one(match: re.Match[str]) -> str:
        if match.group("string") is not None:
            return match.group()
        quoted = match.group("quoted")
        old = quoted.replace('""', '"') if quoted is not None else match.group("word")
        new = names.get(old)
        if new is None:
            return match.group()
        return sql_name(new)

    return re.sub(_TOKEN, one, expression)


def _foreign_key(
    fk: ForeignKey,
    col: Callable[[str], str],
    tables: Mapping[str, str],
    columns: Mapping[str, Mapping[str, str]],
) -> ForeignKey:
    ref = columns.get(fk.ref_table, {})
    return replace(
        fk,
        columns=tuple(map(col, fk.columns)),
        ref_table=tables.get(fk.ref_table, fk.ref_table),
        ref_columns=tuple(ref.get(c, c) for c in fk.ref_columns),
    )
