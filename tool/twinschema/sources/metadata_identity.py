"""How a metadata module's column gets its values when an insert omits it (an identity, a
SQLite rowid alias, a PostgreSQL sequence) and that sequence's options, read as the dialect
adapters read a live database's."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import sqlalchemy as sa

from twinschema.dialects import postgresql_sequences
from twinschema.dialects.postgresql_nextval import nextval_of
from twinschema.model import (
    IDENTITY_ALWAYS,
    IDENTITY_AUTOINCREMENT,
    IDENTITY_BY_DEFAULT,
    IDENTITY_ROWID,
    IDENTITY_SEQUENCE,
    ColumnType,
    Table,
)


def identity_of(
    column: sa.Column[Any], autoincrement: sa.Column[Any] | None, dialect: str, ctype: ColumnType
) -> str | None:
    """How a column gets its values when none is given: an IDENTITY (always or by default), a
    SQLite rowid alias, a sequence; None for none."""
    if column.identity is not None:
        return IDENTITY_ALWAYS if column.identity.always else IDENTITY_BY_DEFAULT
    if column is not autoincrement or column.server_default is not None:
        return None
    if dialect == "sqlite":
        # SQLAlchemy renders a lone integer primary key as INTEGER PRIMARY KEY: a rowid alias
        # (none in a WITHOUT ROWID table), AUTOINCREMENT when the table asks for it.
        options = column.table.dialect_options["sqlite"]
        if ctype.name != "integer" or not options.get("with_rowid", True):
            return None
        return IDENTITY_AUTOINCREMENT if options.get("autoincrement") else IDENTITY_ROWID
    return IDENTITY_SEQUENCE  # PostgreSQL: SERIAL / BIGSERIAL


def sequence_options(
    column: sa.Column[Any], identity: str | None, dialect: str, ctype: ColumnType
) -> str | None:
    """The options of the sequence that generates a PostgreSQL module's column (its
    ``sa.Identity(start=..., increment=...)``, a serial's defaults, or the ``sa.Sequence`` its
    ``nextval()`` default draws from), spelled as the catalog reader spells a live database's
    (``Column.generator``), so that a module's identity is compared with the database's as two
    databases' are (stranger69 002); None for another dialect, no generator, or a sequence a
    ``nextval()`` default names that the module does not give (``sa.Sequence``)."""
    if dialect != "postgresql" or identity is None:
        return None
    found: sa.Identity | sa.Sequence | None = column.identity
    if found is None:
        if identity != IDENTITY_SEQUENCE:
            return None
        if column.server_default is not None:
            # ``sa.Sequence('s', increment=10)`` beside ``server_default=text("nextval('s')")``
            # (what ``init`` writes for a serial with options of its own): that sequence's.
            found = drawn_sequence(column)
            if found is None:
                return None
        else:
            # SERIAL: a sequence with the defaults. (A ``sa.Sequence`` column default alone
            # is the client's: create_all gives the column no nextval() default.)
            return postgresql_sequences.spelled(ctype.name)
    return postgresql_sequences.spelled(
        ctype.name,
        found.start,
        found.increment,
        None if found.nominvalue else found.minvalue,
        None if found.nomaxvalue else found.maxvalue,
        found.cache,
        bool(found.cycle),
    )


def drawn_sequence(column: sa.Column[Any]) -> sa.Sequence | None:
    """The ``sa.Sequence`` a column names as its default when its ``nextval()`` server default
    draws from that same sequence (by its name, quoted or not); None otherwise. ``revision``
    writes a change of its options (``revision_pg_sequences``)."""
    sequence, default = column.default, column.server_default
    if not isinstance(sequence, sa.Sequence) or not isinstance(default, sa.DefaultClause):
        return None
    found = nextval_of(str(getattr(default.arg, "text", default.arg)))
    parts = None if found is None else found.parts
    if parts is None or parts[-1] != sequence.name:
        return None
    return sequence if len(parts) == 1 or parts[-2] == sequence.schema else None


def _sequence_of(table: sa.Table, column: sa.Column[Any]) -> str | None:
    """The name of the sequence a PostgreSQL module's column takes its ids from: the one its
    ``nextval()`` default names, else its own (a serial's or an identity's, which PostgreSQL
    names ``<table>_<column>_seq``); None where it takes none."""
    default = column.server_default
    if isinstance(default, sa.DefaultClause):
        found = nextval_of(str(getattr(default.arg, "text", default.arg)))
        parts = None if found is None else found.parts
        return None if parts is None else ".".join(parts)
    if column.identity is not None or column is table.autoincrement_column:
        return f"{table.name}_{column.name}_seq"
    return None


def id_sharers(
    tables: Iterable[sa.Table],
) -> dict[tuple[str, str], tuple[tuple[str, ...], bool]]:
    """For a PostgreSQL module, each (table, column) whose sequence other tables' columns draw
    from too, with those tables (sorted), as the adapter reads a database's
    (``Column.shares_ids_with``): a key taking ``nextval('stage_id_seq')`` moves with stage's;
    and whether it borrows that sequence (``Column.borrows_ids``: a ``nextval()`` server default
    of its own, where a serial or an identity owns the sequence create_all makes for it)."""
    drawing: dict[str, list[tuple[str, str, bool]]] = {}
    for table in tables:
        for column in table.columns:
            sequence = _sequence_of(table, column)
            if sequence is not None:
                borrows = isinstance(column.server_default, sa.DefaultClause)
                drawing.setdefault(sequence, []).append((table.name, column.name, borrows))
    return {
        (table, column): (tuple(sorted({t for t, _, _ in columns if t != table})), borrows)
        for columns in drawing.values()
        for table, column, borrows in columns
        if any(t != table for t, _, _ in columns)
    }


def shares_ids(table: Table, column: str, shared: tuple[tuple[str, ...], bool]) -> Table:
    """``table`` with its ``column`` sharing its ids with the tables ``id_sharers`` gives, and
    whether it borrows the sequence."""
    sharers, borrows = shared
    columns = tuple(
        replace(c, shares_ids_with=sharers, borrows_ids=borrows) if c.name == column else c
        for c in table.columns
    )
    return replace(table, columns=columns)
