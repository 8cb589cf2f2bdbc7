"""Synthetic twin schemas for the benchmark: N tables, the same design on SQLite and PostgreSQL.

One seeded description (``describe``) is turned into two SQLAlchemy ``MetaData`` objects, one per
dialect, with each dialect's native types (uuid, timestamptz, jsonb, boolean, bigint, numeric on
PostgreSQL; text, integer + CHECK (x IN (0, 1)), numeric on SQLite). The live databases are built
from those same objects with ``metadata.create_all``, so a live database equals its metadata by
construction, and the benchmark can assert that twinschema reports no difference.

Each table has 12 or 13 columns of mixed kinds, one or two foreign keys with ON DELETE actions, a
composite index, a partial index, a unique constraint and a CHECK constraint whose bound varies
per table (as real CHECKs do, so the expression cache is not flattered by one repeated text).
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg, sqlite as sqlite_dialect
from sqlalchemy.schema import CreateIndex, CreateTable

SEED = 20240605
SIZES = (50, 200, 1000, 5000)
ON_DELETE = ("CASCADE", "SET NULL", "RESTRICT", "NO ACTION", "SET DEFAULT")
STATUSES = ("new", "active", "paused", "archived")


@dataclass(frozen=True)
class TableSpec:
    """One generated table: what varies from one table to the next."""

    name: str
    parent: str  # the table the first foreign key references (itself for the first table)
    parent_on_delete: str
    owner: str | None  # a second foreign key's table, for about half the tables
    owner_on_delete: str
    code_length: int
    precision: int
    scale: int
    limit: int  # the CHECK's upper bound
    archived: str  # the status the partial index leaves out


def describe(n: int, seed: int = SEED) -> list[TableSpec]:
    """The seeded description of a schema of ``n`` tables (same ``n`` and seed, same schema)."""
    rng = random.Random(seed * 100_003 + n)
    specs: list[TableSpec] = []
    for i in range(n):
        name = f"t{i:05d}"
        parent = specs[rng.randrange(i)].name if i else name
        owner = specs[rng.randrange(i)].name if i and rng.random() < 0.5 else None
        specs.append(
            TableSpec(
                name=name,
                parent=parent,
                parent_on_delete=rng.choice(("CASCADE", "RESTRICT", "NO ACTION")),
                owner=owner,
                owner_on_delete=rng.choice(("SET NULL", "CASCADE", "SET DEFAULT")),
                code_length=rng.choice((16, 32, 40, 64, 120)),
                precision=rng.choice((10, 12, 14, 18)),
                scale=rng.choice((0, 2, 4)),
                limit=rng.randrange(100, 1_000_000),
                archived=rng.choice(STATUSES),
            )
        )
    return specs


def _table(metadata: sa.MetaData, spec: TableSpec, dialect: str) -> sa.Table:
    is_pg = dialect == "postgresql"
    uuid: sa.types.TypeEngine[object] = pg.UUID() if is_pg else sa.Text()
    moment: sa.types.TypeEngine[object] = sa.DateTime(timezone=True) if is_pg else sa.Text()
    now = sa.text("now()") if is_pg else sa.text("CURRENT_TIMESTAMP")
    parts: list[sa.SchemaItem] = [
        sa.Column("id", uuid, primary_key=True),
        sa.Column(
            "parent_id",
            uuid,
            sa.ForeignKey(f"{spec.parent}.id", ondelete=spec.parent_on_delete),
            nullable=spec.parent_on_delete != "CASCADE",
        ),
        sa.Column("code", sa.String(spec.code_length), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False, server_default="new"),
        sa.Column("quantity", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("counter", sa.BigInteger if is_pg else sa.Integer),
        sa.Column("amount", sa.Numeric(spec.precision, spec.scale)),
        sa.Column(
            "is_active",
            sa.Boolean if is_pg else sa.Integer,
            nullable=False,
            server_default=sa.text("true" if is_pg else "1"),
        ),
        sa.Column("payload", pg.JSONB if is_pg else sa.Text),
        sa.Column("created_at", moment, nullable=False, server_default=now),
        sa.Column("deleted_at", moment),
        sa.UniqueConstraint("parent_id", "code", name=f"{spec.name}_parent_code_key"),
        sa.CheckConstraint(
            f"quantity >= 0 AND quantity <= {spec.limit}", name=f"{spec.name}_quantity_check"
        ),
        sa.Index(f"{spec.name}_status_created_idx", "status", "created_at"),
        sa.Index(
            f"{spec.name}_live_code_idx",
            "code",
            **{f"{dialect}_where": sa.text(f"deleted_at IS NULL AND status <> '{spec.archived}'")},
        ),
    ]
    if spec.owner is not None:
        parts.append(
            sa.Column(
                "owner_id", uuid, sa.ForeignKey(f"{spec.owner}.id", ondelete=spec.owner_on_delete)
            )
        )
    if not is_pg:
        parts.append(sa.CheckConstraint("is_active IN (0, 1)", name=f"{spec.name}_is_active_bool"))
    return sa.Table(spec.name, metadata, *parts)


def metadata_for(dialect: str, specs: list[TableSpec]) -> sa.MetaData:
    """The ``MetaData`` of the described schema on ``dialect`` ("sqlite" or "postgresql")."""
    metadata = sa.MetaData()
    for spec in specs:
        _table(metadata, spec, dialect)
    return metadata


def sqlite_metadata(n: int, seed: int = SEED) -> sa.MetaData:
    """The SQLite metadata module of the schema of ``n`` tables, as a function."""
    return metadata_for("sqlite", describe(n, seed))


def postgres_metadata(n: int, seed: int = SEED) -> sa.MetaData:
    """The PostgreSQL metadata module of the schema of ``n`` tables, as a function."""
    return metadata_for("postgresql", describe(n, seed))


def ddl(metadata: sa.MetaData, dialect: sa.engine.Dialect) -> list[str]:
    """The statements that build ``metadata`` on ``dialect``: each table's ``CREATE TABLE`` then
    its ``CREATE INDEX``es, parents first, compiled by SQLAlchemy as ``create_all`` compiles them.

    Compiled once and sent as scripts (``create_sqlite``, ``create_postgresql``): ``create_all``
    sends each statement as a round trip of its own (three per table), which at N = 5,000 made
    the build the longest part of a run."""
    statements = []
    for table in metadata.sorted_tables:
        statements.append(str(CreateTable(table).compile(dialect=dialect)).strip())
        for index in sorted(table.indexes, key=lambda index: str(index.name)):
            statements.append(str(CreateIndex(index).compile(dialect=dialect)).strip())
    return statements


def create_sqlite(path: Path, metadata: sa.MetaData) -> None:
    """Build the SQLite file at ``path`` (replaced if it exists) from ``metadata``: its
    statements (``ddl``) as one script in one transaction, then a ``VACUUM``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    script = ";\n".join(ddl(metadata, sqlite_dialect.dialect()))
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode = MEMORY")
        conn.execute("PRAGMA synchronous = OFF")
        conn.executescript(f"BEGIN;\n{script};\nCOMMIT;")
        conn.execute("VACUUM")  # one compact file: the catalog pages in order
    finally:
        conn.close()


def create_postgresql(url: str, metadata: sa.MetaData) -> None:
    """Build the tables of ``metadata`` in the (empty) PostgreSQL database at ``url``.

    The statements (``ddl``) go as one script per batch of 250 tables, each batch one
    transaction (one round trip), so that a 5,000-table schema does not hold every lock of the
    run in one transaction.
    """
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    statements = ddl(metadata, engine.dialect)
    per_batch = 250 * len(statements) // max(len(metadata.tables), 1)
    try:
        for batch in _batches(statements, per_batch):
            with engine.begin() as conn:
                conn.exec_driver_sql(";\n".join(batch))
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    finally:
        engine.dispose()


def _batches(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
