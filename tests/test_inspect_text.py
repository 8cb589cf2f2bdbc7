"""``twinschema inspect --format text``: a schema as people read it, a table per table (issue 13),
on both dialects."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from support.testing import sqlite_file

from twinschema.cli import cli

DDL = [
    "CREATE TABLE owners (id INTEGER PRIMARY KEY, email VARCHAR(80) NOT NULL UNIQUE)",
    "CREATE TABLE pets (id INTEGER PRIMARY KEY, owner_id INTEGER NOT NULL REFERENCES owners (id)"
    " ON DELETE CASCADE, name TEXT DEFAULT 'rex', legs INTEGER CHECK (legs >= 0))",
    "CREATE INDEX ix_pets_name ON pets (name) WHERE name IS NOT NULL",
]


def _build(dialect: str, db_url: str) -> str:
    if dialect == "sqlite":
        return sqlite_file(Path(db_url.removeprefix("sqlite:///")), ";\n".join(DDL) + ";")
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        for statement in DDL:
            conn.execute(sa.text(statement))
    engine.dispose()
    return db_url


def test_inspect_text_shows_each_table_like_psql_d(dialect: str, db_url: str) -> None:
    url = _build(dialect, db_url)
    result = CliRunner().invoke(cli, ["inspect", url, "--format", "text"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.index('Table "owners"') < text.index('Table "pets"')  # sorted by name
    pets = text[text.index('Table "pets"') :]
    header = pets.splitlines()[1]
    assert [cell.strip() for cell in header.split("|")] == ["Column", "Type", "Nullable", "Default"]
    owner_row = next(line for line in pets.splitlines() if line.startswith(" owner_id "))
    assert "not null" in owner_row
    assert "rex" in next(line for line in pets.splitlines() if line.startswith(" name "))
    assert "Primary key: (id)" in pets
    assert "(owner_id) -> owners(id) ON DELETE CASCADE" in pets
    assert "legs >= 0" in pets
    assert "(name) WHERE" in pets and "ix_pets_name" in pets
    owners = text[text.index('Table "owners"') : text.index('Table "pets"')]
    assert "Unique:" in owners and "(email)" in owners


@pytest.mark.parametrize("fmt", ["json", "yaml", "text"])
def test_inspect_formats_are_deterministic(fmt: str, sqlite_url: str) -> None:
    url = _build("sqlite", sqlite_url)
    first = CliRunner().invoke(cli, ["inspect", url, "--format", fmt])
    again = CliRunner().invoke(cli, ["inspect", url, "--format", fmt])
    assert first.exit_code == 0 and first.stdout == again.stdout and first.stdout.strip()


# Index and column attributes each dialect can declare, and how the text report shows them.
ATTRIBUTE_DDL = {
    "sqlite": [
        "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT COLLATE NOCASE, nick TEXT,"
        " twice INTEGER GENERATED ALWAYS AS (id * 2) STORED)",
        "CREATE INDEX ix_people_nick ON people (nick COLLATE NOCASE DESC, id)",
    ],
    "postgresql": [
        'CREATE TABLE people (id integer PRIMARY KEY, name text COLLATE "C", nick text,'
        " twice integer GENERATED ALWAYS AS (id * 2) STORED, UNIQUE NULLS NOT DISTINCT (nick))",
        "CREATE INDEX ix_people_nick ON people (nick text_pattern_ops DESC, id NULLS FIRST)"
        " INCLUDE (name)",
    ],
}
ATTRIBUTE_TEXT = {
    "sqlite": [
        "TEXT COLLATE NOCASE",
        "GENERATED ALWAYS AS (id * 2) STORED",
        "(nick COLLATE NOCASE DESC, id)",
    ],
    "postgresql": [
        "text COLLATE C",
        "GENERATED ALWAYS AS ((id * 2)) STORED",
        "(nick) NULLS NOT DISTINCT",
        "(nick text_pattern_ops DESC, id NULLS FIRST) INCLUDE (name)",
    ],
}


def test_inspect_text_shows_index_and_column_attributes(dialect: str, db_url: str) -> None:
    """Collations, generated columns, sort order, NULLS placement, operator classes, INCLUDE
    and NULLS NOT DISTINCT appear as DDL writes them."""
    if dialect == "sqlite":
        url = sqlite_file(
            Path(db_url.removeprefix("sqlite:///")), ";\n".join(ATTRIBUTE_DDL[dialect]) + ";"
        )
    else:
        url = db_url
        engine = sa.create_engine(db_url)
        with engine.begin() as conn:
            for statement in ATTRIBUTE_DDL[dialect]:
                conn.execute(sa.text(statement))
        engine.dispose()
    result = CliRunner().invoke(cli, ["inspect", url, "--format", "text"])
    assert result.exit_code == 0, result.output
    for expected in ATTRIBUTE_TEXT[dialect]:
        assert expected in result.stdout, (expected, result.stdout)


def test_inspect_text_shows_strict_and_without_rowid(sqlite_url: str) -> None:
    """SQLite's table options, which the JSON form lists under ``options``, appear in the text
    form too, as CREATE TABLE ends with them; a plain table has no such line (stranger61 019)."""
    url = sqlite_file(
        Path(sqlite_url.removeprefix("sqlite:///")),
        "CREATE TABLE plain (id INTEGER PRIMARY KEY);\n"
        "CREATE TABLE s (id INTEGER PRIMARY KEY) STRICT;\n"
        "CREATE TABLE w (a TEXT, b TEXT, PRIMARY KEY (a, b)) WITHOUT ROWID;\n"
        "CREATE TABLE sw (a TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;\n",
    )
    result = CliRunner().invoke(cli, ["inspect", url, "--format", "text"])
    assert result.exit_code == 0, result.output
    tables = {
        block.splitlines()[0]: block for block in result.stdout.split("\n\n") if "Table" in block
    }
    assert "Table options" not in tables['Table "plain"']
    assert "Table options: STRICT\n" in tables['Table "s"'] + "\n"
    assert "Table options: WITHOUT ROWID\n" in tables['Table "w"'] + "\n"
    assert "Table options: STRICT, WITHOUT ROWID\n" in tables['Table "sw"'] + "\n"
