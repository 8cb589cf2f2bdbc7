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
from types import MappingProxyType

from sqlalchemy.engine import URL

from twinschema.dialects import Adapter, ReflectOptions, excluded, sqlite_files
from twinschema.dialects.sqlite_catalog import (
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
    module_of,
    table_options,
    with_clauses,
)
from twinschema.dialects.sqlite_ddl import EMPTY_TABLE_SQL, scan_index, scan_table, schema_object
from twinschema.dialects.sqlite_lexer import ascii_lower
from twinschema.dialects.sqlite_types import (
    COLLATE_SUFFIX,
    NAME,
    collation_of,
    element_collations,
    fk_action,
    parse_type,
)
from twinschema.model import (
    GENERATED_STORED,
    GENERATED_VIRTUAL,
    IDENTITY_AUTOINCREMENT,
    IDENTITY_ROWID,
    OBJECT_TRIGGER,
    OBJECT_VIEW,
    Collation,
    Column,
    ColumnType,
    ForeignKey,
    Index,
    Schema,
    SchemaObject,
    Table,
    UniqueConstraint,
    element_flags,
)
from twinschema.model_pool import ColumnPool

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
    "schema_object",
    "table_options",
]

# What ``Schema.not_compared`` counts; every key is always present (as for PostgreSQL).
# Views and triggers are read as ``SchemaObject``s: their keys stay, always 0, for reports that
# read them; a comparison counts the ones it could not compare (``compare_objects``).
NOT_COMPARED_KEYS = ("views", "triggers", "virtual_tables")

# Virtual-table modules whose shadow tables are named ``<table>_<suffix>`` and are part of the
# virtual table, not of the application (https://sqlite.org/fts5.html, https://sqlite.org/rtree.html).
_SHADOW_MODULES = frozenset({"fts3", "fts4", "fts5", "rtree", "rtree_i32", "geopoly"})
_SHADOW_SUFFIXES = (
    "content", "segments", "segdir", "docsize", "stat", "data", "idx", "config",
    "node", "parent", "rowid",
)  # fmt: skip


# pragma_table_xinfo's ``hidden``: 2 a VIRTUAL generated column, 3 a STORED one.
_GENERATED_HIDDEN = {2: GENERATED_VIRTUAL, 3: GENERATED_STORED}


def reflect(url: URL, options: ReflectOptions) -> Schema:
    """Read every table of the SQLite database at ``url``, opened read-only (see ``connect``).

    ``sqlite://`` and ``sqlite:///:memory:`` open an empty in-memory database. Any SQLite failure
    (not a database, locked past ``options.busy_timeout``) is a ``DatabaseError`` naming the path.
    """
    path = url.database or ""
    if path in ("", ":memory:"):
        conn, source = sqlite3.connect(":memory:"), ":memory:"
    else:
        # No probe: the catalog read below waits for a lock and explains a failure itself.
        conn, source = sqlite_files.connect(path, options.busy_timeout, probe=False), path
    try:
        rows = read_catalog(conn, source, options.busy_timeout)
    finally:
        conn.close()  # before building: closing frees the parsed schema, a few ms at 1,000 tables
    return _build(rows, options, source)


def reflect_connection(conn: sqlite3.Connection, options: ReflectOptions, source: str) -> Schema:
    """Read every table through an open connection (e.g. an in-memory database loaded from SQL).

    Runs four queries in one read transaction whatever the number of tables. ``source`` labels
    the result and any error.
    """
    return _build(read_catalog(conn, source), options, source)


def _build(catalog: CatalogRows, options: ReflectOptions, source: str) -> Schema:
    """Assemble the raw ``Schema`` from the catalog rows: pure Python, linear in the rows."""
    master, column_rows, fk_rows, index_rows = catalog
    table_sql: dict[str, str] = {}
    index_sql: dict[str, str] = {}
    virtual: list[tuple[str, str]] = []  # (name, sql)
    counts = dict.fromkeys(NOT_COMPARED_KEYS, 0)
    objects: list[SchemaObject] = []
    for kind, name, _tbl, sql in master:
        if kind == "table":
            if str(sql or "")[:21].upper() == "CREATE VIRTUAL TABLE ":
                virtual.append((name, sql))
            else:
                table_sql[name] = sql or ""
        elif kind == "index":
            if sql is not None:
                index_sql[name] = sql
        elif (
            kind in (OBJECT_VIEW, OBJECT_TRIGGER)
            and sql is not None
            and (kind == OBJECT_VIEW or not excluded(_tbl, options.exclude))
        ):  # a trigger of an excluded table is left out with it
            objects.append(schema_object(kind, name, _tbl, sql))

    skip: set[str] = set()
    for name, sql in virtual:
        if not excluded(name, options.exclude):
            counts["virtual_tables"] += 1
        if module_of(sql) in _SHADOW_MODULES:  # excluded or not, its shadows are never tables
            skip.update(f"{name}_{suffix}" for suffix in _SHADOW_SUFFIXES)
    keep = [
        name
        for name in sorted(table_sql)
        if name not in skip
        and not name.lower().startswith("sqlite_")  # sqlite_sequence, sqlite_stat1..4
        and not excluded(name, options.exclude)
    ]

    # Columns of every table (a referenced table may be excluded), in cid order; the rows of
    # one table are contiguous. Equal columns are shared between tables (``model_pool.ColumnPool``).
    types: dict[str, ColumnType] = {}
    pool = ColumnPool()
    columns: dict[str, list[Column]] = {}
    pk_parts: dict[str, list[tuple[int, int]]] = {}  # table -> (pk ordinal, column position)
    current = ""
    table_list: list[Column] = []
    generated_of: dict[str, dict[str, str]] = {}  # table -> generated column -> storage
    for table, col, declared, notnull, default, pk, hidden in column_rows:
        if hidden in _GENERATED_HIDDEN:
            generated_of.setdefault(table, {})[col] = _GENERATED_HIDDEN[hidden]
        if table != current:
            current, table_list = table, columns.setdefault(table, [])
        if default is not None and default.upper() == "NULL":
            default = None
        spelling = declared or ""
        ctype = types.get(spelling)
        if ctype is None:
            ctype = types[spelling] = parse_type(spelling)
        column = pool.column(col, ctype, not notnull, default, None, default)
        if pk:
            pk_parts.setdefault(table, []).append((pk, len(table_list)))
        table_list.append(column)
    primary = {
        table: tuple(columns[table][position].name for _, position in sorted(parts))
        for table, parts in pk_parts.items()
    }

    # Index elements grouped per table and index, in seqno order; PK autoindexes only noted.
    # Per table and index: unique, origin, partial, then its elements' names and column ids.
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

    # Foreign keys grouped by id, columns in seq order.
    fk_groups: dict[str, dict[int, list[CatalogRow]]] = {}
    for row in fk_rows:
        fk_groups.setdefault(row[0], {}).setdefault(row[1], []).append(row)
    by_lower = {name.lower(): name for name in table_sql}

    tables: dict[str, Table] = {}
    for table in keep:
        sql = table_sql[table]
        low = ascii_lower(sql)
        scanned = scan_table(sql, low) if "check" in low or "constraint" in low else EMPTY_TABLE_SQL
        pk = primary.get(table, ())
        table_columns = columns.get(table, [])
        kept_options, autoincrement = table_options(sql, low)
        if "collate" in low or table in generated_of:
            table_columns = with_clauses(table_columns, sql, generated_of.get(table, {}))
        if len(pk) == 1 and table not in has_pk_index:
            # A rowid alias: a one-column INTEGER primary key that got no index of its own (a
            # WITHOUT ROWID table and the INTEGER PRIMARY KEY DESC quirk both get one). It can
            # never be NULL, whatever its declaration says. AUTOINCREMENT (allowed only here)
            # makes it never reuse the ids of deleted rows, and fail once the largest is taken.
            position = pk_parts[table][0][1]
            alias = table_columns[position]
            if alias.type.raw.upper() == "INTEGER":
                table_columns = list(table_columns)
                identity = IDENTITY_AUTOINCREMENT if autoincrement else IDENTITY_ROWID
                table_columns[position] = Column(
                    alias.name, alias.type, False, alias.default, identity, alias.default
                )
        uniques: list[UniqueConstraint] = []
        indexes: list[Index] = []
        own = {c.name: c.collation for c in table_columns}
        for index, entry in indexes_of.get(table, {}).items():
            unique, origin, partial, names, cids, descs, colls = entry
            texts: list[str] = []
            where = None
            if partial or min(cids) < 0:  # expressions or a predicate: read in its SQL
                texts, where = scan_index(index_sql.get(index, ""))
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
        foreign_keys: list[ForeignKey] = []
        groups = fk_groups.get(table, {})
        clauses = fk_clauses(sql, len(groups)) if "deferr" in low or "match" in low else None
        for n, fk_id in enumerate(sorted(groups, reverse=True)):  # the last-declared FK is 0
            rows = groups[fk_id]
            first = rows[0]
            written: str = first[2]
            ref_table = by_lower.get(written.lower(), written)
            if len(rows) == 1:
                fk_columns: tuple[str, ...] = (first[3],)
                ref_columns = primary.get(ref_table, ()) if first[4] is None else (first[4],)
            else:
                fk_columns = tuple(r[3] for r in rows)
                ref_columns = (
                    primary.get(ref_table, ())
                    if any(r[4] is None for r in rows)
                    else tuple(r[4] for r in rows)
                )
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
                )
            )
        tables[table] = Table(
            name=table,
            columns=tuple(table_columns),
            primary_key=pk,
            foreign_keys=tuple(foreign_keys),
            uniques=tuple(uniques),
            indexes=tuple(sorted(indexes, key=lambda ix: ix.name or "")),
            checks=tuple(scanned.checks),
            options=kept_options,
            conflict_clauses=conflict_clauses(sql, low),
        )
    return Schema(
        dialect=NAME,
        tables=MappingProxyType(tables),
        source=source,
        not_compared=MappingProxyType(counts),
        objects=tuple(sorted(objects, key=lambda o: o.key)),
        objects_read=True,
    )


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
