"""Connecting to a SQLite file read-only and reading its catalog: the fixed set of catalog queries
(one per object kind, each over every table at once), read in one transaction, so that they see
one snapshot."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from twinschema.dialects import sqlite_files
from twinschema.dialects.sqlite_trigger_quotes import trigger_texts
from twinschema.dialects.sqlite_views import ViewFacts, view_facts
from twinschema.errors import DatabaseError

# One query per object kind, each over every ordinary table at once. Virtual tables are filtered
# out before their PRAGMA runs: a PRAGMA on a virtual table whose module is not loaded fails.
_TABLES = (
    "m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
    "AND m.sql NOT LIKE 'CREATE VIRTUAL %'"
)


_MASTER_QUERY = "SELECT type, name, tbl_name, sql FROM main.sqlite_master"


# The rows of ``_MASTER_QUERY`` of one table (by SQLite's case-blind name): it and its indexes.
MASTER_OF_TABLE = (
    f"{_MASTER_QUERY} WHERE type IN ('table', 'index') AND tbl_name = ? COLLATE NOCASE"
)


_COLUMNS_QUERY = (
    'SELECT m.name, p.name, p.type, p."notnull", p.dflt_value, p.pk, p.hidden '
    "FROM main.sqlite_master AS m JOIN pragma_table_xinfo(m.name, 'main') AS p "
    f"WHERE {_TABLES}"
)


_FOREIGN_KEYS_QUERY = (
    'SELECT m.name, f.id, f."table", f."from", f."to", f.on_update, f.on_delete '
    "FROM main.sqlite_master AS m JOIN pragma_foreign_key_list(m.name, 'main') AS f "
    f"WHERE {_TABLES}"
)


_INDEXES_QUERY = (
    'SELECT m.name, l.name, l."unique", l.origin, l.partial, x.cid, x.name, x."desc", x.coll '
    "FROM main.sqlite_master AS m JOIN pragma_index_list(m.name, 'main') AS l "
    "JOIN pragma_index_xinfo(l.name, 'main') AS x "
    f"WHERE {_TABLES} AND x.key = 1"  # key columns only (the others are the rowid)
)


# The catalog queries, each returning plain rows: the floor a benchmark compares to.
QUERIES = (_MASTER_QUERY, _COLUMNS_QUERY, _FOREIGN_KEYS_QUERY, _INDEXES_QUERY)


def connect(path: str, busy_timeout: float = 5.0) -> sqlite3.Connection:
    """Open the SQLite file at ``path`` read-only, waiting up to ``busy_timeout`` s for a lock.

    The check must never change or create what it checks, and must see one committed state: a
    missing path or one that is not a regular file is an error raised before connecting
    (``sqlite3.connect`` would create an empty database, a FIFO would block), a rollback-journal
    file is opened ``mode=ro`` so that SQLite itself refuses any write, and a WAL-mode file (or
    one with a ``-wal``) is read from a private copy (see ``sqlite_files``). The path is
    URI-quoted, so names holding ``?``, ``#`` or ``%`` open the right file.
    """
    return sqlite_files.connect(path, busy_timeout)


# One row of a catalog query.
CatalogRow = Sequence[Any]


# The rows of the catalog queries: sqlite_master, columns, foreign keys, index elements; then
# what SQLite says of each view it compiles (``sqlite_views``), and each trigger's statement with
# its double-quoted tokens settled (``sqlite_trigger_quotes``), by name.
CatalogRows = tuple[
    list[CatalogRow],
    list[CatalogRow],
    list[CatalogRow],
    list[CatalogRow],
    dict[str, ViewFacts],
    dict[str, str],
]


def read_catalog(conn: sqlite3.Connection, source: str, busy_timeout: float = 0.0) -> CatalogRows:
    """The rows of each of ``QUERIES``, read in one transaction: one snapshot. An error is
    explained in words (``sqlite_files.explain``)."""
    try:
        (master, columns, foreign_keys, indexes), views = catalog_rows(conn)
    except sqlite3.Error as exc:
        raise DatabaseError(sqlite_files.explain(source, exc, busy_timeout)) from None
    # On an in-memory copy of the tables and views (the checked file is not read again).
    return master, columns, foreign_keys, indexes, views, trigger_texts(master)


def catalog_rows(
    conn: sqlite3.Connection,
) -> tuple[list[list[CatalogRow]], dict[str, ViewFacts]]:
    """The rows of each of ``QUERIES``, and what SQLite says of each view (a few statements
    per view, none without views), read inside one transaction so that they see one snapshot."""
    own_transaction = not conn.in_transaction
    if own_transaction:
        conn.execute("BEGIN")
    try:
        rows = [conn.execute(query).fetchall() for query in QUERIES]
        return rows, view_facts(conn, rows[0])
    finally:
        if own_transaction:
            conn.execute("ROLLBACK")
