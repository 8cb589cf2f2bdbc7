"""The two dialects twinschema pairs, and how its dependencies spell them: the one place a
dialect name is mapped to sqlglot's or SQLAlchemy's."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

from twinschema.model_types import (
    EQUALITY_ASCII_CASE,
    EQUALITY_CASE,
    EQUALITY_CASE_ACCENT,
    EQUALITY_EXACT,
    EQUALITY_TRAILING_SPACE,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Dialect

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
# Every dialect, in the order reports list them (the device's first, then the server's).
DIALECTS: tuple[str, str] = (SQLITE, POSTGRESQL)

# How people name each dialect in a message.
DIALECT_NAMES: dict[str, str] = {SQLITE: "SQLite", POSTGRESQL: "PostgreSQL"}


# Dialects whose identifiers are case-insensitive: SQLite matches ``Lock`` and ``lock`` as one
# name, quoted or not (ASCII letters only: ``É`` and ``é`` are two columns), for tables, columns
# and indexes alike (checked on SQLite 3.40: ``CREATE INDEX ix_a`` beside ``Ix_A`` fails, "index
# ix_a already exists"). PostgreSQL folds an unquoted name to lower case when it reads SQL, and
# stores the result; a quoted ``"Amount"`` stays ``Amount``, another name than ``amount``.
CASE_INSENSITIVE_NAMES = frozenset({SQLITE})


# Dialects whose ``ALTER TABLE .. RENAME COLUMN`` rewrites the column's name in the stored SQL
# of the views that read it (the view's output column renamed with it): SQLite (3.25 and
# later; checked on 3.40: ``SELECT id, a FROM t WHERE a > 0`` is stored as ``SELECT id, b FROM
# t WHERE b > 0``). PostgreSQL's views read columns by number: the view keeps its output name
# and prints ``b AS a`` (checked on 16), so its printed text is never the rewrite's
# (``migrations.twin_renames``, stranger78 002).
RENAME_REWRITES_VIEWS = frozenset({SQLITE})


def fold_name(name: str) -> str:
    """The case-insensitive key of a name (ASCII letters only, as SQLite compares them)."""
    return ascii_lower(name)


def name_key(dialect: str) -> Callable[[str], str]:
    """How ``dialect`` tells two names apart: SQLite whatever their case, PostgreSQL exactly."""
    return fold_name if dialect in CASE_INSENSITIVE_NAMES else str


def ascii_lower(text: str) -> str:
    """``text`` with its ASCII letters lower-cased and every other character kept, as SQLite's
    NOCASE, ``lower()`` and name comparison fold; offsets stay valid (``str.lower`` may not)."""
    return text.lower() if text.isascii() else text.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


# The last suffix of a file's name that states its dialect, in any case. For a SQL file it names
# the dialect its text is read in where the content names none (``full.sql.sqlite``,
# ``schema.pgsql``: ``sqlfile.named_dialect``). SQLite's are a database file's too: a missing
# ``app.db3`` is "SQLite database not found" (``sources.as_source``), and a variable holding
# ``app.db3`` without ``sqlite:///`` was meant for SQLite (``config.meant_dialect``). A PostgreSQL
# database is no file, so PostgreSQL's name a SQL file only.
FILE_SUFFIXES: dict[str, tuple[str, ...]] = {
    SQLITE: (".db", ".db3", ".sqlite", ".sqlite3"),
    POSTGRESQL: (".postgres", ".postgresql", ".pg", ".psql", ".pgsql"),
}


def database_named(dialect: str) -> str:
    """How a message names a live database of ``dialect`` when its URL is too long to repeat (the
    report's header shows it): "the SQLite database"."""
    return f"the {DIALECT_NAMES[dialect]} database"


# The statement that defers foreign keys on demand until COMMIT, inside one transaction, and the
# keys it defers: SQLite's defers every key (none can refuse), PostgreSQL's only those declared
# DEFERRABLE (a NOT DEFERRABLE key is checked at each statement whatever is said). Checked on
# both databases with a transaction that inserts a row before the row it references.
KEYS_DEFERRED_ON_DEMAND: dict[str, tuple[str, str]] = {
    SQLITE: ("PRAGMA defer_foreign_keys = ON", "every key"),
    POSTGRESQL: ("SET CONSTRAINTS ALL DEFERRED", "DEFERRABLE keys"),
}


# Whether a database applies a foreign key's RESTRICT and its ON UPDATE actions at each row a
# statement changes (SQLite) or once the statement's rows are all changed (PostgreSQL, whose
# RESTRICT is "not deferrable" yet checked at the end of the statement). Checked on SQLite 3.40
# and PostgreSQL 16 with a self-referencing key: DELETE FROM jobs over a row and a row that
# references it (the referenced row first) fails on SQLite under ON DELETE RESTRICT and succeeds
# on PostgreSQL; UPDATE jobs SET id = id + 10, parent = parent + 10 fails on SQLite under ON
# UPDATE RESTRICT or CASCADE (the cascade reached the row before its own update read it), stores
# NULL under SET NULL, and keeps the reference on PostgreSQL. NO ACTION is checked at the end of
# the statement on both; ON DELETE CASCADE, SET NULL and SET DEFAULT end the same.
KEY_ACTIONS_AT_EACH_ROW: dict[str, bool] = {SQLITE: True, POSTGRESQL: False}

# Whether a database checks a NO ACTION key, when a referenced row is deleted or its key updated,
# only after every other key's action of the statement has run (SQLite), or at its own turn
# among them, as RESTRICT is on both (PostgreSQL: each key's action is a trigger on the
# referenced table, fired in the order of the triggers' names, RI_ConstraintTrigger_a_<oid>,
# that is in the order the keys were created in, compared as text). SQLite runs the actions of
# the last-declared key first (PRAGMA foreign_key_list id 0). Checked on SQLite 3.40 and
# PostgreSQL 16 with two keys from one child row to one parent row, every pair of actions, both
# declaration orders, DELETE and UPDATE of the parent key: with ON DELETE CASCADE declared
# before SET NULL on the same column, SQLite stores the row with NULL and PostgreSQL deletes
# it; with CASCADE before NO ACTION, both delete it, and with NO ACTION first, PostgreSQL
# refuses the DELETE. A deferred (INITIALLY DEFERRED) NO ACTION key is checked at COMMIT on both.
NO_ACTION_AFTER_ACTIONS: dict[str, bool] = {SQLITE: True, POSTGRESQL: False}
# Whether a database runs the actions of a table's last-declared key first (SQLite), or its
# keys in the order CREATE TABLE declares them (PostgreSQL, creating them in that order).
LAST_DECLARED_KEY_FIRST: dict[str, bool] = {SQLITE: True, POSTGRESQL: False}
# Whether a dialect's constraints can carry an ON CONFLICT clause (SQLite's ``UNIQUE ON
# CONFLICT REPLACE``); PostgreSQL's DDL has none (``ON CONFLICT`` is an INSERT's).
CONFLICT_CLAUSES: dict[str, bool] = {SQLITE: True, POSTGRESQL: False}

# What a database does with a foreign key whose referenced columns hold no parent key it accepts
# (a PRIMARY KEY, a UNIQUE constraint or a full unique index on exactly those columns, neither
# DEFERRABLE): SQLite creates it and then fails every statement that checks it, even an insert
# of NULL (checked on a real SQLite file); PostgreSQL refuses to create it. ``{child}`` is the
# table of the key. And whether SQLite's rule holds there too that each column of that index is
# compared with its column's own collation (a unique index on (sku COLLATE NOCASE) over a BINARY
# sku is no parent key on SQLite; PostgreSQL takes one in any collation).
PARENT_KEY_REFUSED: dict[str, str] = {
    SQLITE: 'every insert into {child} fails with "foreign key mismatch"',
    POSTGRESQL: "PostgreSQL refuses to create it",
}
PARENT_KEY_OWN_COLLATION: dict[str, bool] = {SQLITE: True, POSTGRESQL: False}

# What the collations a dialect can declare on an index element make equal (the EQUALITY_* words
# of ``model_types``; its default is exact): SQLite's built-in BINARY, NOCASE (ASCII letters
# only) and RTRIM (``dialects.sqlite_types.COLLATIONS``); PostgreSQL's deterministic ones and its
# nondeterministic ICU collations of strength 2 or 1 (``dialects.postgresql_types.ICU_STRENGTHS``).
# NOCASE and RTRIM have no PostgreSQL twin, nor ICU's folding of every letter a SQLite one. A
# plain (not unique) index under a collation only its own dialect has is the same index as its
# twin's without it (``compare.index_attributes``): it refuses no row and changes no answer
# (stranger76 009, checked on SQLite 3.40 and PostgreSQL 16: 'Bob', 'bob' stored by both, and
# ``= 'bob'``, ``> 'Bob'``, ``ORDER BY name`` read the same with and without the index).
COLLATION_EQUALITIES: dict[str, frozenset[str]] = {
    SQLITE: frozenset({EQUALITY_EXACT, EQUALITY_ASCII_CASE, EQUALITY_TRAILING_SPACE}),
    POSTGRESQL: frozenset({EQUALITY_EXACT, EQUALITY_CASE, EQUALITY_CASE_ACCENT}),
}
# A key to a table that does not exist: SQLite creates it and then fails every write to the
# child (an insert of NULL, an update, a delete: "no such table"), checked on a real SQLite 3.40;
# PostgreSQL refuses to create it (a key read from a live PostgreSQL database to a table outside
# the compared schemas is a real key and is left as it is).
PARENT_TABLE_MISSING: dict[str, str] = {
    SQLITE: 'every write to {child} fails with "no such table"',
}
# What a key with no parent key does besides, when it is DEFERRABLE INITIALLY DEFERRED: SQLite
# then fails every insert into the parent too ("foreign key mismatch", also outside a
# transaction), where its immediate twin lets the parent's rows in (fuzz42 003, checked on a real
# SQLite 3.40).
PARENT_KEY_REFUSED_DEFERRED: dict[str, str] = {
    SQLITE: 'every insert into {parent} fails with "foreign key mismatch" too',
}

# Whether a database refuses ``DROP TABLE`` (without CASCADE) while another table's foreign key
# points at it (PostgreSQL: "other objects depend on it"); SQLite drops it (``migrate`` runs with
# foreign keys off, and a key to a missing table is only checked by the writes to its table).
DROP_TABLE_REFUSED_UNDER_KEYS: dict[str, bool] = {SQLITE: False, POSTGRESQL: True}

# sqlglot's name of each dialect (``read=`` / ``dialect=``).
SQLGLOT_DIALECTS: dict[str, str] = {SQLITE: "sqlite", POSTGRESQL: "postgres"}


@cache
def sqlalchemy_dialect(dialect: str) -> Dialect:
    """SQLAlchemy's dialect object for ``dialect``, made once (imported only when asked: the
    SQLAlchemy dialect modules cost start-up time a check without metadata does not need).

    PostgreSQL's is made with the ``named`` paramstyle: its default (pyformat) makes SQLAlchemy
    double every "%" when rendering DDL, so a CHECK ``name LIKE 'a%'`` would read ``'a%%'``.
    """
    if dialect == SQLITE:
        from sqlalchemy.dialects import sqlite

        return sqlite.dialect()
    if dialect == POSTGRESQL:
        from sqlalchemy.dialects import postgresql

        return postgresql.dialect(paramstyle="named")  # type: ignore[no-untyped-call]
    raise ValueError(f"unknown dialect {dialect!r}; expected one of {', '.join(DIALECTS)}")


def as_read(dialect: Dialect) -> Dialect:
    """``dialect``, or where its paramstyle (a driver's: psycopg's ``pyformat``) doubles each
    "%" of compiled SQL, its kind as the server reads SQL text (``sqlalchemy_dialect``): what
    SQL written into a file or compared with the catalog's text is compiled with."""
    if dialect.paramstyle not in ("format", "pyformat"):
        return dialect
    return sqlalchemy_dialect(dialect.name)
