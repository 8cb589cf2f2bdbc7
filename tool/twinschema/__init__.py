"""twinschema: one application, a SQLite schema and a PostgreSQL schema, and proof they agree."""

import logging

__version__ = "0.1.0"

# Libraries twinschema drives log, as warnings, what they chose to ignore: psycopg "error ignored
# terminating <psycopg.Pipeline [BAD]>: the connection is lost" after the error it raised
# (already reported, in one line), sqlglot "... contains unsupported syntax. Falling back to
# parsing as a 'Command'" for text ``expressions`` reads as written. Without a handler of their
# own, Python's last-resort handler prints them on stderr, in the middle of a report: a null
# handler keeps them out of the user's output (an application that configures logging still
# gets them).
for _name in ("psycopg", "sqlglot"):
    logging.getLogger(_name).addHandler(logging.NullHandler())
