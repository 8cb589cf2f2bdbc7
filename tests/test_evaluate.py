"""The evaluation stage (``twinschema.evaluate``) on real databases: defaults judged by running
them on scratch databases of their own dialect, through ``check`` and ``diff`` as users run
them, and the classes of what a default gives, each from a real run.

The golden corpus (``tests/fixtures/probes/*.eval-*``) holds the idioms; this file holds what
the corpus cannot show: the flag, the report's counts, where each side ran, the cache, the
scratch database dropped, and a function the scratch database lacks.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result
from support.testing import execute, sqlite_file

from twinschema.cli import cli
from twinschema.compare import Side, compare
from twinschema.dialects import ReflectOptions
from twinschema.evaluate import Evaluator, PostgreSQLScratch, evaluate
from twinschema.evaluate.pg_backend import PostgreSQLBackend
from twinschema.evaluate.pg_scratch import EVALUATION_DATABASE
from twinschema.evaluate.sqlite_backend import SQLiteBackend
from twinschema.evaluate.values import (
    CLOCK_NUMBER,
    CLOCK_OFFSET,
    CONSTANT,
    CURRENT_DATE,
    CURRENT_TIME,
    CURRENT_TIME_OF_DAY,
    DATE_OFFSET,
    FAILED,
    NOT_EVALUATED,
    RANDOM_UUID,
    START_OF_DAY,
    VARYING,
    classify,
    same_class,
)
from twinschema.model import ColumnType
from twinschema.sources import make_canonical, reflect_url

ROOT = Path(__file__).resolve().parent.parent
HAND_BUILT_UUID = (
    "lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || "
    "substr(lower(hex(randomblob(2))),2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || "
    "substr(lower(hex(randomblob(2))),2) || '-' || lower(hex(randomblob(6)))"
)


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def evaluation_tables(server_url: str) -> list[str]:
    """The tables of the evaluation database on ``server_url``: always none (only temporary
    tables, in transactions rolled back, ever touch it)."""
    url = sa.make_url(server_url).set(database=EVALUATION_DATABASE)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        found = conn.execute(
            sa.text(
                "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
                "AND n.nspname NOT LIKE 'pg_temp%' AND n.nspname NOT LIKE 'pg_toast%'"
            )
        )
        names = [row[0] for row in found]
    engine.dispose()
    return names


# -- check, on the project's own schemas --------------------------------------------------------


def check_json(urls: tuple[str, str], *args: str) -> tuple[int, dict[str, object]]:
    result = invoke(
        "check", "--sqlite-url", urls[0], "--postgres-url", urls[1], "--format", "json", *args
    )
    return result.exit_code, json.loads(result.stdout)


def test_check_settles_a_default_only_evaluation_can(
    migrated: tuple[str, str], pg_server: str
) -> None:
    """A live default spelt (2 - 1) against the metadata's 1: no canonical form folds it, the
    stage runs both and finds one value. ``--no-evaluate`` turns the stage off: the difference
    is back, and no layer says it evaluated anything."""
    execute(migrated[1], "ALTER TABLE profiles ALTER COLUMN version SET DEFAULT (2 - 1)")
    code, report = check_json(migrated, "--layer", "live")
    assert code == 0, report["differences"]
    layers = report["layers"]
    assert isinstance(layers, list)
    evaluated = [layer for layer in layers if layer["evaluated"]]
    assert evaluated, layers
    for layer in evaluated:
        assert layer["evaluated_on"]["postgresql"].startswith(
            f"PostgreSQL {EVALUATION_DATABASE} on "
        )
    rules = [e["rule"] for e in report["equivalences"]]  # type: ignore[union-attr]
    assert "equal by evaluation: both give 1" in rules
    assert evaluation_tables(pg_server) == []  # the scratch server's, and left empty

    code, report = check_json(migrated, "--layer", "live", "--no-evaluate")
    assert code == 1
    found = {(d["kind"], d["table"], d["column"]) for d in report["differences"]}  # type: ignore[union-attr]
    assert found == {("column_default", "profiles", "version")}
    assert all(layer["evaluated"] == 0 for layer in report["layers"])  # type: ignore[union-attr]


def test_check_tells_statement_time_from_transaction_time(migrated: tuple[str, str]) -> None:
    """Between the PostgreSQL metadata (now()) and its database (statement_timestamp()) the
    two run side by side in one transaction give different times: a difference. Across
    dialects, against SQLite's CURRENT_TIMESTAMP, both are 'the current time': no difference."""
    execute(
        migrated[1], "ALTER TABLE badges ALTER COLUMN created_at SET DEFAULT statement_timestamp()"
    )
    code, report = check_json(migrated, "--layer", "live")
    assert code == 1
    found = [d for d in report["differences"]]  # type: ignore[union-attr]
    assert [(d["kind"], d["table"], d["column"]) for d in found] == [
        ("column_default", "badges", "created_at")
    ]
    assert "by evaluation" in found[0]["message"]
    assert found[0]["left_source"].endswith("postgres.py")


def test_text_report_says_what_was_evaluated_and_where(migrated: tuple[str, str]) -> None:
    execute(migrated[1], "ALTER TABLE profiles ALTER COLUMN version SET DEFAULT (2 - 1)")
    result = invoke(
        "check", "--sqlite-url", migrated[0], "--postgres-url", migrated[1], "--layer", "live"
    )
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.stdout.splitlines() if "evaluated" in line]
    assert lines, result.stdout
    assert all(line.startswith("evaluated ") for line in lines)
    assert any(f"postgresql: PostgreSQL {EVALUATION_DATABASE} on " in line for line in lines)


# -- diff ---------------------------------------------------------------------------------------


def test_diff_reports_a_sqlite_default_that_fails_every_insert(tmp_path: Path, pg_url: str) -> None:
    """SQLite accepts DEFAULT (GEN_RANDOM_UUID()) at CREATE and fails every insert that omits
    the column: a difference with SQLite's error, though the canonical texts match. A real
    insert shows it: the SQLite file rejects the row, PostgreSQL accepts it."""
    sl = sqlite_file(
        tmp_path / "a.db",
        "CREATE TABLE profiles (id TEXT PRIMARY KEY NOT NULL DEFAULT (GEN_RANDOM_UUID()), n INT);",
    )
    execute(pg_url, "CREATE TABLE profiles (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), n int)")
    result = invoke("diff", sl, pg_url, "--no-domain", "--format", "json")
    report = json.loads(result.stdout)
    assert result.exit_code == 1
    [difference] = report["differences"]
    assert difference["kind"] == "column_default"
    assert difference["message"].startswith("inserts that omit profiles.id fail on SQLite: ")
    assert "GEN_RANDOM_UUID" in difference["message"]
    assert report["layers"][0]["evaluated_on"]["sqlite"] == "SQLite in memory"
    # The witness, on the real databases.
    conn = sqlite3.connect(tmp_path / "a.db")
    with pytest.raises(sqlite3.OperationalError):
        conn.execute("INSERT INTO profiles (n) VALUES (1)")
    conn.close()
    execute(pg_url, "INSERT INTO profiles (n) VALUES (1)")

    off = json.loads(
        invoke("diff", sl, pg_url, "--no-domain", "--format", "json", "--no-evaluate").stdout
    )
    assert not any("fail on SQLite" in d["message"] for d in off["differences"])
    assert off["layers"][0]["evaluated"] == 0


def test_diff_reports_a_postgresql_default_that_fails_though_the_texts_match(
    tmp_path: Path, pg_url: str
) -> None:
    """The canonical form calls abs(2147483647 + 1) equal on both dialects; re-run, it
    overflows integer on PostgreSQL. That is a difference with PostgreSQL's error, counted as
    evaluated, never "not evaluated" (issue 12). The real databases show it."""
    sl = sqlite_file(
        tmp_path / "a.db", "CREATE TABLE t (id INTEGER, c INTEGER DEFAULT (abs(2147483647 + 1)));"
    )
    execute(pg_url, "CREATE TABLE t (id integer, c integer DEFAULT abs(2147483647 + 1))")
    report = json.loads(invoke("diff", sl, pg_url, "--no-domain", "--format", "json").stdout)
    layer = report["layers"][0]
    assert layer["not_evaluated"] == 0 and layer["evaluated"] >= 1, layer
    failures = [d for d in report["differences"] if d["kind"] == "column_default"]
    assert [d["message"] for d in failures] == [
        "inserts that omit t.c fail on PostgreSQL: integer out of range"
    ]
    conn = sqlite3.connect(tmp_path / "a.db")
    conn.execute("INSERT INTO t (id) VALUES (1)")
    conn.close()
    with pytest.raises(sa.exc.DataError):
        execute(pg_url, "INSERT INTO t (id) VALUES (1)")
    off = json.loads(
        invoke("diff", sl, pg_url, "--no-domain", "--format", "json", "--no-evaluate").stdout
    )
    assert not [d for d in off["differences"] if d["kind"] == "column_default"]


def test_a_function_the_scratch_database_lacks_is_not_evaluated(
    tmp_path: Path, pg_url: str, pg_server: str
) -> None:
    """The checked database has the user's own function; the scratch database does not. The
    pair is counted as not evaluated, and the comparer's verdict stands: no failure claimed."""
    sl = sqlite_file(tmp_path / "a.db", f"CREATE TABLE t (id TEXT DEFAULT ({HAND_BUILT_UUID}));")
    execute(
        pg_url,
        "CREATE FUNCTION my_uuid() RETURNS uuid LANGUAGE sql AS 'SELECT gen_random_uuid()'",
        "CREATE TABLE t (id uuid DEFAULT my_uuid())",
    )
    report = json.loads(invoke("diff", sl, pg_url, "--no-domain", "--format", "json").stdout)
    layer = report["layers"][0]
    assert (layer["evaluated"], layer["not_evaluated"]) == (0, 1)
    [difference] = report["differences"]
    assert difference["kind"] == "column_default"
    assert "fail" not in difference["message"]
    assert evaluation_tables(pg_server) == []


def test_each_distinct_expression_runs_once(tmp_path: Path) -> None:
    """300 tables with the same differing pair of defaults: 300 pairs settled, by 3 runs (each
    side's text once, for failures, and the pair side by side once)."""
    n = 300
    left = sqlite_file(
        tmp_path / "a.db",
        "".join(f"CREATE TABLE t{i} (c INTEGER DEFAULT ((1 + 2) * 3));" for i in range(n)),
    )
    right = sqlite_file(
        tmp_path / "b.db", "".join(f"CREATE TABLE t{i} (c INTEGER DEFAULT 9);" for i in range(n))
    )
    sides = [
        Side(make_canonical(reflect_url(url, ReflectOptions()), None), url, url)
        for url in (left, right)
    ]
    comparison = compare(*sides, layer="diff")
    assert len(comparison.differences) == n  # the comparer alone cannot tell
    with Evaluator() as evaluator:
        evaluation = evaluate(comparison, *sides, evaluator)
        assert evaluator.runs == 3
    assert comparison.differences == []
    assert evaluation.evaluated == n
    assert {e.rule for e in comparison.equivalences} == {"equal by evaluation: both give 9"}


# -- classes, each from a real run --------------------------------------------------------------

UNTYPED = ColumnType("sqlite", "")  # no affinity: each value kept as the expression gives it


@pytest.mark.parametrize(
    ("expression", "kind", "value"),
    [
        ("CURRENT_TIMESTAMP", CURRENT_TIME, None),
        ("datetime('now')", CURRENT_TIME, None),
        ("strftime('%Y-%m-%dT%H:%M:%fZ', 'now')", CURRENT_TIME, None),
        ("strftime('%Y-%m-%d %H:%M:%f000', 'now')", CURRENT_TIME, None),
        ("strftime('%Y-%m-%d %H:%M:%S+00:00', 'now')", CURRENT_TIME, None),
        ("strftime('%Y-%m-%d %H:%M:%S', 'now', '+2 hours') || '+02:00'", CURRENT_TIME, None),
        ("strftime('%Y-%m-%d %H:%M:%S', 'now') || '+02:00'", CLOCK_OFFSET, -7200),  # UTC as +02
        ("datetime('now', '+1 hour')", CLOCK_OFFSET, 3600),
        ("date('now', '-1 day')", DATE_OFFSET, -1),
        ("julianday('now')", CLOCK_NUMBER, "a Julian day"),
        ("unixepoch('now')", CLOCK_NUMBER, "Unix seconds"),
        ("date('now')", CURRENT_DATE, None),
        ("datetime('now', 'start of day')", START_OF_DAY, 0),
        ("datetime('now', 'start of day', '+1 day')", START_OF_DAY, 1),
        (HAND_BUILT_UUID, RANDOM_UUID, 4),
        ("upper(hex(randomblob(16)))", VARYING, None),
        ("'x'", CONSTANT, "x"),
        ("1 + 2 * 3", CONSTANT, 7),
        ("GEN_RANDOM_UUID()", FAILED, None),
    ],
)
def test_sqlite_classes(expression: str, kind: str, value: object) -> None:
    backend = SQLiteBackend()
    try:
        verdict = classify(backend.run([(expression, UNTYPED)]))
    finally:
        backend.close()
    if kind == VARYING:
        assert verdict.kind == VARYING, verdict
    else:
        assert (verdict.kind, verdict.value) == (kind, value), verdict


def test_a_current_time_in_text_keeps_its_format_and_a_date_at_midnight_says_so(
    pg_backend: PostgreSQLBackend,
) -> None:
    """Text columns keep each side's own text of the time: CURRENT_TIMESTAMP's and now()'s
    differ there, and agree in time columns; CURRENT_DATE in a timestamp is said in words."""
    sqlite = SQLiteBackend()
    try:
        written = classify(sqlite.run([("CURRENT_TIMESTAMP", UNTYPED)]))
    finally:
        sqlite.close()
    text = ColumnType("postgresql", "text", raw="text")
    stored = classify(pg_backend.run([("now()", text)]))
    assert (written.form, stored.form) == ("YYYY-MM-DD HH:MM:SS", "YYYY-MM-DD HH:MM:SS.fff+hh")
    assert not same_class(written, stored, "text")
    assert same_class(written, stored, "timestamptz")
    assert "as text 'YYYY-MM-DD HH:MM:SS.fff+hh'" in stored.describe()
    midnight = ColumnType("postgresql", "timestamp", raw="timestamp")
    said = classify(pg_backend.run([("CURRENT_DATE + 1", midnight)])).describe()
    assert said == "the current date + 1 day(s) at midnight (00:00:00)"


@pytest.mark.parametrize(
    ("expression", "sqlite_form", "pg_form", "same"),
    [
        ("CURRENT_TIME", "HH:MM:SS", "HH:MM:SS.fff+hh", False),
        ("CURRENT_DATE", "YYYY-MM-DD", "YYYY-MM-DD", True),
    ],
)
def test_a_current_time_of_day_or_date_in_text_keeps_its_format(
    pg_backend: PostgreSQLBackend, expression: str, sqlite_form: str, pg_form: str, same: bool
) -> None:
    """CURRENT_TIME as text is 'HH:MM:SS' on SQLite, PostgreSQL's text of a time with time zone
    ('05:00:00.123456+00'); CURRENT_DATE is 'YYYY-MM-DD' on both (the near miss). In a time or
    date column the format says nothing."""
    sqlite = SQLiteBackend()
    try:
        written = classify(sqlite.run([(expression, UNTYPED)]))
    finally:
        sqlite.close()
    text = ColumnType("postgresql", "text", raw="text")
    stored = classify(pg_backend.run([(expression, text)]))
    assert written.kind == stored.kind, (written, stored)
    assert (written.form, stored.form) == (sqlite_form, pg_form)
    assert same_class(written, stored, "text") is same
    assert same_class(written, stored, "time" if "TIME" in expression else "date")


@pytest.fixture(scope="module")
def pg_backend(pg_server: str) -> Iterator[PostgreSQLBackend]:
    from support.testing import scratch_backend

    with scratch_backend(pg_server, "evaluate") as backend:
        yield backend


@pytest.mark.parametrize(
    ("expression", "type_name", "kind", "value"),
    [
        ("now()", "timestamptz", CURRENT_TIME, None),
        ("LOCALTIMESTAMP", "timestamp", CURRENT_TIME, None),
        ("(now())::text", "text", CURRENT_TIME, None),
        ("CURRENT_DATE", "date", CURRENT_DATE, None),
        ("CURRENT_DATE", "timestamp", START_OF_DAY, 0),
        ("gen_random_uuid()", "uuid", RANDOM_UUID, 4),
        ("'a'::text", "text", CONSTANT, "a"),
        ("no_such_function_here()", "text", NOT_EVALUATED, None),
        ("'abc'::text::integer", "integer", FAILED, None),
    ],
)
def test_postgresql_classes(
    pg_backend: PostgreSQLBackend, expression: str, type_name: str, kind: str, value: object
) -> None:
    ctype = ColumnType("postgresql", type_name, raw=type_name)
    verdict = classify(pg_backend.run([(expression, ctype)]))
    assert (verdict.kind, verdict.value) == (kind, value), verdict


def test_postgresql_runs_on_the_evaluation_database_of_the_scratch_server(
    pg_server: str,
) -> None:
    """The evaluator connects to PostgreSQL only when a PostgreSQL expression must run, on the
    evaluation database of the scratch server (made on first need, kept empty), never on the
    database a URL names."""
    with Evaluator(PostgreSQLScratch(server_url=pg_server)) as evaluator:
        assert evaluator.where("postgresql").startswith("not evaluated")
        backend = evaluator.backend("postgresql")
        assert backend is not None
        assert backend.where.startswith(f"PostgreSQL {EVALUATION_DATABASE} on postgresql")
        from twinschema.model import Column

        column = Column("c", ColumnType("postgresql", "integer", raw="integer"), default="x")
        assert evaluator.single("postgresql", "(2 - 1)", column).value == 1
    assert evaluation_tables(pg_server) == []


@pytest.mark.parametrize(
    ("expression", "reads"),
    [
        ("LOCALTIMESTAMP(0)", True),  # the zone's local time as text, no offset
        ("CURRENT_DATE", True),  # the zone's date: UTC-12's and UTC+14's are never one
        ("LOCALTIME", True),
        ("now()", False),  # one instant, written with its offset
        ("to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')", False),  # UTC's
        ("to_char(now(), 'YYYY')", True),  # one year in both zones, but at New Year
        ("to_char(now() AT TIME ZONE 'UTC', 'YYYY')", False),
        ("to_char(now(), 'MI')", True),  # one minute in whole-hour zones, not at +05:45
        ("to_char(now() AT TIME ZONE 'UTC', 'MI')", False),
        ("'2026-01-01 00:00:00'", False),
        ("gen_random_uuid()", False),
    ],
)
def test_a_default_that_reads_the_sessions_zone_is_told_by_running_it_in_two(
    pg_server: str, expression: str, reads: bool
) -> None:
    """Whether a PostgreSQL default in a text column stores what depends on the session's
    TimeZone, found by running it in two zones 26 hours apart; the evaluation connection
    stays in UTC afterwards (the zone is the run's transaction's only)."""
    from twinschema.model import Column

    text = Column("c", ColumnType("postgresql", "text", raw="text"), default="x")
    with Evaluator(PostgreSQLScratch(server_url=pg_server)) as evaluator:
        assert evaluator.reads_zone(expression, text) is reads
        backend = evaluator.backend("postgresql")
        assert backend is not None
        after = backend.run([("current_setting('TimeZone')", text.type)])
        assert {row[0] for row in after.rows} == {"UTC"}


def test_no_scratch_server_is_not_evaluated() -> None:
    """Without a scratch server configured, PostgreSQL defaults are not evaluated (and nothing
    fails)."""
    from twinschema.model import Column

    with Evaluator() as evaluator:
        column = Column("c", ColumnType("postgresql", "uuid", raw="uuid"), default="x")
        verdict = evaluator.single("postgresql", "gen_random_uuid()", column)
    assert verdict.kind == NOT_EVALUATED
    assert psycopg is not None


# -- CHECKs by probes ---------------------------------------------------------------------------


def test_diff_names_a_witness_row_for_checks_that_differ(tmp_path: Path, pg_url: str) -> None:
    """BETWEEN 1 AND 10 against a half-open range: the probes find 10, which SQLite accepts
    and PostgreSQL rejects, and the two CHECKs are one difference that names it; the real
    databases agree with the witness."""
    sl = sqlite_file(tmp_path / "a.db", "CREATE TABLE t (x INTEGER, CHECK (x BETWEEN 1 AND 10));")
    execute(pg_url, "CREATE TABLE t (x integer, CHECK (x >= 1 AND x < 10))")
    report = json.loads(invoke("diff", sl, pg_url, "--no-domain", "--format", "json").stdout)
    # One difference, both CHECKs in it (not two one-sided ones), with the witness.
    (check,) = [d for d in report["differences"] if d["kind"] == "check"]
    assert (check["left"], check["right"]) == (
        "CHECK (x BETWEEN 1 AND 10)",
        "CHECK (((x >= 1) AND (x < 10)))",
    ), check
    assert check["message"].endswith("; witness (x) = (10): SQLite accepts, PostgreSQL rejects")
    conn = sqlite3.connect(tmp_path / "a.db")
    conn.execute("INSERT INTO t (x) VALUES (10)")  # accepted
    conn.close()
    with pytest.raises(sa.exc.IntegrityError):
        execute(pg_url, "INSERT INTO t (x) VALUES (10)")


def test_diff_accepts_checks_equal_on_every_probe(tmp_path: Path, pg_url: str) -> None:
    """Two CHECKs that only evaluation can call equal (a >= 0 AND b >= 0 and a > -1 AND
    b > -1 on integers; a + b <= 100 and a <= 100 - b are not: 100 - b overflows int4 on
    PostgreSQL only): an equivalence that says it was found on probes, never proven;
    ``--no-evaluate``: drift."""
    sl = sqlite_file(
        tmp_path / "a.db", "CREATE TABLE t (a INTEGER, b INTEGER, CHECK (a >= 0 AND b >= 0));"
    )
    execute(pg_url, "CREATE TABLE t (a integer, b integer, CHECK (a > -1 AND b > -1))")
    result = invoke("diff", sl, pg_url, "--no-domain", "--format", "json")
    report = json.loads(result.stdout)
    assert result.exit_code == 0, [d["message"] for d in report["differences"]]
    rules = [e["rule"] for e in report["equivalences"]]
    probed = [r for r in rules if r.startswith("equal on ")]
    assert len(probed) == 1, rules
    count = int(probed[0].split()[2])
    assert count > 100  # the cross product over both columns
    assert probed[0] == f"equal on {count} probes"  # plural ("1 probe": test_messages_round6)
    assert report["layers"][0]["evaluated"] == 1
    off = invoke("diff", sl, pg_url, "--no-domain", "--format", "json", "--no-evaluate")
    assert off.exit_code == 1


def test_diff_runs_each_sides_unpaired_checks_as_a_whole(tmp_path: Path, pg_url: str) -> None:
    """One CHECK ((code IS NULL) = (pct IS NULL)) against its two halves as two CHECKs, each
    CHECK on one side only (stranger51 134): the halves' conjunction is the one CHECK on every
    probe, one equivalence that lists all three; CHECK (pct < 100), beside the halves, is left
    out of them (their group with it parts from the one CHECK), and it and CHECK (id > 0), over
    another column, stay CHECKs on one side only, the two differences."""
    sl = sqlite_file(
        tmp_path / "a.db",
        "CREATE TABLE d (id INTEGER PRIMARY KEY, code TEXT, pct INTEGER, "
        "CHECK ((code IS NULL) = (pct IS NULL)));",
    )
    execute(
        pg_url,
        "CREATE TABLE d (id integer PRIMARY KEY, code text, pct integer, "
        "CHECK (code IS NOT NULL OR pct IS NULL), CHECK (pct IS NOT NULL OR code IS NULL), "
        "CHECK (id > 0), CHECK (pct < 100))",
    )
    report = json.loads(invoke("diff", sl, pg_url, "--no-domain", "--format", "json").stdout)
    found = sorted((d["left"], d["right"]) for d in report["differences"] if d["kind"] == "check")
    assert found == [(None, "CHECK ((id > 0))"), (None, "CHECK ((pct < 100))")], found
    (grouped,) = [e for e in report["equivalences"] if e["rule"].startswith("equal on ")]
    assert grouped["left"] == "CHECK ((code IS NULL) = (pct IS NULL))", grouped
    assert grouped["right"].count("CHECK (") == 2, grouped


def test_diff_names_a_witness_row_for_partial_indexes_that_differ(
    tmp_path: Path, pg_url: str
) -> None:
    """Two unique indexes alike but for WHERE x >= 0 against WHERE x > 0: the probes find x = 0,
    in the index on SQLite only; the real databases agree (two such rows: SQLite rejects the
    second). Equal predicates (x > 0, x >= 1) are an equivalence found on probes."""
    sl = sqlite_file(
        tmp_path / "a.db",
        "CREATE TABLE t (k INTEGER, x INTEGER); CREATE UNIQUE INDEX t_k ON t (k) WHERE x >= 0;",
    )
    execute(pg_url, "CREATE TABLE t (k integer, x integer)")
    execute(pg_url, "CREATE UNIQUE INDEX t_k ON t (k) WHERE x > 0")
    report = json.loads(invoke("diff", sl, pg_url, "--no-domain", "--format", "json").stdout)
    indexes = [d for d in report["differences"] if d["kind"] == "index"]
    assert [d["message"] for d in indexes] == [
        "index t_k on t differs in its WHERE: x >= 0 on SQLite, (x > 0) on PostgreSQL; witness "
        "(x) = (0): the row is in the partial index on SQLite, not on PostgreSQL"
    ]
    assert (indexes[0]["left"], indexes[0]["right"]) == (
        "UNIQUE (k) WHERE x >= 0",
        "UNIQUE (k) WHERE (x > 0)",
    )
    conn = sqlite3.connect(tmp_path / "a.db")
    conn.execute("INSERT INTO t VALUES (1, 0)")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO t VALUES (1, 0)")
    conn.close()
    execute(pg_url, "INSERT INTO t VALUES (1, 0)", "INSERT INTO t VALUES (1, 0)")  # accepted

    execute(pg_url, "DELETE FROM t", "DROP INDEX t_k")
    execute(pg_url, "CREATE UNIQUE INDEX t_k ON t (k) WHERE x > -1")
    result = invoke("diff", sl, pg_url, "--no-domain", "--format", "json")
    report = json.loads(result.stdout)
    assert result.exit_code == 0, report["differences"]
    [probed] = [e for e in report["equivalences"] if e["rule"].startswith("equal on ")]
    # Each side as its source wrote it (PostgreSQL's as it prints it back), not canonical.
    assert probed["left"].endswith("WHERE x >= 0")
    assert probed["right"].endswith("WHERE (x > '-1'::integer)")


def test_diff_names_a_witness_row_for_generated_columns_that_differ(
    tmp_path: Path, pg_url: str
) -> None:
    """x * 2 against x + 2: the witness is the parting probe of smallest magnitude (stranger71
    006), x = 0 (0 against 2), and the real databases store
    those values; x * 2 against x + x differs only where x + x overflows int4 on PostgreSQL,
    which fails the insert there: the witness, the smallest such x (1073741824, where x * 2 lands
    on 2^31, one past g's integer: ``generated_rows.bound_landings``), proven on both
    databases."""
    sl = sqlite_file(
        tmp_path / "a.db",
        "CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER, "
        "g INTEGER GENERATED ALWAYS AS (x * 2) STORED);",
    )
    execute(
        pg_url,
        "CREATE TABLE t (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, x integer, "
        "g integer GENERATED ALWAYS AS (x + 2) STORED)",
    )
    report = json.loads(invoke("diff", sl, pg_url, "--no-domain", "--format", "json").stdout)
    [d] = [d for d in report["differences"] if d["column"] == "g"]
    assert d["message"].endswith("; witness (x) = (0): SQLite computes 0, PostgreSQL computes 2"), (
        d["message"]
    )
    conn = sqlite3.connect(tmp_path / "a.db")
    conn.execute("INSERT INTO t (id, x) VALUES (1, 0)")
    assert conn.execute("SELECT g FROM t").fetchone() == (0,)
    conn.close()
    engine = sa.create_engine(pg_url)
    with engine.begin() as pg:
        pg.execute(sa.text("INSERT INTO t (id, x) VALUES (1, 0)"))
        assert pg.execute(sa.text("SELECT g FROM t")).scalar() == 2
        pg.execute(sa.text("DELETE FROM t"))
        pg.execute(sa.text("ALTER TABLE t DROP COLUMN g"))
        pg.execute(sa.text("ALTER TABLE t ADD COLUMN g integer GENERATED ALWAYS AS (x + x) STORED"))
    engine.dispose()
    report = json.loads(invoke("diff", sl, pg_url, "--no-domain", "--format", "json").stdout)
    [d] = [d for d in report["differences"] if d["column"] == "g"]
    assert d["message"].endswith(
        "; witness (x) = (1073741824): SQLite computes 2147483648, PostgreSQL fails "
        "(integer out of range)"
    ), d["message"]
    conn = sqlite3.connect(tmp_path / "a.db")
    conn.execute("INSERT INTO t (id, x) VALUES (1, 1073741824)")
    assert conn.execute("SELECT g FROM t").fetchone() == (2147483648,)
    conn.close()
    with pytest.raises(sa.exc.DBAPIError, match="integer out of range"):
        execute(pg_url, "INSERT INTO t (id, x) VALUES (1, 1073741824)")
    execute(pg_url, "INSERT INTO t (id, x) VALUES (1, 1073741823)")  # one below: stored


def test_probe_rows_follow_the_kind_and_the_literals() -> None:
    """The probes of an integer column hold NULL, the literals and their neighbours, and 2^31;
    those of a text column the literals' case variants and the bound and one past it."""
    from twinschema.evaluate import crossed_rows, expression_reads, probes

    found = expression_reads.reads("postgresql", "x BETWEEN -5 AND 7 AND s <> 'Ab'")
    assert found is not None
    assert found.columns == {"x", "s"}
    numbers = probes.values_for("integer", found.numbers, found.strings)
    assert {None, -5, -6, -4, 7, 6, 8, 0, 2**31}.issubset(numbers)
    strings = probes.values_for("varchar", found.numbers, found.strings, lengths=(3,))
    assert {None, "", "Ab", "AB", "ab", "aB", "xxx", "xxxx"}.issubset(strings)
    rows = crossed_rows.cross([numbers, strings], limit=50)
    assert (None, None) in rows
    # The product is cut to the limit; every value cut from it is still tried once, the other
    # column NULL (a landing late in a long list parted two CHECKs only beside a NULL).
    assert 50 < len(rows) <= 50 + len(numbers) + len(strings)
    assert {r[0] for r in rows} == set(numbers) and {r[1] for r in rows} == set(strings)
    assert (numbers[-1], None) in rows and (None, strings[-1]) in rows


def test_scaled_numeric_probes_hold_one_decimal_beyond_the_scale() -> None:
    """A NUMERIC(6,2) column is probed with values PostgreSQL rounds on store and SQLite keeps
    (0.001 to 0.00, 0.005 and 0.995 up); an unscaled numeric and a float column are not."""
    from decimal import Decimal

    from twinschema.evaluate import expression_reads, probes

    found = expression_reads.reads("sqlite", "x > 0")
    assert found is not None
    scaled = probes.values_for("numeric", found.numbers, found.strings, scale=2)
    beyond = {Decimal("0.001"), Decimal("0.005"), Decimal("0.995"), Decimal("-0.005")}
    assert beyond.issubset(scaled)
    whole = probes.values_for("numeric", found.numbers, found.strings, scale=0)
    assert {Decimal("0.1"), Decimal("0.5"), Decimal("-0.5")}.issubset(whole)
    for kind, scale in (("numeric", None), ("float", None)):
        values = probes.values_for(kind, found.numbers, found.strings, scale)
        assert not beyond & {Decimal(str(v)) for v in values if v is not None}


def test_several_checks_on_a_table_pair_by_the_columns_they_read(
    tmp_path: Path, pg_url: str
) -> None:
    """Two CHECKs on each side: the pair on s is equal on probes (gone from the differences),
    the pair on x is one difference with both CHECKs and the witness 10."""
    sl = sqlite_file(
        tmp_path / "a.db",
        "CREATE TABLE t (x INTEGER, s TEXT, CHECK (x BETWEEN 1 AND 10), CHECK (s <> ''));",
    )
    execute(
        pg_url,
        "CREATE TABLE t (x integer, s text, CHECK (x >= 1 AND x < 10), CHECK (length(s) > 0))",
    )
    report = json.loads(invoke("diff", sl, pg_url, "--no-domain", "--format", "json").stdout)
    messages = [d["message"] for d in report["differences"]]
    assert len(messages) == 1, messages
    assert "CHECK (x BETWEEN 1 AND 10) on SQLite" in messages[0]
    assert "(x) = (10)" in messages[0]
    assert sum(e["rule"].startswith("equal on ") for e in report["equivalences"]) == 1


# -- runs that say nothing of the expression ------------------------------------------------------


def test_a_sqlite_run_stopped_at_its_deadline_is_not_a_failure() -> None:
    """A default of 65,535 additions (SQLite has no subqueries in defaults, so this is as long
    as a default gets) against a deadline already passed: stopped, not evaluated, never a
    failure; with time enough it is the constant 32768."""

    def tree(depth: int) -> str:
        return "1" if depth == 0 else f"({tree(depth - 1)} + {tree(depth - 1)})"

    for timeout, kind, value in ((0.0, NOT_EVALUATED, None), (30.0, CONSTANT, 32768)):
        backend = SQLiteBackend(timeout=timeout)
        try:
            verdict = classify(backend.run([(tree(15), UNTYPED)]))
        finally:
            backend.close()
        assert (verdict.kind, verdict.value) == (kind, value), verdict


def test_postgresql_timeout_and_lost_connection_are_not_failures(pg_server: str) -> None:
    """A statement timeout, then the scratch session killed by the server: each run is 'not
    evaluated' (the comparer's verdict stands), and nothing raises."""
    from support.testing import scratch_database

    integer = ColumnType("postgresql", "integer", raw="integer")
    with scratch_database(pg_server, prefix="evaluate") as url:
        backend = PostgreSQLBackend(url, "test", timeout=0.5)
        try:
            slow = classify(backend.run([("(SELECT 1 FROM pg_sleep(5))", integer)]))
            assert slow.kind == NOT_EVALUATED, slow
            pid = backend.conn.info.backend_pid
            execute(pg_server, f"SELECT pg_terminate_backend({pid})")
            lost = classify(backend.run([("1", integer)]))
            assert lost.kind == NOT_EVALUATED, lost
            assert classify(backend.run([("1", integer)])).kind == NOT_EVALUATED
        finally:
            backend.close()


# -- values that cross the sync boundary --------------------------------------------------------


def test_values_one_side_stores_and_the_other_rejects_are_warnings(
    tmp_path: Path, pg_url: str
) -> None:
    """Each column pair gets the values its kind makes risky, run through both real columns:
    past int4, not a UUID, rounded by the scale. A column whose SQLite CHECK enforces the rule
    (the boolean's IN (0, 1)) gives none. Warnings leave in_sync and the exit code alone; the real
    databases show the first one."""
    sl = sqlite_file(
        tmp_path / "a.db",
        "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, n INTEGER, u TEXT, "
        "ok INTEGER NOT NULL CHECK (ok IN (0, 1)), price NUMERIC(10, 2));",
    )
    execute(
        pg_url,
        "CREATE TABLE t (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name text, "
        "n integer, u uuid, ok boolean NOT NULL, price numeric(10, 2))",
    )
    result = invoke("diff", sl, pg_url, "--no-domain", "--format", "json")
    report = json.loads(result.stdout)
    assert result.exit_code == 0, report["differences"]
    assert report["in_sync"] is True and report["differences"] == []
    found = {(w["kind"], w["column"], w["severity"]) for w in report["warnings"]}
    assert found == {
        ("value_compatibility", column, "warning") for column in ("id", "n", "u", "price")
    }
    by_column: dict[str, list[str]] = {}
    for w in report["warnings"]:
        by_column.setdefault(w["column"], []).append(w["message"])
    # t.n: past int4, and a fraction (SQLite keeps 1.5 in a plain INTEGER, PostgreSQL rounds).
    past, fraction = by_column["n"]
    assert "2147483648" in past and "PostgreSQL rejects it" in past
    assert "the number 1.5 (not a whole number): SQLite stores 1.5, PostgreSQL 2" in fraction
    assert by_column["price"] == [
        "t.price: the number 1.001 (more digits than scale 2): SQLite stores 1.001, "
        "PostgreSQL 1.00 (changed on the way)",
        "t.price: the number 100000000 (past precision 10 with scale 2): SQLite stores it, "
        "PostgreSQL rejects it (a SQLite to PostgreSQL sync fails)",
        # PostgreSQL's numeric stores NaN, SQLite writes it as NULL (test_nan_values)
        "t.price: the number NaN: PostgreSQL stores it, SQLite has no NaN: its driver writes "
        "NULL (changed on the way)",
    ]
    # The rowid alias rejects 1.5 itself: its one warning is past int4 (with the key's).
    assert not any("1.5" in m for m in by_column["id"])
    # The witnesses of t.n on the real databases.
    conn = sqlite3.connect(tmp_path / "a.db")
    conn.execute("INSERT INTO t (id, n, ok) VALUES (1, 2147483648, 1)")
    assert conn.execute("INSERT INTO t (id, n, ok) VALUES (2, 1.5, 1) RETURNING n").fetchone() == (
        1.5,
    )
    conn.commit()
    conn.close()
    with pytest.raises(sa.exc.DataError):
        execute(pg_url, "INSERT INTO t (id, n, ok) VALUES (1, 2147483648, true)")
    execute(pg_url, "INSERT INTO t (id, n, ok) VALUES (2, 1.5, true)")
    engine = sa.create_engine(pg_url)
    with engine.connect() as pg:
        assert pg.execute(sa.text("SELECT n FROM t WHERE id = 2")).scalar_one() == 2
    engine.dispose()

    off = json.loads(
        invoke("diff", sl, pg_url, "--no-domain", "--format", "json", "--no-evaluate").stdout
    )
    assert off["warnings"] == []


JSON_DOMAIN = """\
version: 1
tables:
  t:
    columns:
      j: {kind: json}
      jb: {kind: json}
      k: {kind: json}
"""


def test_text_that_is_not_json_is_a_value_warning_unless_sqlite_checks_it(
    tmp_path: Path, pg_url: str
) -> None:
    """SQLite TEXT against PostgreSQL json/jsonb is the same kind (the type verdict is an
    equivalence, as TEXT against uuid is), but PostgreSQL rejects text that is not JSON: a
    ``value_compatibility`` warning naming the witness, in the direction that breaks a push. A
    SQLite ``CHECK (json_valid(k) OR k IS NULL)`` enforces the rule itself: no such warning,
    with or without a ``domain.yaml`` declaring kind json. A key written twice is a warning
    against jsonb only, which keeps the last (json keeps the text). The real databases show
    the witnesses."""
    sl = sqlite_file(
        tmp_path / "a.db",
        "CREATE TABLE t (j TEXT, jb TEXT, k TEXT CHECK (json_valid(k) OR k IS NULL));",
    )
    execute(pg_url, "CREATE TABLE t (j json, jb jsonb, k jsonb)")
    domain = tmp_path / "domain.yaml"
    domain.write_text(JSON_DOMAIN)
    for how in (("--no-domain",), ("--domain", str(domain))):
        result = invoke("diff", sl, pg_url, *how, "--format", "json")
        report = json.loads(result.stdout)
        assert result.exit_code == 0 and report["in_sync"] is True, report["differences"]
        assert report["differences"] == []
        rules = {(e["column"], e["rule"]) for e in report["equivalences"]}
        assert {("j", "json"), ("jb", "json"), ("k", "json")} <= rules
        said: dict[str, list[str]] = {}
        for warning in report["warnings"]:
            assert warning["kind"] == "value_compatibility" and warning["severity"] == "warning"
            said.setdefault(warning["column"], []).append(warning["message"])
        not_json = "the text '{not json': SQLite stores it, PostgreSQL rejects it"
        twice = """the text '{"a":1,"a":2}' (a key written twice): SQLite stores '{"a":1,"a":2}', \
PostgreSQL '{"a": 2}' (changed on the way)"""
        # json keeps the text as written, a key twice too; jsonb keeps the last one.
        found = {c: [(not_json in m, twice in m) for m in said[c]] for c in sorted(said)}
        nul = (
            """the text '{"a":"\\u0000"}' (a NUL escape): SQLite stores it, PostgreSQL rejects it"""
        )
        half = """the text '{"a":"\\ud83d"}' (half of a surrogate pair): SQLite stores it, \
PostgreSQL rejects it"""
        # ...and a number past PostgreSQL's numeric range, which jsonb's numeric refuses
        huge = """the text '{"a":1e999999}' (a number past PostgreSQL's numeric range): SQLite \
stores it, PostgreSQL rejects it"""
        escapes = (nul, half, huge)
        for escape in escapes:  # json keeps the text as written, jsonb refuses it
            assert {c: sum(escape in m for m in said[c]) for c in said} == {"j": 0, "jb": 1, "k": 1}
        found = {
            c: [(not_json in m, twice in m) for m in said[c] if not any(e in m for e in escapes)]
            for c in said
        }
        assert found == {
            "j": [(True, False)],
            "jb": [(True, False), (False, True)],
            "k": [(False, True)],
        }, how
    # The witness on the real databases: SQLite's TEXT stores it, its CHECK refuses it, and
    # PostgreSQL's json and jsonb reject it.
    conn = sqlite3.connect(tmp_path / "a.db")
    conn.execute("INSERT INTO t (j, jb, k) VALUES ('{not json', '{not json', '{}')")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO t (j, k) VALUES ('{}', '{not json')")
    conn.close()
    for column in ("j", "jb"):
        with pytest.raises(sa.exc.DataError):
            execute(pg_url, f"INSERT INTO t ({column}) VALUES ('{{not json')")
    # A key written twice: SQLite's text keeps both (json_extract reads the first), json keeps
    # the text, jsonb the last.
    conn = sqlite3.connect(tmp_path / "a.db")
    twice = '{"a":1,"a":2}'
    conn.execute("INSERT INTO t (k) VALUES (?)", (twice,))
    assert conn.execute(
        "SELECT k, json_extract(k, '$.a') FROM t WHERE k = ?", (twice,)
    ).fetchall() == [(twice, 1)]
    conn.close()
    bound = twice.replace(":", "\\:")  # a colon is a bind parameter in sa.text
    execute(pg_url, f"INSERT INTO t (j, jb, k) VALUES ('{bound}', '{bound}', '{bound}')")
    engine = sa.create_engine(pg_url)
    with engine.connect() as pg:
        stored = pg.execute(sa.text("SELECT j::text, jb::text, k::text FROM t")).one()
    engine.dispose()
    assert tuple(stored) == (twice, '{"a": 2}', '{"a": 2}')


def test_no_value_warnings_between_sources_of_one_dialect(tmp_path: Path) -> None:
    left = sqlite_file(tmp_path / "a.db", "CREATE TABLE t (n INTEGER, u TEXT);")
    right = sqlite_file(tmp_path / "b.db", "CREATE TABLE t (n INTEGER, u TEXT);")
    report = json.loads(invoke("diff", left, right, "--no-domain", "--format", "json").stdout)
    assert report["warnings"] == [] and report["in_sync"] is True


@pytest.fixture
def value_project(tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A SQLite file and a PostgreSQL database that differ only in what t.n accepts (past
    int4 on SQLite) and keeps (1.5, which PostgreSQL rounds to 2), in a folder of its own (no
    project configuration yet)."""
    sqlite_file(tmp_path / "a.db", "CREATE TABLE t (n INTEGER, u TEXT);")
    execute(pg_url, "CREATE TABLE t (n integer, u text)")
    monkeypatch.chdir(tmp_path)
    yield f"sqlite:///{tmp_path / 'a.db'}"


def diff_values(sl: str, pg_url: str, *args: str) -> tuple[int, dict[str, Any]]:
    result = invoke("diff", sl, pg_url, "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)


def test_fail_on_value_compatibility_fails_a_push(value_project: str, pg_url: str) -> None:
    """``fail_on = ["value_compatibility"]``: the value SQLite stores and PostgreSQL rejects is
    an error, and the exit code says drift."""
    code, report = diff_values(value_project, pg_url, "--no-domain")
    # t.n: 2^31 (SQLite stores it, PostgreSQL rejects it) and 1.5 (changed on the way): two
    # warnings, one per rule to add, each with its own fix (STRICT settles the fraction only).
    assert code == 0 and [w["column"] for w in report["warnings"]] == ["n", "n"]
    past, fraction = (w["hint"] for w in report["warnings"])
    assert "STRICT" in fraction and "STRICT" not in past
    Path("pyproject.toml").write_text('[tool.twinschema]\nfail_on = ["value_compatibility"]\n')
    code, report = diff_values(value_project, pg_url, "--no-domain")
    assert code == 1
    assert [(d["kind"], d["column"], d["severity"]) for d in report["differences"]] == [
        ("value_compatibility", "n", "error")
    ]
    assert "2147483648" in report["differences"][0]["message"]
    # A value changed on the way breaks no push: it stays a warning.
    assert [w["message"] for w in report["warnings"]] == [
        "t.n: the number 1.5 (not a whole number): SQLite stores 1.5, PostgreSQL 2 "
        "(changed on the way)"
    ]


def test_fail_on_refuses_an_unknown_kind(value_project: str, pg_url: str) -> None:
    Path("pyproject.toml").write_text('[tool.twinschema]\nfail_on = ["column_type"]\n')
    result = invoke("diff", value_project, pg_url, "--no-domain")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "fail_on lists 'column_type'" in lines[0], result.stderr


DOMAIN_WITH_VALUE_ALLOWANCE = """\
version: 1
tables:
  t:
    columns:
      n: {kind: integer}
      u: {kind: text}
    allow:
      - kind: value_compatibility
        column: {column}
        reason: ids never pass 2^31 on a device
"""


def test_domain_allows_a_value_warning_and_flags_a_stale_one(
    value_project: str, pg_url: str
) -> None:
    """An allowance with its reason accepts the warning; one on a column that has none is a
    stale allowance."""
    Path("domain.yaml").write_text(DOMAIN_WITH_VALUE_ALLOWANCE.replace("{column}", "n"))
    code, report = diff_values(value_project, pg_url, "--domain", "domain.yaml")
    assert (code, report["warnings"], report["differences"]) == (0, [], [])
    Path("domain.yaml").write_text(DOMAIN_WITH_VALUE_ALLOWANCE.replace("{column}", "u"))
    code, report = diff_values(value_project, pg_url, "--domain", "domain.yaml")
    assert [w["column"] for w in report["warnings"]] == ["n", "n"]  # 2^31 and 1.5
    assert [(d["kind"], d["column"]) for d in report["differences"]] == [("stale_allowance", "u")]


def test_warnings_are_rendered_in_text_and_on_a_terminal() -> None:
    """The plain text and the rich rendering count the warnings under their own heading, list
    them with --verbose, and the summary still says in sync."""
    from twinschema.records import SEVERITY_WARNING, Difference, LayerResult, Report, Status
    from twinschema.report import render

    warning = Difference(
        layer="diff", kind="value_compatibility", table="t", column="n", name="n",
        left="INTEGER", right="integer",
        message="t.n: the integer 2147483648 (past integer): SQLite stores it, PostgreSQL "
        "rejects it (a SQLite to PostgreSQL sync fails)",
        hint="enforce the same rule on both sides", severity=SEVERITY_WARNING,
    )  # fmt: skip
    layer = LayerResult("diff", "a.db", "b.db", Status.IN_SYNC, warnings=[warning])
    report = Report(layers=[layer])
    assert report.in_sync and report.exit_code == 0
    for color in (False, True):
        listed = re.sub(r"\x1b\[[0-9;]*m", "", render(report, "text", verbose=True, color=color))
        assert "1 value_compatibility warning(s): values one side stores" in listed
        assert "value_compatibility: t.n: the integer 2147483648" in " ".join(listed.split())
        assert listed.rstrip().endswith("in sync")
        short = re.sub(r"\x1b\[[0-9;]*m", "", render(report, "text", color=color))
        assert "--verbose or --format json lists them" in " ".join(short.split())
        assert "2147483648" not in short


def test_values_are_not_probed_without_a_scratch_server_at_hand(
    tmp_path: Path, pg_url: str
) -> None:
    """No scratch server named: the stage starts none for warnings (a models-only check reads
    no database), and says so."""
    sl = sqlite_file(tmp_path / "a.db", "CREATE TABLE t (n INTEGER);")
    execute(pg_url, "CREATE TABLE t (n integer)")
    sides = [
        Side(make_canonical(reflect_url(url, ReflectOptions()), None), url, url)
        for url in (sl, pg_url)
    ]
    comparison = compare(*sides, layer="diff")
    with Evaluator() as evaluator:
        evaluation = evaluate(comparison, *sides, evaluator, values=True)
    assert evaluation.warnings == []
    assert evaluation.where["postgresql"].startswith("values not probed")


# -- index elements by probes -------------------------------------------------------------------


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_keys_gives_each_rows_outcome_and_the_rows_with_equal_keys(
    dialect: str, pg_backend: PostgreSQLBackend
) -> None:
    """``Backend.keys`` inserts each row into a table with the index: an element that fails
    fails the row (a / 0: NULL on SQLite, an error on PostgreSQL); the pairs are the rows whose
    keys the database's own ``=`` finds equal (4 / 2 and 5 / 2 are 2; NULL equals nothing),
    among the rows the WHERE keeps; an index that cannot be made is None."""
    backend: Any = SQLiteBackend() if dialect == "sqlite" else pg_backend
    integer = ColumnType(dialect, "integer", raw="integer")
    columns = (("a", integer), ("b", integer))
    rows = [(1, 0), (4, 2), (5, 2), (None, 1), (None, 1)]
    found = backend.keys(columns, (("a / b",), None), rows)
    assert found is not None
    outcomes, pairs = found
    assert pairs == {(1, 2)}
    if dialect == "sqlite":
        assert outcomes == [(True, None)] * 5
    else:
        assert outcomes[0] is not None and outcomes[0][0] is False
        assert "division by zero" in outcomes[0][1]
        assert outcomes[1:] == [(True, None)] * 4
    kept = backend.keys(columns, (("a",), "b > 1"), [(1, 2), (1, 2), (1, 0)])
    assert kept == ([(True, None)] * 3, {(0, 1)})
    assert backend.keys(columns, (("no_such_column",), None), rows) is None
    # Nothing is left behind: the next run makes its tables again.
    assert backend.keys(columns, (("a",), None), [(1, 1), (1, 2)]) == ([(True, None)] * 2, {(0, 1)})


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_keys_with_nulls_not_distinct_and_each_row_with_itself(
    dialect: str, pg_backend: PostgreSQLBackend
) -> None:
    """Without ``nulls_distinct`` two NULL keys are equal (NULLS NOT DISTINCT), and with
    ``itself`` each row is paired with itself (the row inserted twice), a NULL key only under
    NULLS NOT DISTINCT; rows the WHERE leaves out pair with nothing."""
    backend: Any = SQLiteBackend() if dialect == "sqlite" else pg_backend
    integer = ColumnType(dialect, "integer", raw="integer")
    columns = (("a", integer),)
    rows = [(None,), (None,), (1,), (2,)]
    index = (("a",), "a IS NULL OR a = 1")
    stored = [(True, None)] * 4
    assert backend.keys(columns, index, rows) == (stored, set())
    assert backend.keys(columns, index, rows, False) == (stored, {(0, 1)})
    assert backend.keys(columns, index, rows, True, True) == (stored, {(2, 2)})
    assert backend.keys(columns, index, rows, False, True) == (
        stored,
        {(0, 0), (0, 1), (1, 1), (2, 2)},
    )


@pytest.mark.parametrize(
    ("dialect", "expression", "kept"),
    [
        ("sqlite", "CURRENT_TIME", "truncated to the second"),
        ("sqlite", "time('now')", "truncated to the second"),
        ("sqlite", "strftime('%H:%M:%f', 'now')", "with its fraction of a second"),
        ("postgresql", "CURRENT_TIME", "with its fraction of a second"),
        ("postgresql", "LOCALTIME", "with its fraction of a second"),
        ("postgresql", "LOCALTIME(0)", "rounded to the second"),
        ("postgresql", "CURRENT_TIME(0)", "rounded to the second"),
        (
            "postgresql",
            "CAST(date_trunc('second', LOCALTIMESTAMP) AS time)",
            "truncated to the second",
        ),
    ],
)
def test_a_time_of_day_says_how_it_is_kept(
    pg_server: str, dialect: str, expression: str, kept: str
) -> None:
    """The current time of day in a time column says whether it is truncated to the second,
    rounded to it or kept with its fraction, read by running it with the clock at
    ``clock_fixed.FIXED_MOMENT`` (past half a second): each way stores another time."""
    from twinschema.model import Column

    column = Column("c", ColumnType(dialect, "time", raw="time"), default="x")
    with Evaluator(PostgreSQLScratch(server_url=pg_server)) as evaluator:
        verdict = evaluator.single(dialect, expression, column)
    assert (verdict.kind, verdict.value) == (CURRENT_TIME_OF_DAY, kept), verdict
    # SQLite's adds the text it stores ("as text 'HH:MM:SS'").
    assert verdict.describe().startswith(f"the current time of day, {kept}"), verdict


def test_crossed_rows_put_one_columns_numbers_beside_anothers_extremes() -> None:
    """Beyond the cut product, each number of one column meets each extreme of another (the
    three largest and smallest), the rest at their first value: 9999 beside 2147483647, where
    x + y overflows PostgreSQL's int4; a text column has no extremes."""
    from twinschema.evaluate import crossed_rows

    xs, ys, texts = [None, -1, 9999], [None, *range(40), 2**31 - 1, 2**31], [None, "a"]
    rows = crossed_rows.cross([xs, ys, texts], limit=20)
    assert (9999, 2**31 - 1, None) in rows and (9999, 0, None) in rows
    assert len(rows) == len(set(rows))
    assert crossed_rows.cross([[None, "a"], [None, "b"]], limit=20) == [
        (None, None), (None, "b"), ("a", None), ("a", "b"),
    ]  # fmt: skip


def test_an_integer_generated_column_that_keeps_a_fraction_says_so(
    tmp_path: Path, pg_url: str
) -> None:
    """A generated INTEGER over a REAL has no cast: SQLite's column keeps the fraction
    (INTEGER affinity stores -0.01 as a REAL), PostgreSQL rounds it on store. The reason says
    that, where it named a cast that truncates (stranger36 F18); the databases agree."""
    sl = sqlite_file(
        tmp_path / "a.db",
        "CREATE TABLE t (id INTEGER PRIMARY KEY, d REAL, "
        "w INTEGER GENERATED ALWAYS AS (coalesce(d, 0)) STORED);",
    )
    execute(
        pg_url,
        "CREATE TABLE t (id integer PRIMARY KEY, d double precision, "
        "w integer GENERATED ALWAYS AS (coalesce(d, 0)) STORED)",
    )
    report = json.loads(invoke("diff", sl, pg_url, "--no-domain", "--format", "json").stdout)
    [d] = [d for d in report["differences"] if d["column"] == "w"]
    assert "keeps the fraction its expression gives" in d["message"], d["message"]
    assert "cast" not in d["message"], d["message"]
    conn = sqlite3.connect(tmp_path / "a.db")
    conn.execute("INSERT INTO t (id, d) VALUES (1, 2.5)")
    assert conn.execute("SELECT w FROM t").fetchone() == (2.5,)
    conn.close()
    engine = sa.create_engine(pg_url)
    with engine.begin() as pg:
        pg.execute(sa.text("INSERT INTO t (id, d) VALUES (1, 2.5)"))
        assert pg.execute(sa.text("SELECT w FROM t")).scalar() == 2
    engine.dispose()
