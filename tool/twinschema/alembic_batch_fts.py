"""External content FTS tables that a SQLite batch copy of their content table points at other
rows (stranger61 005).

Alembic's batch copy of a table (``INSERT INTO _alembic_tmp_t (...) SELECT ... FROM t``, drop,
rename) does not carry the rowid of a table without an INTEGER PRIMARY KEY: the copy numbers
its rows again from 1. An FTS4 or FTS5 table with ``content='t'`` reading ``t`` by that rowid
(FTS5's ``content_rowid`` left at ``rowid``) keeps the old numbers, so a search then finds
other rows than the ones holding the words (checked on SQLite 3.40: 'passport' found nothing,
'password' found the note about a trip). Rebuilding the index after the copy
(``INSERT INTO fts(fts) VALUES('rebuild')``) maps it to the rows again; an INTEGER PRIMARY KEY
keeps the rowids across every copy. ``rowid_readers`` finds such tables; ``rebuilds`` reads a
statement that rebuilds one."""

from __future__ import annotations

import re
import sqlite3

import sqlalchemy as sa

from twinschema.dialects.sqlite import reflect_table
from twinschema.dialects.sqlite_virtual import external_content, reads_rowid
from twinschema.model import IDENTITY_AUTOINCREMENT, IDENTITY_ROWID, OPTION_WITHOUT_ROWID


def rowid_readers(connection: sa.Connection, table: str) -> list[tuple[str, tuple[str, ...]]]:
    """The external content FTS tables of the main schema that read ``table`` by a rowid a
    batch copy renumbers (``table`` has no INTEGER PRIMARY KEY and is no WITHOUT ROWID table),
    each with the columns it reads; none when ``table`` keeps its rowids."""
    rows = connection.exec_driver_sql(
        "SELECT name, sql FROM main.sqlite_master "
        "WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'"
    ).all()
    readers = []
    for name, sql in rows:
        found = external_content(str(sql))
        if found is not None and found[0].lower() == table.lower() and reads_rowid(found[1]):
            readers.append((str(name), found[2]))
    raw = connection.connection.dbapi_connection
    read = reflect_table(raw, table) if readers and isinstance(raw, sqlite3.Connection) else None
    if read is None or OPTION_WITHOUT_ROWID in read.options:
        return []
    if any(c.identity in (IDENTITY_ROWID, IDENTITY_AUTOINCREMENT) for c in read.columns):
        return []  # the rowid is that column's value, which the copy carries
    return readers


def rebuild_statement(fts: str) -> str:
    """The statement that rebuilds the external content FTS table ``fts`` from its content."""
    name = fts if re.fullmatch(r"[A-Za-z_][\w$]*", fts) else '"' + fts.replace('"', '""') + '"'
    return f"INSERT INTO {name}({name}) VALUES('rebuild')"


# ``INSERT INTO fts(fts) VALUES('rebuild')``, the name bare or quoted, in any case and spacing.
_REBUILD = re.compile(
    r"\s*INSERT\s+INTO\s+[\"`\[]?(?P<name>[\w$]+)[\"`\]]?\s*\(\s*[\"`\[]?(?P=name)"
    r"[\"`\]]?\s*\)\s*VALUES\s*\(\s*'rebuild'\s*\)\s*;?\s*",
    re.IGNORECASE,
)


def rebuilds(sql: str) -> str | None:
    """The FTS table (lower-case) the statement ``sql`` rebuilds, None if it rebuilds none."""
    match = _REBUILD.fullmatch(sql)
    return match.group("name").lower() if match else None


def renumbered_warning(table: str, fts: str) -> str:
    """What a batch copy of ``table`` does to ``fts``, which reads it by rowid, and the ways
    out, in one line."""
    return (
        f"warning: a SQLite batch migration recreated table '{table}', which has no INTEGER "
        f"PRIMARY KEY, so the copy numbered its rowids again; the external content FTS table "
        f"{fts} reads {table} by rowid and now finds other rows than those holding the words: "
        f'rebuild it after the batch (op.execute("{rebuild_statement(fts)}")), or give '
        f"{table} an INTEGER PRIMARY KEY (then FTS reads it by that: content_rowid)"
    )
