"""Injected drift on real databases: a metadata module and the database built from it are in
sync; changing one object of the database yields exactly one typed difference. Run on SQLite and
PostgreSQL alike, through the same reflection, normalization and comparison the CLI uses."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa

from twinschema.compare import Side, compare
from twinschema.dialects import ReflectOptions
from twinschema.sources import make_canonical, reflect_url
from twinschema.sources.metadata import from_metadata

Change = Callable[[sa.MetaData], None]


def build(change: Change | None = None) -> sa.MetaData:
    """The synced schema; ``change`` edits it before it is returned (the drift)."""
    metadata = sa.MetaData()
    sa.Table("parent", metadata, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "child",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column(
            "parent_id", sa.Integer, sa.ForeignKey("parent.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("name", sa.String(40), nullable=False, server_default="x"),
        sa.Column("status", sa.Text, sa.CheckConstraint("status IN ('new', 'done')")),
        sa.Column("score", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("created_at", sa.DateTime, server_default=sa.func.current_timestamp()),
        sa.Column("progress", sa.Text, server_default="0%"),
        sa.UniqueConstraint("parent_id", "name"),
        sa.CheckConstraint("score >= 0", name="score_positive"),
        # A percent sign, which psycopg's paramstyle makes SQLAlchemy double in rendered DDL.
        sa.CheckConstraint("name NOT LIKE 'tmp%'", name="name_not_temporary"),
        sa.Index("ix_child_name", "name"),
        sa.Index(
            "ix_child_open",
            "parent_id",
            sqlite_where=sa.text("status IS NULL"),
            postgresql_where=sa.text("status IS NULL"),
        ),
    )
    if change is not None:
        change(metadata)
    return metadata


def _child(metadata: sa.MetaData) -> sa.Table:
    return metadata.tables["child"]


def add_table(m: sa.MetaData) -> None:
    sa.Table("extra", m, sa.Column("id", sa.Integer, primary_key=True))


def drop_column(m: sa.MetaData) -> None:
    table = _child(m)
    table._columns.remove(table.c.created_at)  # type: ignore[attr-defined]


def retype(m: sa.MetaData) -> None:
    _child(m).c.status.type = sa.Integer()
    table = _child(m)
    for check in list(table.c.status.constraints):
        table.c.status.constraints.discard(check)


def widen(m: sa.MetaData) -> None:
    _child(m).c.name.type = sa.String(80)


def nullable(m: sa.MetaData) -> None:
    _child(m).c.score.nullable = True


def new_default(m: sa.MetaData) -> None:
    _child(m).c.name.server_default = sa.DefaultClause("y")


def fk_action(m: sa.MetaData) -> None:
    for fk in _child(m).foreign_key_constraints:
        fk.ondelete = "SET NULL"


def drop_fk(m: sa.MetaData) -> None:
    table = _child(m)
    for fk in list(table.foreign_key_constraints):
        table.constraints.discard(fk)
        for element in fk.elements:
            element.parent.foreign_keys.discard(element)


def drop_unique(m: sa.MetaData) -> None:
    table = _child(m)
    for constraint in [c for c in table.constraints if isinstance(c, sa.UniqueConstraint)]:
        table.constraints.discard(constraint)


def drop_index(m: sa.MetaData) -> None:
    table = _child(m)
    table.indexes.discard(next(i for i in table.indexes if i.name == "ix_child_name"))


def unique_index(m: sa.MetaData) -> None:
    next(i for i in _child(m).indexes if i.name == "ix_child_name").unique = True


def drop_check(m: sa.MetaData) -> None:
    table = _child(m)
    table.constraints.discard(next(c for c in table.constraints if c.name == "score_positive"))


def other_check(m: sa.MetaData) -> None:
    check = next(c for c in _child(m).constraints if c.name == "score_positive")
    check.sqltext = sa.text("score > 0")  # type: ignore[attr-defined]


def predicate(m: sa.MetaData) -> None:
    index = next(i for i in _child(m).indexes if i.name == "ix_child_open")
    for dialect in ("sqlite", "postgresql"):
        index.dialect_options[dialect]["where"] = sa.text("status IS NOT NULL")


# (id, change applied to the database, expected (kind, table, column) records)
DRIFT: list[tuple[str, Change, list[tuple[str, str, str | None]]]] = [
    ("table_missing", add_table, [("table_missing", "extra", None)]),
    ("column_missing", drop_column, [("column_missing", "child", "created_at")]),
    ("column_type", retype, [("column_type", "child", "status"), ("check", "child", None)]),
    ("column_length", widen, [("column_type", "child", "name")]),
    ("column_nullable", nullable, [("column_nullable", "child", "score")]),
    ("column_default", new_default, [("column_default", "child", "name")]),
    ("foreign_key_action", fk_action, [("foreign_key", "child", None)]),
    ("foreign_key_missing", drop_fk, [("foreign_key", "child", None)]),
    ("unique", drop_unique, [("unique", "child", None)]),
    ("index", drop_index, [("index", "child", None)]),
    ("index_uniqueness", unique_index, [("unique", "child", None)]),
    # The index keeps its name: one difference on it (its WHERE), both sides shown.
    ("index_predicate", predicate, [("index", "child", None)]),
    ("check_missing", drop_check, [("check", "child", None)]),
    ("check_meaning", other_check, [("check", "child", None), ("check", "child", None)]),
]


def live_vs_metadata(
    db_url: str, dialect: str, change: Change | None
) -> list[tuple[str, str | None, str | None]]:
    engine = sa.create_engine(db_url)
    build(change).create_all(engine)
    engine.dispose()
    options = ReflectOptions()
    model = Side(
        make_canonical(from_metadata(build(), dialect, "model.py", options), None),
        "model.py",
        "model.py",
    )
    live = Side(make_canonical(reflect_url(db_url, options), None), "live", "live")
    result = compare(model, live, layer="live")
    return sorted((d.kind, d.table, d.column) for d in result.differences)


def test_metadata_and_its_database_are_in_sync(db_url: str, dialect: str) -> None:
    assert live_vs_metadata(db_url, dialect, None) == []


@pytest.mark.parametrize(("change", "expected"), [d[1:] for d in DRIFT], ids=[d[0] for d in DRIFT])
def test_injected_drift_is_one_exact_record(
    db_url: str, dialect: str, change: Change, expected: list[tuple[str, str, str | None]]
) -> None:
    assert live_vs_metadata(db_url, dialect, change) == sorted(expected)


def test_row_level_security_added_by_hand_is_reported(pg_url: str) -> None:
    engine = sa.create_engine(pg_url)
    build().create_all(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE child ENABLE ROW LEVEL SECURITY"))
        conn.execute(sa.text("CREATE POLICY by_parent ON child USING (parent_id > 0)"))
    engine.dispose()
    options = ReflectOptions()
    model = Side(make_canonical(from_metadata(build(), "postgresql", "m", options), None), "m", "m")
    live = Side(make_canonical(reflect_url(pg_url, options), None), "live", "live")
    found = sorted((d.kind, d.name) for d in compare(model, live, layer="live").differences)
    assert found == [("dialect_object", "by_parent"), ("dialect_object", "row_level_security")]
