"""What SQLAlchemy's reflection leaves out of a table, put back from what a dialect adapter read
of it: ``init`` completes the tables it renders (``adopt.reflection.complete``), and a SQLite
batch migration's copy of a table is completed the same way while a chain runs
(``alembic_declared``), so that both say what the comparer reads."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from twinschema.model import (
    IDENTITY_AUTOINCREMENT,
    MATCH_SIMPLE,
    NO_ACTION,
    OPTION_STRICT,
    OPTION_WITHOUT_ROWID,
    Table as ReadTable,
)
from twinschema.sql_names import sql_name


def complete_table(table: sa.Table, found: ReadTable, dialect: str) -> None:
    """Give ``table`` (reflected by SQLAlchemy) what the adapter read of it (``found``) and
    SQLAlchemy's reflection leaves out: its foreign keys' actions, deferral and MATCH (SQLite's
    are read from a table-level ``FOREIGN KEY`` clause only, not from a column's ``REFERENCES
    ... ON DELETE CASCADE``), the deferral of its primary key and UNIQUE constraints, the NOT
    NULL of a rowid alias; on SQLite also a column's COLLATE, declared type spelling and
    generated expression, ``AUTOINCREMENT``, ``WITHOUT ROWID`` and the UNIQUE constraints
    (``_sqlite_uniques``)."""
    for fk in table.foreign_key_constraints:
        complete_key(fk, found)
    _deferral(table, found)
    for column in table.columns:
        read = found.column(column.name)
        if read is not None and not read.nullable:
            column.nullable = False  # SQLite's INTEGER PRIMARY KEY: the rowid, never NULL
        if read is not None and dialect == "sqlite":
            if read.collation is not None and isinstance(column.type, sa.String):
                column.type.collation = read.collation.name  # SQLAlchemy reads none there
            _keep_spelling(column, read.type.raw)
            if read.generated is not None and column.computed is not None:
                # SQLAlchemy finds the expression with a pattern that stops at the first comma
                # and wants ``GENERATED ALWAYS``: ``NUMERIC(14,2) GENERATED ALWAYS AS (q * 2)``,
                # ``AS (substr(n, 1, 3))`` and the short ``x REAL AS (q / 2.0)`` came out wrong
                column.computed.sqltext = sa.text(read.generated.raw)
    if dialect == "sqlite":
        if any(c.identity == IDENTITY_AUTOINCREMENT for c in found.columns):
            table.dialect_options["sqlite"]["autoincrement"] = True
        if OPTION_WITHOUT_ROWID in found.options:
            table.dialect_options["sqlite"]["with_rowid"] = False
        if OPTION_STRICT in found.options:
            table.dialect_options["sqlite"]["strict"] = True
        _sqlite_uniques(table, found)


def complete_key(fk: sa.ForeignKeyConstraint, found: ReadTable) -> None:
    """Give a reflected foreign key of ``found``'s table the actions, deferral and MATCH the
    adapter read (matched by its columns and referenced table, case-blind as SQLite is), and
    the columns of PostgreSQL 15's ``ON DELETE SET NULL (b)``, which SQLAlchemy compiles as
    given and its reflection reads as a plain SET NULL (stranger69 leftovers: ``init`` wrote
    ``ondelete='SET NULL'``, which sets every column of the key)."""
    ref = fk.elements[0].target_fullname.rsplit(".", 2)[-2] if fk.elements else ""
    own = [c.lower() for c in fk.column_keys]
    for key in found.foreign_keys:
        if [c.lower() for c in key.columns] == own and key.ref_table.lower() == ref.lower():
            fk.ondelete = key.on_delete if key.on_delete != NO_ACTION else None
            if fk.ondelete and key.on_delete_columns:  # PostgreSQL 15's SET NULL (b)
                listed = ", ".join(sql_name(c) for c in key.on_delete_columns)
                fk.ondelete = f"{fk.ondelete} ({listed})"
            fk.onupdate = key.on_update if key.on_update != NO_ACTION else None
            fk.deferrable = key.deferrable or None
            fk.initially = "DEFERRED" if key.initially_deferred else None
            fk.match = key.match if key.match != MATCH_SIMPLE else None
            return


def _deferral(table: sa.Table, found: ReadTable) -> None:
    """Give the primary key and the UNIQUE constraints the DEFERRABLE and INITIALLY DEFERRED
    the adapter read: SQLAlchemy's reflection reads them for foreign keys only."""
    if found.primary_key_deferrable:
        table.primary_key.deferrable = True
        table.primary_key.initially = "DEFERRED" if found.primary_key_initially_deferred else None
    rules = {frozenset(u.columns): u for u in found.uniques if u.deferrable}
    for uq in [c for c in table.constraints if isinstance(c, sa.UniqueConstraint)]:
        rule = rules.get(frozenset(c.name for c in uq.columns))
        if rule is not None:
            uq.deferrable = True
            uq.initially = "DEFERRED" if rule.initially_deferred else None


def _sqlite_uniques(table: sa.Table, found: ReadTable) -> None:
    """The UNIQUE constraints SQLite keeps (an index of origin ``u``, as the adapter reads
    them), in place of those SQLAlchemy's reflection finds by matching the CREATE TABLE text: it
    misses a column's UNIQUE written after a parenthesis or a quote (``Lock CHAR(1) NOT NULL
    DEFAULT 'X' UNIQUE``), and keeps a ``UNIQUE (token)`` that repeats the primary key, which
    SQLite (as PostgreSQL) folds into the key's own index: no such constraint exists."""
    by_name = {c.name.lower(): c for c in table.columns}
    kept = {frozenset(n.lower() for n in u.columns) for u in found.uniques}
    primary_key = frozenset(n.lower() for n in found.primary_key)
    for uq in [c for c in table.constraints if isinstance(c, sa.UniqueConstraint)]:
        key = frozenset(c.name.lower() for c in uq.columns)
        if key not in kept and key == primary_key:
            table.constraints.discard(uq)
    present = {
        frozenset(c.name.lower() for c in uq.columns)
        for uq in table.constraints
        if isinstance(uq, sa.UniqueConstraint)
    }
    for unique in found.uniques:
        columns = [by_name.get(n.lower()) for n in unique.columns]
        known = [c for c in columns if c is not None]
        if frozenset(n.lower() for n in unique.columns) in present or len(known) < len(columns):
            continue
        table.append_constraint(sa.UniqueConstraint(*known, name=unique.name))


def _keep_spelling(column: sa.Column[Any], spelling: str) -> None:
    """Give ``column`` SQLite's declared type where SQLAlchemy's spells it otherwise. A column
    declared without a type (``note``, ``label AS (...)``: BLOB affinity, nothing converted),
    which SQLAlchemy reads as ``NullType`` and cannot compile, is ``Declared("", NullType())``:
    its DDL declares no type again, and a SQLite batch can copy its table (stranger44 019)."""
    from sqlalchemy.dialects import sqlite

    from twinschema.declared_types import Declared

    if isinstance(column.type, sa.types.NullType):
        column.type = Declared(spelling, column.type)
        return
    try:
        compiled = column.type.compile(dialect=sqlite.dialect())
    except sa.exc.CompileError:
        return
    if spelling and _squeezed(compiled) != _squeezed(spelling):
        column.type = Declared(spelling, column.type)


def _squeezed(spelling: str) -> str:
    return "".join(spelling.split()).upper()
