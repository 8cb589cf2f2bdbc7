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

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from types import MappingProxyType

from twinschema import typemap
from twinschema.model import ForeignKey, Schema, Table, UniqueConstraint

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
    its foreign keys refer to. (A CHECK's column is held lower-cased: nothing to rename.)"""
    own = columns.get(table.name, {})
    refers = any(fk.ref_table in tables or fk.ref_table in columns for fk in table.foreign_keys)
    if not own and table.name not in tables and not refers:
        return table

    def col(name: str) -> str:
        return own.get(name, name)

    return replace(
        table,
        name=tables.get(table.name, table.name),
        columns=tuple(
            c if c.name not in own else replace(c, name=own[c.name]) for c in table.columns
        ),
        primary_key=tuple(map(col, table.primary_key)),
        foreign_keys=tuple(_foreign_key(fk, col, tables, columns) for fk in table.foreign_keys),
        uniques=tuple(UniqueConstraint(tuple(map(col, u.columns)), u.name) for u in table.uniques),
        indexes=tuple(
            replace(i, expressions=tuple(map(col, i.expressions))) for i in table.indexes
        ),
    )


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
