"""Read-only SQLAlchemy reflection of a live database, for the files ``init`` writes.

The comparer reads databases through the dialect adapters (``twinschema.dialects``); the files
``init`` generates (metadata modules, baseline revisions) are SQLAlchemy and Alembic code, so they
are rendered from SQLAlchemy's own reflection. Both go through the same read-only connections: a
SQLite file opened ``mode=ro`` (or a private copy in WAL mode), a PostgreSQL session whose
transactions are READ ONLY. Nothing here writes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from twinschema.dialects import ReflectOptions
from twinschema.errors import DatabaseError
from twinschema.model import (
    IDENTITY_AUTOINCREMENT,
    MATCH_SIMPLE,
    NO_ACTION,
    OPTION_WITHOUT_ROWID,
    Schema,
    Table,
)
from twinschema.urls import parse_url, redact, scrub


def _creator(url: str, options: ReflectOptions) -> tuple[str, Callable[[], Any]]:
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        from twinschema.dialects import sqlite_files

        path = parsed.database or ""
        return "sqlite://", lambda: sqlite_files.connect(path, options.busy_timeout)
    from twinschema.dialects import postgresql

    return "postgresql+psycopg://", lambda: postgresql.connect(parsed, options)


@contextmanager
def read_only(url: str, options: ReflectOptions) -> Iterator[sa.Connection]:
    """A SQLAlchemy connection on ``url`` that cannot write; errors as one-line
    ``DatabaseError`` naming the redacted URL."""
    base, creator = _creator(url, options)
    engine = sa.create_engine(base, creator=creator, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            yield connection
    except sa.exc.SQLAlchemyError as exc:
        raise DatabaseError(f"{redact(url)}: {scrub(' '.join(str(exc).split()))}") from None
    finally:
        engine.dispose()


def reflect_tables(url: str, options: ReflectOptions, names: Iterable[str]) -> sa.MetaData:
    """The tables ``names`` of the database at ``url``, reflected by SQLAlchemy."""
    metadata = sa.MetaData()
    with read_only(url, options) as connection:
        schema = None
        if connection.dialect.name == "postgresql" and options.schema != "public":
            schema = options.schema
        metadata.reflect(connection, schema=schema, only=sorted(names))
    return metadata


def complete(metadata: sa.MetaData, raw: Schema) -> None:
    """Give the reflected foreign keys the actions the dialect adapter read (``raw``):
    SQLAlchemy's SQLite reflection reads ON DELETE / ON UPDATE only from table-level
    ``FOREIGN KEY`` clauses, not from a column's ``REFERENCES ... ON DELETE CASCADE``. SQLite's
    ``AUTOINCREMENT`` and ``WITHOUT ROWID``, the NOT NULL of a rowid alias, a column's COLLATE and the UNIQUE
    constraints (``_sqlite_uniques``) come from there too, so that the metadata modules and the
    baselines say the same as the comparer reads."""
    for table in metadata.tables.values():
        found = raw.tables.get(table.name)
        if found is None:
            continue
        for fk in table.foreign_key_constraints:
            ref = fk.elements[0].target_fullname.rsplit(".", 2)[-2] if fk.elements else ""
            for key in found.foreign_keys:
                if key.columns == tuple(fk.column_keys) and key.ref_table == ref:
                    fk.ondelete = key.on_delete if key.on_delete != NO_ACTION else None
                    fk.onupdate = key.on_update if key.on_update != NO_ACTION else None
                    fk.deferrable = key.deferrable or None
                    fk.initially = "DEFERRED" if key.initially_deferred else None
                    fk.match = key.match if key.match != MATCH_SIMPLE else None
                    break
        _deferral(table, found)
        for column in table.columns:
            read = found.column(column.name)
            if read is not None and not read.nullable:
                column.nullable = False  # SQLite's INTEGER PRIMARY KEY: the rowid, never NULL
            if read is not None and raw.dialect == "sqlite":
                if read.collation is not None and isinstance(column.type, sa.String):
                    column.type.collation = read.collation.name  # SQLAlchemy reads none there
                _keep_spelling(column, read.type.raw)
        if raw.dialect == "sqlite":
            if any(c.identity == IDENTITY_AUTOINCREMENT for c in found.columns):
                table.dialect_options["sqlite"]["autoincrement"] = True
            if OPTION_WITHOUT_ROWID in found.options:
                table.dialect_options["sqlite"]["with_rowid"] = False
            _sqlite_uniques(table, found)
            _sqlite_expression_indexes(table, found)


def _deferral(table: sa.Table, found: Table) -> None:
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


def _sqlite_expression_indexes(table: sa.Table, found: Table) -> None:
    """The indexes on expressions (``lower(title)``), as the adapter reads them: SQLAlchemy's
    SQLite reflection skips them (with a warning), so the module and the baseline had none."""
    have = {index.name for index in table.indexes}
    columns = {column.name: column for column in table.columns}
    for index in found.indexes:
        if index.name is None or index.name in have:
            continue
        elements = [index.element_text(n) for n in range(len(index.expressions))]
        if all(element in columns for element in elements):
            continue  # on columns only: SQLAlchemy read it, or left it out for a reason of its own
        where = index.raw_where or index.where
        options: dict[str, Any] = {"sqlite_where": sa.text(where)} if where else {}
        made = [columns[e] if e in columns else sa.text(e) for e in elements]
        sa.Index(index.name, *made, unique=index.unique, _table=table, **options)


def _sqlite_uniques(table: sa.Table, found: Table) -> None:
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
    """Give ``column`` SQLite's declared type where SQLAlchemy's spells it otherwise."""
    from sqlalchemy.dialects import sqlite

    from twinschema.declared_types import Declared

    compiled = column.type.compile(dialect=sqlite.dialect())
    if spelling and _squeezed(compiled) != _squeezed(spelling):
        column.type = Declared(spelling, column.type)


def _squeezed(spelling: str) -> str:
    return "".join(spelling.split()).upper()


def sqlite_master(url: str, options: ReflectOptions) -> list[tuple[str, str, str, str]]:
    """``(type, name, tbl_name, sql)`` of every object of a SQLite file, in creation order,
    without SQLite's own (``sqlite_%``) and Alembic's ``alembic_version``."""
    with read_only(url, options) as connection:
        raw = connection.connection.dbapi_connection
        assert isinstance(raw, sqlite3.Connection)
        rows = raw.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND tbl_name <> 'alembic_version' "
            "ORDER BY rowid"
        ).fetchall()
    return [(str(t), str(n), str(tb), str(s)) for t, n, tb, s in rows]


def rows(
    url: str, options: ReflectOptions, query: str, tables: Iterable[str] = ()
) -> list[tuple[Any, ...]]:
    """The rows of one catalog query on a PostgreSQL database: ``%(schema)s`` in it is the
    schema, ``%(tables)s`` the list ``tables``; any other ``%`` is the query's own (``%I``)."""
    escaped = query.replace("%", "%%")
    for name in ("schema", "tables"):
        escaped = escaped.replace(f"%%({name})s", f"%({name})s")
    with read_only(url, options) as connection:
        result = connection.exec_driver_sql(
            escaped, {"schema": options.schema, "tables": list(tables)}
        )
        return [tuple(row) for row in result]
