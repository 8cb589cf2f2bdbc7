"""Connecting to a SQLite file read-only and reading its catalog: the fixed set of catalog queries
(one per object kind, each over every table at once), sent as one statement where SQLite has JSON
functions, so that they see one snapshot."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from twinschema.dialects import sqlite_files
from twinschema.errors import DatabaseError

# One query per object kind, each over every ordinary table at once. Virtual tables are filtered
# out before their PRAGMA runs: a PRAGMA on a virtual table whose module is not loaded fails.
_TABLES = (
    "m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
    "AND m.sql NOT LIKE 'CREATE VIRTUAL %'"
)


_MASTER_QUERY = "SELECT type, name, tbl_name, sql FROM main.sqlite_master"


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


def _as_json(query: str) -> str:
    """``query`` as a scalar subquery that returns all its rows as one JSON array of arrays."""
    select, _, rest = query.partition(" FROM ")
    return f"(SELECT json_group_array(json_array({select.removeprefix('SELECT ')})) FROM {rest})"


# The same four queries as one statement of one row: SQLite runs all of it in one sqlite3_step,
# which the driver calls without holding the GIL, so reflecting in a background thread really
# overlaps the Python work of the other side. Fetched row by row, the worker must take the GIL
# back for every row and waits behind the busy main thread each time (the switch interval is
# 5 ms), which made the overlap worthless. One statement is also one consistent snapshot.
SNAPSHOT_QUERY = "SELECT " + ", ".join(map(_as_json, QUERIES))


def connect(path: str, busy_timeout: float = 5.0) -> sqlite3.Connection:
    """Open the SQLite file at ``path`` read-only, waiting up to ``busy_timeout`` s for a lock.

    The check must never change or create what it checks, and must see one committed state: a
    missing path or one that is not a regular file is an error raised before connecting
    (``sqlite3.connect`` would create an empty database, a FIFO would block), a rollback-journal
    file is opened ``mode=ro`` so that SQLite itself refuses any write, and a WAL-mode file (or
    one with a ``-wal``) is read from a private copy (see ``sqlite_files``). The path is
    URI-quoted, so names holding ``?``, ``#`` or ``%`` open the right file. The connection may be
    handed to another thread (one thread at a time: see ``open_reader``).
    """
    return sqlite_files.connect(path, busy_timeout)


_Row = Sequence[Any]


# The rows of the catalog queries: sqlite_master, columns, foreign keys, index elements.
_Catalog = tuple[list[_Row], list[_Row], list[_Row], list[_Row]]


def _catalog(conn: sqlite3.Connection, source: str, busy_timeout: float = 0.0) -> _Catalog:
    """The rows of each of ``QUERIES``, read in one statement where SQLite has JSON functions:
    one snapshot. An error is explained in words (``sqlite_files.explain``)."""
    try:
        try:
            row = conn.execute(SNAPSHOT_QUERY).fetchone()
        except sqlite3.OperationalError as exc:
            if "json_" not in str(exc):
                raise
            master, columns, foreign_keys, indexes = catalog_rows(conn)
        else:
            master, columns, foreign_keys, indexes = map(json.loads, row)
        return master, columns, foreign_keys, indexes
    except sqlite3.Error as exc:
        raise DatabaseError(sqlite_files.explain(source, exc, busy_timeout)) from None


def catalog_rows(conn: sqlite3.Connection) -> list[list[_Row]]:
    """The rows of each of ``QUERIES``, read inside one transaction so that they see one
    snapshot: the way to read a SQLite built without JSON functions (before 3.38, or with
    ``SQLITE_OMIT_JSON``)."""
    own_transaction = not conn.in_transaction
    if own_transaction:
        conn.execute("BEGIN")
    try:
        return [conn.execute(query).fetchall() for query in QUERIES]
    finally:
        if own_transaction:
            conn.execute("ROLLBACK")
