"""stranger59 021, 006, 017: a CHECK pair left unevaluated says why in each difference (text and
JSON); an equivalence of CHECKs names only probes its columns hold; default messages write
PostgreSQL's values as PostgreSQL does (arrays as their text, booleans as true / false).

Each pair of SQL files is compared as ``twinschema diff a.sql b.sql`` does, in process; what a
message claims PostgreSQL writes or stores is read back from a real PostgreSQL database."""

from __future__ import annotations

import json
import re
from contextlib import chdir
from pathlib import Path
from typing import Any

import psycopg
from click.testing import CliRunner, Result

from twinschema.cli import cli

PG = ("postgresql", "postgresql")
SL_PG = ("sqlite", "postgresql")
TWICE = (
    "CREATE FUNCTION twice(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT x * 2';\n"
)


def _diff(tmp_path: Path, dialects: tuple[str, str], a: str, b: str, *more: str) -> Result:
    (tmp_path / "a.sql").write_text(a)
    (tmp_path / "b.sql").write_text(b)
    args = ["diff", "--no-color", "--dialect-a", dialects[0], "--dialect-b", dialects[1]]
    with chdir(tmp_path):
        return CliRunner().invoke(cli, [*args, "a.sql", "b.sql", *more])


def _json(result: Result) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def _pg(pg_url: str) -> psycopg.Connection[Any]:
    return psycopg.connect(pg_url.replace("postgresql+psycopg", "postgresql"), autocommit=True)


def test_a_check_pair_the_scratch_database_cannot_make_says_why(tmp_path: Path) -> None:
    """A function of the file's own is missing on the scratch database: both differences say so,
    with PostgreSQL's own error, in text and in JSON."""
    a = TWICE + "CREATE TABLE t (n integer CHECK (twice(n) > 0));"
    b = TWICE + "CREATE TABLE t (n integer CHECK (twice(n) > 2));"
    said = (
        "not evaluated: the scratch database cannot make a table with CHECK (twice(n) > 0) of "
        "a.sql: function twice(integer) does not exist (the comparer's verdict stands)"
    )
    text = _diff(tmp_path, PG, a, b, "-v")
    assert text.exit_code == 1, text.output
    assert text.output.count(said) == 2, text.output
    found = _json(_diff(tmp_path, PG, a, b, "--format", "json"))
    messages = [d["message"] for d in found["differences"]]
    assert len(messages) == 2 and all(said in m for m in messages), messages


def test_a_check_pair_on_a_type_no_probe_is_made_for_says_why(tmp_path: Path) -> None:
    """A range column gets no probe value but NULL: the differences name the column's type."""
    result = _diff(
        tmp_path,
        PG,
        "CREATE TABLE t (r int4range CHECK (lower(r) > 0));",
        "CREATE TABLE t (r int4range CHECK (lower(r) > 1));",
    )
    assert result.exit_code == 1, result.output
    said = "not evaluated: no probe value but NULL was held by both sides' columns (r int4range)"
    assert result.output.count(said) == 2, result.output


def test_an_array_check_pair_is_evaluated_and_says_nothing_of_it(tmp_path: Path) -> None:
    """Near miss: an array CHECK pair now runs; its difference names a witness, no "not
    evaluated" (stranger59 021), and real PostgreSQL parts the two on it."""
    result = _diff(
        tmp_path,
        PG,
        "CREATE TABLE t (a int[] CHECK (cardinality(a) > 1));",
        "CREATE TABLE t (a int[] CHECK (a <> '{}'));",
    )
    assert result.exit_code == 1, result.output
    assert "not evaluated" not in result.output, result.output
    assert "witness (a) = ('{0}'): a.sql rejects, b.sql accepts" in result.output, result.output
    same = _diff(
        tmp_path,
        PG,
        "CREATE TABLE t (a int[] CHECK (cardinality(a) > 0));",
        "CREATE TABLE t (a int[] CHECK (a <> '{}'));",
    )
    assert same.exit_code == 0 and "evaluated 1 pair(s)" in same.output, same.output


def test_an_interval_equivalence_names_only_intervals(tmp_path: Path, pg_url: str) -> None:
    """stranger59 006: the probes an interval CHECK equivalence listed held 'xxxx...' and 10,
    which an interval column refuses; each listed now is one real PostgreSQL stores there."""
    result = _diff(
        tmp_path,
        PG,
        "CREATE TABLE t (d interval CHECK (d < interval '1 mon'));",
        "CREATE TABLE t (d interval CHECK (d < interval '30 days'));",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    (equivalence,) = _json(result)["equivalences"]
    probes = equivalence["probes"]
    assert len(probes) >= 3 and "(NULL)" in probes, probes
    with _pg(pg_url) as conn:
        conn.execute("CREATE TABLE t (d interval)")
        for probe in probes:  # each as a witness writes a row: "('1 year')"
            conn.execute(f"INSERT INTO t VALUES {probe}".encode())
    assert not any(re.fullmatch(r"\('x+'\)|\(-?\d+\)", p) for p in probes), probes


def test_default_values_are_written_as_postgresql_writes_them(tmp_path: Path, pg_url: str) -> None:
    """stranger59 017: a boolean is true (not True), an array its text (not [1, 2], nor a list
    of interval literals); real PostgreSQL writes them so."""
    boolean = _diff(
        tmp_path,
        SL_PG,
        "CREATE TABLE t (k TEXT PRIMARY KEY, a INTEGER DEFAULT 2);",
        "CREATE TABLE t (k text PRIMARY KEY, a boolean DEFAULT true);",
    )
    assert "PostgreSQL gives true)" in boolean.output, boolean.output
    assert "True" not in boolean.output, boolean.output
    intervals = _diff(
        tmp_path,
        SL_PG,
        """CREATE TABLE t (k TEXT PRIMARY KEY, a TEXT DEFAULT '["1 mon"]');""",
        """CREATE TABLE t (k text PRIMARY KEY, a interval[] DEFAULT '{"30 days"}');""",
    )
    assert """PostgreSQL gives '{"30 days"}'""" in intervals.output, intervals.output
    arrays = _diff(
        tmp_path,
        PG,
        "CREATE TABLE t (id int PRIMARY KEY, a int[] DEFAULT '{1,2}');",
        "CREATE TABLE t (id int PRIMARY KEY, a int[] DEFAULT '[0:1]={1,2}');",
    )
    assert "(by evaluation: '{1,2}' vs '[0:1]={1,2}')" in arrays.output, arrays.output
    with _pg(pg_url) as conn:
        got = conn.execute(
            """SELECT true::text, '{"30 days"}'::interval[]::text, '{1,2}'::int[]::text,"""
            " '[0:1]={1,2}'::int[]::text"
        ).fetchone()
    assert got == ("true", '{"30 days"}', "{1,2}", "[0:1]={1,2}"), got


def test_a_check_pair_on_columns_of_types_apart_says_the_types_differ(tmp_path: Path) -> None:
    """PostgreSQL text[] against SQLite's JSON text (stranger63 023): the two length rules were
    "not evaluated: no probe value but NULL was held by both sides' columns", as if a probe type
    were missing; now each says the columns' types differ. The column_type difference says how
    arrays pair with SQLite. Near miss: a range column on both sides keeps its reason
    (``test_a_check_pair_on_a_type_no_probe_is_made_for_says_why``)."""
    result = _diff(
        tmp_path,
        SL_PG,
        "CREATE TABLE w (id INTEGER PRIMARY KEY, tags TEXT CHECK (json_array_length(tags) <= 3));",
        "CREATE TABLE w (id integer PRIMARY KEY, tags text[] CHECK (cardinality(tags) <= 3));",
        "-v",
    )
    assert result.exit_code == 1, result.output
    said = (
        "not evaluated: the columns' types differ (tags TEXT / text[]: see the column_type "
        "difference), so no value but NULL is held by both sides' columns"
    )
    assert result.output.count(said) == 2, result.output
    assert "no probe value but NULL" not in result.output
    assert "SQLite has no array type" in result.output
