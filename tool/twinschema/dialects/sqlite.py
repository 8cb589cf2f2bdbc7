"""The SQLite adapter: reads a live SQLite file read-only, in a fixed number of catalog queries.

SQLAlchemy's SQLite reflection issues several ``PRAGMA`` statements per table and re-parses each
table's SQL per object kind (it grows as N^2 with the number of tables), and it drops the ON DELETE
action of inline foreign keys and inline UNIQUE constraints. So this adapter reads the catalog
itself, with the stdlib ``sqlite3`` module: ``sqlite_master`` once, then one query per object kind
that joins a PRAGMA table-valued function over every table (columns, foreign keys, indexes with
their elements), all four in one read transaction. CHECK constraints have no PRAGMA: they are
found in each table's stored SQL by a small tokenizer, which also supplies the names of named
constraints and the expression text of expression indexes and partial-index predicates.

What comes back is a *raw* ``Schema`` (see ``twinschema.dialects``): physical names and SQL text
exactly as the catalog stores it.

The parts, by job: ``sqlite_types`` (declared types, collations), ``sqlite_lexer`` and ``sqlite_ddl`` and
``sqlite_clauses`` (reading stored CREATE statements), ``sqlite_catalog`` (connecting, the catalog
queries), and this module (building the schema from the catalog rows, the adapter).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from types import MappingProxyType

from sqlalchemy.engine import URL

from twinschema.dialects import Adapter, ReflectOptions, sqlite_files
from twinschema.dialects.sqlite_catalog import (
    MASTER_OF_TABLE,
    QUERIES,
    CatalogRow,
    CatalogRows,
    catalog_rows,
    connect,
    read_catalog,
)
from twinschema.dialects.sqlite_clauses import (
    conflict_clauses,
    fk_clauses,
    table_options,
    with_clauses,
)
from twinschema.dialects.sqlite_ddl import (
    EMPTY_TABLE_SQL,
    TableSql,
    scan_index,
    scan_table,
    schema_object,
)
from twinschema.dialects.sqlite_master import Listed, kept_tables, list_master
from twinschema.dialects.sqlite_next_ids import with_next_ids
from twinschema.dialects.sqlite_types import (
    COLLATE_SUFFIX,
    NAME,
    collation_of,
    element_collations,
    fk_action,
    parse_type,
)
from twinschema.dialects.sqlite_virtual import with_broken, with_rowid_aliases
from twinschema.model import (
    GENERATED_STORED,
    GENERATED_VIRTUAL,
    IDENTITY_AUTOINCREMENT,
    IDENTITY_ROWID,
    Collation,
    Column,
    ColumnType,
    ForeignKey,
    Index,
    Schema,
    Table,
    UniqueConstraint,
    element_flags,
)
from twinschema.model_pool import ColumnPool
from twinschema.records.dialects import ascii_lower
from twinschema.urls import sqlite_file

# What callers import from here (the parts are modules of their own).
__all__ = [
    "ADAPTER",
    "NAME",
    "QUERIES",
    "catalog_rows",
    "collation_of",
    "conflict_clauses",
    "connect",
    "parse_type",
    "reflect",
    "reflect_connection",
    "reflect_table",
    "schema_object",
    "table_options",
]

# What ``Schema.not_compared`` counts; every key is always present (as for PostgreSQL).
# Views, triggers and virtual tables are read as ``SchemaObject``s: their keys stay, always 0,
# for reports that read them; a comparison counts the ones it could not compare (``compare_objects``).
NOT_COMPARED_KEYS = ("views", "triggers", "virtual_tables")

# pragma_table_xinfo's ``hidden``: 2 a VIRTUAL generated column, 3 a STORED one.
_GENERATED_HIDDEN = {2: GENERATED_VIRTUAL, 3: GENERATED_STORED}


def reflect(url: URL, options: ReflectOptions) -> Schema:
    """Read every table of the SQLite database at ``url``, opened read-only (see ``connect``).

    ``sqlite://`` and ``sqlite:///:memory:`` open an empty in-memory database. Any SQLite failure
    (not a database, locked past ``options.busy_timeout``) is a ``DatabaseError`` naming the path.
    """
    path = sqlite_file(url)  # what SQLAlchemy opens: a URI filename's file too (stranger68 008)
    if path == ":memory:":
        conn, source = sqlite3.connect(":memory:"), ":memory:"
    else:
        # No probe: the catalog read below waits for a lock and explains a failure itself.
        conn, source = sqlite_files.connect(path, options.busy_timeout, probe=False), path
    try:
        rows = read_catalog(conn, source, options.busy_timeout)
        return with_next_ids(conn, _build(rows, options, source))
    finally:
        conn.close()


def reflect_connection(conn: sqlite3.Connection, options: ReflectOptions, source: str) -> Schema:
    """Read every table through an open connection (e.g. an in-memory database loaded from SQL).

    Runs four queries in one read transaction whatever the number of tables, and two for where
    its rowid keys stand (``sqlite_next_ids``). ``source`` labels
    the result and any error.
    """
    return with_next_ids(conn, _build(read_catalog(conn, source), options, source))


def reflect_table(conn: sqlite3.Connection, name: str) -> Table | None:
    """The table ``name`` of the main schema (by SQLite's case-blind name) as ``reflect`` reads
    it, through an open connection, in its transaction: the catalog queries narrowed to that
    table (a SQLite batch migration's copy of it, ``alembic_declared``). Its views and triggers
    are not read, and a foreign key naming no columns references ``()``: what the table itself
    says is all there is. None when there is no such table."""
    narrowed = [f"{query} AND m.name = ? COLLATE NOCASE" for query in QUERIES[1:]]
    master = conn.execute(MASTER_OF_TABLE, (name,)).fetchall()
    columns, keys, indexes = (conn.execute(query, (name,)).fetchall() for query in narrowed)
    found = _build((master, columns, keys, indexes, {}, {}), ReflectOptions(exclude=()), name)
    return next(iter(found.tables.values()), None)


def _build(catalog: CatalogRows, options: ReflectOptions, source: str) -> Schema:
    """Assemble the raw ``Schema`` from the catalog rows: pure Python, linear in the rows."""
    master, column_rows, fk_rows, index_rows, views, triggers = catalog
    listed = list_master(master, options, views, triggers)
    counts = dict.fromkeys(NOT_COMPARED_KEYS, 0)
    keep = kept_tables(listed, options)
    grouped = _Grouped(listed, _group_columns(column_rows), *_group_indexes(index_rows))
    # Foreign keys grouped by id, columns in seq order.
    for row in fk_rows:
        grouped.fk_groups.setdefault(row[0], {}).setdefault(row[1], []).append(row)
    grouped.by_lower.update((name.lower(), name) for name in listed.table_sql)
    tables = {table: _table(table, grouped) for table in keep}
    marked = with_broken(listed.objects, column_rows, views)
    return Schema(
        dialect=NAME,
        tables=MappingProxyType(tables),
        source=source,
        not_compared=MappingProxyType(counts),
        objects=tuple(sorted(with_rowid_aliases(marked, tables, views), key=lambda o: o.key)),
        objects_read=True,
    )


@dataclass(slots=True)
class _Columns:
    """Every table's columns in cid order, its primary key's parts, and its generated columns."""

    columns: dict[str, list[Column]] = field(default_factory=dict)
    pk_parts: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # (ordinal, position)
    generated_of: dict[str, dict[str, str]] = field(default_factory=dict)  # column -> storage
    primary: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _group_columns(column_rows: list[CatalogRow]) -> _Columns:
    """Columns of every table (a referenced table may be excluded), in cid order; the rows of
    one table are contiguous. Equal columns are shared between tables (``ColumnPool``)."""
    grouped = _Columns()
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


def _group_indexes(
    index_rows: list[CatalogRow],
) -> tuple[dict[str, dict[str, _IndexRows]], set[str]]:
    """Index elements grouped per table and index, in seqno order, and the tables whose primary
    key has an index of its own (PK autoindexes are only noted)."""
    indexes_of: dict[str, dict[str, _IndexRows]] = {}
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
class _Grouped:
    """The catalog rows grouped per table: what building one table reads."""

    listed: Listed
    columns: _Columns
    indexes_of: dict[str, dict[str, _IndexRows]]
    has_pk_index: set[str]
    fk_groups: dict[str, dict[int, list[CatalogRow]]] = field(default_factory=dict)
    by_lower: dict[str, str] = field(default_factory=dict)  # lower-cased table name -> name


def _table(table: str, grouped: _Grouped) -> Table:
    sql = grouped.listed.table_sql[table]
    low = ascii_lower(sql)
    scanned = scan_table(sql, low) if "check" in low or "constraint" in low else EMPTY_TABLE_SQL
    kept_options, autoincrement = table_options(sql, low)
    table_columns = _table_columns(table, sql, low, autoincrement, grouped)
    uniques, indexes = _table_indexes(table, table_columns, scanned, grouped)
    return Table(
        name=table,
        columns=tuple(table_columns),
        primary_key=grouped.columns.primary.get(table, ()),
        foreign_keys=_foreign_keys(table, sql, low, scanned, grouped),
        uniques=tuple(uniques),
        indexes=tuple(sorted(indexes, key=lambda ix: ix.name or "")),
        checks=tuple(scanned.checks),
        options=kept_options,
        conflict_clauses=conflict_clauses(sql, low),
    )


def _table_columns(
    table: str, sql: str, low: str, autoincrement: bool, grouped: _Grouped
) -> list[Column]:
    """A table's columns with what only its SQL says (COLLATE, GENERATED) and its rowid alias."""
    columns = grouped.columns
    pk = columns.primary.get(table, ())
    table_columns = columns.columns.get(table, [])
    if "collate" in low or table in columns.generated_of:
        table_columns = with_clauses(table_columns, sql, columns.generated_of.get(table, {}))
    if len(pk) == 1 and table not in grouped.has_pk_index:
        # A rowid alias: a one-column INTEGER primary key that got no index of its own (a
        # WITHOUT ROWID table and the INTEGER PRIMARY KEY DESC quirk both get one). It can
        # never be NULL, whatever its declaration says. AUTOINCREMENT (allowed only here)
        # makes it never reuse the ids of deleted rows, and fail once the largest is taken.
        position = columns.pk_parts[table][0][1]
        alias = table_columns[position]
        if alias.type.raw.upper() == "INTEGER":
            table_columns = list(table_columns)
            identity = IDENTITY_AUTOINCREMENT if autoincrement else IDENTITY_ROWID
            table_columns[position] = Column(
                alias.name, alias.type, False, alias.default, identity, alias.default
            )
    return table_columns


def _table_indexes(
    table: str, table_columns: list[Column], scanned: TableSql, grouped: _Grouped
) -> tuple[list[UniqueConstraint], list[Index]]:
    """A table's UNIQUE constraints (those SQLite made an index for and that say no more than
    a UNIQUE constraint can) and its indexes."""
    uniques: list[UniqueConstraint] = []
    indexes: list[Index] = []
    own = {c.name: c.collation for c in table_columns}
    for index, entry in grouped.indexes_of.get(table, {}).items():
        unique, origin, partial, names, cids, descs, colls = entry
        texts: list[str] = []
        where = None
        if partial or min(cids) < 0:  # expressions or a predicate: read in its SQL
            texts, where = scan_index(grouped.listed.index_sql.get(index, ""))
        descending = element_flags(descs, False)
        collations = element_collations(names, cids, colls, own, texts)
        if origin == "u" and not descending and not collations:
            key = tuple(names)
            uniques.append(UniqueConstraint(key, name=scanned.unique_names.get(key)))
            continue
        expressions = tuple(
            col if cid >= 0 else (COLLATE_SUFFIX.sub("", texts[n]) if n < len(texts) else "")
            for n, (cid, col) in enumerate(zip(cids, names, strict=True))
        )
        indexes.append(
            Index(
                expressions,
                unique=unique,
                where=where,
                name=scanned.unique_names.get(expressions) if origin == "u" else index,
                descending=descending,
                collations=collations,
            )
        )
    return uniques, indexes


def _foreign_keys(
    table: str, sql: str, low: str, scanned: TableSql, grouped: _Grouped
) -> tuple[ForeignKey, ...]:
    """A table's foreign keys, in the order it declares them; what no PRAGMA reports
    (DEFERRABLE, MATCH) read from its SQL."""
    groups = grouped.fk_groups.get(table, {})
    clauses = fk_clauses(sql, len(groups)) if "deferr" in low or "match" in low else None
    foreign_keys: list[ForeignKey] = []
    for n, fk_id in enumerate(sorted(groups, reverse=True)):  # the last-declared FK is 0
        rows = groups[fk_id]
        first = rows[0]
        written: str = first[2]
        ref_table = grouped.by_lower.get(written.lower(), written)
        fk_columns, ref_columns = _fk_columns(rows, grouped.columns.primary.get(ref_table, ()))
        deferred, match = clauses[n] if clauses is not None else (False, None)
        foreign_keys.append(
            ForeignKey(
                fk_columns,
                ref_table,
                ref_columns,
                fk_action(first[6]),
                fk_action(first[5]),
                scanned.fk_names.get(fk_columns),
                deferrable=deferred,
                initially_deferred=deferred,
                match_declared=match,
                fires=(fk_id, fk_id),  # SQLite runs the actions of the last-declared key first
            )
        )
    return tuple(foreign_keys)


def _fk_columns(
    rows: list[CatalogRow], ref_primary: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A foreign key's columns and the columns it references (the referenced table's primary
    key where the key names none)."""
    first = rows[0]
    if len(rows) == 1:
        return (first[3],), (ref_primary if first[4] is None else (first[4],))
    fk_columns = tuple(r[3] for r in rows)
    if any(r[4] is None for r in rows):
        return fk_columns, ref_primary
    return fk_columns, tuple(r[4] for r in rows)


# Per index: unique, origin, partial, then per key element its name, column id, DESC, collation.
_IndexRows = tuple[bool, str, bool, list[str], list[int], list[bool], list[str]]


class SQLiteAdapter:
    """The SQLite dialect adapter (see ``twinschema.dialects.Adapter``)."""

    name: str = NAME

    def parse_type(self, spelling: str) -> ColumnType:
        """Reduce a declared SQLite type to a ``ColumnType`` (see the module's ``parse_type``)."""
        return parse_type(spelling)

    def collation(self, name: str) -> Collation | None:
        """A collation by name (see the module's ``collation_of``)."""
        return collation_of(name)

    def reflect(self, url: URL, options: ReflectOptions) -> Schema:
        """Read every table of the live SQLite file read-only (see the module's ``reflect``)."""
        return reflect(url, options)


ADAPTER: Adapter = SQLiteAdapter()
