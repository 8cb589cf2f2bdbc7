"""The PostgreSQL adapter: type spellings, and reflection of real databases into raw records.

Every reflection test builds its schema with raw DDL in a new, empty database on a real server and
asserts the exact records (every field, including names and raw text, via ``dataclasses.asdict``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import asdict, replace
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as sa_pg

from twinschema.canonical.normalize import canonicalize
from twinschema.dialects import ReflectOptions, adapter
from twinschema.dialects.postgresql import (
    ADAPTER,
    NOT_COMPARED_KEYS,
    STATEMENTS,
    check_expression,
    connect,
    connect_kwargs,
    parse_type,
    reflect_connection,
)
from twinschema.errors import DatabaseError
from twinschema.model import (
    Column,
    ColumnType,
    DomainCheck,
    ForeignKey,
    Generated,
    Index,
    Policy,
    Table,
    UniqueConstraint,
)
from twinschema.urls import parse_url, redact

PG = "postgresql"


def ctype(name: str, raw: str, **params: Any) -> ColumnType:
    return ColumnType(PG, name, raw=raw, **params)


def run_ddl(url: str, ddl: str) -> None:
    """Run raw DDL (several statements) as the URL's role, committed."""
    kwargs = connect_kwargs(parse_url(url), ReflectOptions())
    with psycopg.connect(**kwargs, autocommit=True) as conn:
        conn.execute(ddl.encode())  # bytes: no placeholder parsing of '%' in the DDL


def reflect(url: str, **options: Any) -> Any:
    return ADAPTER.reflect(parse_url(url), ReflectOptions(**options))


def no_counts(**given: int) -> dict[str, int]:
    return {key: given.get(key, 0) for key in NOT_COMPARED_KEYS}


# ---------------------------------------------------------------------------------------------
# parse_type: a truth table of (spelling, name, parameters, array)
# ---------------------------------------------------------------------------------------------

TYPE_TABLE = [
    # format_type() output
    ("character varying(40)", "character varying", {"length": 40}),
    ("character varying", "character varying", {}),
    ("timestamp with time zone", "timestamp with time zone", {}),
    ("timestamp without time zone", "timestamp without time zone", {}),
    ("timestamp(3) with time zone", "timestamp with time zone", {"precision": 3}),
    ("time without time zone", "time without time zone", {}),
    ("numeric(10,2)", "numeric", {"precision": 10, "scale": 2}),
    ("numeric", "numeric", {}),
    ("text[]", "text", {"array": True}),
    ("character varying(40)[]", "character varying", {"length": 40, "array": True}),
    ("integer[][]", "integer", {"array": True}),
    ("character(20)", "character", {"length": 20}),
    ("double precision", "double precision", {}),
    ("integer", "integer", {}),
    ("bigint", "bigint", {}),
    ("smallint", "smallint", {}),
    ("boolean", "boolean", {}),
    ("real", "real", {}),
    ("bytea", "bytea", {}),
    ("uuid", "uuid", {}),
    ("json", "json", {}),
    ("jsonb", "jsonb", {}),
    ("text", "text", {}),
    ("date", "date", {}),
    ("interval", "interval", {}),
    # what SQLAlchemy's PostgreSQL dialect compiles
    ("VARCHAR(40)", "character varying", {"length": 40}),
    ("VARCHAR", "character varying", {}),
    ("TIMESTAMP WITH TIME ZONE", "timestamp with time zone", {}),
    ("TIMESTAMP WITHOUT TIME ZONE", "timestamp without time zone", {}),
    ("TIMESTAMP(6) WITHOUT TIME ZONE", "timestamp without time zone", {"precision": 6}),
    ("TIME WITHOUT TIME ZONE", "time without time zone", {}),
    ("UUID", "uuid", {}),
    ("JSONB", "jsonb", {}),
    ("JSON", "json", {}),
    ("BIGINT", "bigint", {}),
    ("INTEGER", "integer", {}),
    ("SMALLINT", "smallint", {}),
    ("BOOLEAN", "boolean", {}),
    ("NUMERIC(10, 2)", "numeric", {"precision": 10, "scale": 2}),
    ("NUMERIC(10)", "numeric", {"precision": 10, "scale": 0}),
    ("NUMERIC", "numeric", {}),
    ("DOUBLE PRECISION", "double precision", {}),
    ("REAL", "real", {}),
    ("BYTEA", "bytea", {}),
    ("TEXT", "text", {}),
    ("DATE", "date", {}),
    ("CHAR(3)", "character", {"length": 3}),
    ("CHAR", "character", {"length": 1}),
    ("FLOAT", "double precision", {}),
    ("FLOAT(53)", "double precision", {}),
    ("FLOAT(24)", "real", {}),
    ("TEXT[]", "text", {"array": True}),
    ("INTEGER ARRAY", "integer", {"array": True}),
    ('VARCHAR(40) COLLATE "C"', "character varying", {"length": 40}),
    # aliases
    ("int", "integer", {}),
    ("int4", "integer", {}),
    ("int8", "bigint", {}),
    ("int2", "smallint", {}),
    ("bool", "boolean", {}),
    ("float8", "double precision", {}),
    ("float4", "real", {}),
    ("decimal(12,4)", "numeric", {"precision": 12, "scale": 4}),
    ("timestamptz", "timestamp with time zone", {}),
    ("timestamptz(3)", "timestamp with time zone", {"precision": 3}),
    ("timestamp", "timestamp without time zone", {}),
    ("varchar(255)", "character varying", {"length": 255}),
    ("varchar", "character varying", {}),
    ("serial", "integer", {}),
    ("bigserial", "bigint", {}),
    ("smallserial", "smallint", {}),
    ("  Character   Varying ( 40 ) ", "character varying", {"length": 40}),
    # unknown types keep their (lower-cased) name; a schema qualifier is dropped
    ("tsvector", "tsvector", {}),
    ("TSVECTOR", "tsvector", {}),
    ("email", "email", {}),
    ("public.email", "email", {}),
    ('"Email"', "Email", {}),
    ('app."Email"[]', "Email", {"array": True}),
    ("vector(3)", "vector", {"length": 3}),
    ("geometry(Point,4326)", "geometry(point,4326)", {}),
    ('"char"', "char", {}),  # the one-byte internal type, not character(1)
    ("bpchar", "bpchar", {}),
]


@pytest.mark.parametrize(("spelling", "name", "params"), TYPE_TABLE, ids=[t[0] for t in TYPE_TABLE])
def test_parse_type(spelling: str, name: str, params: dict[str, Any]) -> None:
    """Each spelling reduces to format_type()'s base name and its parameters; raw is kept."""
    parsed = parse_type(spelling)
    assert asdict(parsed) == asdict(ColumnType(PG, name, raw=spelling, **params))


def test_adapter_protocol() -> None:
    """The adapter is registered under its dialect name and names its sqlglot dialect."""
    assert adapter("postgresql") is ADAPTER
    assert ADAPTER.name == "postgresql"
    assert ADAPTER.parse_type("VARCHAR(40)") == parse_type("character varying(40)")


@pytest.mark.parametrize(
    ("definition", "expression"),
    [
        ("CHECK ((qty > 0))", "(qty > 0)"),
        ("CHECK ((qty > 0)) NOT VALID", "(qty > 0)"),
        ("CHECK ((qty > 0)) NO INHERIT", "(qty > 0)"),
        ("CHECK ((qty > 0)) NO INHERIT NOT VALID", "(qty > 0)"),
        ("CHECK (active)", "active"),
    ],
)
def test_check_expression(definition: str, expression: str) -> None:
    """The CHECK ( ... ) wrapper and its trailing options are removed, nothing else."""
    assert check_expression(definition) == expression


# SQLAlchemy types as an application's metadata declares them: what the dialect compiles and
# what the server's format_type() prints back must parse to equal ColumnTypes.
SA_TYPES: list[sa.types.TypeEngine[Any]] = [
    sa.String(40),
    sa.String(),
    sa.Text(),
    sa.CHAR(3),
    sa.Integer(),
    sa.BigInteger(),
    sa.SmallInteger(),
    sa.Boolean(),
    sa.Numeric(10, 2),
    sa.Numeric(10),
    sa.Float(),
    sa.Float(precision=10),
    sa.Double(),
    sa.REAL(),
    sa.LargeBinary(),
    sa.Uuid(),
    sa.Date(),
    sa.Time(),
    sa.DateTime(),
    sa.DateTime(timezone=True),
    sa_pg.TIMESTAMP(timezone=True, precision=3),
    sa.JSON(),
    sa_pg.JSONB(),
    sa_pg.ARRAY(sa.Text()),
    sa_pg.ARRAY(sa.String(20)),
    sa_pg.TSVECTOR(),
    sa_pg.INTERVAL(),
    sa_pg.INET(),
]


def test_compiled_and_reflected_spellings_agree(pg_url: str) -> None:
    """For every SQLAlchemy type, the compiled spelling and format_type()'s parse the same."""
    dialect = sa_pg.dialect()
    compiled = [t.compile(dialect=dialect) for t in SA_TYPES]
    columns = ", ".join(f"c{i} {spelling}" for i, spelling in enumerate(compiled))
    run_ddl(pg_url, f"CREATE TABLE t ({columns})")
    table = reflect(pg_url).tables["t"]
    for i, spelling in enumerate(compiled):
        reflected = table.columns[i].type
        assert parse_type(spelling) == reflected, (spelling, reflected.raw)


# ---------------------------------------------------------------------------------------------
# Reflection
# ---------------------------------------------------------------------------------------------

SCHEMA_DDL = """
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');
CREATE TABLE account (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  created_at timestamptz NOT NULL DEFAULT now(),
  payload jsonb,
  counter bigint NOT NULL DEFAULT 0,
  active boolean NOT NULL DEFAULT true,
  handle varchar(40) NOT NULL,
  balance numeric(10,2) CHECK (balance >= 0),
  feeling mood DEFAULT 'ok',
  feelings mood[],
  tags text[],
  contact email,
  kind text NOT NULL DEFAULT 'x'::text,
  CONSTRAINT account_handle_key UNIQUE (handle),
  CONSTRAINT account_kind_check CHECK (kind IN ('a', 'b'))
);
ALTER TABLE account ADD CONSTRAINT account_counter_check CHECK (counter < 100) NOT VALID;
CREATE UNIQUE INDEX account_lower_handle ON account (lower(handle));
CREATE INDEX account_recent ON account (created_at DESC, handle) WHERE active AND kind <> 'b';
CREATE INDEX account_payload ON account USING gin (payload);
ALTER TABLE account ENABLE ROW LEVEL SECURITY;
CREATE POLICY account_own ON account FOR SELECT USING (active);
CREATE POLICY account_write ON account FOR UPDATE USING (kind = 'a') WITH CHECK (counter >= 0);
CREATE POLICY account_all ON account USING (true);

CREATE TABLE counter_t (
  id serial PRIMARY KEY,
  big bigserial,
  always_id integer GENERATED ALWAYS AS IDENTITY,
  default_id bigint GENERATED BY DEFAULT AS IDENTITY,
  doubled bigint GENERATED ALWAYS AS (big * 2) STORED
);

CREATE TABLE team (
  org integer NOT NULL,
  code char(3) NOT NULL,
  label varchar NOT NULL,
  PRIMARY KEY (org, code),
  CONSTRAINT team_label_org UNIQUE (label, org)
);

CREATE TABLE member (
  account_id uuid NOT NULL,
  org integer DEFAULT 1,
  code char(3),
  PRIMARY KEY (code, account_id),
  CONSTRAINT member_account FOREIGN KEY (account_id) REFERENCES account (id),
  CONSTRAINT member_team FOREIGN KEY (org, code) REFERENCES team (org, code)
    ON DELETE CASCADE ON UPDATE RESTRICT
);

CREATE TABLE fk_actions (
  a uuid REFERENCES account (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  b uuid REFERENCES account (id) ON DELETE SET NULL ON UPDATE SET NULL,
  c uuid REFERENCES account (id) ON DELETE SET DEFAULT ON UPDATE SET DEFAULT,
  d uuid REFERENCES account (id) ON DELETE NO ACTION ON UPDATE NO ACTION
);

CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);
CREATE TABLE "Empty" ();

CREATE VIEW active_account AS SELECT id FROM account WHERE active;
CREATE MATERIALIZED VIEW account_count AS SELECT count(*) AS n FROM account;
CREATE SEQUENCE invoice_number;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE PROCEDURE noop() LANGUAGE sql AS $$ SELECT 1 $$;
CREATE TRIGGER account_touch BEFORE UPDATE ON account FOR EACH ROW EXECUTE FUNCTION touch();
CREATE TRIGGER version_touch BEFORE UPDATE ON alembic_version
  FOR EACH ROW EXECUTE FUNCTION touch();
"""

UUID = ctype("uuid", "uuid")
MOOD = ctype("enum", "mood", values=("sad", "ok", "happy"))

PG_PLAIN: dict[str, Any] = {"nulls": (), "opclasses": (), "include": ()}

EXPECTED_ACCOUNT = Table(
    name="account",
    columns=(
        Column("id", UUID, False, "gen_random_uuid()", None, "gen_random_uuid()"),
        Column(
            "created_at",
            ctype("timestamp with time zone", "timestamp with time zone"),
            False,
            "now()",
            None,
            "now()",
        ),
        Column("payload", ctype("jsonb", "jsonb")),
        Column("counter", ctype("bigint", "bigint"), False, "0", None, "0"),
        Column("active", ctype("boolean", "boolean"), False, "true", None, "true"),
        Column("handle", ctype("character varying", "character varying(40)", length=40), False),
        Column("balance", ctype("numeric", "numeric(10,2)", precision=10, scale=2)),
        Column("feeling", MOOD, True, "'ok'::mood", None, "'ok'::mood"),
        Column("feelings", ctype("enum", "mood[]", values=MOOD.values, array=True)),
        Column("tags", ctype("text", "text[]", array=True)),
        # A domain's definition as the catalog prints it: normalize makes its CHECKs canonical.
        # Each CHECK with its domain, name and the statement that drops it (for messages).
        Column(
            "contact",
            ctype(
                "email",
                "email",
                definition="text CHECK ((VALUE ~~ '%@%'::text))",
                domain_checks=(
                    DomainCheck(
                        "CHECK ((VALUE ~~ '%@%'::text))",
                        "email",
                        "email_check",
                        "ALTER DOMAIN email DROP CONSTRAINT email_check",
                    ),
                ),
            ),
        ),
        Column("kind", ctype("text", "text"), False, "'x'::text", None, "'x'::text"),
    ),
    primary_key=("id",),
    uniques=(UniqueConstraint(("handle",), "account_handle_key"),),
    # A live PostgreSQL index says it has no INCLUDE columns, NULLS placement or operator
    # class beyond the defaults (empty), where SQLite cannot declare them (None).
    indexes=(
        Index(("lower(handle::text)",), True, None, "btree", "account_lower_handle", **PG_PLAIN),
        Index(("payload",), False, None, "gin", "account_payload", **PG_PLAIN),
        Index(
            ("created_at", "handle"),
            False,
            "(active AND (kind <> 'b'::text))",
            "btree",
            "account_recent",
            descending=(True, False),
            **PG_PLAIN,
        ),
    ),
    checks=(),  # filled below: CheckConstraint has fields other engineers may extend
    row_level_security=True,
    policies=(
        Policy("account_all", "ALL", "true", None),
        Policy("account_own", "SELECT", "active", None),
        Policy("account_write", "UPDATE", "(kind = 'a'::text)", "(counter >= 0)"),
    ),
)

# What every PostgreSQL table states and a plain ``Table`` leaves unstated (None): logged,
# not partitioned, row-level security not forced.
PG_TABLE: dict[str, Any] = {"force_row_level_security": False, "unlogged": False, "partitioned": ""}


def _pg(table: Table) -> Table:
    return replace(table, **PG_TABLE)


EXPECTED_CHECKS = [
    ("account_balance_check", "(balance >= (0)::numeric)"),
    ("account_counter_check", "(counter < 100)"),
    ("account_kind_check", "(kind = ANY (ARRAY['a'::text, 'b'::text]))"),
]

# The options of each column's own sequence (its identity or serial), as the reader prints them.
INT_SEQUENCE = "start 1 increment 1 minvalue 1 maxvalue 2147483647 cache 1 no cycle"
BIGINT_SEQUENCE = "start 1 increment 1 minvalue 1 maxvalue 9223372036854775807 cache 1 no cycle"
EXPECTED_COUNTER = Table(
    name="counter_t",
    columns=(
        Column(
            "id",
            ctype("integer", "integer"),
            False,
            None,
            "sequence",
            "nextval('counter_t_id_seq'::regclass)",
            generator=INT_SEQUENCE,
            next_id=1,
        ),
        Column(
            "big",
            ctype("bigint", "bigint"),
            False,
            None,
            "sequence",
            "nextval('counter_t_big_seq'::regclass)",
            generator=BIGINT_SEQUENCE,
            next_id=1,
        ),
        Column(
            "always_id",
            ctype("integer", "integer"),
            False,
            None,
            "always",
            generator=INT_SEQUENCE,
            next_id=1,
        ),
        Column(
            "default_id",
            ctype("bigint", "bigint"),
            False,
            None,
            "by default",
            generator=BIGINT_SEQUENCE,
            next_id=1,
        ),
        Column(
            "doubled",
            ctype("bigint", "bigint"),
            True,
            None,
            None,
            None,
            generated=Generated("(big * 2)", "stored", "(big * 2)"),
        ),
    ),
    primary_key=("id",),
)

CHAR3 = ctype("character", "character(3)", length=3)
EXPECTED_TEAM = Table(
    name="team",
    columns=(
        Column("org", ctype("integer", "integer"), False),
        Column("code", CHAR3, False),
        Column("label", ctype("character varying", "character varying"), False),
    ),
    primary_key=("org", "code"),
    uniques=(UniqueConstraint(("label", "org"), "team_label_org"),),
)

EXPECTED_MEMBER = Table(
    name="member",
    columns=(
        Column("account_id", UUID, False),
        Column("org", ctype("integer", "integer"), True, "1", None, "1"),
        Column("code", CHAR3, False),  # a primary key column is NOT NULL
    ),
    primary_key=("code", "account_id"),
    foreign_keys=(
        # fires: the order PostgreSQL runs the keys' actions in, their creation order
        ForeignKey(("account_id",), "account", ("id",), name="member_account", fires=(0, 0)),
        ForeignKey(
            ("org", "code"),
            "team",
            ("org", "code"),
            "CASCADE",
            "RESTRICT",
            "member_team",
            fires=(1, 1),
        ),
    ),
)

EXPECTED_FK_ACTIONS = Table(
    name="fk_actions",
    columns=tuple(Column(c, UUID) for c in "abcd"),
    foreign_keys=(
        ForeignKey(
            ("a",), "account", ("id",), "RESTRICT", "CASCADE", "fk_actions_a_fkey", fires=(0, 0)
        ),
        ForeignKey(
            ("b",), "account", ("id",), "SET NULL", "SET NULL", "fk_actions_b_fkey", fires=(1, 1)
        ),
        ForeignKey(
            ("c",),
            "account",
            ("id",),
            "SET DEFAULT",
            "SET DEFAULT",
            "fk_actions_c_fkey",
            fires=(2, 2),
        ),
        ForeignKey(
            ("d",), "account", ("id",), "NO ACTION", "NO ACTION", "fk_actions_d_fkey", fires=(3, 3)
        ),
    ),
)


@pytest.fixture
def app_schema(pg_url: str) -> Any:
    run_ddl(pg_url, SCHEMA_DDL)
    return reflect(pg_url)


def test_reflect_tables(app_schema: Any, pg_url: str) -> None:
    """Every table of the schema, minus alembic_version, in name order; the source is redacted."""
    assert list(app_schema.tables) == [
        "Empty",
        "account",
        "counter_t",
        "fk_actions",
        "member",
        "team",
    ]
    assert app_schema.dialect == "postgresql"
    assert app_schema.source == redact(parse_url(pg_url))
    assert asdict(app_schema.tables["Empty"]) == asdict(_pg(Table("Empty")))


def test_reflect_columns_indexes_policies(app_schema: Any) -> None:
    """Types (enum, array, domain), raw defaults, uniques, indexes and RLS policies, exactly."""
    account = app_schema.tables["account"]
    checks = [(c.name, c.expression, c.raw) for c in account.checks]
    assert checks == [(name, expr, expr) for name, expr in EXPECTED_CHECKS]
    assert asdict(account) | {"checks": ()} == asdict(_pg(EXPECTED_ACCOUNT))


def test_a_domain_check_is_made_canonical_by_normalize(app_schema: Any) -> None:
    """The reader keeps a domain's CHECK as the catalog prints it; normalize reads the column
    as its base type with the domain's CHECK as the table's, made canonical (``~~`` is LIKE,
    the cast of a literal to the column's own type and the doubled parentheses go)."""
    contact = {c.name: c for c in app_schema.tables["account"].columns}["contact"]
    assert contact.type.definition == "text CHECK ((VALUE ~~ '%@%'::text))"
    table = canonicalize(app_schema).tables["account"]
    made = {c.name: c for c in table.columns}["contact"]
    assert (made.type.name, made.type.definition) == ("text", None)
    assert "contact LIKE '%@%'" in {c.expression for c in table.checks}


def test_reflect_identity_and_serial(app_schema: Any) -> None:
    """serial is identity 'sequence' with no default; GENERATED identities keep their kind."""
    assert asdict(app_schema.tables["counter_t"]) == asdict(_pg(EXPECTED_COUNTER))


def test_reflect_keys(app_schema: Any) -> None:
    """Composite primary keys in key order, composite FKs and UNIQUE constraints."""
    assert asdict(app_schema.tables["team"]) == asdict(_pg(EXPECTED_TEAM))
    assert asdict(app_schema.tables["member"]) == asdict(_pg(EXPECTED_MEMBER))


def test_reflect_fk_actions(app_schema: Any) -> None:
    """Each ON DELETE / ON UPDATE action, in the model's words."""
    assert asdict(app_schema.tables["fk_actions"]) == asdict(_pg(EXPECTED_FK_ACTIONS))


def test_views_triggers_routines_sequences_are_read(app_schema: Any) -> None:
    """Views, materialized views, free sequences, routines and triggers are read as objects with
    their definitions, and no longer counted as not compared.

    The serial and identity sequences belong to their columns and are not objects; the trigger
    of the excluded alembic_version is left out with its table; the enum is not an object.
    """
    assert app_schema.objects_read
    assert [o.key for o in app_schema.objects] == [
        ("function", "", "noop()"),
        ("function", "", "touch()"),
        ("sequence", "", "invoice_number"),
        ("trigger", "account", "account_touch"),
        ("view", "", "account_count"),
        ("view", "", "active_account"),
    ]
    by_name = {o.name: o.definition for o in app_schema.objects}
    assert by_name["account_count"].startswith("materialized view select count ( * ) as n")
    assert by_name["active_account"] == "view select id from account where active"
    assert by_name["account_touch"] == (
        "create trigger account_touch before update on account for each row "
        "execute function touch ( )"
    )
    assert "invoice_number" in by_name and "start 1" in by_name["invoice_number"]
    assert dict(app_schema.not_compared) == no_counts()


def test_exclude_patterns(pg_url: str) -> None:
    """Tables matching an exclude glob are left out, with their constraints and indexes."""
    run_ddl(
        pg_url,
        "CREATE TABLE keep (id int PRIMARY KEY);"
        "CREATE TABLE audit_a (id int REFERENCES keep (id));"
        "CREATE TABLE audit_b (id int);"
        "CREATE INDEX audit_b_id ON audit_b (id);"
        "CREATE TABLE alembic_version (v text)",
    )
    assert list(reflect(pg_url, exclude=("audit_*",)).tables) == ["alembic_version", "keep"]
    assert list(reflect(pg_url).tables) == ["audit_a", "audit_b", "keep"]


def test_other_schema_and_cross_schema_fk(pg_url: str) -> None:
    """options.schema picks the schema; an FK to another schema names it schema.table."""
    run_ddl(
        pg_url,
        "CREATE TABLE owner (id int PRIMARY KEY);"
        "CREATE SCHEMA app;"
        "CREATE DOMAIN app.code AS text;"
        "CREATE TABLE app.item (id int PRIMARY KEY, owner_id int REFERENCES public.owner (id),"
        " code app.code);"
        "CREATE TABLE app.part (item_id int REFERENCES app.item (id))",
    )
    schema = reflect(pg_url, schema="app")
    assert list(schema.tables) == ["item", "part"]
    item = schema.tables["item"]
    assert item.foreign_keys[0].ref_table == "public.owner"
    assert item.columns[2].type == ColumnType(PG, "code", definition="text")
    assert schema.tables["part"].foreign_keys[0].ref_table == "item"


def test_the_sequence_a_default_draws_from(pg_url: str) -> None:
    """A nextval() default of a sequence the column does not own keeps that sequence's name as
    the compared schema's search path prints it (quoted, another schema qualified; a text
    argument, resolved when called, as printed; the column owning it where one does); a
    column's own sequence (serial) keeps none."""
    run_ddl(
        pg_url,
        "CREATE SCHEMA app; CREATE SCHEMA other;"
        'CREATE SEQUENCE app."Odd ""s"""; CREATE SEQUENCE app.s; CREATE SEQUENCE other.s;'
        "CREATE TABLE app.t (id serial PRIMARY KEY, a bigint DEFAULT nextval('app.s'),"
        ' b bigint DEFAULT nextval(\'other.s\'), c bigint DEFAULT nextval(\'app."Odd ""s"""\'),'
        " d bigint DEFAULT nextval('s'::text), e bigint DEFAULT nextval('app.t_id_seq'))",
    )
    columns = {c.name: c for c in reflect(pg_url, schema="app").tables["t"].columns}
    found = {name: (c.identity, c.sequence) for name, c in columns.items()}
    assert found == {
        "id": ("sequence", None),
        "a": ("sequence", "s"),
        "b": ("sequence", "other.s"),
        "c": ("sequence", '"Odd ""s"""'),
        "d": ("sequence", "nextval(('s'::text)::regclass)"),
        "e": ("sequence", "the sequence of t.id"),
    }
    # the options of the sequence each draws from, clamped to the column's own range
    assert columns["id"].generator == INT_SEQUENCE and columns["a"].generator == BIGINT_SEQUENCE


def test_partitions_are_tables(pg_url: str) -> None:
    """A partitioned table and its partitions are ordinary tables; an FK that references a
    partitioned table is reflected once (not once per referenced partition)."""
    run_ddl(
        pg_url,
        "CREATE TABLE event (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);"
        "CREATE TABLE event_2024 PARTITION OF event"
        " FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
        "CREATE TABLE event_2025 PARTITION OF event"
        " FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');"
        "CREATE TABLE note (event_id int, event_at date,"
        " FOREIGN KEY (event_id, event_at) REFERENCES event (id, at))",
    )
    schema = reflect(pg_url)
    assert list(schema.tables) == ["event", "event_2024", "event_2025", "note"]
    assert schema.tables["event_2024"].primary_key == ("id", "at")
    assert schema.tables["event_2024"].indexes == ()
    assert schema.tables["note"].foreign_keys == (
        ForeignKey(("event_id", "event_at"), "event", ("id", "at")),
    )


# Extensions that bring a type, with how a column of it is written and reflected: the embedded
# server ships vector, a distribution's server the contrib ones.
EXTENSION_TYPES = {
    "vector": ("vector(3)", ColumnType(PG, "vector", length=3)),
    "citext": ("citext", ColumnType(PG, "citext")),
    "hstore": ("hstore", ColumnType(PG, "hstore")),
}


def test_extension_objects_are_left_out(pg_url: str, pg_server: str) -> None:
    """Tables and functions that an extension owns are neither compared nor counted."""
    available = sa.create_engine(pg_server, poolclass=sa.pool.NullPool)
    with available.connect() as conn:
        names = set(
            conn.execute(
                sa.text("SELECT name FROM pg_available_extensions WHERE name = ANY(:names)"),
                {"names": list(EXTENSION_TYPES)},
            ).scalars()
        )
    available.dispose()
    extension = next((name for name in EXTENSION_TYPES if name in names), None)
    if extension is None:
        pytest.fail(f"the server offers none of the extensions {sorted(EXTENSION_TYPES)}")
    spelling, expected = EXTENSION_TYPES[extension]
    run_ddl(
        pg_url,
        f"CREATE EXTENSION {extension};"
        "CREATE TABLE owned_by_ext (id int);"
        f"ALTER EXTENSION {extension} ADD TABLE owned_by_ext;"
        f"CREATE TABLE item (embedding {spelling})",
    )
    schema = reflect(pg_url)
    assert list(schema.tables) == ["item"]
    assert schema.tables["item"].columns[0].type == expected
    assert dict(schema.not_compared) == no_counts()


# ---------------------------------------------------------------------------------------------
# Batched queries: a fixed number of statements whatever the size of the schema
# ---------------------------------------------------------------------------------------------


class CountingCursor(psycopg.Cursor[Any]):
    """A cursor that counts the statements it executes (on its connection's ``executed``)."""

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        self.connection.executed += 1  # type: ignore[attr-defined]
        return super().execute(query, params, **kwargs)


def statements_for(url: str) -> tuple[int, int]:
    """(statements executed, tables reflected) for one reflection of ``url``."""
    kwargs = connect_kwargs(parse_url(url), ReflectOptions())
    with psycopg.connect(**kwargs, cursor_factory=CountingCursor) as conn:
        conn.executed = 0  # type: ignore[attr-defined]
        conn.read_only = True
        schema = reflect_connection(conn, ReflectOptions(), "test")
        return conn.executed, len(schema.tables)  # type: ignore[attr-defined]


def many_tables_ddl(first: int, stop: int) -> str:
    """Tables t<first>..t<stop - 1>, each with a key, an FK, a unique, a check and an index."""
    return "".join(
        f"CREATE TABLE t{i} (id serial PRIMARY KEY, parent int REFERENCES t0 (id),"
        f" name varchar(20) UNIQUE, note text CHECK (note <> ''), at timestamptz DEFAULT now());"
        f"CREATE INDEX t{i}_at ON t{i} (at) WHERE note IS NOT NULL;"
        for i in range(first, stop)
    )


def test_statement_count_is_constant(pg_url: str) -> None:
    """5 tables and 50 tables are read with the same, fixed number of statements."""
    run_ddl(pg_url, many_tables_ddl(0, 5))
    small = statements_for(pg_url)
    run_ddl(pg_url, many_tables_ddl(5, 50))
    assert small == (STATEMENTS, 5)
    assert statements_for(pg_url) == (STATEMENTS, 50)


# ---------------------------------------------------------------------------------------------
# Safety: read-only sessions, privileges, errors that name the database but never the password
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def role(pg_url: str) -> Iterator[str]:
    """A new login role with no privileges; dropped (with its grants) after the test."""
    name = f"ts_role_{uuid.uuid4().hex[:8]}"
    run_ddl(pg_url, f"CREATE ROLE {name} LOGIN")
    yield name
    run_ddl(pg_url, f"DROP OWNED BY {name}; DROP ROLE {name}")


def as_role(url: str, role: str) -> str:
    return parse_url(url).set(username=role).render_as_string(hide_password=False)


RESTRICTED_DDL = "CREATE SCHEMA app; CREATE TABLE app.item (id int PRIMARY KEY, label text);"


def test_reflect_with_usage_and_select_only(pg_url: str, role: str) -> None:
    """A role with only USAGE and SELECT reflects everything: reflection never needs to write."""
    run_ddl(
        pg_url,
        RESTRICTED_DDL + f"GRANT USAGE ON SCHEMA app TO {role};"
        f"GRANT SELECT ON ALL TABLES IN SCHEMA app TO {role}",
    )
    schema = reflect(as_role(pg_url, role), schema="app")
    assert schema.tables["item"].primary_key == ("id",)
    assert [c.name for c in schema.tables["item"].columns] == ["id", "label"]


def test_session_is_read_only(pg_url: str) -> None:
    """The connection reflection uses refuses writes, even for a superuser."""
    conn = connect(parse_url(pg_url), ReflectOptions())
    try:
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("CREATE TABLE nope (id int)")
    finally:
        conn.close()
    assert list(reflect(pg_url).tables) == []


def test_role_without_usage_is_an_error(pg_url: str, role: str) -> None:
    """No USAGE on the schema: an unreadable database, never a schema with no tables."""
    run_ddl(pg_url, RESTRICTED_DDL)
    with pytest.raises(DatabaseError, match=f"role '{role}' lacks USAGE on schema 'app'") as err:
        reflect(as_role(pg_url, role), schema="app")
    assert err.value.exit_code == 3


def test_role_without_select_is_an_error(pg_url: str, role: str) -> None:
    """USAGE but no SELECT on a table: an unreadable table, never a missing one."""
    run_ddl(pg_url, RESTRICTED_DDL + f"GRANT USAGE ON SCHEMA app TO {role}")
    with pytest.raises(DatabaseError, match=f"role '{role}' cannot read table\\(s\\) item "):
        reflect(as_role(pg_url, role), schema="app")


def test_missing_schema_is_an_error(pg_url: str) -> None:
    """A schema that does not exist is an error that names it and the (redacted) database."""
    with pytest.raises(DatabaseError) as err:
        reflect(pg_url, schema="nowhere")
    assert err.value.message == f"schema 'nowhere' does not exist in {redact(parse_url(pg_url))}"


def test_wrong_database_never_shows_the_password(pg_url: str) -> None:
    """A connection failure is one line naming the database, with the password redacted."""
    url = parse_url(pg_url).set(database="no_such_db", password="s3cret-pw")
    with pytest.raises(DatabaseError) as err:
        ADAPTER.reflect(url, ReflectOptions(connect_timeout=2))
    message = err.value.message
    assert "s3cret-pw" not in message
    assert "\n" not in message
    assert message.startswith("cannot connect to postgresql+psycopg://postgres:***@/no_such_db")
    assert 'database "no_such_db" does not exist' in message


def test_unreachable_server_is_an_error() -> None:
    """A server that does not listen is a DatabaseError, not a driver traceback."""
    url = sa.engine.URL.create(
        "postgresql+psycopg",
        username="u",
        password="hunter2",
        host="127.0.0.1",
        port=1,
        database="d",
    )
    with pytest.raises(DatabaseError) as err:
        ADAPTER.reflect(url, ReflectOptions(connect_timeout=1))
    assert "hunter2" not in err.value.message
    assert err.value.message.startswith(
        "cannot connect to postgresql+psycopg://u:***@127.0.0.1:1/d"
    )
