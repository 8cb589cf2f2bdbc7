"""The comparer, table-driven and without a database: each object kind, changed on one side of an
otherwise identical pair, yields exactly one typed difference; equivalent spellings yield none."""

from __future__ import annotations

from dataclasses import replace

import pytest

from twinschema.canonical.normalize import canonicalize
from twinschema.compare import Side, compare
from twinschema.dialects import adapter
from twinschema.domain_load import parse_domain
from twinschema.model import (
    IDENTITY_BY_DEFAULT,
    IDENTITY_ROWID,
    IDENTITY_SEQUENCE,
    CheckConstraint,
    Column,
    ColumnType,
    ForeignKey,
    Index,
    Policy,
    Schema,
    Table,
    UniqueConstraint,
)


def col(dialect: str, name: str, spelling: str, **kw: object) -> Column:
    return Column(name, adapter(dialect).parse_type(spelling), **kw)  # type: ignore[arg-type]


def sqlite_tables() -> dict[str, Table]:
    parent = Table(
        "parent",
        columns=(col("sqlite", "id", "INTEGER", nullable=False, identity=IDENTITY_ROWID),),
        primary_key=("id",),
    )
    child = Table(
        "child",
        columns=(
            col("sqlite", "id", "TEXT", nullable=False),
            col("sqlite", "parent_id", "INTEGER", nullable=False),
            col("sqlite", "name", "VARCHAR(40)", nullable=False, default="'x'"),
            col("sqlite", "active", "INTEGER", nullable=False, default="1"),
            col("sqlite", "status", "TEXT", default="'new'"),
            col("sqlite", "created_at", "TEXT", nullable=False, default="CURRENT_TIMESTAMP"),
            col("sqlite", "score", "INTEGER", nullable=False, default="(0)"),
        ),
        primary_key=("id",),
        foreign_keys=(ForeignKey(("parent_id",), "parent", ("id",), "CASCADE"),),
        uniques=(UniqueConstraint(("parent_id", "name")),),
        indexes=(Index(("name",)), Index(("parent_id",), where="status IS NULL")),
        checks=(
            CheckConstraint("active IN (0, 1)"),
            CheckConstraint("status IN ('new', 'done')"),
            CheckConstraint("score >= 0"),
        ),
    )
    return {"parent": parent, "child": child}


def pg_tables() -> dict[str, Table]:
    parent = Table(
        "parent",
        columns=(col("postgresql", "id", "integer", nullable=False, identity=IDENTITY_SEQUENCE),),
        primary_key=("id",),
    )
    child = Table(
        "child",
        columns=(
            col("postgresql", "id", "uuid", nullable=False),
            col("postgresql", "parent_id", "integer", nullable=False),
            col("postgresql", "name", "character varying(40)", nullable=False, default="'x'::text"),
            col("postgresql", "active", "boolean", nullable=False, default="true"),
            Column(
                "status",
                replace(
                    adapter("postgresql").parse_type("text"), name="enum", values=("new", "done")
                ),
                default="'new'::status",
            ),
            col(
                "postgresql",
                "created_at",
                "timestamp with time zone",
                nullable=False,
                default="now()",
            ),
            col("postgresql", "score", "integer", nullable=False, default="0"),
        ),
        primary_key=("id",),
        foreign_keys=(ForeignKey(("parent_id",), "parent", ("id",), "CASCADE"),),
        indexes=(
            Index(("parent_id", "name"), unique=True),  # the same rule as the UNIQUE constraint
            Index(("name",)),
            Index(("parent_id",), where="(status IS NULL)"),
        ),
        checks=(CheckConstraint("(score >= 0)"),),
        row_level_security=True,
        policies=(Policy("tenant"),),
    )
    return {"parent": parent, "child": child}


DOMAIN = parse_domain("""
version: 1
tables:
  parent:
    columns: {id: {kind: integer}}
  child:
    columns: {id: , parent_id: , name: , active: , status: , created_at: , score: }
    allow:
      - {kind: dialect_object, dialect: postgresql, name: row_level_security, reason: tenancy}
      - {kind: dialect_object, dialect: postgresql, name: tenant, reason: tenancy}
""")


def run(sqlite: dict[str, Table], pg: dict[str, Table], domain: object = DOMAIN):
    left = Side(canonicalize(Schema("sqlite", sqlite)), "left.py", "left.py")
    right = Side(canonicalize(Schema("postgresql", pg)), "right.py", "right.py")
    return compare(left, right, layer="models", domain=domain)  # type: ignore[arg-type]


def test_the_synced_pair_has_no_difference() -> None:
    result = run(sqlite_tables(), pg_tables())
    assert result.differences == []
    rules = {(e.column, e.rule) for e in result.equivalences}
    assert ("active", "boolean") in rules
    assert ("status", "enum") in rules
    assert ("id", "uuid") in rules
    assert ("id", "rowid-alias") in rules
    # the precision each side keeps of the moment is said (the lead's policy, stranger46 009)
    said = "current-time (SQLite keeps whole seconds, PostgreSQL microseconds)"
    assert ("created_at", said) in rules


def change(tables: dict[str, Table], table: str, **changes: object) -> dict[str, Table]:
    tables = dict(tables)
    tables[table] = replace(tables[table], **changes)  # type: ignore[arg-type]
    return tables


def change_column(
    tables: dict[str, Table], table: str, column: str, **changes: object
) -> dict[str, Table]:
    columns = tuple(
        replace(c, **changes) if c.name == column else c
        for c in tables[table].columns  # type: ignore[arg-type]
    )
    return change(tables, table, columns=columns)


S, P = sqlite_tables(), pg_tables()
CHILD_S, CHILD_P = S["child"], P["child"]

# (id, sqlite tables, pg tables, expected (kind, table, column) records)
DRIFT = [
    (
        "table",
        {"parent": S["parent"]} | {"child": CHILD_S, "extra": S["parent"]},
        P,
        [("table_missing", "extra", None)],
    ),
    (
        "column",  # its CHECK goes with it: one naming a column the table lacks is unknown_column
        change(S, "child", columns=CHILD_S.columns[:-1], checks=CHILD_S.checks[:2]),
        P,
        [("column_missing", "child", "score"), ("check", "child", None)],
    ),
    (
        "type",
        change_column(S, "child", "created_at", type=adapter("sqlite").parse_type("INTEGER")),
        P,
        [("column_type", "child", "created_at")],
    ),
    (
        "varchar_length",
        S,
        change_column(
            P, "child", "name", type=adapter("postgresql").parse_type("character varying(80)")
        ),
        [("column_type", "child", "name")],
    ),
    (
        "nullable",
        change_column(S, "child", "score", nullable=True),
        P,
        [("column_nullable", "child", "score")],
    ),
    (
        "default",
        change_column(S, "child", "name", default="'y'"),
        P,
        [("column_default", "child", "name")],
    ),
    (
        "identity",
        S,
        change_column(P, "child", "score", identity=IDENTITY_SEQUENCE),
        [("column_default", "child", "score")],
    ),
    (
        "primary_key",
        change(S, "child", primary_key=("id", "name")),
        P,
        [("primary_key", "child", None)],
    ),
    (
        "fk_action",
        S,
        change(
            P, "child", foreign_keys=(ForeignKey(("parent_id",), "parent", ("id",), "SET NULL"),)
        ),
        [("foreign_key", "child", None)],
    ),
    ("fk_missing", change(S, "child", foreign_keys=()), P, [("foreign_key", "child", None)]),
    ("unique", change(S, "child", uniques=()), P, [("unique", "child", None)]),
    (
        "unique_vs_index",
        change(S, "child", uniques=(), indexes=(*CHILD_S.indexes, Index(("parent_id", "name")))),
        P,
        [("unique", "child", None)],
    ),
    (
        "check_naming_a_column_the_table_lacks",  # unknown_column, and no one-sided CHECK
        change(S, "child", columns=CHILD_S.columns[:-1]),
        P,
        [("column_missing", "child", "score"), ("unknown_column", "child", "score")],
    ),
    (
        "index_naming_a_column_neither_table_has",  # each side's, and no index on one side only
        change(S, "child", indexes=(*CHILD_S.indexes, Index(("abs(scores)",), name="ix_s"))),
        change(P, "child", indexes=(*CHILD_P.indexes, Index(("abs(scores)",), name="ix_p"))),
        [("unknown_column", "child", "scores"), ("unknown_column", "child", "scores")],
    ),
    ("index", change(S, "child", indexes=CHILD_S.indexes[:1]), P, [("index", "child", None)]),
    (
        "partial_predicate",
        change(
            S,
            "child",
            indexes=(CHILD_S.indexes[0], Index(("parent_id",), where="status IS NOT NULL")),
        ),
        P,
        [("index", "child", None), ("index", "child", None)],
    ),
    ("check", S, change(P, "child", checks=()), [("check", "child", None)]),
    (
        "enum_values",
        change(
            S,
            "child",
            checks=(
                *CHILD_S.checks[:1],
                CheckConstraint("status IN ('new', 'gone')"),
                CHILD_S.checks[2],
            ),
        ),
        P,
        [("enum", "child", "status")],
    ),
    (
        "boolean_without_check",
        change(S, "child", checks=(CHILD_S.checks[1], CHILD_S.checks[2])),
        P,
        [("column_type", "child", "active")],
    ),
    (
        "policy_missing_on_pg",
        S,
        change(P, "child", policies=()),
        [("stale_allowance", "child", None)],
    ),
]


@pytest.mark.parametrize(
    ("sqlite", "pg", "expected"), [d[1:] for d in DRIFT], ids=[d[0] for d in DRIFT]
)
def test_drift_is_one_exact_record(
    sqlite: dict[str, Table], pg: dict[str, Table], expected: list[tuple[str, str, str | None]]
) -> None:
    found = sorted((d.kind, d.table, d.column) for d in run(sqlite, pg).differences)
    assert found == sorted(expected)


def test_records_carry_both_sides_sources_and_a_hint() -> None:
    left = change(S, "child", columns=CHILD_S.columns[:-1], checks=CHILD_S.checks[:2])
    (difference,) = [d for d in run(left, P).differences if d.kind == "column_missing"]
    assert difference.left is None
    assert difference.right == "integer"
    assert difference.left_source == "left.py"
    assert difference.right_source == "right.py"
    assert "left.py" in difference.hint
    assert difference.layer == "models"


def test_without_domain_dialect_objects_are_differences() -> None:
    kinds = sorted(d.kind for d in run(S, P, domain=None).differences)
    assert kinds == ["dialect_object", "dialect_object"]


def test_same_dialect_does_not_read_checks_as_types() -> None:
    # SQLite against SQLite: an INTEGER with CHECK (x IN (0, 1)) is not a BOOLEAN.
    other = change_column(S, "child", "active", type=adapter("sqlite").parse_type("BOOLEAN"))
    left = Side(canonicalize(Schema("sqlite", S)), "a", "a")
    right = Side(canonicalize(Schema("sqlite", other)), "b", "b")
    found = [(d.kind, d.column) for d in compare(left, right, layer="live").differences]
    assert found == [("column_type", "active")]


def test_dialect_only_table_is_not_missing() -> None:
    domain = parse_domain("""
version: 1
tables:
  parent: {columns: {id: }}
  child:
    columns: {id: , parent_id: , name: , active: , status: , created_at: , score: }
    allow:
      - {kind: dialect_object, dialect: postgresql, name: row_level_security, reason: tenancy}
      - {kind: dialect_object, dialect: postgresql, name: tenant, reason: tenancy}
  audit:
    dialects: [postgresql]
    columns: {id: }
""")
    pg = P | {"audit": P["parent"]}
    assert run(S, pg, domain).differences == []


def test_encodings_find_mixed_case_columns() -> None:
    # Canonical CHECK text is lower-case; the column keeps its case ("IsActive").
    sqlite = {
        "t": Table(
            "t",
            columns=(col("sqlite", "IsActive", "INTEGER"),),
            checks=(CheckConstraint('"IsActive" IN (0, 1)'),),
        )
    }
    pg = {"t": Table("t", columns=(col("postgresql", "IsActive", "boolean"),))}
    assert run(sqlite, pg, domain=None).differences == []


# Sources share equal column objects between tables, and the comparer remembers the outcome of
# each same-dialect pair: what it remembers must not leak from one table to another.


def _shared_schema(
    dialect: str, tables: dict[str, tuple[tuple[Column, ...], tuple[str, ...]]]
) -> Schema:
    return Schema(
        dialect,
        {name: Table(name, columns, primary_key=pk) for name, (columns, pk) in tables.items()},
    )


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_a_shared_column_pair_is_judged_in_each_table(dialect: str) -> None:
    integer = ColumnType(dialect, "integer")
    left_id = Column("id", integer, False, identity=IDENTITY_ROWID)
    right_id = Column("id", integer, False)
    left = _shared_schema(dialect, {"a": ((left_id,), ("id",)), "b": ((left_id,), ("id",))})
    right = _shared_schema(dialect, {"a": ((right_id,), ("id",)), "b": ((right_id,), ())})
    result = compare(Side(left, "l", "l"), Side(right, "r", "r"), layer="live")
    # One dialect: a rowid alias is not a plain integer key (only the alias assigns ids), in a
    # and in b alike; in b the key itself differs too.
    assert result.equivalences == []
    assert sorted((d.table, d.kind, d.left) for d in result.differences) == [
        ("a", "column_default", "identity rowid"),
        ("b", "column_default", "identity rowid"),
        ("b", "primary_key", "id"),
    ]


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_an_equivalence_of_a_shared_pair_is_recorded_for_each_table(dialect: str) -> None:
    text = ColumnType(dialect, "text")
    left_status = Column("status", text, default="'new'", raw_default="'new'")
    right_status = Column("status", text, default="'new'", raw_default="'new'::text")
    tables = {"a": ((left_status,), ()), "b": ((left_status,), ())}
    left = _shared_schema(dialect, tables)
    right = _shared_schema(dialect, {"a": ((right_status,), ()), "b": ((right_status,), ())})
    result = compare(Side(left, "l", "l"), Side(right, "r", "r"), layer="live")
    assert result.differences == []
    assert [(e.table, e.column, e.rule, e.right) for e in result.equivalences] == [
        ("a", "status", "default", "'new'::text"),
        ("b", "status", "default", "'new'::text"),
    ]


# Objects of one kind are compared in full only when the two sides hold different ones: the
# same objects in another order (a metadata module lists constraints in no fixed order) are no
# difference, and one changed object among equal ones is still found.

_TABLE_OBJECTS = {
    "foreign_keys": (
        ForeignKey(("a",), "t", ("id",), "CASCADE", name="fk_a"),
        ForeignKey(("b",), "t", ("id",), name="fk_b"),
    ),
    "uniques": (UniqueConstraint(("a", "b"), "uq_ab"), UniqueConstraint(("b",), "uq_b")),
    "indexes": (Index(("a",), name="ix_a"), Index(("b",), where="a > 0", name="ix_b")),
    "checks": (
        CheckConstraint("a > 0", "ck_a", "a > 0"),
        CheckConstraint("b > 0", "ck_b", "b > 0"),
    ),
}
_CHANGED = {
    "foreign_keys": ForeignKey(("b",), "t", ("id",), "SET NULL", name="fk_b"),
    "uniques": UniqueConstraint(("a",), "uq_b"),
    "indexes": Index(("b",), where="a > 1", name="ix_b"),
    "checks": CheckConstraint("b > 1", "ck_b", "b > 1"),
}


def _objects_table(dialect: str, kind: str, objects: tuple[object, ...]) -> Schema:
    integer = ColumnType(dialect, "integer")
    columns = tuple(Column(name, integer, name != "id") for name in ("id", "a", "b"))
    table = replace(Table("t", columns, primary_key=("id",)), **{kind: objects})
    return Schema(dialect, {"t": table})


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
@pytest.mark.parametrize("kind", sorted(_TABLE_OBJECTS))
def test_objects_in_another_order_are_no_difference(dialect: str, kind: str) -> None:
    objects = _TABLE_OBJECTS[kind]
    left = Side(_objects_table(dialect, kind, objects), "l", "l")
    reordered = Side(_objects_table(dialect, kind, objects[::-1]), "r", "r")
    assert compare(left, reordered, layer="live").differences == []
    changed = Side(_objects_table(dialect, kind, (_CHANGED[kind], objects[0])), "r", "r")
    found = compare(left, changed, layer="live").differences
    # A changed foreign key (same columns and table) differs, and so does a changed index of
    # the same name (one difference saying what differs); another object of the other kinds is
    # one side's only, and the object it replaced the other's.
    count, difference = {
        "foreign_keys": (1, "foreign_key"),
        "uniques": (2, "unique"),
        "indexes": (1, "index"),
        "checks": (2, "check"),
    }[kind]
    assert [d.kind for d in found] == [difference] * count, [d.message for d in found]


# Same-dialect pairs compare declared types exactly; names pair by each dialect's folding rule.


def _one_column(dialect: str, column: Column, table: str = "t") -> Side:
    schema = Schema(dialect, {table: Table(table, columns=(column,))})
    return Side(canonicalize(schema), dialect, dialect)


@pytest.mark.parametrize(
    ("dialect", "left", "right"),
    [
        ("postgresql", "citext", "text"),  # citext is not in the embedded server: no probe case
        ("postgresql", "character varying(10)", "text"),
        ("postgresql", "timestamp(3) without time zone", "timestamp without time zone"),
        ("sqlite", "NVARCHAR(10)", "VARCHAR(10)"),
    ],
)
def test_same_dialect_declared_types_differ(dialect: str, left: str, right: str) -> None:
    result = compare(
        _one_column(dialect, col(dialect, "x", left)),
        _one_column(dialect, col(dialect, "x", right)),
        layer="live",
    )
    assert [(d.kind, d.column) for d in result.differences] == [("column_type", "x")]


def test_enum_order_differs_between_postgresql_sources_only() -> None:
    """A PostgreSQL enum sorts by its labels' order; a SQLite CHECK list has none."""
    first = ColumnType("postgresql", "enum", values=("a", "b"))
    second = ColumnType("postgresql", "enum", values=("b", "a"))
    result = compare(
        _one_column("postgresql", Column("m", first)),
        _one_column("postgresql", Column("m", second)),
        layer="live",
    )
    assert [d.kind for d in result.differences] == ["enum"]
    assert "another order" in result.differences[0].message
    sqlite = Schema(
        "sqlite",
        {
            "t": Table(
                "t",
                columns=(col("sqlite", "m", "TEXT"),),
                checks=(CheckConstraint("m IN ('b', 'a')"),),
            )
        },
    )
    across = compare(
        Side(canonicalize(sqlite), "s", "s"),
        _one_column("postgresql", Column("m", first)),
        layer="models",
    )
    assert across.differences == []


def test_a_length_on_one_side_says_what_it_means_for_data() -> None:
    result = compare(
        _one_column("sqlite", col("sqlite", "x", "TEXT")),
        _one_column("postgresql", col("postgresql", "x", "varchar(50)")),
        layer="models",
    )
    assert [d.kind for d in result.differences] == ["column_type"]
    assert (
        "postgresql (PostgreSQL) rejects values longer than 50 characters that sqlite (SQLite)"
        in (result.differences[0].message)
    )


def test_a_length_against_a_length_check_says_where_they_part() -> None:
    """TEXT with CHECK (length(x) <= 50) against varchar(50): not "PostgreSQL rejects longer
    values that SQLite stores" (the CHECK rejects them too): the same rule, the type carrying
    the CHECK; the trailing spaces varchar cuts are a value_compatibility warning of the
    evaluation (tests/fixtures/probes/sl-pg.check-length-le-vs-varchar; fuzz43 R4)."""
    sqlite = Schema(
        "sqlite",
        {
            "t": Table(
                "t",
                columns=(col("sqlite", "x", "TEXT"),),
                checks=(CheckConstraint("length(x) <= 50"),),
            )
        },
    )
    result = compare(
        Side(canonicalize(sqlite), "sqlite", "sqlite"),
        _one_column("postgresql", col("postgresql", "x", "varchar(50)")),
        layer="models",
    )
    assert result.differences == []
    same = [e for e in result.equivalences if e.column == "x"]
    assert len(same) == 1 and "CHECK (length(x) <= 50)" in same[0].left, same


@pytest.mark.parametrize(
    ("left", "right", "paired"),
    [
        (("sqlite", "Lock"), ("postgresql", "lock"), True),
        (("postgresql", "lock"), ("sqlite", "LOCK"), True),
        (("sqlite", "Lock"), ("sqlite", "lock"), True),
        (("postgresql", "Amount"), ("postgresql", "amount"), False),
        (("sqlite", "Lock"), ("postgresql", "locks"), False),
    ],
)
def test_column_names_pair_by_the_dialects_folding_rule(
    left: tuple[str, str], right: tuple[str, str], paired: bool
) -> None:
    result = compare(
        _one_column(left[0], col(left[0], left[1], "integer")),
        _one_column(right[0], col(right[0], right[1], "integer")),
        layer="models",
    )
    if paired:
        assert result.differences == []
        assert [(e.rule, e.left, e.right) for e in result.equivalences] == [
            ("identifier case", left[1], right[1])
        ]
    else:
        assert sorted(d.kind for d in result.differences) == ["column_missing", "column_missing"]


def test_a_folded_table_name_renames_what_refers_to_it() -> None:
    """SQLite's Users(Id) and a foreign key to it pair with PostgreSQL's users(id)."""
    sqlite = Schema(
        "sqlite",
        {
            "Users": Table(
                "Users",
                columns=(col("sqlite", "Id", "INTEGER", nullable=False, identity=IDENTITY_ROWID),),
                primary_key=("Id",),
            ),
            "posts": Table(
                "posts",
                columns=(col("sqlite", "User_Id", "INTEGER"),),
                foreign_keys=(ForeignKey(("User_Id",), "Users", ("Id",)),),
                uniques=(UniqueConstraint(("User_Id",)),),
            ),
        },
    )
    pg = Schema(
        "postgresql",
        {
            "users": Table(
                "users",
                columns=(
                    col(
                        "postgresql", "id", "integer", nullable=False, identity=IDENTITY_BY_DEFAULT
                    ),
                ),
                primary_key=("id",),
            ),
            "posts": Table(
                "posts",
                columns=(col("postgresql", "user_id", "integer"),),
                foreign_keys=(ForeignKey(("user_id",), "users", ("id",)),),
                uniques=(UniqueConstraint(("user_id",)),),
            ),
        },
    )
    result = compare(Side(sqlite, "s", "s"), Side(pg, "p", "p"), layer="models")
    assert result.differences == []
    assert result.tables == ["Users", "posts"]


def test_sqlite_table_options_are_compared_between_sqlite_sources_only() -> None:
    strict = Table("t", columns=(col("sqlite", "x", "INTEGER"),), options=("strict",))
    plain = Table("t", columns=(col("sqlite", "x", "INTEGER"),))
    same = compare(
        Side(Schema("sqlite", {"t": strict}), "a", "a"),
        Side(Schema("sqlite", {"t": plain}), "b", "b"),
        layer="live",
    )
    assert [(d.kind, d.name) for d in same.differences] == [("column_type", "strict")]
    pg = Table("t", columns=(col("postgresql", "x", "integer"),))
    across = compare(
        Side(Schema("sqlite", {"t": strict}), "a", "a"),
        Side(Schema("postgresql", {"t": pg}), "b", "b"),
        layer="models",
    )
    assert across.differences == []
