"""Views across dialects compared by what they return (s76views), on real databases.

A view both dialects hold with the same columns was in sync whatever rows it selected. The
evaluation stage now runs both sides' views on the same probe rows over scratch copies of
their base tables (``evaluate.view_answers``): other rows are a ``view`` difference with the
witness base rows, the same rows an equivalence, and a view that cannot be run a warning naming
it. The golden corpus (``tests/fixtures/probes/sl-pg.view-answers-*``) pins single-row
verdicts; these tests pin a witness of two tables, the warnings and the scratch copies.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import psycopg
import pytest
from pg_helpers import database_in_zone
from probes import Loader, compare_texts
from support.testing import live_diff, sqlite_file

from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect_kwargs
from twinschema.records import Difference
from twinschema.urls import parse_url

DIALECTS = ("sqlite", "postgresql")

TABLES = {
    "sqlite": "CREATE TABLE users (id INTEGER PRIMARY KEY, nick TEXT NOT NULL);\n"
    "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), "
    "total NUMERIC(10,2));\n",
    "postgresql": "CREATE TABLE users (id integer PRIMARY KEY, nick text NOT NULL);\n"
    "CREATE TABLE orders (id integer PRIMARY KEY, user_id integer REFERENCES users(id), "
    "total numeric(10,2));\n",
}
SPEND = (
    "CREATE VIEW spend AS SELECT u.id, u.nick, o.total FROM users u JOIN orders o "
    "ON o.user_id = u.id AND o.total {op} 10;"
)


def _views(found: Any) -> list[Difference]:
    return [d for d in found.differences if d.kind == "view"]


def view_count(dialect: str, sql: str, rows: tuple[str, ...], view: str, loader: Loader) -> int:
    """``SELECT count(*) FROM view`` on a real database of ``dialect`` holding ``sql``, after
    ``rows`` (rolled back on PostgreSQL)."""
    query = f"SELECT count(*) FROM {view}"
    if dialect == "sqlite":
        conn = sqlite3.connect(":memory:")
        try:
            conn.executescript(sql)
            for row in rows:
                conn.execute(row)
            return int(conn.execute(query).fetchone()[0])
        finally:
            conn.close()
    with loader.load("postgresql", sql) as schema:
        held = loader.held("rows")
        held.execute(f"SET search_path TO {schema}, public".encode())
        try:
            for row in rows:
                held.execute(row.encode())
            found = held.execute(query.encode()).fetchone()
            assert found is not None
            return int(found[0])
        finally:
            held.rollback()


def _spend_count(dialect: str, sql: str, loader: Loader) -> int:
    """``SELECT count(*) FROM spend`` after a user with id 10 and its order of exactly 10."""
    rows = (
        "INSERT INTO users (id, nick) VALUES (10, 'a')",
        "INSERT INTO orders (id, user_id, total) VALUES (1, 10, 10)",
    )
    return view_count(dialect, sql, rows, "spend", loader)


@pytest.mark.parametrize("strict", DIALECTS)
def test_a_join_parted_by_two_rows_names_both(loader: Loader, strict: str) -> None:
    """``o.total > 10`` on ``strict``'s side, ``>= 10`` on the other: no row of one table alone
    parts the views, a user and its order of exactly 10 do; the difference names both base
    rows, and the real databases count that user's order on one side only."""
    sql = {d: TABLES[d] + SPEND.format(op=">" if d == strict else ">=") for d in DIALECTS}
    found = compare_texts(loader, DIALECTS, sql["sqlite"], sql["postgresql"])
    parted = _views(found)
    assert [d.name for d in parted] == ["spend"], found.differences
    message = parted[0].message
    assert "orders (id, user_id, total) = (" in message and "; users (id, nick) = (" in message
    assert ", 10)" in message or ", 10.00)" in message, message
    counts = {d: _spend_count(d, sql[d], loader) for d in DIALECTS}
    assert counts == {strict: 0, next(d for d in DIALECTS if d != strict): 1}


def test_a_join_written_alike_stays_in_sync(loader: Loader) -> None:
    """Near miss: the same join on both sides (``> 10``): the same rows, an equivalence."""
    sql = {d: TABLES[d] + SPEND.format(op=">") for d in DIALECTS}
    found = compare_texts(loader, DIALECTS, sql["sqlite"], sql["postgresql"])
    assert _views(found) == [] and found.warnings == []
    rules = [e.rule for e in found.equivalences if e.table == "spend"]
    assert len(rules) == 1 and rules[0].startswith("view answers: the same rows on "), rules
    assert found.not_compared == {}, found.not_compared  # run: no longer counted
    assert {d: _spend_count(d, sql[d], loader) for d in DIALECTS} == {d: 0 for d in DIALECTS}


@pytest.mark.parametrize("generated_on", DIALECTS)
def test_a_view_over_a_generated_column_is_a_warning(loader: Loader, generated_on: str) -> None:
    """A column generated on one side only (the other side's rows would give it a value the
    copies do not): a view reading it is not run, and says so as a warning naming the view and
    the column, never "in sync" (generated on both: ``test_view_generated.py``)."""
    plain = {"sqlite": "INTEGER", "postgresql": "integer"}
    made = {
        "sqlite": "INTEGER GENERATED ALWAYS AS (x * 2) STORED",
        "postgresql": "integer GENERATED ALWAYS AS (x * 2) STORED",
    }
    sql = {
        d: f"CREATE TABLE t (id {plain[d]} PRIMARY KEY, x {plain[d]}, "
        f"y {made[d] if d == generated_on else plain[d]});\n"
        "CREATE VIEW v AS SELECT id, y FROM t;"
        for d in DIALECTS
    }
    found = compare_texts(loader, DIALECTS, sql["sqlite"], sql["postgresql"])
    warned = [w for w in found.warnings if w.kind == "view"]
    assert [(w.name, w.severity) for w in warned] == [("v", "warning")], found.warnings
    assert "t.y, a generated column" in warned[0].message and "not compared" in warned[0].message
    assert _views(found) == []
    assert [c.get("views") for c in found.not_compared.values()] == [1, 1]  # still counted


@pytest.mark.parametrize("generated_on", DIALECTS)
def test_a_view_not_reading_a_generated_column_is_run(loader: Loader, generated_on: str) -> None:
    """stranger76 007: a view was refused because its table has a generated column it does
    not read. The copies leave that column out, and the view is run: a filter written alike is
    the same rows; near miss above (the view reads it: a warning naming the column)."""
    plain = {"sqlite": "INTEGER", "postgresql": "integer"}
    made = {
        "sqlite": "INTEGER GENERATED ALWAYS AS (x * 2) STORED",
        "postgresql": "integer GENERATED ALWAYS AS (x * 2) STORED",
    }
    sql = {
        d: f"CREATE TABLE t (id {plain[d]} PRIMARY KEY, x {plain[d]}, "
        f"y {made[d] if d == generated_on else plain[d]});\n"
        "CREATE VIEW v AS SELECT id, x FROM t WHERE x > 1;"
        for d in DIALECTS
    }
    found = compare_texts(loader, DIALECTS, sql["sqlite"], sql["postgresql"])
    assert [w.message for w in found.warnings if w.kind == "view"] == []
    assert _views(found) == []
    same = [e for e in found.equivalences if e.table == "v" and "view answers" in e.rule]
    assert len(same) == 1, found.equivalences


@pytest.mark.parametrize("filtered_on", DIALECTS)
def test_a_one_table_view_returning_nothing_names_its_filter(
    loader: Loader, filtered_on: str
) -> None:
    """stranger76 010: a one-table view no probe row passes was "not compared (... a join they
    do not meet)"; it has no join: the reason says no probe row passes its filter."""
    table = {
        "sqlite": "CREATE TABLE r (id INTEGER PRIMARY KEY, price REAL NOT NULL);\n",
        "postgresql": "CREATE TABLE r (id integer PRIMARY KEY, price double precision NOT NULL);\n",
    }
    view = "CREATE VIEW triple AS SELECT id FROM r WHERE price * 3 = 0.3 AND price > 7;"
    found = compare_texts(loader, DIALECTS, table["sqlite"] + view, table["postgresql"] + view)
    warned = [w.message for w in found.warnings if w.kind == "view"]
    assert len(warned) == 1, found.warnings
    assert "none passes its filter" in warned[0] and "join" not in warned[0], warned[0]


@pytest.mark.parametrize("lacking", DIALECTS)
def test_a_view_the_scratch_database_cannot_make_is_a_warning(loader: Loader, lacking: str) -> None:
    """A view calling a function its own database has and the scratch database lacks (one
    the SQL file makes, on PostgreSQL; one SQLite lacks in memory: a table-valued function of
    an extension) is not run: a warning naming it."""
    sql = {
        "sqlite": "CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER);\n"
        "CREATE VIEW v AS SELECT id, x * 2 AS y FROM t;",
        "postgresql": "CREATE TABLE t (id integer PRIMARY KEY, x integer);\n"
        "CREATE VIEW v AS SELECT id, x * 2 AS y FROM t;",
    }
    if lacking == "postgresql":
        sql["postgresql"] = (
            "CREATE TABLE t (id integer PRIMARY KEY, x integer);\n"
            "CREATE FUNCTION twice(integer) RETURNS integer LANGUAGE sql AS 'SELECT $1 * 2';\n"
            "CREATE VIEW v AS SELECT id, twice(x) AS y FROM t;"
        )
    else:  # a view over a table SQLite's copy lacks: an FTS5 table, virtual, not copied
        sql["sqlite"] = (
            "CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER);\n"
            "CREATE VIRTUAL TABLE f USING fts5(body);\n"
            "CREATE VIEW v AS SELECT id, x * 2 AS y FROM t WHERE id NOT IN "
            "(SELECT rowid FROM f);"
        )
    found = compare_texts(loader, DIALECTS, sql["sqlite"], sql["postgresql"])
    warned = [w for w in found.warnings if w.kind == "view"]
    assert [w.name for w in warned] == ["v"], (found.warnings, found.differences)
    assert "not compared" in warned[0].message, warned[0].message
    # stranger76 007: the source has the function; the scratch copy does not (it was said as
    # if the source lacked it)
    copy = "PostgreSQL" if lacking == "postgresql" else "SQLite"
    assert f"fails on the {copy} scratch copy of its tables" in warned[0].message
    assert "not the source's own functions" in warned[0].message
    assert _views(found) == []


MARCH = {
    "sqlite": "CREATE TABLE broadcast (id INTEGER PRIMARY KEY, starts_at TEXT NOT NULL);\n"
    "CREATE VIEW march_first AS SELECT id FROM broadcast WHERE date(starts_at) = '2026-03-01';",
    "postgresql": "CREATE TABLE broadcast (id integer PRIMARY KEY, starts_at timestamptz NOT NULL)",
}
MARCH_VIEW = (
    "CREATE VIEW march_first AS SELECT id FROM broadcast WHERE starts_at::date = '2026-03-01'"
)


@pytest.mark.parametrize("zone", ["America/New_York", "UTC"])
def test_a_view_reading_a_date_runs_in_the_live_databases_timezone(
    pg_url: str, tmp_path: Path, zone: str
) -> None:
    """stranger76 012: date(starts_at) against starts_at::date was run in the scratch
    server's UTC, where they agree; a live database set to America/New_York answers ::date in
    New York (02:00 UTC on March 1st is February 28th there). Now the view runs in the live
    database's TimeZone: a difference there, with a UTC spelling of the moment as its witness;
    near miss: the same database in UTC is in sync. The real databases answer so."""
    database_in_zone(pg_url, zone, MARCH["postgresql"], MARCH_VIEW)
    found = live_diff(sqlite_file(tmp_path / "a.db", MARCH["sqlite"]), pg_url)
    views = _views(found)
    assert len(views) == (1 if zone != "UTC" else 0), (found.differences, found.warnings)
    if views:
        assert "+00:00'): SQLite returns (" in views[0].message, views[0].message
        assert "PostgreSQL returns no row" in views[0].message
    moment = "2026-03-01 02:00:00+00:00"
    with sqlite3.connect(tmp_path / "a.db") as conn:
        conn.execute("INSERT INTO broadcast (id, starts_at) VALUES (1, ?)", (moment,))
        local = conn.execute("SELECT count(*) FROM march_first").fetchone()[0]
    with psycopg.connect(
        **connect_kwargs(parse_url(pg_url), ReflectOptions()), autocommit=True
    ) as c:
        c.execute("INSERT INTO broadcast (id, starts_at) VALUES (1, %s)", (moment,))
        remote = c.execute("SELECT count(*) FROM march_first").fetchone()
    assert (local, remote) == (1, (0 if zone != "UTC" else 1,))


@pytest.mark.parametrize("checked_on", DIALECTS)
@pytest.mark.parametrize("pattern", ["instr", "LIKE"])
def test_a_column_no_probe_value_fits_is_named(
    loader: Loader, checked_on: str, pattern: str
) -> None:
    """stranger77 004-006: a view over a table whose probe rows all failed a CHECK was "not
    compared (no probe row is taken by both sides' tables)" although rows both take exist.
    Probe values are now fitted to each column's own CHECKs; where none fits ('zq' at the third
    character: no probe spells it), the warning names that column. Near miss: a LIKE pattern's
    filled form fits, and the view runs (the same rows: no warning)."""
    check = {
        "instr": {"sqlite": "instr(code, 'zq') = 3", "postgresql": "strpos(code, 'zq') = 3"},
        "LIKE": {"sqlite": "code LIKE 'Q%'", "postgresql": "code LIKE 'Q%'"},
    }[pattern]
    kind = {"sqlite": ("INTEGER", "TEXT"), "postgresql": ("integer", "text")}
    sql = {
        d: f"CREATE TABLE t (id {kind[d][0]} PRIMARY KEY, code {kind[d][1]} NOT NULL"
        + (f" CHECK ({check[d]})" if d == checked_on else "")
        + ");\nCREATE VIEW v AS SELECT id, code FROM t;"
        for d in DIALECTS
    }
    found = compare_texts(loader, DIALECTS, sql["sqlite"], sql["postgresql"])
    warned = [w.message for w in found.warnings if w.kind == "view"]
    if pattern == "LIKE":  # 'QJazz Night' fits
        assert warned == [] and _views(found) == [], (found.warnings, found.differences)
        return
    assert len(warned) == 1, found.warnings
    assert "no probe value of t.code is taken by both sides' columns" in warned[0], warned[0]


GROUPED = {
    "sqlite": "CREATE TABLE keeper (id INTEGER PRIMARY KEY, station TEXT NOT NULL COLLATE NOCASE);\n",
    "postgresql": "CREATE TABLE keeper (id integer PRIMARY KEY, station text NOT NULL);\n",
}
PER_STATION = (
    "CREATE VIEW per_station AS SELECT station, count(*) AS n FROM keeper GROUP BY station;"
)


def _groups(dialect: str, sql: str, loader: Loader) -> int:
    """How many rows ``per_station`` returns after two keepers at 'ABC' and 'abc'."""
    rows = ("INSERT INTO keeper VALUES (1, 'ABC')", "INSERT INTO keeper VALUES (2, 'abc')")
    return view_count(dialect, sql, rows, "per_station", loader)


def test_a_grouped_view_parted_by_two_rows_names_two(loader: Loader) -> None:
    """A GROUP BY over a NOCASE column (SQLite) against a plain one: no one row parts the views
    and the two-row sets tried first hold no two spellings of one text, so the witness was all
    48 probe rows (stranger78 009); rows are now left out while the views still part, down to
    two spellings of one text. The real databases: one group of 'ABC' and 'abc' on SQLite, two
    on PostgreSQL."""
    sql = {d: GROUPED[d] + PER_STATION for d in DIALECTS}
    found = compare_texts(loader, DIALECTS, sql["sqlite"], sql["postgresql"])
    parted = _views(found)
    assert [d.name for d in parted] == ["per_station"], found.differences
    assert parted[0].message.count("keeper (id, station) = (") == 2, parted[0].message
    assert {d: _groups(d, sql[d], loader) for d in DIALECTS} == {"sqlite": 1, "postgresql": 2}
