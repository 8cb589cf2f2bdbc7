"""The type equivalence table as a truth table: (SQLite spelling, PostgreSQL spelling, kind)."""

from __future__ import annotations

import pytest

from twinschema import typemap
from twinschema.dialects import adapter
from twinschema.model import ColumnType


def sqlite(spelling: str) -> ColumnType:
    return adapter("sqlite").parse_type(spelling)


def pg(spelling: str) -> ColumnType:
    return adapter("postgresql").parse_type(spelling)


# (sqlite declared type, postgresql type, the kind both stand for; None: no kind accepts both)
TRUTH_TABLE = [
    ("TEXT", "uuid", "uuid"),
    ("CHAR(36)", "uuid", "uuid"),
    ("BLOB", "uuid", "uuid"),
    ("TEXT", "text", "text"),
    ("CLOB", "text", "text"),
    ("VARCHAR(40)", "character varying(40)", "varchar"),
    ("NVARCHAR(160)", "character varying(160)", "varchar"),
    ("CHAR(20)", "character(20)", "char"),
    ("INTEGER", "integer", "integer"),
    ("INT", "integer", "integer"),
    ("INTEGER", "bigint", "bigint"),
    ("BIGINT", "bigint", "bigint"),
    ("SMALLINT", "smallint", "smallint"),
    ("BOOLEAN", "boolean", "boolean"),
    ("BOOL", "boolean", "boolean"),
    ("TEXT", "timestamp with time zone", "timestamptz"),
    ("DATETIME", "timestamp with time zone", "timestamptz"),
    ("TIMESTAMP", "timestamp without time zone", "timestamp"),
    ("DATE", "date", "date"),
    ("TEXT", "date", "date"),
    ("NUMERIC(10,2)", "numeric(10,2)", "numeric"),
    ("DECIMAL(5,2)", "numeric(5,2)", "numeric"),
    ("REAL", "double precision", "float"),
    ("DOUBLE", "double precision", "float"),
    ("FLOAT", "real", "float"),
    ("TEXT", "jsonb", "json"),
    ("JSON", "json", "json"),
    ("BLOB", "bytea", "bytes"),
    ("", "bytea", "bytes"),
    ("BLOB SUB_TYPE TEXT", "text", "text"),  # affinity: contains "TEXT"
    ("NATIVE CHARACTER(70)", "text", "text"),
    ("UNSIGNED BIG INT", "bigint", "bigint"),
    # Not the same kind: these must be reported.
    ("INTEGER", "timestamp with time zone", None),
    ("TEXT", "integer", None),
    ("INTEGER", "boolean", None),  # needs CHECK (x IN (0, 1)), see test_compare
    ("REAL", "numeric(10,2)", None),
    ("BLOB", "text", None),
    ("VARCHAR(4)", "year", None),
    ("TEXT", "text[]", "text"),  # arrays compare by their flag, see test_compare
]


@pytest.mark.parametrize(("sqlite_type", "pg_type", "kind"), TRUTH_TABLE)
def test_truth_table(sqlite_type: str, pg_type: str, kind: str | None) -> None:
    assert typemap.shared_kind(sqlite(sqlite_type), pg(pg_type)) == kind


@pytest.mark.parametrize("kind", typemap.KINDS)
def test_every_kind_has_spellings_in_both_dialects(kind: str) -> None:
    rule = typemap.TYPE_TABLE[kind]
    assert rule.postgresql and rule.sqlite
    for spelling in rule.postgresql:
        assert kind in typemap.kinds_of(ColumnType("postgresql", spelling))


def test_same_spelling_in_one_dialect_always_matches() -> None:
    assert typemap.shared_kind(pg("tsvector"), pg("tsvector")) == "same"
    assert typemap.shared_kind(pg("tsvector"), pg("text")) is None


def test_unknown_postgresql_type_has_no_kind() -> None:
    assert typemap.kinds_of(pg("tsvector")) == frozenset()


@pytest.mark.parametrize(
    ("sqlite_type", "pg_type", "kind"),
    [row for row in TRUTH_TABLE if row[2] is not None],
)
def test_every_equivalent_row_is_no_difference_to_the_comparer(
    sqlite_type: str, pg_type: str, kind: str
) -> None:
    """The comparer, not only the table: a column pair of each equivalent row is in sync, and
    the equivalence is reported with the row's rule name."""
    from twinschema.compare import Side, compare
    from twinschema.model import Column, Schema, Table

    def side(dialect: str, ctype: ColumnType) -> Side:
        table = Table("t", columns=(Column("c", ctype),))
        return Side(Schema(dialect, {"t": table}), dialect, dialect)

    result = compare(
        side("sqlite", sqlite(sqlite_type)), side("postgresql", pg(pg_type)), layer="models"
    )
    if pg(pg_type).array:  # a scalar never equals an array
        assert [d.kind for d in result.differences] == ["column_type"]
        return
    assert result.differences == []
    rules = {e.rule for e in result.equivalences}
    assert rules <= {kind}
