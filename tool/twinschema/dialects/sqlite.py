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
queries), ``sqlite_grouped`` (the catalog rows grouped per table), ``sqlite_tables`` (building one
table from them and its SQL), and this module (reading a database into the schema, the adapter).
"""

from __future__ import annotations

import sqlite3
from types import MappingProxyType

from sqlalchemy.engine import URL

from twinschema.dialects import Adapter, ReflectOptions, sqlite_files, sqlite_tables
from twinschema.dialects.sqlite_catalog import (
    MASTER_OF_TABLE,
    QUERIES,
    CatalogRows,
    catalog_rows,
    connect,
    read_catalog,
)
from twinschema.dialects.sqlite_clauses import conflict_clauses, table_options
from twinschema.dialects.sqlite_ddl import schema_object
from twinschema.dialects.sqlite_grouped import Grouped, group_columns, group_indexes
from twinschema.dialects.sqlite_master import kept_tables, list_master
from twinschema.dialects.sqlite_next_ids import with_next_ids
from twinschema.dialects.sqlite_types import NAME, collation_of, parse_type
from twinschema.dialects.sqlite_virtual import with_broken, with_rowid_aliases
from twinschema.model import Collation, ColumnType, Schema, Table
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
    grouped = Grouped(listed, group_columns(column_rows), *group_indexes(index_rows))
    # Foreign keys grouped by id, columns in seq order.
    for row in fk_rows:
        grouped.fk_groups.setdefault(row[0], {}).setdefault(row[1], []).append(row)
    grouped.by_lower.update((name.lower(), name) for name in listed.table_sql)
    tables = {table: sqlite_tables.table(table, grouped) for table in keep}
    marked = with_broken(listed.objects, column_rows, views)
    return Schema(
        dialect=NAME,
        tables=MappingProxyType(tables),
        source=source,
        not_compared=MappingProxyType(counts),
        objects=tuple(sorted(with_rowid_aliases(marked, tables, views), key=lambda o: o.key)),
        objects_read=True,
    )


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
