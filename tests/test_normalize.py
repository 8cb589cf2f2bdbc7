"""normalize.canonicalize: physical names become the domain's logical names everywhere a name
appears (columns, keys, indexes, expressions), and what needs no rewriting is kept as it is."""

from __future__ import annotations

import pytest

from twinschema.canonical.normalize import canonicalize, value_kind
from twinschema.domain_model import IDENTITY, NameMap
from twinschema.model import (
    CheckConstraint,
    Column,
    ColumnType,
    ForeignKey,
    Index,
    Schema,
    Table,
    UniqueConstraint,
)

DIALECTS = ("sqlite", "postgresql")


def raw_schema(dialect: str) -> Schema:
    """Two tables in physical names: ``item`` renames ``qty`` and is referenced by ``line``."""
    text = ColumnType(dialect, "text")
    integer = ColumnType(dialect, "integer")
    item = Table(
        name="item_v1",
        columns=(Column("id", integer, False), Column("qty", integer, False, "0")),
        primary_key=("id",),
        uniques=(UniqueConstraint(("qty",), "item_qty_key"),),
        indexes=(Index(("qty",), where="qty > 0", name="ix_item_qty"),),
        checks=(CheckConstraint("qty >= 0", name="qty_positive"),),
    )
    line = Table(
        name="line",
        columns=(Column("id", integer, False), Column("item_id", integer), Column("note", text)),
        primary_key=("id",),
        foreign_keys=(ForeignKey(("item_id",), "item_v1", ("qty",), on_delete="CASCADE"),),
        indexes=(Index(("note",), name="ix_line_note"),),
        checks=(
            CheckConstraint("note <> ''", name="note_set", raw="note <> ''"),
            CheckConstraint("item_id IN (1, 2)", name="item_listed", raw="item_id IN (1, 2)"),
        ),
    )
    return Schema(dialect=dialect, tables={"item_v1": item, "line": line})


NAMES = NameMap(
    tables={"item_v1": "item", "line": "line"},
    columns={
        ("item_v1", "id"): "id",
        ("item_v1", "qty"): "quantity",
        ("line", "id"): "id",
        ("line", "item_id"): "item_id",
        ("line", "note"): "note",
    },
)


def test_name_map_renames_holds_only_the_columns_that_change() -> None:
    # A column spelled as the logical name "quantity" is not it (its physical name is qty):
    # keyed apart, never paired with it (stranger60 017).
    assert NAMES.renames("item_v1") == {"qty": "quantity", "quantity": "quantity (logical name)"}
    assert NAMES.renames("line") == {}
    assert NAMES.renames("unknown") == {}
    assert IDENTITY.renames("item_v1") == {}
    assert NAMES.renames_any and not IDENTITY.renames_any
    assert not NameMap({"line": "line"}, {("line", "id"): "id"}).renames_any
    assert NameMap({"line_v2": "line"}, {}).renames_any  # a renamed table alone counts


@pytest.mark.parametrize("dialect", DIALECTS)
def test_reference_to_a_renamed_table_is_rewritten(dialect: str) -> None:
    """A foreign key of a table that renames nothing still follows its target's new name."""
    names = NameMap(tables={"item_v1": "item", "line": "line"}, columns={})
    line = canonicalize(raw_schema(dialect), names).tables["line"]
    assert line.foreign_keys[0].ref_table == "item"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_renamed_names_everywhere(dialect: str) -> None:
    schema = canonicalize(raw_schema(dialect), NAMES)
    assert set(schema.tables) == {"item", "line"}
    item = schema.tables["item"]
    assert [c.name for c in item.columns] == ["id", "quantity"]
    assert item.primary_key == ("id",)
    assert [u.columns for u in item.uniques] == [("quantity",)]
    assert [(i.expressions, i.where) for i in item.indexes] == [(("quantity",), "quantity > 0")]
    assert [c.expression for c in item.checks] == ["quantity >= 0"]
    line = schema.tables["line"]
    assert line.foreign_keys == (ForeignKey(("item_id",), "item", ("quantity",), "CASCADE"),)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_what_needs_no_rewriting_is_kept(dialect: str) -> None:
    """Equal values, not the same objects: whether the canonical form reuses a raw object is
    the normalizer's business, what it contains is the behaviour."""
    raw = raw_schema(dialect)
    schema = canonicalize(raw, NAMES)
    # ``line`` renames nothing and has no default: its columns and indexes come out unchanged.
    assert schema.tables["line"].columns == raw.tables["line"].columns
    assert schema.tables["line"].indexes == raw.tables["line"].indexes
    # ``item`` renames ``qty``: that column gets its logical name, its ``id`` is unchanged.
    item, raw_item = schema.tables["item"].columns, raw.tables["item_v1"].columns
    assert item[0] == raw_item[0]
    assert (item[1].name, raw_item[1].name) == ("quantity", "qty")
    # A CHECK already in canonical form is unchanged; one that lists a column's values records
    # the column and its values.
    kept, listed = schema.tables["line"].checks
    assert kept == raw.tables["line"].checks[0]
    assert (listed.column, listed.values) == ("item_id", ("1", "2"))
    # Its foreign key points at a renamed column, so that is rewritten.
    assert schema.tables["line"].foreign_keys != raw.tables["line"].foreign_keys


@pytest.mark.parametrize("dialect", DIALECTS)
def test_identity_keeps_physical_names(dialect: str) -> None:
    schema = canonicalize(raw_schema(dialect))
    item = schema.tables["item_v1"]
    assert [c.name for c in item.columns] == ["id", "qty"]
    assert [c.expression for c in item.checks] == ["qty >= 0"]
    assert schema.tables["line"].foreign_keys[0].ref_columns == ("qty",)


VALUE_KINDS = [
    # (dialect, type name, array, expected value kind): what the expression engine is told
    ("postgresql", "character varying", False, "text"),
    ("postgresql", "text", False, "text"),
    ("postgresql", "integer", False, "integer"),
    ("postgresql", "double precision", False, "float"),
    ("postgresql", "numeric", False, "numeric"),
    ("postgresql", "boolean", False, "boolean"),
    ("postgresql", "timestamp without time zone", False, "timestamp"),
    ("postgresql", "timestamp with time zone", False, "timestamptz"),
    ("postgresql", "jsonb", False, "json"),
    ("postgresql", "text", True, "other"),
    ("postgresql", "tsvector", False, "other"),
    ("sqlite", "varchar", False, "text"),  # SQLite's affinity rules
    ("sqlite", "bigint", False, "integer"),
    ("sqlite", "double", False, "float"),
    ("sqlite", "datetime", False, "numeric"),
    ("sqlite", "boolean", False, "boolean"),
    ("sqlite", "blob", False, "other"),
    ("sqlite", "", False, "other"),
]


@pytest.mark.parametrize(("dialect", "name", "array", "kind"), VALUE_KINDS)
def test_value_kind_follows_each_dialect(dialect: str, name: str, array: bool, kind: str) -> None:
    assert value_kind(ColumnType(dialect, name, array=array)) == kind


def flag_table(dialect: str, where: str, listed: bool) -> Schema:
    """An integer ``active``, kept to 0 and 1 by a CHECK when ``listed``, in a partial index."""
    integer = ColumnType(dialect, "integer")
    checks = (CheckConstraint("active IN (0, 1)"),) if listed else ()
    table = Table(
        name="t",
        columns=(Column("k", integer), Column("active", integer)),
        indexes=(Index(("k",), unique=True, where=where, name="t_k"),),
        checks=(*checks, CheckConstraint(f"k > 0 OR {where}")),
    )
    return Schema(dialect=dialect, tables={"t": table})


@pytest.mark.parametrize("dialect", DIALECTS)
def test_an_integer_kept_to_0_and_1_reads_as_a_boolean(dialect: str) -> None:
    """``active = 1`` is ``active`` when a CHECK keeps active to 0 and 1, in every expression of
    the table (index predicates and other CHECKs), and only then."""
    bare = canonicalize(flag_table(dialect, "active", True)).tables["t"]
    compared = canonicalize(flag_table(dialect, "active = 1", True)).tables["t"]
    assert bare.indexes == compared.indexes
    assert {c.expression for c in bare.checks} == {c.expression for c in compared.checks}
    loose = canonicalize(flag_table(dialect, "active = 1", False)).tables["t"]
    plain = canonicalize(flag_table(dialect, "active", False)).tables["t"]
    assert loose.indexes != plain.indexes  # WHERE active is any non-zero value there


def test_quoted_names_keep_their_case_on_postgresql() -> None:
    integer = ColumnType("postgresql", "integer")
    table = Table(
        name="t",
        columns=(Column("Amount", integer), Column("amount", integer)),
        checks=(CheckConstraint('"Amount" > 0'), CheckConstraint("AMOUNT > 0")),
    )
    schema = canonicalize(Schema(dialect="postgresql", tables={"t": table}))
    assert [c.expression for c in schema.tables["t"].checks] == ['"Amount" > 0', "amount > 0"]


def test_defaults_store_what_their_column_stores() -> None:
    """A default is read as its column's kind: TEXT 0 is '0', REAL 1 is 1.0."""
    text, real = ColumnType("sqlite", "text"), ColumnType("sqlite", "real")
    table = Table(
        name="t",
        columns=(Column("s", text, default="0"), Column("p", real, default="1")),
    )
    other = Table(
        name="t",
        columns=(Column("s", text, default="'0'"), Column("p", real, default="1.0")),
    )
    left = canonicalize(Schema(dialect="sqlite", tables={"t": table})).tables["t"]
    right = canonicalize(Schema(dialect="sqlite", tables={"t": other})).tables["t"]
    assert [c.default for c in left.columns] == [c.default for c in right.columns]
