"""SQL files as schema sources (issue 7): dialect detection, and loading into real databases.

Every file is loaded for real: SQLite in memory, PostgreSQL into scratch databases on the session's
server (``pg_server``). The real-world files are the upstream scripts, unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from support import testing

from twinschema.errors import DatabaseError, UsageError
from twinschema.sources import MODULE, SQL_FILE, URL, classify, sqlfile

REALWORLD = Path(__file__).parent / "fixtures" / "realworld"
CHINOOK_SQLITE = REALWORLD / "chinook" / "Chinook_Sqlite.sql"
CHINOOK_PG = REALWORLD / "chinook" / "Chinook_PostgreSql.sql"
SAKILA_SQLITE = REALWORLD / "sakila" / "sqlite-sakila-schema.sql"
SAKILA_PG = REALWORLD / "sakila" / "postgres-sakila-schema.sql"
ROUNDCUBE_SQLITE = REALWORLD / "roundcube" / "sqlite.initial.sql"
ROUNDCUBE_PG = REALWORLD / "roundcube" / "postgres.initial.sql"

FILE_DIALECTS = [
    (CHINOOK_SQLITE, "sqlite"),
    (CHINOOK_PG, "postgresql"),
    (SAKILA_SQLITE, "sqlite"),
    (SAKILA_PG, "postgresql"),
    (ROUNDCUBE_SQLITE, "sqlite"),
    (ROUNDCUBE_PG, "postgresql"),
]


@contextmanager
def pg_connection(url: str) -> Iterator[sa.Connection]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def pg_scalar(url: str, query: str) -> object:
    with pg_connection(url) as conn:
        return conn.execute(sa.text(query)).scalar()


def pg_table_count(url: str) -> object:
    return pg_scalar(url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# Dialect detection


@pytest.mark.parametrize(("path", "expected"), FILE_DIALECTS, ids=lambda v: getattr(v, "name", v))
def test_detect_dialect_of_real_world_files(path: Path, expected: str) -> None:
    """Each upstream script is recognised as the dialect it was written for."""
    assert sqlfile.detect_dialect(path.read_text(encoding="utf-8"), str(path)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT);", "sqlite"),
        ("CREATE TABLE [Order] ([Id] INTEGER);", "sqlite"),
        ("PRAGMA foreign_keys = ON;\nCREATE TABLE t (id integer);", "sqlite"),
        ("CREATE TABLE t (id integer PRIMARY KEY, v text) WITHOUT ROWID;", "sqlite"),
        ("CREATE TABLE t (id serial PRIMARY KEY);", "postgresql"),
        ("CREATE TABLE t (d date DEFAULT now()::date);", "postgresql"),
        ("CREATE TABLE t (at timestamp with time zone);", "postgresql"),
        ("CREATE EXTENSION IF NOT EXISTS citext;", "postgresql"),
        ("CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql;", "postgresql"),
        ("COPY t (id) FROM stdin;\n1\n\\.\n", "postgresql"),
        ("\\connect app\nCREATE TABLE t (id integer);", "postgresql"),
        # Markers inside strings and comments do not count.
        (
            "-- AUTOINCREMENT\nINSERT INTO t VALUES ('fe80::1');\nCREATE TABLE u (x serial);",
            "postgresql",
        ),
    ],
)
def test_detect_dialect_of_small_texts(text: str, expected: str) -> None:
    assert sqlfile.detect_dialect(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "CREATE TABLE t (id integer PRIMARY KEY, name varchar(20) NOT NULL);",
        "",
        # One strong marker each way: a mixed file, not a guess. (Not ``DEFAULT now()::date``:
        # since stranger63 001 an unparenthesized DEFAULT f() counts for PostgreSQL too.)
        "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, d text DEFAULT ('x'::text));",
    ],
    ids=["plain", "empty", "mixed"],
)
def test_ambiguous_text_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError, match=r"mine\.sql: cannot tell .*--dialect"):
        sqlfile.detect_dialect(text, "mine.sql")


UNTYPED = [
    "CREATE TABLE t (id INTEGER PRIMARY KEY, x);",
    'CREATE TABLE "T" ("id" INTEGER PRIMARY KEY, "nick name");',
    "CREATE TABLE t (id INTEGER PRIMARY KEY, x NOT NULL DEFAULT 1);",
    "CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT, up AS (upper(x)));",
    "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, x INTEGER, y REFERENCES t (id));",
]
BOTH_VALID = [
    "CREATE TABLE p (x integer, y integer, PRIMARY KEY (x, y));",
    "CREATE TABLE t (a integer, b integer, n numeric(10, 2) DEFAULT 0, UNIQUE (b, a), "
    "CHECK (a IN (b, 2)), CONSTRAINT fk FOREIGN KEY (a, b) REFERENCES p (x, y));",
]


@pytest.mark.parametrize("text", UNTYPED)
def test_a_column_without_a_type_marks_sqlite(text: str, pg_url: str) -> None:
    """Any column declared without a type, not only a table's first (stranger46 003: ``x`` after
    a typed ``id`` was "SQLite markers: none"), is SQLite's: SQLite takes the file, the real
    PostgreSQL server refuses it."""
    import sqlite3

    assert sqlfile.detect_dialect(text) == "sqlite"
    sqlite3.connect(":memory:").executescript(text)
    with pytest.raises(sa.exc.ProgrammingError, match="syntax error"):
        testing.execute(pg_url, text)


# Syntax one dialect writes and the other refuses (stranger81 009: a pet's microchip CHECK with
# GLOB and a ``~`` CHECK were "markers: none").
ONE_SIDED = [
    ("CREATE TABLE pets (chip TEXT CHECK (length(chip) = 15 AND chip GLOB '[0-9]*'));", "sqlite"),
    ("CREATE TABLE pets (chip TEXT CHECK (chip NOT GLOB '*[^0-9]*'));", "sqlite"),
    ("CREATE TABLE pets (y INTEGER CHECK (typeof(y) = 'integer'));", "sqlite"),
    ("CREATE TABLE pets (chip text CHECK (chip ~ '^[0-9]{15}$'));", "postgresql"),
    ("CREATE TABLE pets (chip text CHECK (\"chip\" !~* '[a-z]'));", "postgresql"),
]


@pytest.mark.parametrize(("text", "expected"), ONE_SIDED)
def test_syntax_one_dialect_refuses_marks_the_other(text: str, expected: str, pg_url: str) -> None:
    """GLOB, typeof() and a binary ``~`` match are each refused by the other database."""
    import sqlite3

    assert sqlfile.detect_dialect(text) == expected
    if expected == "sqlite":
        sqlite3.connect(":memory:").executescript(text)
        with pytest.raises(sa.exc.ProgrammingError):
            testing.execute(pg_url, text)
    else:
        testing.execute(pg_url, text)
        with pytest.raises(sqlite3.OperationalError, match=r"syntax error|unrecognized token"):
            sqlite3.connect(":memory:").executescript(text)


@pytest.mark.parametrize(
    "text",
    [
        # uuid and boolean types (SQLite takes both names), a unary ~ after a keyword, a GLOB
        # inside a string: no marker.
        "CREATE TABLE t (id uuid PRIMARY KEY, paid boolean NOT NULL DEFAULT false);",
        "CREATE VIEW v AS SELECT ~ '5' AS n;",
        "CREATE TABLE t (note text DEFAULT 'x GLOB ''y''');",
    ],
    ids=["uuid-boolean", "unary-tilde", "quoted-glob"],
)
def test_near_misses_of_the_one_sided_markers_name_no_dialect(text: str) -> None:
    with pytest.raises(UsageError, match=r"SQLite markers: none; PostgreSQL markers: none"):
        sqlfile.detect_dialect(text, "mine.sql")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("full.sql.sqlite", "sqlite"),
        ("app.SQLITE3", "sqlite"),
        ("dump.db", "sqlite"),
        ("full.sql.postgres", "postgresql"),
        ("schema.pgsql", "postgresql"),
        ("schema.psql", "postgresql"),
        ("schema.pg", "postgresql"),
        ("schema.sql", None),
        ("sqlite.initial.sql", None),
        ("postgres", None),
        ("x.sqlite.sql", "sqlite"),
        ("b.Postgres.SQL", "postgresql"),
        ("Chinook_Sqlite.sql", "sqlite"),
        ("Chinook_PostgreSql.sql", "postgresql"),
        ("dump-pg.sql", "postgresql"),
        ("app.db.sql", None),
        ("app_db.sql", None),
        ("postgresql_notes_v2.sql", None),
        ("mysqlite.sql", None),
    ],
)
def test_a_file_name_names_a_dialect(name: str, expected: str | None) -> None:
    """Synapse's ``full.sql.sqlite`` / ``full.sql.postgres`` (stranger65 006): the last suffix
    names the dialect; a ``.sql`` file's suffix before it or last ``_``/``-`` word does (Chinook's
    names, stranger83 010); a name that only holds a dialect's word elsewhere names none."""
    assert sqlfile.named_dialect(f"/some/dir.sqlite/{name}") == expected


def test_the_name_decides_only_when_the_content_does_not(pg_url: str) -> None:
    """A file both databases take is read in its name's dialect; a file whose content marks one
    dialect is read in that dialect whatever its name says (the content is what loads)."""
    import sqlite3

    both = "\n".join(BOTH_VALID)
    assert sqlfile.detect_dialect(both, "x.sqlite", named="sqlite") == "sqlite"
    assert sqlfile.detect_dialect(both, "x.postgres", named="postgresql") == "postgresql"
    sqlite_only = "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT);"
    sqlite3.connect(":memory:").executescript(sqlite_only)
    with pytest.raises(sa.exc.ProgrammingError):
        testing.execute(pg_url, sqlite_only)
    assert sqlfile.detect_dialect(sqlite_only, "x.postgres", named="postgresql") == "sqlite"
    pg_only = "CREATE TABLE t (id serial PRIMARY KEY, at timestamptz DEFAULT now()::date);"
    testing.execute(pg_url, pg_only)
    with pytest.raises(sqlite3.OperationalError):
        sqlite3.connect(":memory:").executescript(pg_only)
    assert sqlfile.detect_dialect(pg_only, "x.sqlite", named="sqlite") == "postgresql"


def test_a_file_valid_in_both_still_needs_its_dialect(pg_url: str) -> None:
    """Near miss: column lists inside a key, a UNIQUE, a CHECK or a type's parameters are no
    untyped columns: a file both databases take is still "cannot tell"."""
    import sqlite3

    text = "\n".join(BOTH_VALID)
    sqlite3.connect(":memory:").executescript(text)
    testing.execute(pg_url, *BOTH_VALID)
    with pytest.raises(UsageError, match=r"SQLite markers: none; PostgreSQL markers: none"):
        sqlfile.detect_dialect(text, "mine.sql")
    with pytest.raises(UsageError, match=r"or name the file \*\.sqlite\.sql or \*\.postgres\.sql"):
        sqlfile.detect_dialect(text, "mine.sql", named=sqlfile.named_dialect("mine.sql"))


# stranger63 001: each line is a PostgreSQL table that real SQLite 3.40 refuses at CREATE TABLE
# and real PostgreSQL 16 takes, with one marker the detector found nowhere before.
PG_ONLY_SYNTAX = [
    "CREATE TABLE t (a text DEFAULT (now() AT TIME ZONE 'UTC'));",  # AT TIME ZONE
    "CREATE TABLE t (a date CHECK (a < DATE '2030-01-01' + interval '1 day'));",  # interval literal
    "CREATE TABLE t (a text DEFAULT to_char(1, '9'));",  # DEFAULT f(...) without parentheses
]
# Near misses both real databases take: a column named or typed interval, the words inside a
# literal, and SQLite's parenthesized DEFAULT (...) of a function both have: still "cannot tell".
BOTH_TAKE = [
    "CREATE TABLE t (id integer, interval text, gap interval);",
    "CREATE TABLE t (a text CHECK (a <> 'AT TIME ZONE' AND a <> 'x' || 'interval'));",
    "CREATE TABLE t (a text DEFAULT (lower('X')));",
]


@pytest.mark.parametrize("text", PG_ONLY_SYNTAX)
def test_syntax_sqlite_refuses_marks_postgresql(text: str, pg_url: str) -> None:
    """A PostgreSQL file of to_char/now()/AT TIME ZONE/interval defaults was "PostgreSQL markers:
    none" (stranger63 001); each marker is syntax or a function real SQLite refuses."""
    import sqlite3

    assert sqlfile.detect_dialect(text) == "postgresql"
    testing.execute(pg_url, text)
    with pytest.raises(sqlite3.OperationalError, match=r"syntax error|no such function"):
        sqlite3.connect(":memory:").executescript(text)


@pytest.mark.parametrize("text", BOTH_TAKE)
def test_pg_words_sqlite_takes_mark_nothing(text: str, pg_url: str) -> None:
    import sqlite3

    sqlite3.connect(":memory:").executescript(text)
    testing.execute(pg_url, text)
    with pytest.raises(UsageError, match=r"PostgreSQL markers: none"):
        sqlfile.detect_dialect(text, "mine.sql")


def test_sqlite_defaults_reading_now_stay_sqlite() -> None:
    """Near miss: SQLite's own spelling of the clock (strftime(..., 'now')) stays SQLite's."""
    text = "CREATE TABLE t (a TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));"
    assert sqlfile.detect_dialect(text) == "sqlite"


def test_a_function_sqlite_lacks_in_parentheses_marks_nothing(pg_url: str) -> None:
    """Near miss: DEFAULT (now()) is a SQLite file's mistake that real SQLite takes at CREATE
    TABLE (and fails the insert that uses it, which the checker reports): no PostgreSQL marker,
    or such a file would load into PostgreSQL and the mistake go unseen."""
    import sqlite3

    text = (
        "CREATE TABLE t (id INTEGER, c TEXT DEFAULT (now()), u TEXT DEFAULT (gen_random_uuid()));"
    )
    db = sqlite3.connect(":memory:")
    db.executescript(text)
    with pytest.raises(sqlite3.OperationalError, match="unknown function"):
        db.execute("INSERT INTO t (id) VALUES (1)")
    testing.execute(pg_url, text)
    with pytest.raises(UsageError, match=r"PostgreSQL markers: none"):
        sqlfile.detect_dialect(text, "mine.sql")


def test_sources_are_told_apart() -> None:
    assert classify("dumps/app.SQL") == SQL_FILE
    assert classify("sqlite:///app.sql") == URL
    assert classify("schemas.sqlite:metadata") == MODULE


# ---------------------------------------------------------------------------------------------
# SQLite


def test_chinook_loads_into_sqlite() -> None:
    conn = sqlfile.load_sqlite(CHINOOK_SQLITE)
    try:
        tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
        assert tables == (11,)
        assert conn.execute("SELECT count(*) FROM Track").fetchone() == (3503,)
        assert conn.execute("SELECT count(*) FROM PlaylistTrack").fetchone() == (8715,)
    finally:
        conn.close()


def test_sakila_loads_into_sqlite() -> None:
    conn = sqlfile.load_sqlite(SAKILA_SQLITE)
    try:
        counts = dict(conn.execute("SELECT type, count(*) FROM sqlite_master GROUP BY type"))
    finally:
        conn.close()
    assert counts["table"] == 16
    assert counts["view"] == 5
    assert counts["trigger"] == 30


def test_sqlite_error_names_file_and_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "broken.sql",
        "CREATE TABLE a (id integer);\n\n-- a comment; with a semicolon\n"
        "INSERT INTO a VALUES (1);\nCREATE TABLE b (id integer,\n  FOO BAR BAZ (;\n",
    )
    with pytest.raises(UsageError) as info:
        sqlfile.load_sqlite(path)
    assert info.value.message.startswith(f"{path}:5: SQLite error: ")


def test_sqlite_error_inside_an_explicit_transaction(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "tx.sql",
        "BEGIN TRANSACTION;\nCREATE TABLE a (id integer);\nCOMMIT;\n"
        "INSERT INTO nowhere VALUES (1);\n",
    )
    with pytest.raises(UsageError, match=r"tx\.sql:4: SQLite error: no such table: nowhere"):
        sqlfile.load_sqlite(path)


def test_missing_sql_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="SQL file not found"):
        sqlfile.load_sqlite(tmp_path / "nope.sql")


# ---------------------------------------------------------------------------------------------
# PostgreSQL


def test_chinook_loads_into_postgresql_skipping_its_own_database(pg_server: str) -> None:
    """The script drops, creates and enters ``chinook`` with ``\\c``: all of it goes into the
    scratch database instead, and no ``chinook`` database appears on the server."""
    with sqlfile.load_postgresql(CHINOOK_PG, pg_server) as url:
        assert pg_table_count(url) == 11
        assert pg_scalar(url, "SELECT count(*) FROM track") == 3503
        assert pg_scalar(url, "SELECT count(*) FROM playlist_track") == 8715
        assert (
            pg_scalar(pg_server, "SELECT count(*) FROM pg_database WHERE datname = 'chinook'") == 0
        )
    # The scratch database is dropped afterwards.
    name = sa.make_url(url).database
    assert pg_scalar(pg_server, f"SELECT count(*) FROM pg_database WHERE datname = '{name}'") == 0


def test_sakila_loads_into_postgresql(pg_server: str) -> None:
    """An old pg_dump: $$ bodies, standard_conforming_strings = off, OWNER TO, rules, INHERITS."""
    with sqlfile.load_postgresql(SAKILA_PG, pg_server) as url:
        assert pg_table_count(url) == 21
        assert pg_scalar(url, "SELECT count(*) FROM pg_views WHERE schemaname = 'public'") == 7
        triggers = "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"
        assert pg_scalar(url, triggers) == 15
        assert pg_scalar(url, "SELECT count(*) FROM film") == 0


def test_roundcube_loads_into_both(pg_server: str) -> None:
    conn = sqlfile.load_sqlite(ROUNDCUBE_SQLITE)
    try:
        sqlite_tables = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
        ).fetchone()
    finally:
        conn.close()
    with sqlfile.load_postgresql(ROUNDCUBE_PG, pg_server) as url:
        assert pg_table_count(url) == sqlite_tables[0] == 18
        assert pg_scalar(url, "SELECT value FROM system WHERE name = 'roundcube-version'") == (
            "2025092300"
        )


def test_connect_lines_and_harmless_settings_are_handled(pg_server: str, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "connect.sql",
        "\\set ON_ERROR_STOP on\n"
        "DROP DATABASE IF EXISTS app;\n"
        "CREATE DATABASE app WITH ENCODING 'UTF8';\n"
        "\\connect app\n"
        "\\pset pager off\n"
        "CREATE TABLE t (id integer PRIMARY KEY, note text DEFAULT 'a;b\\c');\n"
        "COMMENT ON DATABASE app IS 'the app';\n"
        "\\c app;\n"
        "INSERT INTO t (id) VALUES (1), (2);\n",
    )
    with sqlfile.load_postgresql(path, pg_server) as url:
        assert pg_scalar(url, "SELECT count(*) FROM t") == 2
        assert pg_scalar(url, "SELECT note FROM t WHERE id = 1") == "a;b\\c"
        assert pg_scalar(pg_server, "SELECT count(*) FROM pg_database WHERE datname = 'app'") == 0


def test_copy_from_stdin_block_is_loaded(pg_server: str, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "copy.sql",
        "CREATE TABLE person (id integer PRIMARY KEY, name text, born date);\n"
        "COPY person (id, name, born) FROM stdin;\n"
        "1\tAda\t1815-12-10\n"
        "2\tsemi;colon 'quote' $$\t\\N\n"
        "3\tBackslash \\\\ here\t1906-12-09\n"
        "\\.\n"
        "CREATE TABLE after_copy (id integer);\n"
        "INSERT INTO after_copy SELECT id FROM person;\n",
    )
    with sqlfile.load_postgresql(path, pg_server) as url:
        assert pg_scalar(url, "SELECT count(*) FROM after_copy") == 3
        assert pg_scalar(url, "SELECT name FROM person WHERE id = 2") == "semi;colon 'quote' $$"
        assert pg_scalar(url, "SELECT born FROM person WHERE id = 2") is None
        assert pg_scalar(url, "SELECT name FROM person WHERE id = 3") == "Backslash \\ here"


def test_bad_copy_row_names_its_line(pg_server: str, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "badcopy.sql",
        "CREATE TABLE n (id integer);\nCOPY n FROM stdin;\n1\n2\nnot a number\n\\.\n",
    )
    with (
        pytest.raises(UsageError, match=r"badcopy\.sql:5: invalid input syntax for type integer"),
        sqlfile.load_postgresql(path, pg_server),
    ):
        pass


def test_unsupported_meta_command_names_its_line(pg_server: str, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "meta.sql",
        "CREATE TABLE t (id integer);\n-- \\i in a comment is fine\nSELECT '\\i in a string';\n"
        "\\i other.sql\n",
    )
    with pytest.raises(UsageError) as info, sqlfile.load_postgresql(path, pg_server):
        pass
    assert info.value.message == (
        f"{path}:4: psql meta-command \\i is not supported; run the file with psql into a "
        "database and pass its URL instead"
    )


def test_sql_error_names_file_and_line(pg_server: str, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bad.sql",
        "CREATE TABLE a (id integer);\n\nINSERT INTO a VALUES (1);\n"
        "INSERT INTO a VALUES ('x');\nCREATE TABLE b (id integer);\n",
    )
    with pytest.raises(UsageError) as info, sqlfile.load_postgresql(path, pg_server):
        pass
    assert info.value.message.startswith(f"{path}:4: invalid input syntax for type integer")


def test_sql_error_without_position_is_traced_to_its_statement(
    pg_server: str, tmp_path: Path
) -> None:
    """Errors such as a duplicate table carry no position; the run is replayed to find it."""
    path = write(
        tmp_path,
        "dup.sql",
        "CREATE TABLE a (id integer);\nCREATE TABLE b (id integer);\n\n"
        "CREATE TABLE a (id integer);\n",
    )
    with (
        pytest.raises(UsageError, match=r'dup\.sql:4: relation "a" already exists'),
        sqlfile.load_postgresql(path, pg_server),
    ):
        pass


def test_dollar_quoted_body_with_semicolons_and_backslashes(pg_server: str, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "func.sql",
        "CREATE FUNCTION f() RETURNS text LANGUAGE plpgsql AS $body$\n"
        "BEGIN\n  RETURN 'x;y\\z';  -- not a meta-command: \\q\nEND;\n$body$;\n"
        "/* nested /* comment; */ \\still comment */\n"
        "CREATE TABLE t AS SELECT f() AS v;\n",
    )
    with sqlfile.load_postgresql(path, pg_server) as url:
        assert pg_scalar(url, "SELECT v FROM t") == "x;y\\z"


def test_password_never_in_messages(pg_server: str, tmp_path: Path) -> None:
    url = sa.make_url(pg_server).set(password="s3cret-pw", host="127.0.0.1", port=1, query={})
    path = write(tmp_path, "x.sql", "CREATE TABLE t (id serial);\n")
    with (
        pytest.raises(DatabaseError) as info,
        sqlfile.load_postgresql(path, url.render_as_string(hide_password=False)),
    ):
        pass
    assert "s3cret-pw" not in info.value.message
    assert "***" in info.value.message


def test_escape_strings_and_standard_conforming_strings_off(pg_server: str, tmp_path: Path) -> None:
    """A quote escaped by a backslash does not end the string (E'' strings, and plain strings
    once the script turns standard_conforming_strings off, as old pg_dumps do)."""
    path = write(
        tmp_path,
        "escapes.sql",
        "CREATE TABLE t (id integer, v text);\n"
        "INSERT INTO t VALUES (1, E'it\\'s; \\\\c');\n"
        "SET standard_conforming_strings = off;\n"
        "SET escape_string_warning = off;\n"
        "INSERT INTO t VALUES (2, 'don\\'t; \\\\x');\n"
        "SET standard_conforming_strings = on;\n"
        "INSERT INTO t VALUES (3, 'back\\slash');\n",
    )
    with sqlfile.load_postgresql(path, pg_server) as url, pg_connection(url) as conn:
        rows = dict(conn.execute(sa.text("SELECT id, v FROM t ORDER BY id")).all())
    assert rows == {1: "it's; \\c", 2: "don't; \\x", 3: "back\\slash"}
