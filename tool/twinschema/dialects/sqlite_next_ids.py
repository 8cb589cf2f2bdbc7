"""Where a live SQLite database's rowid keys stand: the id its next insert that omits the key
gets (``Column.next_id``), the SQLite half of ``postgresql_sequence_state``.

An ``INTEGER PRIMARY KEY`` gives the largest rowid + 1 (1 in an empty table); with
AUTOINCREMENT, the largest id the table ever held + 1, which ``sqlite_sequence`` keeps (its row
at 999 after id 999 was deleted gives 1000, 1001; checked on SQLite 3.40.1, stranger70 008).
Read in two statements whatever the number of tables, through the connection the catalog was
read on; a table that cannot be read (a virtual table's module missing) leaves every key's next
id unknown rather than failing the read.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace

from twinschema.model import IDENTITY_AUTOINCREMENT, IDENTITY_ROWID, Schema, Table

_HAS_SEQUENCE = (
    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'"
)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _kept(name: str) -> str:
    """The largest id table ``name`` ever held, as AUTOINCREMENT keeps it."""
    return "(SELECT seq FROM sqlite_sequence WHERE name = '" + name.replace("'", "''") + "')"


def with_next_ids(conn: sqlite3.Connection, schema: Schema) -> Schema:
    """``schema`` with each rowid key's ``next_id`` read through ``conn`` (read-only)."""
    keyed = {
        name: table.primary_key[0]
        for name, table in schema.tables.items()
        if len(table.primary_key) == 1
        and (key := table.column(table.primary_key[0])) is not None
        and key.identity in (IDENTITY_ROWID, IDENTITY_AUTOINCREMENT)
    }
    if not keyed:
        return schema
    try:
        has_sequence = conn.execute(_HAS_SEQUENCE).fetchone()[0] > 0
        sql = " UNION ALL ".join(
            f"SELECT {n}, (SELECT max(rowid) FROM {_quoted(name)}), "
            + (_kept(name) if has_sequence else "NULL")
            for n, name in enumerate(keyed)
        )
        rows = conn.execute(sql).fetchall()
    except sqlite3.Error:
        return schema
    names = list(keyed)
    tables = dict(schema.tables)
    for n, largest, kept in rows:
        name = names[n]
        table = tables[name]
        tables[name] = _with_next(table, keyed[name], largest, kept)
    return replace(schema, tables=tables)


def _with_next(table: Table, key: str, largest: int | None, kept: int | None) -> Table:
    """``table`` with its key's next id: past the largest rowid, and with AUTOINCREMENT past
    the largest ever held (``kept``, sqlite_sequence's)."""
    column = table.column(key)
    assert column is not None
    if column.identity == IDENTITY_AUTOINCREMENT:
        next_id = max(largest or 0, kept or 0, 0) + 1
    else:
        next_id = 1 if largest is None else largest + 1
    columns = tuple(replace(c, next_id=next_id) if c.name == key else c for c in table.columns)
    return replace(table, columns=columns)
