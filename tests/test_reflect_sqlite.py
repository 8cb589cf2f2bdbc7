"""The SQLite adapter on real SQLite files: type parsing, every object kind, speed, safety.

SQLAlchemy's own SQLite reflection drops the ON DELETE action of inline foreign keys and inline
UNIQUE constraints, so those are tested one by one here.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import sqlite as sa_sqlite
from sqlalchemy.engine import make_url
from support import testing

from twinschema.canonical.typemap import kinds_of
from twinschema.dialects import ReflectOptions, adapter
from twinschema.dialects.sqlite import (
    ADAPTER,
    QUERIES,
    connect,
    parse_type,
    reflect,
    reflect_connection,
)
from twinschema.errors import DatabaseError
from twinschema.model import (
    IDENTITY_AUTOINCREMENT,
    IDENTITY_ROWID,
    OPTION_STRICT,
    OPTION_WITHOUT_ROWID,
    ColumnType,
    ForeignKey,
    Index,
    Schema,
    Table,
)
from twinschema.sources import reflect_url

OPTIONS = ReflectOptions()

# --------------------------------------------------------------------------------------------
# parse_type: (declared spelling, name, length, precision, scale)

TYPES = [
    ("NVARCHAR(160)", "nvarchar", 160, None, None),
    ("NUMERIC(10,2)", "numeric", None, 10, 2),
    ("DECIMAL(5, 2)", "numeric", None, 5, 2),  # one type in SQL, and alike to SQLite
    ("NUMERIC(10)", "numeric", None, 10, 0),  # NUMERIC(p) is NUMERIC(p, 0), as on PostgreSQL
    ("decimal( 7 )", "numeric", None, 7, 0),
    ("INTEGER", "integer", None, None, None),
    ("", "", None, None, None),
    ("BLOB SUB_TYPE TEXT", "blob sub_type text", None, None, None),
    ("VARCHAR(4)", "varchar", 4, None, None),
    ("UNSIGNED BIG INT", "unsigned big int", None, None, None),
    ("DOUBLE  PRECISION", "double precision", None, None, None),
    ("TIMESTAMP", "timestamp", None, None, None),
    ("DATETIME", "datetime", None, None, None),
    ("BOOLEAN", "boolean", None, None, None),
    ("NATIVE CHARACTER(70)", "native character", 70, None, None),
    ("VARYING CHARACTER (255)", "varying character", 255, None, None),
    ("character varying(40)", "character varying", 40, None, None),
    ("FLOAT", "float", None, None, None),
    ("VARCHAR(max)", "varchar", None, None, None),  # not an integer: no parameter guessed
]


@pytest.mark.parametrize(("spelling", "name", "length", "precision", "scale"), TYPES)
def test_parse_type(
    spelling: str, name: str, length: int | None, precision: int | None, scale: int | None
) -> None:
    """A declared type keeps only its lower-case base name and its integer parameters."""
    ctype = parse_type(spelling)
    assert ctype == ColumnType("sqlite", name, length=length, precision=precision, scale=scale)
    assert ctype.raw == spelling
    assert ADAPTER.parse_type(spelling) == ctype


SA_TYPES = [
    (sa.String(40), "varchar", 40, None, None),
    (sa.Text(), "text", None, None, None),
    (sa.Integer(), "integer", None, None, None),
    (sa.BigInteger(), "bigint", None, None, None),
    (sa.Boolean(), "boolean", None, None, None),
    (sa.DateTime(), "datetime", None, None, None),
    (sa.JSON(), "json", None, None, None),
    (sa.CHAR(32), "char", 32, None, None),
    (sa.Numeric(10, 2), "numeric", None, 10, 2),
    (sa.Float(), "float", None, None, None),
    (sa.LargeBinary(), "blob", None, None, None),
]


@pytest.mark.parametrize(("satype", "name", "length", "precision", "scale"), SA_TYPES)
def test_parse_type_of_sqlalchemy_compiled_types(
    satype: sa.types.TypeEngine[object],
    name: str,
    length: int | None,
    precision: int | None,
    scale: int | None,
) -> None:
    """What SQLAlchemy's SQLite dialect compiles parses to the same kind of record."""
    spelling = satype.compile(dialect=sa_sqlite.dialect())
    ctype = parse_type(spelling)
    assert (ctype.name, ctype.length, ctype.precision, ctype.scale) == (
        name,
        length,
        precision,
        scale,
    )
    assert kinds_of(ctype), f"{spelling} resolves to no kind"


def test_registered_adapter() -> None:
    """The dialect registry hands out this module's adapter."""
    found = adapter("sqlite")
    assert found is ADAPTER
    assert found.name == "sqlite"


# --------------------------------------------------------------------------------------------
# One file holding every object kind

SCHEMA_SQL = """
CREATE TABLE parent (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    other INT
);
CREATE TABLE child (
    id INT PRIMARY KEY,
    p_cascade INTEGER REFERENCES parent(id) ON DELETE CASCADE ON UPDATE RESTRICT,
    p_set_null INTEGER REFERENCES parent ON DELETE SET NULL ON UPDATE CASCADE,
    p_set_default INTEGER DEFAULT 1 REFERENCES parent(id) ON DELETE SET DEFAULT,
    p_restrict INTEGER CONSTRAINT fk_restrict REFERENCES parent(id) ON DELETE RESTRICT
        ON UPDATE SET DEFAULT,
    p_none INTEGER REFERENCES "parent"(id),
    code TEXT,
    a INT,
    b INT,
    FOREIGN KEY (code) REFERENCES parent(code) ON UPDATE SET NULL ON DELETE NO ACTION,
    CONSTRAINT fk_pair FOREIGN KEY (a, b) REFERENCES pair(y, x) ON DELETE CASCADE
);
CREATE TABLE pair (
    x TEXT NOT NULL,
    y TEXT,
    label TEXT CONSTRAINT uq_label UNIQUE,
    PRIMARY KEY (y, x),
    CONSTRAINT uq_xy UNIQUE (x, label),
    UNIQUE (label, y)
);
CREATE TABLE keyed (k INTEGER PRIMARY KEY, v TEXT) WITHOUT ROWID;
CREATE TABLE desc_key (k INTEGER PRIMARY KEY DESC);
CREATE TABLE text_key (k TEXT PRIMARY KEY, n TEXT NOT NULL);
CREATE TABLE defaults (
    id integer primary key,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    label VARCHAR(10) DEFAULT 'x',
    zero INTEGER DEFAULT 0,
    paren INTEGER DEFAULT (0),
    null_default TEXT DEFAULT NULL,
    plain TEXT,
    price NUMERIC(10, 2) NOT NULL DEFAULT 0.5
);
CREATE TABLE checked (
    id INTEGER PRIMARY KEY,
    qty INT CHECK (qty > 0),
    status TEXT CONSTRAINT ck_status CHECK (status IN ('a', 'b)', 'it''s')),
    "weird col" TEXT CHECK ("weird col" <> ')' AND [weird col] <> `weird col`),
    note TEXT, -- a CHECK (in a comment) is not one
    /* nor CHECK (this) */
    CHECK (length(note) < (10 * (2 + 1))),
    CONSTRAINT ck_named CHECK (qty < 100 /* ) */ OR note IS NULL)
);
CREATE INDEX ix_child_partial ON child (code, a DESC) WHERE a > 0 AND code <> 'x';
CREATE INDEX ix_child_expr ON child (lower(code) DESC, a, (b + 1));
CREATE UNIQUE INDEX ux_child_b ON child (b);
CREATE VIEW child_view AS SELECT id FROM child;
CREATE TRIGGER child_trigger AFTER INSERT ON child BEGIN SELECT 1; END;
CREATE VIRTUAL TABLE docs USING fts5(title, body);
CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);
CREATE TABLE audit_log (id INTEGER PRIMARY KEY);
INSERT INTO parent (code) VALUES ('first');
"""


def make_db(path: Path, sql: str) -> str:
    """Create a SQLite file from ``sql`` and return its URL."""
    conn = sqlite3.connect(path)
    conn.executescript(sql)
    conn.commit()
    conn.close()
    return testing.sqlite_url(path)


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> Schema:
    url = make_db(tmp_path_factory.mktemp("sqlite") / "full.db", SCHEMA_SQL)
    return ADAPTER.reflect(make_url(url), OPTIONS)


def test_tables_kept_and_left_out(schema: Schema) -> None:
    """Internal and tool-owned tables are not compared; a virtual table is an object (compared
    by its statement), its shadow tables no tables."""
    assert sorted(schema.tables) == [
        "audit_log",
        "checked",
        "child",
        "defaults",
        "desc_key",
        "keyed",
        "pair",
        "parent",
        "text_key",
    ]
    assert schema.dialect == "sqlite"
    # Views, triggers and virtual tables are read with their definitions (compared within
    # SQLite), not counted.
    assert dict(schema.not_compared) == {"views": 0, "triggers": 0, "virtual_tables": 0}
    assert schema.objects_read
    assert [(o.key, o.definition) for o in schema.objects] == [
        (
            ("trigger", "child", "child_trigger"),
            "create trigger child_trigger after insert on child begin select 1 ; end",
        ),
        (
            ("view", "", "child_view"),
            'columns ( "id" ) create view child_view as select id from child',
        ),
        (
            ("virtual_table", "", "docs"),
            "create virtual table docs using fts5 ( title , body )",
        ),
    ]


def test_source_is_the_path(tmp_path: Path) -> None:
    """The schema is labelled with the file path."""
    path = tmp_path / "a.db"
    url = make_db(path, "CREATE TABLE t (a);")
    assert ADAPTER.reflect(make_url(url), OPTIONS).source == str(path)


def test_exclude_globs(tmp_path: Path) -> None:
    """Table-name globs of the options leave tables out (and virtual tables uncounted)."""
    url = make_db(tmp_path / "x.db", SCHEMA_SQL)
    options = ReflectOptions(exclude=("audit_*", "alembic_version", "ch*", "docs"))
    found = reflect(make_url(url), options)
    assert "audit_log" not in found.tables
    assert "child" not in found.tables and "checked" not in found.tables
    assert "parent" in found.tables
    assert found.not_compared["virtual_tables"] == 0
    assert [o.name for o in found.objects if o.kind == "virtual_table"] == []
    assert not [name for name in found.tables if name.startswith("docs")]  # nor its shadows


def test_columns_types_and_nullability(schema: Schema) -> None:
    """Declared types are parsed; nullability is what SQLite enforces."""
    parent = schema.tables["parent"]
    assert [c.name for c in parent.columns] == ["id", "code", "other"]
    assert parent.columns[1].type == ColumnType("sqlite", "text")
    assert parent.columns[1].nullable is False
    assert parent.columns[2].nullable is True
    price = schema.tables["defaults"].column("price")
    assert price is not None
    assert price.type == ColumnType("sqlite", "numeric", precision=10, scale=2)
    assert price.type.raw == "NUMERIC(10, 2)"


def test_rowid_alias(schema: Schema) -> None:
    """Only a lone INTEGER PRIMARY KEY of a rowid table aliases the rowid (and is never NULL);
    AUTOINCREMENT on it is kept (it never reuses an id)."""
    pk = schema.tables["parent"].column("id")
    assert pk is not None and pk.identity == IDENTITY_AUTOINCREMENT and pk.nullable is False
    lowercase = schema.tables["defaults"].column("id")
    assert lowercase is not None and lowercase.identity == IDENTITY_ROWID
    # INT PRIMARY KEY is an ordinary column, and SQLite lets a rowid table's PK hold NULL.
    child_id = schema.tables["child"].column("id")
    assert child_id is not None and child_id.identity is None and child_id.nullable is True
    text_key = schema.tables["text_key"].column("k")
    assert text_key is not None and text_key.identity is None and text_key.nullable is True
    # WITHOUT ROWID: no rowid to alias, and SQLite enforces NOT NULL on the key.
    keyed = schema.tables["keyed"].column("k")
    assert keyed is not None and keyed.identity is None and keyed.nullable is False
    # The INTEGER PRIMARY KEY DESC quirk: not an alias (https://sqlite.org/lang_createtable.html).
    desc = schema.tables["desc_key"].column("k")
    assert desc is not None and desc.identity is None


def test_table_options(schema: Schema) -> None:
    """WITHOUT ROWID is read from the table's SQL; a plain table has no options."""
    assert schema.tables["keyed"].options == (OPTION_WITHOUT_ROWID,)
    assert schema.tables["parent"].options == ()


@pytest.mark.parametrize(
    ("sql", "options", "autoincrement"),
    [
        ("CREATE TABLE t (x INTEGER) STRICT", (OPTION_STRICT,), False),
        (
            "CREATE TABLE t (k TEXT PRIMARY KEY) WITHOUT ROWID, STRICT",
            (OPTION_STRICT, OPTION_WITHOUT_ROWID),
            False,
        ),
        (
            "CREATE TABLE t (k TEXT PRIMARY KEY) /* ) */ without\n rowid",
            (OPTION_WITHOUT_ROWID,),
            False,
        ),
        ("CREATE TABLE t (strict INT, \"rowid x\" TEXT, y TEXT DEFAULT ')')", (), False),
        ("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT)", (), True),
        ("CREATE TABLE t (id INTEGER PRIMARY KEY, x DEFAULT 'autoincrement')", (), False),
        ("CREATE TABLE t (id INTEGER PRIMARY KEY -- autoincrement\n)", (), False),
    ],
)
def test_table_options_are_read_outside_strings_and_comments(
    sql: str, options: tuple[str, ...], autoincrement: bool
) -> None:
    from twinschema.dialects.sqlite import table_options

    assert table_options(sql, sql.lower()) == (options, autoincrement)


def test_primary_keys(schema: Schema) -> None:
    """Primary-key columns come in key order, not column order."""
    assert schema.tables["pair"].primary_key == ("y", "x")
    assert schema.tables["parent"].primary_key == ("id",)
    assert schema.tables["keyed"].primary_key == ("k",)


@pytest.mark.parametrize(
    ("column", "default"),
    [
        ("created_at", "CURRENT_TIMESTAMP"),
        ("label", "'x'"),
        ("zero", "0"),
        ("paren", "0"),  # SQLite stores DEFAULT (0) without its parentheses
        ("null_default", None),  # DEFAULT NULL is no default
        ("plain", None),
        ("price", "0.5"),
    ],
)
def test_defaults(schema: Schema, column: str, default: str | None) -> None:
    """A default is the catalog's raw text, for ``expressions`` to canonicalize later."""
    col = schema.tables["defaults"].column(column)
    assert col is not None
    assert (col.default, col.raw_default) == (default, default)


def test_foreign_keys_every_action(schema: Schema) -> None:
    """Inline and table-level FKs keep both actions; missing ref columns resolve to the PK."""
    fks = schema.tables["child"].foreign_keys
    assert fks == (
        ForeignKey(("p_cascade",), "parent", ("id",), "CASCADE", "RESTRICT"),
        ForeignKey(("p_set_null",), "parent", ("id",), "SET NULL", "CASCADE"),
        ForeignKey(("p_set_default",), "parent", ("id",), "SET DEFAULT", "NO ACTION"),
        ForeignKey(("p_restrict",), "parent", ("id",), "RESTRICT", "SET DEFAULT"),
        ForeignKey(("p_none",), "parent", ("id",), "NO ACTION", "NO ACTION"),
        ForeignKey(("code",), "parent", ("code",), "NO ACTION", "SET NULL"),
        ForeignKey(("a", "b"), "pair", ("y", "x"), "CASCADE", "NO ACTION"),
    )
    names = {fk.columns: fk.name for fk in fks}
    assert names[("p_restrict",)] == "fk_restrict"
    assert names[("a", "b")] == "fk_pair"
    assert names[("p_cascade",)] is None


def test_uniques(schema: Schema) -> None:
    """Inline and table-level UNIQUE constraints are uniques, with their names when named."""
    parent = schema.tables["parent"]
    assert [u.columns for u in parent.uniques] == [("code",)]
    pair = schema.tables["pair"]
    found = {u.columns: u.name for u in pair.uniques}
    assert found == {("label",): "uq_label", ("x", "label"): "uq_xy", ("label", "y"): None}
    assert pair.indexes == ()  # neither the uniques nor the PK are indexes


NAMED_SQL = """
CREATE TABLE named (
    id INTEGER PRIMARY KEY,
    "a b" INT,
    c INT,
    d INT,
    e INT,
    CONSTRAINT "ck quoted" CHECK (c > 0),
    CONSTRAINT /* why */ ck_commented CHECK (c < 10),
    constraint Mixed_Case Check (c <> 5),
    CONSTRAINT [uq bracket] UNIQUE ("a b", c),
    CONSTRAINT uq_spaced UNIQUE ( c , e ),
    CONSTRAINT fk_commented -- the owner
        FOREIGN KEY ( d ) REFERENCES named(id),
    CONSTRAINT "fk quoted" FOREIGN KEY("a b", e) REFERENCES pair_of(x, y)
);
CREATE TABLE pair_of (x INT, y INT, PRIMARY KEY (x, y));
"""


def test_constraint_names_plain_quoted_and_commented(tmp_path: Path) -> None:
    """Plain names take a fast path; quoted names and comments between the words go through
    the tokenizer: both find the same names."""
    url = make_db(tmp_path / "named.db", NAMED_SQL)
    table = ADAPTER.reflect(make_url(url), OPTIONS).tables["named"]
    assert {c.name: c.expression for c in table.checks} == {
        "ck quoted": "c > 0",
        "ck_commented": "c < 10",
        "Mixed_Case": "c <> 5",
    }
    assert {u.columns: u.name for u in table.uniques} == {
        ("a b", "c"): "uq bracket",
        ("c", "e"): "uq_spaced",
    }
    assert {fk.columns: fk.name for fk in table.foreign_keys} == {
        ("d",): "fk_commented",
        ("a b", "e"): "fk quoted",
    }


def test_indexes(schema: Schema) -> None:
    """CREATE INDEX objects: columns by name, expressions as text, partial predicates as text."""
    indexes = {ix.name: ix for ix in schema.tables["child"].indexes}
    assert indexes == {
        "ix_child_expr": Index(("lower(code)", "a", "(b + 1)"), descending=(True, False, False)),
        "ix_child_partial": Index(
            ("code", "a"), where="a > 0 AND code <> 'x'", descending=(False, True)
        ),
        "ux_child_b": Index(("b",), unique=True),
    }
    assert schema.tables["keyed"].indexes == ()  # the WITHOUT ROWID key is not an index


def test_checks(schema: Schema) -> None:
    """CHECKs are found in the table SQL, whatever strings, quoted names and comments hold."""
    checks = [(c.expression, c.name) for c in schema.tables["checked"].checks]
    assert checks == [
        ("qty > 0", None),
        ("status IN ('a', 'b)', 'it''s')", "ck_status"),
        ("\"weird col\" <> ')' AND [weird col] <> `weird col`", None),
        ("length(note) < (10 * (2 + 1))", None),
        ("qty < 100 /* ) */ OR note IS NULL", "ck_named"),
    ]
    assert all(c.raw == c.expression for c in schema.tables["checked"].checks)


def test_rowid_alias_pk_of_composite_is_not_identity(tmp_path: Path) -> None:
    """An INTEGER column in a composite key is not a rowid alias."""
    url = make_db(tmp_path / "c.db", "CREATE TABLE t (a INTEGER, b INTEGER, PRIMARY KEY (a, b));")
    table = reflect(make_url(url), OPTIONS).tables["t"]
    assert [c.identity for c in table.columns] == [None, None]


def test_virtual_table_of_unknown_module(tmp_path: Path) -> None:
    """A virtual table whose module this SQLite lacks is counted, and does not break the read."""
    path = tmp_path / "v.db"
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        CREATE TABLE t (a);
        PRAGMA writable_schema = ON;
        INSERT INTO sqlite_master VALUES
            ('table', 'vx', 'vx', 0, 'CREATE VIRTUAL TABLE vx USING nosuchmodule(a)');
        """
    )
    conn.close()
    found = reflect(make_url(testing.sqlite_url(path)), OPTIONS)
    assert list(found.tables) == ["t"]
    assert [(o.kind, o.name) for o in found.objects] == [("virtual_table", "vx")]


def test_rtree_shadow_tables_left_out(tmp_path: Path) -> None:
    """An R*Tree's shadow tables belong to it, not to the application."""
    url = make_db(tmp_path / "r.db", "CREATE VIRTUAL TABLE rt USING rtree(id, x0, x1);")
    found = reflect(make_url(url), OPTIONS)
    assert dict(found.tables) == {}
    assert [(o.kind, o.name) for o in found.objects] == [("virtual_table", "rt")]


# --------------------------------------------------------------------------------------------
# In-memory databases and open connections


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_in_memory_urls(url: str) -> None:
    """An in-memory URL is an empty database, not an error and not a file."""
    found = reflect(make_url(url), OPTIONS)
    assert dict(found.tables) == {}
    assert found.source == ":memory:"


def test_reflect_connection_of_sql_loaded_in_memory() -> None:
    """An open connection (a SQL file loaded in memory) is reflected as is."""
    conn = sqlite3.connect(":memory:")
    conn.executescript("CREATE TABLE t (id INTEGER PRIMARY KEY, n TEXT NOT NULL);")
    found = reflect_connection(conn, OPTIONS, "schema.sql")
    assert found.source == "schema.sql"
    assert found.tables["t"] == Table(
        name="t",
        columns=found.tables["t"].columns,
        primary_key=("id",),
    )
    assert not conn.in_transaction  # the read transaction it opened is closed again
    conn.close()


def test_statement_count_does_not_grow_with_tables() -> None:
    """The catalog is read in a fixed number of statements, never one per table."""

    def count(tables: int) -> int:
        conn = sqlite3.connect(":memory:")
        conn.executescript(
            "\n".join(
                f"CREATE TABLE t{i} (id INTEGER PRIMARY KEY, ref INTEGER REFERENCES t0(id),"
                f" n TEXT UNIQUE CHECK (n <> ''));"
                f"CREATE INDEX ix{i} ON t{i} (lower(n)) WHERE ref > 0;"
                for i in range(tables)
            )
        )
        traced: list[str] = []
        conn.set_trace_callback(traced.append)
        found = reflect_connection(conn, OPTIONS, ":memory:")
        conn.close()
        assert len(found.tables) == tables
        # SQLite also traces each call of a table-valued PRAGMA, as a "-- PRAGMA ..." line:
        # those run inside one statement, with no round trip or statement preparation of their own.
        statements = [text for text in traced if not text.startswith("-- ")]
        assert len(traced) > len(statements)
        return len(statements)

    # BEGIN, the queries, ROLLBACK; then where the rowid keys stand (sqlite_next_ids: whether
    # sqlite_sequence exists, and every key's largest rowid in one statement)
    assert count(5) == count(50) == len(QUERIES) + 4


# --------------------------------------------------------------------------------------------
# Safety: read-only, no file created, clear errors


def test_file_unchanged_by_reflect(tmp_path: Path) -> None:
    """Reflecting leaves the file's bytes and modification time as they were."""
    path = tmp_path / "same.db"
    url = make_db(path, SCHEMA_SQL)
    before, mtime = path.read_bytes(), os.stat(path).st_mtime_ns
    reflect(make_url(url), OPTIONS)
    assert path.read_bytes() == before
    assert os.stat(path).st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == ["same.db"]  # no journal left behind


def test_connection_is_read_only(tmp_path: Path) -> None:
    """SQLite itself refuses any write through the checker's connection."""
    path = tmp_path / "ro.db"
    make_db(path, "CREATE TABLE t (a);")
    conn = connect(str(path))
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("CREATE TABLE u (b)")
    conn.close()


def test_reads_while_another_connection_writes(tmp_path: Path) -> None:
    """A write transaction held elsewhere does not stop the read (it never asks to write)."""
    path = tmp_path / "busy.db"
    url = make_db(path, "CREATE TABLE t (a);")
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO t VALUES (1)")
    try:
        found = reflect(make_url(url), ReflectOptions(busy_timeout=0.2))
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert list(found.tables) == ["t"]


def test_read_only_directory_and_file(tmp_path: Path) -> None:
    """A file in a read-only directory, itself read-only, can be checked."""
    folder = tmp_path / "locked"
    folder.mkdir()
    path = folder / "ro.db"
    url = make_db(path, "CREATE TABLE t (a);")
    path.chmod(0o444)
    folder.chmod(0o555)
    try:
        assert list(reflect(make_url(url), OPTIONS).tables) == ["t"]
    finally:
        folder.chmod(0o755)
        path.chmod(0o644)


@pytest.mark.parametrize(
    "name", ["with?question.db", "with#hash.db", "with%25percent.db", "sp ace.db"]
)
def test_awkward_file_names(tmp_path: Path, name: str) -> None:
    """Characters that mean something in a URI still open the right file."""
    path = tmp_path / name
    make_db(path, "CREATE TABLE t (a);")
    found = reflect(sa.engine.URL.create("sqlite", database=str(path)), OPTIONS)
    assert list(found.tables) == ["t"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_missing_file_is_an_error_and_is_not_created(sqlite_url: str) -> None:
    """A path that does not exist is an error, never a new empty database."""
    path = Path(make_url(sqlite_url).database or "")
    with pytest.raises(DatabaseError, match="SQLite database not found") as info:
        reflect(make_url(sqlite_url), OPTIONS)
    assert str(path) in str(info.value)
    assert not path.exists()
    assert list(path.parent.iterdir()) == []


def test_a_read_closes_the_file(tmp_path: Path) -> None:
    """Reading through a URL gives the schema a read through the adapter gives, and leaves the
    file closed afterwards."""
    path = tmp_path / "full.db"
    url = make_db(path, SCHEMA_SQL)
    found = reflect_url(url, OPTIONS)
    assert found == ADAPTER.reflect(make_url(url), OPTIONS)
    assert found.tables
    open_files = {os.path.realpath(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")}
    assert str(path.resolve()) not in open_files


def test_directory_is_an_error(tmp_path: Path) -> None:
    """A directory is not a database."""
    with pytest.raises(DatabaseError, match="directory"):
        reflect(make_url(testing.sqlite_url(tmp_path)), OPTIONS)


def test_not_a_database(tmp_path: Path) -> None:
    """A file that is not SQLite is an error naming the path."""
    path = tmp_path / "notes.txt"
    path.write_text("these are not the tables you are looking for\n" * 100)
    with pytest.raises(DatabaseError, match="not a database") as info:
        reflect(make_url(testing.sqlite_url(path)), OPTIONS)
    assert str(path) in str(info.value)
    assert info.value.exit_code == 3


def test_exclusive_lock_times_out(tmp_path: Path) -> None:
    """A file locked by another connection is an error once the busy timeout has passed."""
    path = tmp_path / "locked.db"
    url = make_db(path, "CREATE TABLE t (a);")
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseError, match="locked") as info:
            reflect(make_url(url), ReflectOptions(busy_timeout=0.3))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert str(path) in str(info.value)
