"""Foreign-key timing and MATCH, a second key on the same columns, enum order, FORCE ROW LEVEL
SECURITY, policy kind and roles, UNLOGGED, partitioning, a table in another schema and RULEs
(issue 15, section 1), on real databases: declared in SQLAlchemy they match the database that
metadata builds, changed by hand they are one typed difference whose message says what it means
for data, and ``inspect --format text`` shows them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from pg_helpers import admin
from support.testing import scratch_database

from twinschema.cli import cli
from twinschema.compare import Side, compare
from twinschema.dialects import ReflectOptions
from twinschema.domain_load import parse_domain
from twinschema.layers.domaincheck import compare_domain
from twinschema.model import Schema
from twinschema.sources import make_canonical, reflect_url
from twinschema.sources.metadata import from_metadata

Change = Callable[[sa.MetaData], None]
STATUS = ("draft", "live", "archived")


def build(
    dialect: str, change: Change | None = None, status: tuple[str, ...] = STATUS
) -> sa.MetaData:
    """A schema using every attribute this file is about that ``dialect`` can declare."""
    metadata = sa.MetaData()
    sa.Table(
        "parent",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("code", sa.Integer, nullable=False, unique=True),
    )
    sa.Table(
        "child",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("a", sa.Integer),
        sa.Column("b", sa.Integer),
        sa.Column("status", sa.Enum(*status, name="status", create_constraint=True)),
        sa.ForeignKeyConstraint(
            ["a"], ["parent.id"], name="fk_a_id", deferrable=True, initially="DEFERRED"
        ),
        sa.ForeignKeyConstraint(["a"], ["parent.code"], name="fk_a_code"),
        sa.ForeignKeyConstraint(["a", "b"], ["pair.x", "pair.y"], name="fk_pair", match="FULL"),
        info={"twinschema": {"row_level_security": True, "force_row_level_security": True,
                             "policies": [{"name": "mine", "permissive": False,
                                           "command": "SELECT", "roles": ["public"]}]}},
    )  # fmt: skip
    sa.Table(
        "pair",
        metadata,
        sa.Column("x", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("y", sa.Integer, primary_key=True, autoincrement=False),
    )
    if dialect == "postgresql":
        sa.Table("scratchpad", metadata, sa.Column("id", sa.Integer), prefixes=["UNLOGGED"])
        sa.Table(
            "event",
            metadata,
            sa.Column("id", sa.Integer),
            sa.Column("at", sa.Date, nullable=False),
            postgresql_partition_by="RANGE (at)",
        )
    if change is not None:
        change(metadata)
    return metadata


def create(db_url: str, dialect: str) -> None:
    """The database ``build(dialect)`` describes, with its policy (SQLAlchemy has none)."""
    engine = sa.create_engine(db_url)
    build(dialect).create_all(engine)
    if dialect == "postgresql":
        with engine.begin() as conn:
            for statement in (
                "ALTER TABLE child ENABLE ROW LEVEL SECURITY",
                "ALTER TABLE child FORCE ROW LEVEL SECURITY",
                "CREATE POLICY mine ON child AS RESTRICTIVE FOR SELECT USING (a > 0)",
            ):
                conn.execute(sa.text(statement))
    engine.dispose()


def live(db_url: str) -> Side:
    return Side(make_canonical(reflect_url(db_url, ReflectOptions()), None), "live", "live")


def model(dialect: str, change: Change | None = None) -> Side:
    raw = from_metadata(build(dialect, change), dialect, "model.py", ReflectOptions())
    return Side(make_canonical(raw, None), "model.py", "model.py")


def messages(left: Side, right: Side) -> list[tuple[str, str, str]]:
    found = compare(left, right, layer="live").differences
    return sorted((d.kind, d.name or "", d.message) for d in found)


def test_metadata_and_its_database_agree(db_url: str, dialect: str) -> None:
    """Every attribute declared in SQLAlchemy reads the same from the database it creates."""
    create(db_url, dialect)
    assert messages(model(dialect), live(db_url)) == []


def _no_deferral(m: sa.MetaData) -> None:
    child = m.tables["child"]
    fk = next(c for c in child.foreign_key_constraints if c.name == "fk_a_id")
    fk.deferrable, fk.initially = None, None


def _no_match(m: sa.MetaData) -> None:
    child = m.tables["child"]
    next(c for c in child.foreign_key_constraints if c.name == "fk_pair").match = None


def _one_key(m: sa.MetaData) -> None:
    child = m.tables["child"]
    child.constraints.discard(
        next(c for c in child.foreign_key_constraints if c.name == "fk_a_code")
    )


def test_a_deferred_key_the_model_does_not_declare(db_url: str, dialect: str) -> None:
    create(db_url, dialect)
    (found,) = messages(model(dialect, _no_deferral), live(db_url))
    assert found[:2] == ("foreign_key", "fk_a_id")
    assert "NOT DEFERRABLE vs DEFERRABLE INITIALLY DEFERRED" in found[2]
    assert "checked at COMMIT" in found[2]


def test_match_full_is_compared_where_it_is_enforced(db_url: str, dialect: str) -> None:
    """PostgreSQL enforces MATCH FULL; SQLite parses it and enforces MATCH SIMPLE, so on SQLite
    a model without it still matches the database."""
    create(db_url, dialect)
    found = messages(model(dialect, _no_match), live(db_url))
    if dialect == "sqlite":
        assert found == []
        return
    ((kind, name, message),) = found
    assert (kind, name) == ("foreign_key", "fk_pair")
    assert "MATCH SIMPLE vs MATCH FULL" in message and "NULL" in message


def test_a_second_key_on_the_same_columns_is_kept(db_url: str, dialect: str) -> None:
    create(db_url, dialect)
    ((kind, name, message),) = messages(model(dialect, _one_key), live(db_url))
    assert (kind, name) == ("foreign_key", "fk_a_code")
    assert message.startswith("a second foreign key child(a) -> parent(code) exists only in live")


def test_on_delete_set_null_columns_from_metadata(pg_url: str) -> None:
    """SQLAlchemy passes ``ondelete="SET NULL (b)"`` through: read as the action and its
    columns, it matches the database; listing every column is plain SET NULL."""
    create(pg_url, "postgresql")

    def set_null(columns: str) -> Change:
        def change(m: sa.MetaData) -> None:
            child = m.tables["child"]
            fk = next(c for c in child.foreign_key_constraints if c.name == "fk_pair")
            fk.ondelete = f"SET NULL ({columns})"

        return change

    admin(
        pg_url,
        "ALTER TABLE child DROP CONSTRAINT fk_pair",
        "ALTER TABLE child ADD CONSTRAINT fk_pair FOREIGN KEY (a, b) REFERENCES pair (x, y) "
        "MATCH FULL ON DELETE SET NULL (b)",
    )
    assert messages(model("postgresql", set_null("B")), live(pg_url)) == []
    ((kind, name, message),) = messages(model("postgresql", set_null("a, b")), live(pg_url))
    assert (kind, name) == ("foreign_key", "fk_pair")
    assert "ON DELETE SET NULL vs SET NULL (b): deleting the referenced row sets different" in (
        message
    )


def test_force_rls_and_policy_kind_and_roles_against_the_model(pg_url: str) -> None:
    create(pg_url, "postgresql")
    admin(
        pg_url,
        "ALTER TABLE child NO FORCE ROW LEVEL SECURITY",
        "ALTER POLICY mine ON child TO current_user",
    )
    found = messages(model("postgresql"), live(pg_url))
    assert [(k, n) for k, n, _ in found] == [
        ("dialect_object", "force_row_level_security"),
        ("dialect_object", "mine"),
    ]
    assert "owner bypasses its policies" in found[0][2]
    assert "roles public vs " in found[1][2]


def test_unlogged_and_partitioning_against_the_model(pg_url: str) -> None:
    create(pg_url, "postgresql")
    admin(pg_url, "ALTER TABLE scratchpad SET LOGGED")

    def plain(m: sa.MetaData) -> None:
        m.tables["event"].dialect_options["postgresql"]["partition_by"] = "LIST (id)"

    found = messages(model("postgresql", plain), live(pg_url))
    assert [(k, n) for k, n, _ in found] == [
        ("dialect_object", "partitioned"),
        ("dialect_object", "unlogged"),
    ]
    assert (
        "partitioned by LIST (id) in model.py, partitioned by RANGE (at) in live" in (found[0][2])
    )
    assert "emptied after a crash" in found[1][2]


def test_enum_order_and_missing_values_name_their_side(pg_url: str) -> None:
    create(pg_url, "postgresql")
    reordered = Side(
        make_canonical(
            from_metadata(
                build("postgresql", status=("live", "draft", "archived")),
                "postgresql",
                "schemas/postgres.py",
            ),
            None,
        ),
        "schemas/postgres.py",
        "schemas/postgres.py",
    )
    ((kind, _, message),) = messages(reordered, live(pg_url))
    assert kind == "enum" and "another order" in message and "ORDER BY" in message
    other = Side(
        make_canonical(
            from_metadata(
                build("postgresql", status=("draft", "live", "pending")),
                "postgresql",
                "schemas/sqlite.py",
            ),
            None,
        ),
        "schemas/sqlite.py",
        "schemas/sqlite.py",
    )
    ((kind, _, message),) = messages(other, live(pg_url))
    assert kind == "enum"
    # Each value as SQL writes it, so that a trailing space or a quote shows (stranger16).
    assert message.endswith("'pending' only in schemas/sqlite.py; 'archived' only in live")


DOMAIN = """
version: 1
tables:
  parent:
    columns: {id: {kind: integer}, code: {kind: integer}}
  pair:
    columns: {x: {kind: integer}, y: {kind: integer}}
  child:
    columns:
      id: {kind: integer}
      a: {kind: integer}
      b: {kind: integer}
      status: {kind: enum, values: [draft, live, archived]}
"""


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_the_domain_layer_compares_enum_order_where_the_type_has_one(dialect: str) -> None:
    """A native enum (PostgreSQL) must list domain.yaml's values in its order; a SQLite CHECK
    list has none, so only its set is compared."""
    domain = parse_domain(DOMAIN)
    tables = ("parent", "pair", "child")

    def found(status: tuple[str, ...]) -> list[tuple[str, str]]:
        raw = from_metadata(build(dialect, status=status), dialect, "m.py")
        kept = Schema(raw.dialect, {n: t for n, t in raw.tables.items() if n in tables})
        side = Side(make_canonical(kept, domain), "m.py", "m.py")
        return [(d.kind, d.message) for d in compare_domain(domain, side).differences]

    assert found(STATUS) == []
    reordered = found(("live", "draft", "archived"))
    if dialect == "sqlite":
        assert reordered == []
    else:
        ((kind, message),) = reordered
        assert (
            kind == "enum" and "another order" in message and "(live, draft, archived)" in message
        )
    ((kind, message),) = found(("draft", "live", "pending"))
    assert kind == "column_type"
    assert "archived only in domain.yaml; pending only in m.py" in message


@pytest.fixture
def two_databases(pg_server: str) -> Iterator[tuple[str, str]]:
    with scratch_database(pg_server, "left") as a, scratch_database(pg_server, "right") as b:
        yield a, b


def test_a_table_in_another_schema_is_named_as_such(two_databases: tuple[str, str]) -> None:
    left, right = two_databases
    admin(left, "CREATE SCHEMA audit", "CREATE TABLE audit.events (id integer)")
    admin(right, "CREATE TABLE events (id integer)")
    result = CliRunner().invoke(cli, ["diff", left, right, "--no-domain", "--format", "json"])
    assert result.exit_code == 1, result.output
    assert "exists only in schema audit" in result.stdout
    assert "it exists only in schema audit, not in the schema compared" in result.stdout
    assert "on the left" not in result.stdout  # the side is named as the report names it


def test_rules_are_read_as_objects(pg_url: str, tmp_path: Path) -> None:
    """A rule is read with its definition (compared between PostgreSQL sources, stranger54
    002), no longer counted; a view's own ``_RETURN`` rule is none."""
    admin(
        pg_url,
        "CREATE TABLE t (id integer)",
        "CREATE TABLE t_log (id integer)",
        "CREATE RULE t_copy AS ON INSERT TO t DO ALSO INSERT INTO t_log VALUES (NEW.id)",
        "CREATE VIEW v AS SELECT id FROM t",  # a view's own _RETURN rule is not a RULE
    )
    schema = reflect_url(pg_url, ReflectOptions())
    assert schema.not_compared["rules"] == 0
    assert [(o.kind, o.table, o.name) for o in schema.objects if o.kind == "rule"] == [
        ("rule", "t", "t_copy")
    ]
    result = CliRunner().invoke(cli, ["inspect", pg_url, "--format", "text"])
    assert result.exit_code == 0, result.output
    assert "t_copy" in result.stdout


def test_inspect_text_shows_the_new_attributes(pg_url: str) -> None:
    create(pg_url, "postgresql")
    result = CliRunner().invoke(cli, ["inspect", pg_url, "--format", "text"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    child = text[text.index('Table "child"') : text.index('Table "event"')]
    assert (
        "(a) -> parent(id) ON DELETE NO ACTION ON UPDATE NO ACTION DEFERRABLE INITIALLY DEFERRED"
        in child
    )
    assert "(a) -> parent(code)" in child
    assert "MATCH FULL" in child
    assert "mine AS RESTRICTIVE FOR SELECT TO public" in child
    assert "Row-level security: on (forced)" in child
    assert "Partitioned by RANGE (at)" in text
    assert "Unlogged" in text[text.index('Table "scratchpad"') :]


def test_inspect_text_shows_match_sqlite_ignores(sqlite_url: str) -> None:
    create(sqlite_url, "sqlite")
    result = CliRunner().invoke(cli, ["inspect", sqlite_url, "--format", "text"])
    assert result.exit_code == 0, result.output
    assert "MATCH FULL (enforced as SIMPLE)" in result.stdout
    assert "DEFERRABLE INITIALLY DEFERRED" in result.stdout


SQLITE_KEYS = """
CREATE TABLE p (id INTEGER PRIMARY KEY, code INTEGER UNIQUE, a INTEGER, b INTEGER,
                UNIQUE (a, b));
CREATE TABLE c (
    id INTEGER PRIMARY KEY,
    -- a comment that says REFERENCES p DEFERRABLE INITIALLY DEFERRED
    x INTEGER REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED NOT NULL,
    y INTEGER CONSTRAINT y_code REFERENCES p (code) NOT DEFERRABLE INITIALLY DEFERRED,
    note TEXT DEFAULT 'references p match full',
    a INTEGER, b INTEGER,
    z INTEGER REFERENCES p (id) DEFERRABLE INITIALLY IMMEDIATE,
    FOREIGN KEY (a, b) REFERENCES p (a, b) MATCH FULL ON DELETE SET NULL,
    FOREIGN KEY (z) REFERENCES p (code) deferrable initially deferred
);
"""


def test_sqlite_reads_deferral_and_match_from_the_table_sql() -> None:
    """pragma_foreign_key_list tells neither: each REFERENCES clause of the stored SQL is read
    in order, past comments and strings. Only DEFERRABLE INITIALLY DEFERRED defers a key in
    SQLite; MATCH is kept as declared but enforced as SIMPLE."""
    import sqlite3

    from twinschema.dialects.sqlite import reflect_connection

    conn = sqlite3.connect(":memory:")
    try:
        conn.executescript(SQLITE_KEYS)
        schema = reflect_connection(conn, ReflectOptions(), "c.db")
    finally:
        conn.close()
    keys = {
        (fk.columns, fk.ref_columns): (
            fk.deferrable,
            fk.initially_deferred,
            fk.match,
            fk.match_declared,
        )
        for fk in schema.tables["c"].foreign_keys
    }
    assert keys == {
        (("x",), ("id",)): (True, True, "SIMPLE", None),
        (("y",), ("code",)): (False, False, "SIMPLE", None),
        (("z",), ("id",)): (False, False, "SIMPLE", None),
        (("a", "b"), ("a", "b")): (False, False, "SIMPLE", "FULL"),
        (("z",), ("code",)): (True, True, "SIMPLE", None),
    }
