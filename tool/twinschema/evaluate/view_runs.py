"""A view run over base rows on a scratch database of its own dialect (``view_answers``).

Each run makes the view's base tables (their columns with each side's own types, NOT NULL and
CHECKs) and the view with its side's own definition in a place of its own: a fresh in-memory
SQLite database, or a schema of the PostgreSQL scratch database made in a transaction that is
rolled back. It inserts the rows given (each alone, so that a row the table refuses is known),
reads the view, and forgets everything: the database being checked is never touched. On
PostgreSQL the rows tried alone go many to a round trip (``pg_pipeline``), each after a savepoint
of its own: a refused row costs one round trip more, a stored one none (one at a time, three
statements a row, they were 4,553 of a Sakila diff's 6,128 round trips).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from twinschema.evaluate.backends import Backend, first_line, for_sqlite
from twinschema.evaluate.pg_backend import PostgreSQLBackend, as_literals
from twinschema.evaluate.pg_pipeline import Pipe, Statement, attempts, pipelined
from twinschema.evaluate.statements import probe_column, type_sql
from twinschema.model import ColumnType, Schema, SchemaObject, Table
from twinschema.records.dialects import DIALECT_NAMES

# The schema each PostgreSQL run makes its tables and views in (gone with its rollback).
_SCHEMA = "twinschema_views"
# Each row tried alone is inserted after a savepoint of its own, released once it is stored
# and rolled back to where it is refused (the rows stored before it stay), as one at a time.
_SAVE_ROW = b"SAVEPOINT twinschema_view_row"
_RELEASE_ROW = b"RELEASE SAVEPOINT twinschema_view_row"
_UNDO_ROW = (b"ROLLBACK TO SAVEPOINT twinschema_view_row", _RELEASE_ROW)


@dataclass(frozen=True)
class Base:
    """One base table as a run makes it: its name in its database, the columns rows give (own
    names and types, in the order of the probe rows' values) and its CREATE TABLE."""

    name: str
    columns: tuple[tuple[str, ColumnType], ...]
    create: str
    all_columns: tuple[tuple[str, ColumnType], ...] = ()  # every stored column of the table
    # The generated columns it computes with its side's own expression (own names; none
    # where the views read none: a copy need not make one it cannot, stranger76 007).
    computed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    """What one side runs: its base tables, its CREATE VIEW statements (those the view reads
    first) and the query that reads the view."""

    dialect: str
    bases: tuple[Base, ...]
    views: tuple[str, ...]
    select: str
    types: tuple[str, ...] = ()  # PostgreSQL: the enum types the tables' columns name
    # PostgreSQL: the checked database's TimeZone, the run's session's (stranger76 012:
    # starts_at::date of 02:00 UTC is the day before in America/New_York); None: UTC.
    zone: str | None = None


@dataclass(frozen=True)
class Answer:
    """What a run gave: per base table, what each row stored (its values read back as the
    table keeps them; None: the table refused it), where the run ``tried`` each row alone;
    and the view's rows, or the error reading it gave (``failed``). ``setup``: the tables or
    views could not be made (the message), nothing else is set."""

    stored: tuple[tuple[tuple[Any, ...] | None, ...], ...] = ()
    rows: tuple[tuple[Any, ...], ...] = ()
    failed: str | None = None
    setup: str | None = None


def quoted(name: str) -> str:
    """``name`` as a double-quoted identifier (both dialects read it so)."""
    return '"' + name.replace('"', '""') + '"'


def base_of(table: Table, columns: Sequence[str], computed: bool = False) -> Base:
    """Table ``table`` as a run makes it, rows giving ``columns`` (logical names); with
    ``computed`` its generated columns too, each with its side's own expression as the
    catalog holds it (SQLite's table SQL, PostgreSQL's pg_get_expr) and its own storage, so
    that a view reading one reads what the database computes (stranger94b 005: SQLite's
    ``CAST(julianday(check_out) - julianday(check_in) AS INTEGER)`` VIRTUAL against
    PostgreSQL's ``check_out - check_in`` STORED). A column rows do not give (on this side
    only) is made nullable: NOT NULL there refused every probe row, and a view over the table
    was "the same rows" on the other tables' rows alone (stranger94b 007: rooms.out_of_order
    added on the device only lost tonight_occupancy's witness); no view run reads it
    (``view_pair``)."""
    given = [table.column(c) for c in columns]
    parts, every, made = [], [], []
    for col in table.columns:
        if col.generated is not None and not computed:
            continue
        own, ctype = probe_column(col)
        every.append((own, ctype))
        generated = ""
        if col.generated is not None:
            expression = col.generated.raw or col.generated.expression
            generated = f" GENERATED ALWAYS AS ({expression}) {col.generated.storage.upper()}"
            made.append(own)
        null = col.nullable or (col.generated is None and col.name not in columns)
        parts.append(f"{quoted(own)} {type_sql(ctype)}{generated}" + ("" if null else " NOT NULL"))
    parts += [f"CHECK ({c.raw or c.expression})" for c in table.checks]
    name = table.physical or table.name
    create = f"CREATE TABLE {quoted(name)} ({', '.join(parts)})"
    own_columns = tuple(probe_column(c) for c in given if c is not None)
    return Base(name, own_columns, create, tuple(every), tuple(made))


def view_statement(dialect: str, view: SchemaObject) -> str:
    """The statement that makes ``view`` again: SQLite keeps its CREATE VIEW, PostgreSQL's
    catalog its SELECT."""
    text = view.raw.strip().rstrip(";")
    if dialect == "sqlite":
        return text
    return f"CREATE VIEW {quoted(view.name)} AS {text}"


def plan_of(
    schema: Schema, bases: Sequence[Base], views: Sequence[SchemaObject], name: str
) -> Plan:
    """A side's plan: ``bases``, ``views`` (dependencies first) and the read of view ``name``."""
    made = tuple(view_statement(schema.dialect, v) for v in views)
    types = _enum_types(bases) if schema.dialect == "postgresql" else ()
    zone = schema.timezone if schema.dialect == "postgresql" else None
    select = f"SELECT * FROM {quoted(name)}"
    return Plan(schema.dialect, tuple(bases), made, select, types, zone)


def _enum_types(bases: Sequence[Base]) -> tuple[str, ...]:
    """CREATE TYPE ... AS ENUM of each enum type the bases' columns name, its labels in their
    order, in the run's own schema (a qualified name: in its schema, made if missing)."""
    made: dict[str, tuple[str, ...]] = {}
    for base in bases:
        for _, ctype in base.all_columns:
            parts = ctype.raw.split(".") if ctype.raw else []
            if ctype.values is None or not 1 <= len(parts) <= 2:
                continue
            labels = ", ".join("'" + v.replace("'", "''") + "'" for v in ctype.values)
            name = ".".join(quoted(p.strip('"')) for p in parts)
            schema = (f"CREATE SCHEMA IF NOT EXISTS {quoted(parts[0])}",) if len(parts) == 2 else ()
            made.setdefault(ctype.raw, (*schema, f"CREATE TYPE {name} AS ENUM ({labels})"))
    return tuple(s for statements in made.values() for s in statements)


def _insert(base: Base, mark: str) -> str:
    names = ", ".join(quoted(n) for n, _ in base.columns)
    marks = ", ".join(mark for _ in base.columns)
    return f"INSERT INTO {quoted(base.name)} ({names}) VALUES ({marks}) RETURNING {names}"


def run(
    plan: Plan,
    rows: Sequence[Sequence[tuple[Any, ...]]],
    backend: Backend | None,
    tried: bool = False,
) -> Answer:
    """Run ``plan`` with ``rows`` (per base table, in ``plan.bases``' order): on SQLite in a
    fresh in-memory database, on PostgreSQL on ``backend``'s scratch database. With ``tried``
    each row is inserted alone and what it stored is read back (``Answer.stored``); without,
    every row must be taken (rows ``tried`` before), and a row refused is the run's failure."""
    if plan.dialect == "sqlite":
        return _sqlite(plan, rows)
    if not isinstance(backend, PostgreSQLBackend):
        return Answer(setup="no scratch PostgreSQL database")
    if tried:
        return _postgresql(plan, rows, backend)
    return _pipelined(plan, rows, backend)


def _sqlite(plan: Plan, rows: Sequence[Sequence[tuple[Any, ...]]]) -> Answer:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        try:
            for statement in (*(b.create for b in plan.bases), *plan.views):
                conn.execute(statement)
        except sqlite3.Error as exc:
            return Answer(setup=first_line(exc))
        stored = []
        for base, given in zip(plan.bases, rows, strict=True):
            insert = _insert(base, "?")
            kept: list[tuple[Any, ...] | None] = []
            for row in given:
                try:
                    back = conn.execute(insert, tuple(for_sqlite(v) for v in row)).fetchone()
                    kept.append(None if back is None else tuple(back))
                except (sqlite3.Error, OverflowError):
                    kept.append(None)
            stored.append(tuple(kept))
        try:
            found = tuple(tuple(r) for r in conn.execute(plan.select).fetchall())
        except sqlite3.Error as exc:
            return Answer(tuple(stored), failed=first_line(exc))
        return Answer(tuple(stored), found)
    finally:
        conn.close()


def _made(plan: Plan) -> list[bytes]:
    """The statements that make a plan's schema, tables and views (in a transaction), in the
    checked database's TimeZone where it has one (a live server's: a view reading the date or
    the text of a timestamptz answers in it)."""
    made = [f"CREATE SCHEMA {_SCHEMA}", f"SET LOCAL search_path = {_SCHEMA}, public"]
    if plan.zone:  # the checked database's TimeZone, for this transaction only
        made.append("SET LOCAL TimeZone = '" + plan.zone.replace("'", "''") + "'")
    statements = (*made, *plan.types, *(b.create for b in plan.bases), *plan.views)
    return [s.encode() for s in statements]


def _pipelined(
    plan: Plan, rows: Sequence[Sequence[tuple[Any, ...]]], backend: PostgreSQLBackend
) -> Answer:
    """A run of rows tried before: the tables and views made, the rows, the view read and
    all rolled back, in one round trip (``pg_pipeline.attempts``, one unit: it stops at the
    first statement that fails, which tells the setup from the rows); where one fails, the
    rollback after, in another."""
    import psycopg

    if backend.lost is not None:
        return Answer(setup=f"the scratch connection was lost: {backend.lost}")
    inserts: list[Statement] = []
    for base, given in zip(plan.bases, rows, strict=True):
        insert = _insert(base, "%s").encode()
        inserts += [(insert, row) for row in as_literals(base.columns, list(given))]
    made: list[Statement] = [(s, None) for s in (b"BEGIN", *_made(plan))]
    unit = [*made, *inserts, (plan.select.encode(), None), (b"ROLLBACK", None)]
    try:
        (got,) = attempts(backend.conn, (), [unit])
    except psycopg.Error as exc:  # the connection lost
        _rollback(backend)
        return Answer(setup=first_line(exc))
    if got.failed is None:
        return Answer(rows=tuple(tuple(r) for r in got.rows[-2] or ()))
    _rollback(backend)
    error = got.error or ""
    return Answer(setup=error) if got.failed < len(made) else Answer(failed=error)


def _rollback(backend: PostgreSQLBackend) -> None:
    import psycopg

    try:
        backend.conn.execute(b"ROLLBACK")
    except psycopg.Error as exc:
        backend.lost = first_line(exc)


def _postgresql(
    plan: Plan, rows: Sequence[Sequence[tuple[Any, ...]]], backend: PostgreSQLBackend
) -> Answer:
    import psycopg

    if backend.lost is not None:
        return Answer(setup=f"the scratch connection was lost: {backend.lost}")
    conn = backend.conn
    try:
        try:
            pipelined(conn, [b"BEGIN", *_made(plan)])
        except psycopg.Error as exc:
            return Answer(setup=first_line(exc))
        pipe = Pipe(conn, _UNDO_ROW)
        stored = []
        for base, given in zip(plan.bases, rows, strict=True):
            command = _insert(base, "%s").encode()
            units = [
                [(_SAVE_ROW, None), (command, row), (_RELEASE_ROW, None)]
                for row in as_literals(base.columns, list(given))
            ]
            kept: list[tuple[Any, ...] | None] = []
            for got in pipe.attempts(units):
                back = got.rows[1] if got.failed is None else None
                kept.append(tuple(back[0]) if back else None)
            stored.append(tuple(kept))
        try:  # after the undo of the last row where it was refused
            found = tuple(tuple(r) for r in pipe.pipelined([plan.select.encode()]) or ())
        except psycopg.Error as exc:
            return Answer(tuple(stored), failed=first_line(exc))
        return Answer(tuple(stored), found)
    except psycopg.Error as exc:
        return Answer(setup=first_line(exc))
    finally:
        _rollback(backend)


def not_copied(plan: Plan, when: str, error: str) -> str:
    """Why a view could not be run on ``plan``'s scratch copy: the copies hold its tables'
    columns, types and CHECKs only (stranger76 007: Sakila's film_list "function
    group_concat(text) does not exist" read as if the source lacked the aggregate it makes),
    and the generated columns the views read, each with its own expression (named: one that
    calls a function of the source's cannot be copied)."""
    made = [f"{b.name}.{c}" for b in plan.bases for c in b.computed]
    also = f" and the generated columns it reads ({', '.join(made)}) with their own expressions"
    return (
        f"it fails on the {DIALECT_NAMES[plan.dialect]} scratch copy of its tables{when}; the "
        f"copies hold the tables' columns, types and CHECKs{also if made else ''}, not the "
        f"source's own functions, aggregates, extensions or virtual tables: {error}"
    )
