"""Views, triggers, functions and sequences (issue 15), end to end through ``twinschema diff``.

The probe corpus (``tests/fixtures/probes/{pg-pg,sl-sl,sl-pg}.*``) pins each verdict; these tests
pin what the report says around them: what a comparison could not compare is counted under
``not_compared`` for the source that holds it (a metadata module holds none of these objects;
across dialects only what domain.yaml declares is compared), and what it did compare is not.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import psycopg
import pytest
from pg_helpers import clean_env, invoke_cli, make_project
from support import testing

from twinschema.definitions import canonical_sql
from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import STATEMENTS, connect_kwargs
from twinschema.sources import reflect_url
from twinschema.urls import parse_url, redact

TABLE = "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"


def diff(cwd: Path, *args: str) -> tuple[int, dict[str, Any]]:
    done = invoke_cli(["diff", *args, "--format", "json"], cwd, clean_env())
    assert done.returncode in (0, 1), done.stdout + done.stderr
    return done.returncode, json.loads(done.stdout)


def run_ddl(url: str, ddl: str) -> None:
    kwargs = connect_kwargs(parse_url(url), ReflectOptions())
    with psycopg.connect(**kwargs, autocommit=True) as conn:
        conn.execute(ddl.encode())


def test_same_dialect_compares_them_and_counts_none(tmp_path: Path) -> None:
    """Two SQLite files: a view spelled differently is the same, a trigger that differs is a
    ``trigger`` difference, and neither side has anything left under not_compared."""
    a = testing.sqlite_file(
        tmp_path / "a.db",
        TABLE + "CREATE VIEW named AS SELECT id FROM items WHERE name <> '';\n"
        "CREATE TRIGGER no_empty BEFORE INSERT ON items WHEN NEW.name = '' "
        "BEGIN SELECT RAISE(ABORT, 'empty'); END;",
    )
    b = testing.sqlite_file(
        tmp_path / "b.db",
        TABLE + "create view NAMED as\n  select ID from ITEMS where name <> '' ;\n"
        "CREATE TRIGGER no_empty BEFORE INSERT ON items WHEN NEW.name = ' ' "
        "BEGIN SELECT RAISE(ABORT, 'empty'); END;",
    )
    code, report = diff(tmp_path, a, b)
    assert code == 1
    assert [(d["kind"], d["table"], d["name"]) for d in report["differences"]] == [
        ("trigger", "items", "no_empty")
    ]
    assert "NEW.name = ''" in report["differences"][0]["left"]
    assert "NEW.name = ' '" in report["differences"][0]["right"]
    assert report["not_compared"] == {}
    [same] = [e for e in report["equivalences"] if e["rule"] == "view definition"]
    assert (same["table"], same["left"].split()[:3]) == ("named", ["CREATE", "VIEW", "named"])


def test_a_metadata_module_holds_none_so_the_database_counts_them(tmp_path: Path) -> None:
    """A metadata module cannot hold views or triggers: against a database that has them, the
    diff is in sync on tables and counts the database's objects as not compared, never as
    missing from the module."""
    project = make_project(tmp_path)
    db = project.root / "local.db"
    conn = sqlite3.connect(db)
    with conn:
        conn.executescript(
            "CREATE VIEW named AS SELECT id FROM items;"
            "CREATE TRIGGER touch AFTER UPDATE ON items BEGIN SELECT 1; END;"
        )
    conn.close()
    code, report = diff(
        project.root, f"{project.sqlite_module}:metadata", project.sqlite, "--no-domain"
    )
    assert (code, report["differences"]) == (0, [])
    assert report["not_compared"] == {project.sqlite: {"views": 1, "triggers": 1}}


def test_across_dialects_only_declared_objects_are_compared(tmp_path: Path, pg_url: str) -> None:
    """SQLite against PostgreSQL: the view domain.yaml declares is checked on both (present),
    the others are counted per side as not compared; one declared and absent is a ``view``
    difference naming the side that lacks it."""
    domain = tmp_path / "domain.yaml"
    base = (
        "version: 1\ntables:\n  items:\n    columns:\n      id: {kind: integer}\n      name: {}\n"
    )
    domain.write_text(base + "views:\n  named: {}\n", "utf-8")
    sqlite = testing.sqlite_file(
        tmp_path / "local.db",
        TABLE + "CREATE VIEW named AS SELECT id FROM items;\n"
        "CREATE VIEW local_only AS SELECT name FROM items;\n"
        "CREATE TRIGGER touch AFTER UPDATE ON items BEGIN SELECT 1; END;",
    )
    run_ddl(
        pg_url,
        "CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL);"
        "CREATE VIEW named AS SELECT id FROM items;"
        "CREATE SEQUENCE tickets;"
        "CREATE FUNCTION one() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$;",
    )
    code, report = diff(tmp_path, sqlite, pg_url, "--domain", str(domain))
    assert (code, report["differences"]) == (0, [])
    assert report["not_compared"] == {
        sqlite: {"views": 1, "triggers": 1},
        redact(pg_url): {"sequences": 1, "functions": 1},
    }

    domain.write_text(base + "views:\n  named: {}\n  local_only: {}\n", "utf-8")
    code, report = diff(tmp_path, sqlite, pg_url, "--domain", str(domain))
    assert code == 1
    [missing] = report["differences"]
    assert (missing["kind"], missing["name"], missing["left"], missing["right"]) == (
        "view",
        "local_only",
        "view local_only",
        None,
    )
    assert "declared in domain.yaml for postgresql" in missing["message"]


def test_postgresql_reads_them_in_the_same_batch(pg_url: str) -> None:
    """The objects come from queries of the fixed batch, never one query per object: one view
    and a hundred views (with triggers and functions) cost the same number of statements."""
    from test_reflect_postgresql import statements_for

    run_ddl(
        pg_url,
        "CREATE TABLE items (id integer PRIMARY KEY);"
        "CREATE VIEW v0 AS SELECT id FROM items WHERE id > 0;",
    )
    assert statements_for(pg_url) == (STATEMENTS, 1)
    run_ddl(
        pg_url,
        "".join(
            f"CREATE VIEW v{n} AS SELECT id FROM items WHERE id > {n};"
            f"CREATE FUNCTION f{n}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;"
            f"CREATE TRIGGER t{n} BEFORE UPDATE ON items FOR EACH ROW EXECUTE FUNCTION f{n}();"
            for n in range(1, 100)
        ),
    )
    assert statements_for(pg_url) == (STATEMENTS, 1)
    kinds = [o.kind for o in reflect_url(pg_url, ReflectOptions()).objects]
    assert (kinds.count("view"), kinds.count("function"), kinds.count("trigger")) == (100, 99, 99)


@pytest.mark.parametrize(
    ("text", "fold", "canonical"),
    [
        # Layout, comments and the case of unquoted words do not count; literals keep theirs.
        (
            "SELECT  a -- note\n FROM t /* x */ WHERE b = 'Q  r';",
            False,
            "select a from t where b = 'Q  r'",
        ),
        # PostgreSQL: a quoted identifier keeps its case, and loses quotes it does not need.
        ('SELECT "Ab", "ab", "a b" FROM t', False, 'select "Ab" , ab , "a b" from t'),
        # SQLite: every quoting style is one, and all identifiers fold.
        ('SELECT [My Col], `T`, "X" FROM t', True, 'select "my col" , t , x from t'),
        # A dollar-quoted string is data ($$ and $tag$), a function body is code.
        ("SELECT $$ a  B $$, $x$ y $x$", False, "select $$ a  B $$ , $x$ y $x$"),
        (
            "AS $function$ BEGIN  RETURN 1; -- x\n END $function$",
            False,
            "as $function$ begin return 1 ; end $function$",
        ),
    ],
)
def test_canonical_definition_text(text: str, fold: bool, canonical: str) -> None:
    """The canonical text of a definition: what cannot change its meaning is made uniform, and
    nothing else (a string literal's case and spacing is data)."""
    assert canonical_sql(text, fold) == canonical


def test_inspect_shows_them(tmp_path: Path) -> None:
    """``inspect`` lists the objects it read, with the canonical definitions compared."""
    db = testing.sqlite_file(
        tmp_path / "a.db",
        TABLE + "CREATE VIEW Named AS SELECT id FROM items;\n"
        "CREATE TRIGGER touch AFTER UPDATE ON items BEGIN SELECT 1; END;",
    )
    done = invoke_cli(["inspect", db, "--format", "json"], tmp_path, clean_env())
    assert done.returncode == 0, done.stderr
    objects = json.loads(done.stdout)["objects"]
    assert [(o["kind"], o["name"], o["table"], o["definition"]) for o in objects] == [
        (
            "trigger",
            "touch",
            "items",
            "create trigger touch after update on items begin select 1 ; end",
        ),
        ("view", "named", None, "create view named as select id from items"),
    ]
    done = invoke_cli(["inspect", db, "--format", "text"], tmp_path, clean_env())
    assert "  trigger touch on items\n  view named\n" in done.stdout


def test_a_partitioned_tables_trigger_is_one_trigger(pg_url: str) -> None:
    """PostgreSQL clones a partitioned table's row trigger onto each partition: the clones are
    the parent's trigger, not objects of their own."""
    run_ddl(
        pg_url,
        "CREATE TABLE m (id integer, x integer) PARTITION BY RANGE (id);"
        "CREATE TABLE m_low PARTITION OF m FOR VALUES FROM (0) TO (100);"
        "CREATE TABLE m_high PARTITION OF m FOR VALUES FROM (100) TO (200);"
        "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;"
        "CREATE TRIGGER touch BEFORE INSERT ON m FOR EACH ROW EXECUTE FUNCTION f();",
    )
    schema = reflect_url(pg_url, ReflectOptions())
    assert [o.key for o in schema.objects if o.kind == "trigger"] == [("trigger", "m", "touch")]
