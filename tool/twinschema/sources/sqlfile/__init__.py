"""SQL files as schema sources: recognise a file's dialect, and load it into a scratch database.

``twinschema diff a.sql b.sql`` compares two DDL dumps with nothing running (issue 7). Each file
is loaded into a database of its own dialect and then reflected like any live database:

* SQLite: an in-memory database, loaded with ``executescript`` (the whole file in one call).
* PostgreSQL: a new scratch database on a server the caller names (the CLI passes
  ``TWINSCHEMA_SCRATCH_URL`` when set, else the embedded server), dropped afterwards. Runs of
  plain SQL (up to ``_BATCH`` statements) go to the server in one ``execute`` each (psycopg 3
  sends a query without parameters with the simple query protocol, which accepts many
  statements), so a dump with its data loads about as fast as ``psql -f`` does.

A SQL file is untrusted input (issue 14): loading it may only build a schema in its scratch
database. SQLite files run under an authorizer that refuses ATTACH of a file (and so VACUUM
INTO), ``load_extension()`` and process-wide PRAGMAs. PostgreSQL files run as a login role made
for the load, which owns the scratch database's schemas and has no other right; allow-listed
extensions are created beforehand by the privileged connection (see ``load_postgresql``).

PostgreSQL dumps are often written for psql, not for a driver. What psql alone understands is
handled here rather than refused where that is safe: ``\\c``/``\\connect`` and the file's own
database-level statements (CREATE/DROP/ALTER DATABASE, COMMENT ON DATABASE) are skipped, since
everything is loaded into the scratch database; ``COPY ... FROM stdin`` blocks are streamed through
``cursor.copy()`` up to their ``\\.`` line; settings that only change psql's own display or
variables (``\\set ON_ERROR_STOP on``, ``\\pset``, ``\\timing``, ``\\echo``) are ignored. Any
other meta-command is an error that says how to proceed.
"""

from __future__ import annotations

from twinschema.sources.sqlfile.detect import (
    MARKERS,
    Marker,
    detect_dialect,
    dialect_scores,
    named_dialect,
    pair_dialects,
)
from twinschema.sources.sqlfile.pg_load import load_postgresql
from twinschema.sources.sqlfile.psql_extensions import ALLOWED_EXTENSIONS
from twinschema.sources.sqlfile.sqlite_load import load_sqlite
from twinschema.sources.sqlfile.text import LOAD_TIMEOUT_SECONDS, read_sql

__all__ = [
    "ALLOWED_EXTENSIONS",
    "LOAD_TIMEOUT_SECONDS",
    "MARKERS",
    "Marker",
    "detect_dialect",
    "dialect_scores",
    "load_postgresql",
    "load_sqlite",
    "named_dialect",
    "pair_dialects",
    "read_sql",
]
