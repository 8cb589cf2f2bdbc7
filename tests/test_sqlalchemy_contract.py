"""SQLAlchemy publishes no API for "a table's constraints in the order they were declared":
``Table.constraints``, ``Column.constraints`` and ``Table.foreign_key_constraints`` are sets,
whose order follows object addresses. twinschema reads a metadata module's CHECKs, keys and
UNIQUEs in that order (``sources.metadata_parts.declared``: a report's order, and which key's
action SQLite runs first, ``fires_in``), by the private ``_creation_order`` SQLAlchemy's own DDL
compiler sorts by. pyproject allows SQLAlchemy 2.0.30 to below 2.2; this fails loudly if an
allowed release drops that attribute or stops writing CREATE TABLE in that order."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from twinschema.records import sqlalchemy_dialect
from twinschema.sources.metadata_parts import declared, fires_in

# Declared in this order, each kind twice and interleaved, none in the order of its name.
NAMES = ["ck_z", "fk_y", "uq_x", "ck_w", "fk_v", "uq_u"]


def _table() -> sa.Table:
    metadata = sa.MetaData()
    sa.Table("p", metadata, sa.Column("id", sa.Integer, primary_key=True))
    return sa.Table(
        "t",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("a", sa.Integer, sa.CheckConstraint("a > 1", name="ck_a2"), nullable=True),
        sa.Column("b", sa.Integer, sa.CheckConstraint("b > 0", name="ck_b1")),
        sa.CheckConstraint("a > 0", name="ck_z"),
        sa.ForeignKeyConstraint(["a"], ["p.id"], name="fk_y", ondelete="CASCADE"),
        sa.UniqueConstraint("a", name="uq_x"),
        sa.CheckConstraint("b < 9", name="ck_w"),
        sa.ForeignKeyConstraint(["b"], ["p.id"], name="fk_v", ondelete="SET NULL"),
        sa.UniqueConstraint("b", name="uq_u"),
    )


def test_every_constraint_carries_a_creation_order() -> None:
    table = _table()
    constraints = [*table.constraints, *table.c.a.constraints, *table.c.b.constraints]
    assert all(isinstance(c._creation_order, int) for c in constraints)


def test_declared_gives_the_order_of_declaration() -> None:
    table = _table()
    named = [c.name for c in declared(table.constraints) if c.name in NAMES]
    assert named == NAMES
    # A column's own CHECKs (a set of its own), and two columns' in the order of their columns.
    assert [c.name for c in declared(table.c.a.constraints)] == ["ck_a2"]
    both = declared([*table.c.b.constraints, *table.c.a.constraints])
    assert [c.name for c in both] == ["ck_a2", "ck_b1"]


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_create_table_writes_them_in_that_order(dialect: str) -> None:
    """The order ``declared`` gives is the order CREATE TABLE writes, on both dialects."""
    table = _table()
    ddl = str(sa.schema.CreateTable(table).compile(dialect=sqlalchemy_dialect(dialect)))
    written = sorted(NAMES, key=lambda name: ddl.index(f"CONSTRAINT {name} "))
    assert written == [c.name for c in declared(table.constraints) if c.name in NAMES]


@pytest.mark.parametrize(("dialect", "places"), [("sqlite", [1, 0]), ("postgresql", [0, 1])])
def test_the_keys_fire_in_declared_order(dialect: str, places: list[int]) -> None:
    """SQLite runs the last-declared key's action first (``LAST_DECLARED_KEY_FIRST``)."""
    table = _table()
    keys = {c.name: c for c in table.foreign_key_constraints}
    assert [fires_in(keys[n], dialect, table) for n in ("fk_y", "fk_v")] == [(p, p) for p in places]
