"""Two foreign keys from one child row to one parent row, with different actions: the order the
database runs them in decides what a DELETE or UPDATE of the parent does (``compare.key_order``).

Every pair of actions, on one column or on two columns, is built on real SQLite and PostgreSQL
databases with the keys declared in both orders; the statement is run on each, and every two of
those four databases compared: a ``foreign_key`` difference exactly when the two real databases
end differently (same DDL on both sides included). A side whose source records no order (a
metadata module) is a difference wherever some order would end otherwise.
"""

from __future__ import annotations

import itertools
import sqlite3
from dataclasses import replace
from typing import Any

import psycopg
import pytest
from probes import Loader

from twinschema.compare import Side, compare
from twinschema.model import Schema
from twinschema.sources import make_canonical

ACTIONS = ("CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION")
SHAPES = [
    (event, columns, pair)
    for event in ("DELETE", "UPDATE")
    for columns in ("a a", "a b")
    for pair in itertools.combinations(ACTIONS, 2)
]
STATEMENTS = {"DELETE": "DELETE FROM p WHERE id = 1", "UPDATE": "UPDATE p SET id = 2 WHERE id = 1"}


def _ddl(event: str, columns: str, keys: list[tuple[str, str]]) -> str:
    """Parent p (rows 1 and 9), child c with ``keys`` (column, action on ``event``) declared in
    that order; the child's columns default to 9, an existing parent (for SET DEFAULT)."""
    own = "a integer DEFAULT 9" + (", b integer DEFAULT 9" if columns == "a b" else "")
    declared = ", ".join(
        f"FOREIGN KEY ({col}) REFERENCES p (id) ON {event} {action}" for col, action in keys
    )
    return (
        "CREATE TABLE p (id integer PRIMARY KEY);\n"
        f"CREATE TABLE c (id integer PRIMARY KEY, {own}, {declared});\n"
    )


def _rows(columns: str) -> list[str]:
    child = "(1, 1, 1)" if columns == "a b" else "(1, 1)"
    return ["INSERT INTO p VALUES (1), (9)", f"INSERT INTO c VALUES {child}"]


def _ended(loader: Loader, dialect: str, handle: Any, columns: str, statement: str) -> object:
    """What ``statement`` leaves of c on a loaded side, or "refused"."""
    if dialect == "sqlite":
        handle.execute("PRAGMA foreign_keys = ON")
        for sql in _rows(columns):
            handle.execute(sql)
        try:
            handle.execute(statement)
        except sqlite3.Error:
            return "refused"
        return tuple(handle.execute("SELECT * FROM c ORDER BY id").fetchall())
    conn = loader.held("ddl")
    conn.execute(f"SET search_path TO {handle}, public")
    for sql in _rows(columns):
        conn.execute(sql.encode())
    try:
        conn.execute(statement.encode())
    except psycopg.Error:
        return "refused"
    return tuple(tuple(r) for r in conn.execute(b"SELECT * FROM c ORDER BY id").fetchall())


def _built(loader: Loader, shape: tuple[str, str, tuple[str, str]]) -> list[Any]:
    """The four databases of ``shape`` (each dialect, each declaration order): a label, the
    schema as read, and what the statement left."""
    event, columns, pair = shape
    found = []
    for dialect in ("sqlite", "postgresql"):
        keys = list(zip(columns.split(), pair, strict=True))  # the first action on a
        for declared in (keys, keys[::-1]):
            with loader.load(dialect, _ddl(event, columns, declared)) as handle:
                schema = make_canonical(loader.schema(dialect, handle, dialect), None)
                ended = _ended(loader, dialect, handle, columns, STATEMENTS[event])
            said = " then ".join(f"{col} {action}" for col, action in declared)
            found.append((f"{dialect} {said}", schema, ended))
    return found


def _kinds(left: Schema, right: Schema) -> set[str]:
    found = compare(Side(left, "a", "a"), Side(right, "b", "b"), layer="diff", domain=None)
    return {d.kind for d in found.differences if d.kind == "foreign_key"}


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: f"{s[0]}-{s[1]}-{'-'.join(s[2])}")
def test_a_difference_exactly_where_the_real_databases_end_apart(
    loader: Loader, shape: tuple[str, str, tuple[str, str]]
) -> None:
    """Each two of the four databases: a foreign_key difference iff the statement left them
    apart; with one side's order unknown, also wherever another order would leave them so."""
    built = _built(loader, shape)
    for (lname, left, lend), (rname, right, rend) in itertools.product(built, repeat=2):
        if lname.split()[0] == "postgresql" and rname.split()[0] == "sqlite":
            continue  # the pairs compared are sqlite/sqlite, postgresql/postgresql, sqlite/pg
        apart = lend != rend
        assert (_kinds(left, right) == {"foreign_key"}) == apart, (
            f"{shape}: {lname} left {lend}, {rname} left {rend}"
        )
    # A side without a recorded order: a difference iff some order of that side ends apart.
    ends = {
        dialect: {e for n, _, e in built if n.startswith(dialect)}
        for dialect in ("sqlite", "postgresql")
    }
    for lname, left, _ in built:
        unknown = _without_order(left)
        for rname, right, rend in built:
            dialect = lname.split()[0]
            apart = ends[dialect] != {rend}
            assert (_kinds(unknown, right) == {"foreign_key"}) == apart, (
                f"{shape}: {dialect} (no order) may leave {ends[dialect]}, {rname} left {rend}"
            )


def _without_order(schema: Schema) -> Schema:
    """``schema`` as a source that records no order of the keys (a metadata module) reads."""
    tables = {
        name: replace(t, foreign_keys=tuple(replace(k, fires=None) for k in t.foreign_keys))
        for name, t in schema.tables.items()
    }
    return replace(schema, tables=tables)


def _metadata(actions: tuple[str, str]) -> Any:
    """p, and c with two keys on a to p whose ON DELETE actions are ``actions``, in that order."""
    import sqlalchemy as sa

    metadata = sa.MetaData()
    sa.Table("p", metadata, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "c",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("a", sa.Integer),
        *(sa.ForeignKeyConstraint(["a"], ["p.id"], ondelete=action) for action in actions),
    )
    return metadata


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_a_metadata_module_runs_its_keys_in_the_order_create_all_declares_them(
    loader: Loader, dialect: str
) -> None:
    """A module is read in the order ``create_all`` creates its keys in: the database it builds
    (real, keys in that order) is in sync with it, the same keys declared the other way round
    are a difference (CASCADE then SET NULL, and SET NULL then CASCADE, end apart)."""
    import sqlalchemy as sa
    from sqlalchemy.schema import CreateTable

    from twinschema.sources.metadata import from_metadata

    pair = ("CASCADE", "SET NULL")
    module = make_canonical(from_metadata(_metadata(pair), dialect, "models.py"), None)
    engine = sa.create_engine("sqlite://" if dialect == "sqlite" else "postgresql+psycopg://")
    built = ";\n".join(str(CreateTable(t).compile(engine)) for t in _metadata(pair).sorted_tables)
    for sql, apart in (
        (built, False),
        (_ddl("DELETE", "a a", [("a", a) for a in pair[::-1]]), True),
    ):
        with loader.load(dialect, sql) as handle:
            schema = make_canonical(loader.schema(dialect, handle, dialect), None)
        assert (_kinds(module, schema) == {"foreign_key"}) == apart, sql
