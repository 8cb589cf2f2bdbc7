"""Column order between twins (stranger60 022).

PostgreSQL ``reviews (id, rating, body)`` against ``(id, body, rating)`` was in sync, yet a
positional ``INSERT INTO reviews VALUES (1, 5, 'great')`` (a seed script; ``INSERT ... SELECT
*`` between twins) is stored by one and refused by the other. It is now a ``column_order``
warning (the exit code ignores it: an application that names its columns is not affected),
which domain.yaml may allow. Near misses: the same order; a column of one dialect only
(``dialects: [sqlite]``) in between, the shared columns in one order. Real SQLite and PostgreSQL:
the positional INSERT is run on both.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import psycopg
from pg_helpers import invoke_afresh

from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect_kwargs
from twinschema.urls import parse_url

PG_A = (
    "CREATE TABLE reviews (id bigint PRIMARY KEY, rating smallint NOT NULL, body text, "
    "CONSTRAINT reviews_rating_range CHECK (rating BETWEEN 1 AND 5));"
)
PG_B = (
    "CREATE TABLE reviews (id bigint PRIMARY KEY, body text, rating smallint NOT NULL, "
    "CONSTRAINT reviews_rating_range CHECK (rating BETWEEN 1 AND 5));"
)
LITE = (
    "CREATE TABLE reviews (id INTEGER PRIMARY KEY, {extra}rating SMALLINT NOT NULL, body TEXT, "
    "CONSTRAINT reviews_rating_range CHECK (rating BETWEEN 1 AND 5));"
)
POSITIONAL = "INSERT INTO reviews VALUES (1, 5, 'great')"
DOMAIN = """version: 1
tables:
  reviews:
    columns:
      id: {kind: bigint}
      push_token: {kind: text, dialects: [sqlite]}
      rating: {kind: smallint}
      body: {kind: text}
"""


def _diff(folder: Path, *args: str) -> tuple[int, dict[str, object]]:
    result = invoke_afresh(["diff", *args, "--format", "json"], folder, dict(os.environ))
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return result.returncode, dict(json.loads(result.stdout))


def _orders(report: dict[str, object]) -> list[tuple[str, str]]:
    warnings = report["warnings"]
    assert isinstance(warnings, list)
    found = [w for w in warnings if w["kind"] == "column_order"]
    assert all(w["severity"] == "warning" and w["table"] == "reviews" for w in found), found
    return [(w["left"], w["right"]) for w in found]


def _pg_accepts(url: str, schema: str, ddl: str) -> bool:
    with psycopg.connect(
        **connect_kwargs(parse_url(url), ReflectOptions()), autocommit=True
    ) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
        conn.execute(f"SET search_path TO {schema}")
        conn.execute(ddl)
        try:
            conn.execute(POSITIONAL)
        except psycopg.Error:
            return False
        return True


def _sqlite_accepts(path: Path, ddl: str) -> bool:
    conn = sqlite3.connect(path)
    try:
        conn.executescript(ddl)
        conn.execute(POSITIONAL)
        conn.commit()
        return bool(conn.execute("SELECT rating = 5 FROM reviews").fetchone()[0])
    finally:
        conn.close()


def test_postgresql_twins_in_another_column_order_warn(tmp_path: Path, pg_url: str) -> None:
    # On real PostgreSQL the positional INSERT parts the two.
    assert _pg_accepts(pg_url, "a", PG_A) is True
    assert _pg_accepts(pg_url, "b", PG_B) is False
    (tmp_path / "a.sql").write_text(PG_A)
    (tmp_path / "b.sql").write_text(PG_B)
    code, report = _diff(tmp_path, "--dialect", "postgresql", "a.sql", "b.sql")
    assert (code, report["differences"]) == (0, []), report["differences"]
    assert _orders(report) == [("(id, rating, body)", "(id, body, rating)")]
    # Near miss: the same order.
    code, report = _diff(tmp_path, "--dialect", "postgresql", "a.sql", "a.sql")
    assert (code, _orders(report)) == (0, [])


def test_twins_across_dialects_compare_their_shared_columns_order(
    tmp_path: Path, pg_url: str, sqlite_url: str
) -> None:
    # On real databases: SQLite (id, rating, body) stores it, PostgreSQL (id, body, rating) not.
    assert _sqlite_accepts(tmp_path / "probe.db", LITE.format(extra="")) is True
    assert _pg_accepts(pg_url, "b", PG_B) is False
    (tmp_path / "a.sql").write_text(LITE.format(extra=""))
    (tmp_path / "b.sql").write_text(PG_B)
    (tmp_path / "c.sql").write_text(PG_A)
    (tmp_path / "d.sql").write_text(LITE.format(extra="push_token TEXT, "))
    (tmp_path / "domain.yaml").write_text(DOMAIN)
    dialects = ["--dialect-a", "sqlite", "--dialect-b", "postgresql", "--domain", "domain.yaml"]
    _, report = _diff(tmp_path, *dialects, "a.sql", "b.sql")
    assert _orders(report) == [("(id, rating, body)", "(id, body, rating)")], report
    kinds = [d["kind"] for d in report["differences"]]
    assert "column_order" not in kinds, kinds  # a warning: the exit code ignores it

    # The live twins: a SQLite file against the PostgreSQL database, the same warning.
    with psycopg.connect(
        **connect_kwargs(parse_url(pg_url), ReflectOptions()), autocommit=True
    ) as conn:
        conn.execute(PG_B)
    path = sqlite_url.removeprefix("sqlite:///")
    sqlite3.connect(path).executescript(LITE.format(extra=""))
    _, report = _diff(tmp_path, *dialects, sqlite_url, pg_url)
    assert _orders(report) == [("(id, rating, body)", "(id, body, rating)")], report

    # Near miss: a SQLite-only column (push_token, dialects: [sqlite]) in between; the shared
    # columns in one order: no warning (and the positional INSERT is one statement per side).
    _, report = _diff(tmp_path, *dialects, "d.sql", "c.sql")
    assert _orders(report) == [], report

    # Allowed on purpose: no warning, and the allowance is not stale.
    allowed = DOMAIN + "    allow:\n      - {kind: column_order, reason: an ORM names columns}\n"
    (tmp_path / "domain.yaml").write_text(allowed)
    _, report = _diff(tmp_path, *dialects, "a.sql", "b.sql")
    assert _orders(report) == [], report
    kinds = [d["kind"] for d in report["differences"]]
    assert "stale_allowance" not in kinds, report["differences"]
