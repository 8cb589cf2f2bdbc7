"""The SQLite catalog's rows grouped per table (``sqlite_catalog``'s column and index rows), what
building each table reads (``sqlite_tables``): pure Python, linear in the rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from twinschema.dialects.sqlite_catalog import CatalogRow
from twinschema.dialects.sqlite_master import Listed
from twinschema.dialects.sqlite_types import parse_type
from twinschema.model import GENERATED_STORED, GENERATED_VIRTUAL, Column, ColumnType
from twinschema.model_pool import ColumnPool

# pragma_table_xinfo's ``hidden``: 2 a VIRTUAL generated column, 3 a STORED one.
_GENERATED_HIDDEN = {2: GENERATED_VIRTUAL, 3: GENERATED_STORED}

# Per index: unique, origin, partial, then per key element its name, column id, DESC, collation.
IndexRows = tuple[bool, str, bool, list[str], list[int], list[bool], list[str]]


@dataclass(slots=True)
class Columns:
    """Every table's columns in cid order, its primary key's parts, and its generated columns."""

    columns: dict[str, list[Column]] = field(default_factory=dict)
    pk_parts: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # (ordinal, position)
    generated_of: dict[str, dict[str, str]] = field(default_factory=dict)  # column -> storage
    primary: dict[str, tuple[str, ...]] = field(default_factory=dict)


def group_columns(column_rows: list[CatalogRow]) -> Columns:
    """Columns of every table (a referenced table may be excluded), in cid order; the rows of
    one table are contiguous. Equal columns are shared between tables (``ColumnPool``)."""
    grouped = Columns()
    types: dict[str, ColumnType] = {}
    pool = ColumnPool()
    current = ""
    table_list: list[Column] = []
    for table, col, declared, notnull, default, pk, hidden in column_rows:
        if hidden in _GENERATED_HIDDEN:
            grouped.generated_of.setdefault(table, {})[col] = _GENERATED_HIDDEN[hidden]
        if table != current:
            current, table_list = table, grouped.columns.setdefault(table, [])
        if default is not None and default.upper() == "NULL":
            default = None
        spelling = declared or ""
        ctype = types.get(spelling)
        if ctype is None:
            ctype = types[spelling] = parse_type(spelling)
        column = pool.column(col, ctype, not notnull, default, None, default)
        if pk:
            grouped.pk_parts.setdefault(table, []).append((pk, len(table_list)))
        table_list.append(column)
    grouped.primary = {
        table: tuple(grouped.columns[table][position].name for _, position in sorted(parts))
        for table, parts in grouped.pk_parts.items()
    }
    return grouped


def group_indexes(
    index_rows: list[CatalogRow],
) -> tuple[dict[str, dict[str, IndexRows]], set[str]]:
    """Index elements grouped per table and index, in seqno order, and the tables whose primary
    key has an index of its own (PK autoindexes are only noted)."""
    indexes_of: dict[str, dict[str, IndexRows]] = {}
    has_pk_index: set[str] = set()
    for table, index, unique, origin, partial, cid, col, desc, coll in index_rows:
        if origin == "pk":
            has_pk_index.add(table)
            continue
        of_table = indexes_of.get(table)
        if of_table is None:
            of_table = indexes_of[table] = {}
        entry = of_table.get(index)
        if entry is None:
            entry = of_table[index] = (bool(unique), origin, bool(partial), [], [], [], [])
        entry[3].append(col or "")  # expressions (cid -2) have no name
        entry[4].append(cid)
        entry[5].append(bool(desc))
        entry[6].append(coll)
    return indexes_of, has_pk_index


@dataclass(slots=True)
class Grouped:
    """The catalog rows grouped per table: what building one table reads."""

    listed: Listed
    columns: Columns
    indexes_of: dict[str, dict[str, IndexRows]]
    has_pk_index: set[str]
    fk_groups: dict[str, dict[int, list[CatalogRow]]] = field(default_factory=dict)
    by_lower: dict[str, str] = field(default_factory=dict)  # lower-cased table name -> name
