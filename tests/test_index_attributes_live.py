"""Index sort order, INCLUDE columns, operator classes, collations, NULLS NOT DISTINCT and
generated columns, declared in a SQLAlchemy ``MetaData``: the live database built from it is in
sync with it, and a database that lacks one of these attributes differs in exactly that one.
Run on SQLite and PostgreSQL alike (each with what its dialect can declare), through the same
reflection, normalization and comparison the CLI uses."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa

from twinschema.compare import Side, compare
from twinschema.dialects import ReflectOptions
from twinschema.sources import make_canonical, reflect_url
from twinschema.sources.metadata import from_metadata

Change = Callable[[sa.Table, str], None]

# A collation other than the default that each test server has: SQLite's NOCASE makes 'Bob'
# and 'bob' equal; the embedded PostgreSQL has no ICU, so its "C" (deterministic) stands in.
COLLATION = {"sqlite": "NOCASE", "postgresql": "C"}


def build(dialect: str, change: Change | None = None) -> sa.MetaData:
    """A table with every attribute this dialect can declare; ``change`` edits it (the drift)."""
    metadata = sa.MetaData()
    pg = dialect == "postgresql"
    person = sa.Table(
        "person",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text(collation=COLLATION[dialect]), nullable=False),
        sa.Column("nick", sa.Text),
        sa.Column("email", sa.Text),
        sa.Column("code", sa.Text),
        sa.Column("total", sa.Integer, sa.Computed("id * 2", persisted=True)),
        sa.UniqueConstraint("email", name="uq_email", postgresql_nulls_not_distinct=True),
        sa.UniqueConstraint("code", name="uq_code", postgresql_include=["nick"]),
    )
    sa.Index("ix_person_name_desc", person.c.name.desc(), person.c.id)
    sa.Index("ix_person_nick_ci", person.c.nick.collate(COLLATION[dialect]))
    # An expression derives its column's collation: no collation of its own.
    sa.Index("ix_person_name_lower", sa.func.lower(person.c.name))
    if pg:
        sa.Index(
            "ix_person_nick_ops",
            person.c.nick,
            person.c.id.asc().nulls_first(),
            # int4_ops is the default: named or not, the catalog says "default"
            postgresql_ops={"nick": "text_pattern_ops", "id": "int4_ops"},
            postgresql_include=["email"],
        )
    if change is not None:
        change(person, dialect)
    return metadata


def _index(table: sa.Table, name: str) -> sa.Index:
    return next(i for i in table.indexes if i.name == name)


def ascending(table: sa.Table, dialect: str) -> None:
    table.indexes.discard(_index(table, "ix_person_name_desc"))
    sa.Index("ix_person_name_desc", table.c.name, table.c.id)


def no_override(table: sa.Table, dialect: str) -> None:
    table.indexes.discard(_index(table, "ix_person_nick_ci"))
    sa.Index("ix_person_nick_ci", table.c.nick)


def default_collation(table: sa.Table, dialect: str) -> None:
    table.c.name.type = sa.Text()


def plain_total(table: sa.Table, dialect: str) -> None:
    table._columns.remove(table.c.total)  # type: ignore[attr-defined]
    table.append_column(sa.Column("total", sa.Integer))


def other_expression(table: sa.Table, dialect: str) -> None:
    table._columns.remove(table.c.total)  # type: ignore[attr-defined]
    table.append_column(sa.Column("total", sa.Integer, sa.Computed("id * 3", persisted=True)))


def nulls_distinct(table: sa.Table, dialect: str) -> None:
    unique = next(c for c in table.constraints if c.name == "uq_email")
    unique.dialect_options["postgresql"]["nulls_not_distinct"] = False


def no_include(table: sa.Table, dialect: str) -> None:
    _index(table, "ix_person_nick_ops").dialect_options["postgresql"]["include"] = []


def no_unique_include(table: sa.Table, dialect: str) -> None:
    unique = next(c for c in table.constraints if c.name == "uq_code")
    unique.dialect_options["postgresql"]["include"] = []


def default_ops(table: sa.Table, dialect: str) -> None:
    _index(table, "ix_person_nick_ops").dialect_options["postgresql"]["ops"] = {}


def nulls_last(table: sa.Table, dialect: str) -> None:
    table.indexes.discard(_index(table, "ix_person_nick_ops"))
    sa.Index(
        "ix_person_nick_ops",
        table.c.nick,
        table.c.id,
        postgresql_ops={"nick": "text_pattern_ops"},
        postgresql_include=["email"],
    )


# (id, change applied to the database, expected (kind, column) records): on both dialects,
# then on PostgreSQL only (INCLUDE, operator classes, NULLS placement, NULLS NOT DISTINCT).
DRIFT: list[tuple[str, Change, list[tuple[str, str | None]]]] = [
    ("sort_order", ascending, [("index", None)]),
    ("index_collation", no_override, [("index", None)]),
    ("column_collation", default_collation, [("column_type", "name")]),
    ("generated_vs_plain", plain_total, [("column_generated", "total")]),
    ("generated_expression", other_expression, [("column_generated", "total")]),
]
PG_DRIFT: list[tuple[str, Change, list[tuple[str, str | None]]]] = [
    ("nulls_not_distinct", nulls_distinct, [("unique", None)]),
    ("include", no_include, [("index", None)]),
    ("unique_include", no_unique_include, [("index", None)]),
    ("operator_class", default_ops, [("index", None)]),
    ("nulls_first", nulls_last, [("index", None)]),
]


def live_vs_metadata(db_url: str, dialect: str, change: Change | None) -> list[tuple[str, ...]]:
    engine = sa.create_engine(db_url)
    build(dialect, change).create_all(engine)
    engine.dispose()
    options = ReflectOptions()
    model = Side(
        make_canonical(from_metadata(build(dialect), dialect, "model.py", options), None),
        "model.py",
        "model.py",
    )
    live = Side(make_canonical(reflect_url(db_url, options), None), "live", "live")
    result = compare(model, live, layer="live")
    return sorted((d.kind, d.column or "", d.message) for d in result.differences)


def test_metadata_with_every_attribute_matches_its_database(db_url: str, dialect: str) -> None:
    assert live_vs_metadata(db_url, dialect, None) == []


@pytest.mark.parametrize(("change", "expected"), [d[1:] for d in DRIFT], ids=[d[0] for d in DRIFT])
def test_a_missing_attribute_is_one_exact_record(
    db_url: str, dialect: str, change: Change, expected: list[tuple[str, str | None]]
) -> None:
    found = live_vs_metadata(db_url, dialect, change)
    assert [(kind, column or None) for kind, column, _ in found] == expected, found


@pytest.mark.parametrize(
    ("change", "expected"), [d[1:] for d in PG_DRIFT], ids=[d[0] for d in PG_DRIFT]
)
def test_a_missing_postgresql_attribute_is_one_exact_record(
    pg_url: str, change: Change, expected: list[tuple[str, str | None]]
) -> None:
    found = live_vs_metadata(pg_url, "postgresql", change)
    assert [(kind, column or None) for kind, column, _ in found] == expected, found


def test_an_index_on_lower_prints_what_the_user_wrote(sqlite_url: str, pg_url: str) -> None:
    """SQLite's lower() is not PostgreSQL's (ASCII letters only), so the two indexes ux differ:
    one difference whose message prints lower(s) as written, with why, never the canonical
    form's own name."""
    for url, key, text in (
        (sqlite_url, "INTEGER PRIMARY KEY", "TEXT"),
        (pg_url, "integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "text"),
    ):
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        with engine.begin() as connection:
            connection.execute(sa.text(f"CREATE TABLE t (id {key}, s {text})"))
            connection.execute(sa.text("CREATE UNIQUE INDEX ux ON t (lower(s))"))
        engine.dispose()
    sides = [
        Side(make_canonical(reflect_url(url, ReflectOptions()), None), label, label)
        for url, label in ((sqlite_url, "a"), (pg_url, "b"))
    ]
    messages = sorted(d.message for d in compare(*sides, layer="diff").differences)
    assert messages == [  # one index of one name: one difference (round 6)
        "index ux on t differs: its elements, (lower(s)) in both, mean other things on each "
        "side (SQLite's lower() changes ASCII letters only)",
    ]
