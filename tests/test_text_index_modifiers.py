"""A metadata module's index element written as text with its modifiers, ``sa.text("placed_at
DESC")`` (stranger60 029): ``create_all`` makes ``(user_id, placed_at DESC)`` on real SQLite and
PostgreSQL, so the checker reads DESC/ASC, NULLS FIRST|LAST and COLLATE at the end of a text
element as the element's modifiers, on both dialects. Near misses: a real expression
(``lower(name)``) stays an expression, and a text element without DESC against a descending
database index still differs."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from twinschema.compare import Side, compare
from twinschema.dialects import ReflectOptions
from twinschema.sources import make_canonical, reflect_url
from twinschema.sources.metadata import from_metadata

TABLE = {
    "sqlite": "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, "
    "name TEXT NOT NULL, placed_at DATETIME NOT NULL)",
    "postgresql": "CREATE TABLE orders (id integer PRIMARY KEY, user_id integer NOT NULL, "
    "name text NOT NULL, placed_at timestamptz NOT NULL)",
}
COLLATION = {"sqlite": "NOCASE", "postgresql": '"C"'}


def module(dialect: str, *elements: str) -> sa.MetaData:
    """The table as a metadata module writes it, with one index ``ix`` of ``elements``, each a
    column's name or ``sa.text`` of anything else."""
    metadata = sa.MetaData()
    columns = ("id", "user_id", "name", "placed_at")
    sa.Table(  # as init writes a table: the index among its arguments, names as strings
        "orders",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column(
            "placed_at",
            sa.DATETIME() if dialect == "sqlite" else sa.TIMESTAMP(timezone=True),
            nullable=False,
        ),
        sa.Index("ix", *(e if e in columns else sa.text(e) for e in elements)),
    )
    return metadata


def differences(url: str, dialect: str, database: str, written: list[str]) -> list[str]:
    """The live layer's differences between the module whose index ``ix`` has the elements
    ``written`` and the database made by ``CREATE INDEX ix ON orders (database)``."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as connection:
        connection.exec_driver_sql(TABLE[dialect])
        connection.exec_driver_sql(f"CREATE INDEX ix ON orders ({database})")
    engine.dispose()
    options = ReflectOptions()
    model = from_metadata(module(dialect, *written), dialect, "model.py", options)
    sides = [
        Side(make_canonical(model, None), "model.py", "model.py"),
        Side(make_canonical(reflect_url(url, options), None), "live", "live"),
    ]
    return [f"{d.kind}: {d.message}" for d in compare(*sides, layer="live").differences]


def made_by_create_all(url: str, dialect: str, written: list[str]) -> str:
    """The index ``create_all`` of the module makes on the real database, as it stores it."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    module(dialect, *written).create_all(engine)
    query = (
        "SELECT sql FROM sqlite_master WHERE name = 'ix'"
        if dialect == "sqlite"
        else "SELECT pg_get_indexdef('ix'::regclass)"
    )
    with engine.connect() as connection:
        made = str(connection.exec_driver_sql(query).scalar_one())
    engine.dispose()
    return made


# (database index elements, module elements, PostgreSQL only) the checker must find alike;
# COLLATE {c} is NOCASE on SQLite, "C" on PostgreSQL.
SAME = [
    ("user_id, placed_at DESC", ["user_id", "placed_at DESC"], False),
    ("placed_at desc, id", ["placed_at desc", "id"], False),
    ("name COLLATE {c}", ["name COLLATE {c}"], False),
    ("lower(name)", ["lower(name)"], False),
    ("lower(name) DESC", ["lower(name) DESC"], False),
    ("placed_at DESC NULLS LAST, id", ["placed_at DESC NULLS LAST", "id"], True),
    ("placed_at NULLS FIRST", ["placed_at ASC NULLS FIRST"], True),
    ("name COLLATE {c} DESC", ["name COLLATE {c} DESC"], True),
]


def spelled(dialect: str, text: str) -> str:
    return text.replace("{c}", COLLATION[dialect])


CASES = [
    pytest.param(dialect, database, written, id=f"{dialect}-{database}")
    for dialect in ("sqlite", "postgresql")
    for database, written, pg_only in SAME
    if dialect == "postgresql" or not pg_only  # SQLite declares no NULLS placement
]


@pytest.mark.parametrize(("dialect", "database", "written"), CASES)
def test_a_text_element_s_modifiers_are_read_as_the_database_has_them(
    request: pytest.FixtureRequest, dialect: str, database: str, written: list[str]
) -> None:
    url = str(request.getfixturevalue("sqlite_url" if dialect == "sqlite" else "pg_url"))
    found = differences(
        url, dialect, spelled(dialect, database), [spelled(dialect, w) for w in written]
    )
    assert found == []


def test_create_all_makes_the_database_s_index(db_url: str, dialect: str) -> None:
    """What the module's text elements make on the real database is the index itself."""
    written = ["user_id", "placed_at DESC"]
    if dialect == "postgresql":
        written = ["user_id", "placed_at DESC NULLS LAST", 'name COLLATE "C"']
    made = made_by_create_all(db_url, dialect, written)
    assert made.endswith(f"({', '.join(written)})"), made


@pytest.mark.parametrize(
    ("database", "written"),
    [
        ("user_id, placed_at DESC", ["user_id", "placed_at"]),  # text without its DESC
        ("user_id, placed_at", ["user_id", "placed_at DESC"]),
        ("name", ["lower(name)"]),  # an expression stays one
        ("lower(name)", ["lower(name) DESC"]),
        ("name", ["name COLLATE {c}"]),
    ],
    ids=["db-desc", "module-desc", "expression", "expression-desc", "collation"],
)
def test_near_misses_still_differ(
    db_url: str, dialect: str, database: str, written: list[str]
) -> None:
    found = differences(db_url, dialect, database, [spelled(dialect, w) for w in written])
    assert [f.split(":", 1)[0] for f in found] == ["index"], found
