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
