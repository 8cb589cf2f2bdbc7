"""sources.metadata: a MetaData read as the DDL its dialect would send, text for text."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from twinschema.sources.metadata import from_metadata

# The DDL as the server receives it: for PostgreSQL, with the percent signs the driver sends.
DIALECTS = {"sqlite": sqlite.dialect(), "postgresql": postgresql.dialect(paramstyle="named")}

TEXTS = [
    "n > 0",
    "name LIKE 'a%'",  # a percent sign
    "code::text <> ''",  # a PostgreSQL cast: two colons, no bind parameter
    "note <> ':x'",  # a colon inside a string
    "(n BETWEEN 1 AND 10) OR n IS NULL",
]


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("text", TEXTS)
def test_checks_defaults_and_predicates_read_as_the_ddl_writes_them(
    dialect: str, text: str
) -> None:
    metadata = sa.MetaData()
    table = sa.Table(
        "t",
        metadata,
        sa.Column("n", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, server_default=sa.text(f"'{text.replace(chr(39), '')}'")),
        sa.Column("code", sa.Text),
        sa.Column("note", sa.Text, server_default="it's 100%"),
        sa.CheckConstraint(sa.text(text), name="ck"),
        sa.Index("ix", "n", **{f"{dialect}_where": sa.text(text)}),
    )
    (index,) = table.indexes
    ddl = str(sa.schema.CreateTable(table).compile(dialect=DIALECTS[dialect]))
    index_ddl = str(sa.schema.CreateIndex(index).compile(dialect=DIALECTS[dialect]))
    read = from_metadata(metadata, dialect).tables["t"]
    assert f"CHECK ({read.checks[0].expression})" in ddl
    assert f"DEFAULT {read.column('name').default}" in ddl  # type: ignore[union-attr]
    assert f"DEFAULT {read.column('note').default}" in ddl  # type: ignore[union-attr]
    assert read.column("note").default == "'it''s 100%'"  # type: ignore[union-attr]
    assert index_ddl.endswith(f"WHERE {read.indexes[0].where}")


@pytest.mark.parametrize("dialect", DIALECTS)
def test_bound_parameters_are_rendered_as_literals(dialect: str) -> None:
    """text() with a bound parameter goes through the compiler, which writes the value."""
    metadata = sa.MetaData()
    sa.Table(
        "t",
        metadata,
        sa.Column("n", sa.Integer, primary_key=True),
        sa.CheckConstraint(sa.text("n > :low").bindparams(low=5), name="ck"),
    )
    assert from_metadata(metadata, dialect).tables["t"].checks[0].expression == "n > 5"


def test_sqlalchemy_private_parts_we_rely_on() -> None:
    """SQLAlchemy publishes no API for three things the metadata source needs: whether the DDL
    creates a type's own CHECK on a dialect (``CheckConstraint._create_rule``), the marker
    name of an unnamed constraint under a naming convention (``_NoneName``), and a table's
    ``prefixes`` (``Table._prefixes``: UNLOGGED). pyproject pins
    SQLAlchemy below its next minor release; this fails loudly if an allowed release moves either."""
    metadata = sa.MetaData(naming_convention={"ck": "ck_%(table_name)s_%(constraint_name)s"})
    table = sa.Table(
        "t",
        metadata,
        sa.Column("flag", sa.Boolean(create_constraint=True)),
        sa.Column("e", sa.Enum("a", "b", name="e", create_constraint=True)),
    )
    checks = [c for c in table.constraints if isinstance(c, sa.CheckConstraint)]
    assert len(checks) == 2
    for dialect, created in ((postgresql.dialect(), False), (sqlite.dialect(), True)):
        ddl = dialect.ddl_compiler(dialect, None)
        assert [c._create_rule(ddl) for c in checks] == [created, created]
    names = {type(c.name).__name__ for c in checks}
    assert names == {"conv", "_NoneName"}
    source = from_metadata(metadata, "sqlite")
    assert sorted(c.name or "" for c in source.tables["t"].checks) == ["", "ck_t_e"]
    assert from_metadata(metadata, "postgresql").tables["t"].checks == ()
    unlogged = sa.Table("u", metadata, sa.Column("id", sa.Integer), prefixes=["UNLOGGED"])
    assert unlogged._prefixes == ["UNLOGGED"]
    assert from_metadata(metadata, "postgresql").tables["u"].unlogged


@pytest.mark.parametrize("dialect", DIALECTS)
def test_indexes_come_in_name_order_whatever_the_process(dialect: str) -> None:
    """A metadata module's indexes come in name order: ``Table.indexes`` is a set of objects
    hashed by address, whose order changed from one process to the next, and with it the order
    of the differences a check reported."""
    metadata = sa.MetaData()
    sa.Table(
        "t",
        metadata,
        *(sa.Column(f"c{i}", sa.Integer) for i in range(8)),
        *(sa.Index(f"ix{i}", f"c{i}") for i in (5, 2, 7, 0, 3, 6, 1, 4)),
    )
    indexes = from_metadata(metadata, dialect).tables["t"].indexes
    assert [ix.name for ix in indexes] == [f"ix{i}" for i in range(8)]
