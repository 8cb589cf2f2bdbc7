"""The type equivalence table as a truth table: (SQLite spelling, PostgreSQL spelling, kind)."""

from __future__ import annotations

import pytest

from twinschema.canonical import typemap, typemap_keys, typemap_storage, typemap_why
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
    ("CHAR(20)", "character(20)", None),  # PostgreSQL pads and ignores trailing spaces
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
    ("FLOAT", "double precision", "float"),
    ("REAL", "real", None),  # SQLite's REAL is 8 bytes, PostgreSQL's real 4
    ("TEXT", "jsonb", "json"),
    ("JSON", "json", None),  # NUMERIC affinity: SQLite stores the JSON text 1e2 as 100
    ("STRING", "text", None),  # NUMERIC affinity: SQLite stores the text 007 as 7
    ("JSONB", "jsonb", None),
    ("STRING", "numeric", "numeric"),  # NUMERIC affinity, as NUMERIC
    ("VARCHAR2(10)", "text", "text"),  # affinity: contains "CHAR"
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
    spellings = typemap.TYPE_TABLE[kind]
    assert set(spellings) == {"postgresql", "sqlite"}
    # char alone has no SQLite spelling: nothing in SQLite pads and compares as character(n).
    assert spellings["postgresql"] and (spellings["sqlite"] or kind == "char")
    for dialect, names in spellings.items():
        for spelling in names:
            assert kind in typemap.kinds_of(ColumnType(dialect, spelling))


def test_specificity_orders_every_kind_once() -> None:
    """The order is explicit: every kind of the table once, text (the loosest) last."""
    assert sorted(typemap.SPECIFICITY) == sorted(typemap.TYPE_TABLE)
    assert typemap.SPECIFICITY[-1] == "text"


def test_same_spelling_in_one_dialect_always_matches() -> None:
    assert typemap.shared_kind(pg("tsvector"), pg("tsvector")) == "same"
    assert typemap.shared_kind(pg("tsvector"), pg("text")) is None


# Same-dialect pairs never borrow the cross-dialect kinds: each of these shares a kind across
# dialects with a third type, yet one engine treats the two as different types.
SAME_DIALECT_DIFFERENT = [
    ("postgresql", "character varying(10)", "text"),
    ("postgresql", "real", "double precision"),
    ("postgresql", "json", "jsonb"),
    ("postgresql", "citext", "text"),
    ("postgresql", "integer", "bigint"),
    ("postgresql", "timestamp", "timestamptz"),
    ("sqlite", "DATETIME", "TEXT"),
    ("sqlite", "NVARCHAR(10)", "VARCHAR(10)"),
    ("sqlite", "BIGINT", "INTEGER"),
    ("sqlite", "INT", "INTEGER"),
]


@pytest.mark.parametrize(("dialect", "one", "other"), SAME_DIALECT_DIFFERENT)
def test_same_dialect_types_compare_exactly(dialect: str, one: str, other: str) -> None:
    parse = sqlite if dialect == "sqlite" else pg
    assert typemap.shared_kind(parse(one), parse(other)) is None
    assert typemap.shared_kind(parse(one), parse(one)) == typemap.SAME


def test_same_dialect_array_element_types_compare_exactly() -> None:
    assert typemap.shared_kind(pg("text[]"), pg("character varying(5)[]")) is None
    assert typemap.shared_kind(pg("text[]"), pg("text")) is None
    assert typemap.shared_kind(pg("text[]"), pg("text[]")) == typemap.SAME


def test_domain_definitions_take_part_in_the_declared_type() -> None:
    bare = ColumnType("postgresql", "posint", definition="integer")
    checked = ColumnType("postgresql", "posint", definition="integer CHECK ((VALUE > 0))")
    assert typemap.shared_kind(bare, checked) is None
    assert typemap.shared_kind(checked, checked) == typemap.SAME


@pytest.mark.parametrize(
    ("left", "right", "match"),
    [
        (("sqlite", "rowid"), ("postgresql", "always"), False),
        (("sqlite", "autoincrement"), ("postgresql", "always"), False),
        (("sqlite", "rowid"), ("postgresql", "by default"), True),
        (("sqlite", "rowid"), ("postgresql", "sequence"), True),
        (("sqlite", "rowid"), ("postgresql", None), False),
        (("sqlite", "autoincrement"), ("postgresql", "by default"), True),
        (("postgresql", "always"), ("sqlite", "rowid"), False),
        (("postgresql", "by default"), ("sqlite", "rowid"), True),
        (("sqlite", None), ("postgresql", "always"), False),
        (("postgresql", "always"), ("postgresql", "by default"), False),
        (("postgresql", "sequence"), ("postgresql", "by default"), False),
        (("sqlite", "rowid"), ("sqlite", None), False),
        (("sqlite", "rowid"), ("sqlite", "autoincrement"), False),
        (("postgresql", "always"), ("postgresql", "always"), True),
    ],
)
def test_key_generators(
    left: tuple[str, str | None], right: tuple[str, str | None], match: bool
) -> None:
    """A rowid alias matches a PostgreSQL integer key generated BY DEFAULT or by a sequence,
    across dialects only; not GENERATED ALWAYS, which refuses the explicit id a rowid alias
    takes (stranger65 008), nor none; ALWAYS vs BY DEFAULT is compared between PostgreSQL
    sources, where ALWAYS against ALWAYS is the same."""
    assert typemap_keys.generators_match(left[0], left[1], right[0], right[1]) is match


def test_identifier_folding_is_a_fact_of_the_dialects() -> None:
    assert typemap.folds_names("sqlite", "postgresql")
    assert typemap.folds_names("sqlite", "sqlite")
    assert not typemap.folds_names("postgresql", "postgresql")
    assert typemap.fold("Lock") == typemap.fold("LOCK") == "lock"
    assert typemap.fold("Élan") == "Élan"  # SQLite folds ASCII letters only


def test_length_effect_says_what_it_means_for_data() -> None:
    assert typemap.length_effect(("b.sql", "postgresql", 50), ("a.sql", "sqlite", None)) == (
        "b.sql (PostgreSQL) rejects values longer than 50 characters that a.sql (SQLite) stores"
    )
    declared = typemap.length_effect(("a.sql", "sqlite", 20), ("b.sql", "postgresql", None))
    assert "does not enforce" in declared


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
    if kind in ("text", "varchar", "char") and sqlite(sqlite_type).length != pg(pg_type).length:
        # A length declared on one side only is a difference (declared only, for SQLite's).
        assert [d.kind for d in result.differences] == ["column_type"]
        return
    assert result.differences == []
    rules = {e.rule for e in result.equivalences}
    assert rules <= {kind}


@pytest.mark.parametrize("sqlite_left", [True, False])
def test_a_type_name_both_engines_know_for_different_types_says_so(sqlite_left: bool) -> None:
    """SQLite REAL (8 bytes) against PostgreSQL real (4 bytes): "real vs real" alone reads as
    no difference, so each side is named with its engine and what that engine means by the
    name (``typemap.SAME_NAME``), whichever side is left; the reason says one name stands for
    two types. A pair spelled apart keeps its plain spellings (near miss)."""
    pair = (sqlite("REAL"), pg("real")) if sqlite_left else (pg("real"), sqlite("REAL"))
    shown = typemap_why.spelled_apart(*pair, ("real", "real"))
    sides = ["SQLite real (an 8-byte float)", "PostgreSQL real (a 4-byte float, float4)"]
    assert shown == " vs ".join(sides if sqlite_left else sides[::-1])
    why = typemap_why.why_types_differ(*pair)
    assert why == "one name, not the same type in the two engines: no logical kind accepts both"
    double = (sqlite("REAL"), pg("double precision"))
    assert typemap_why.spelled_apart(*double, ("real", "double precision")) == (
        "real vs double precision"
    )
    assert typemap_why.why_types_differ(*double) != why


def test_a_kind_one_dialect_cannot_spell_says_why() -> None:
    """SQLite CHAR(1) against PostgreSQL character(1): "char(1) vs character(1) (no logical
    kind accepts both)" reads as one type; the reason is the type table's (``NO_COUNTERPART``),
    whichever side is left. A pair with no such entry keeps the plain reason (near miss)."""
    why = typemap_why.why_types_differ(sqlite("CHAR(1)"), pg("character(1)"))
    assert why == typemap.NO_COUNTERPART["char"]
    assert "pads a value with spaces" in why and "no fixed-length character type" in why
    assert typemap_why.why_types_differ(pg("character(1)"), sqlite("CHAR(1)")) == why
    assert typemap_why.why_types_differ(sqlite("TEXT"), pg("integer")) == (
        "no logical kind accepts both"
    )


@pytest.mark.parametrize(
    ("ctype", "interval"),
    [
        (ColumnType("postgresql", "interval"), True),
        (ColumnType("postgresql", "interval day to second", length=3), True),
        (ColumnType("postgresql", "interval", array=True), False),
        (ColumnType("sqlite", "interval"), False),  # SQLite's INTERVAL is NUMERIC: no span
        (ColumnType("postgresql", "integer"), False),
    ],
)
def test_an_interval_type_is_known_by_the_table_not_its_spelling(
    ctype: ColumnType, interval: bool
) -> None:
    """The probes of a column that holds a span of time (stranger57 217) follow the type table."""
    assert typemap_storage.is_interval(ctype) is interval


def test_a_postgresql_array_against_sqlite_text_says_how_they_pair() -> None:
    """PostgreSQL text[] against SQLite TEXT (stranger63 023: "no logical kind accepts both"
    said nothing of arrays): the reason says SQLite has no array type, that applications keep
    JSON array text, and to allow the column_type, quoting README's own words, whichever side
    is left. Near misses: an array's element type against SQLite's, a PostgreSQL text[] against
    a PostgreSQL text, keep their reasons."""
    from pathlib import Path

    why = typemap_why.why_types_differ(sqlite("TEXT"), pg("text[]"))
    assert why == typemap.ARRAY_NO_COUNTERPART
    assert "JSON array text" in why and "allow this column_type" in why
    assert typemap_why.why_types_differ(pg("integer[]"), sqlite("TEXT")) == why
    quoted = why.rsplit('"', 2)[1]
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert quoted == "No kind holds a PostgreSQL array" and quoted in readme
    assert typemap_why.why_types_differ(sqlite("TEXT"), pg("integer")) == (
        "no logical kind accepts both"
    )
    same_engine = typemap_why.why_types_differ(pg("text"), pg("text[]"))
    assert same_engine == "one database engine: the declared types must be equal"
