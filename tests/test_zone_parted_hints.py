"""A clock default that the live PostgreSQL database's own TimeZone parts from SQLite's is hinted
with what fixes it: the zone set to UTC, or a default that reads UTC's clock (stranger72 003).

SQLite's ``strftime('%Y-%m-%d %H:00:00','now')`` against a timestamptz ``date_trunc('hour',
now())`` is the same hour in a UTC session; on a database whose TimeZone is Asia/Kolkata (+05:30)
PostgreSQL truncates Kolkata's hour, half an hour off UTC's. ``date('now')`` against a date
column's ``CURRENT_DATE`` is Kolkata's date there. Both databases are exactly what their modules
say, yet the hint said to revert a hand edit or stamp each database. The near misses: each
rewrite the hint gives, and the same defaults on a database whose TimeZone is UTC, are in sync."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner
from pg_helpers import build, database_in_zone, make_project

from twinschema.cli import cli
from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect_kwargs
from twinschema.urls import parse_url

# kind -> (domain kind, SQLite's default, PostgreSQL's type, its default, the hint's rewrite as
# the hint shows it: the default itself, rewritten to read UTC's clock)
CASES = {
    "hour": (
        "timestamptz",
        "strftime('%Y-%m-%d %H:00:00','now')",
        "sa.DateTime(timezone=True)",
        "date_trunc('hour', now())",
        "date_trunc('hour'::text, now(), 'UTC')",
    ),
    "date": (
        "date",
        "date('now')",
        "sa.Date",
        "CURRENT_DATE",
        "(now() AT TIME ZONE 'UTC')::date",
    ),
    # stranger74 006: the same clock on both sides (the comparer names the zone): the same hint.
    "today": (
        "date",
        "CURRENT_DATE",
        "sa.Date",
        "CURRENT_DATE",
        "(now() AT TIME ZONE 'UTC')::date",
    ),
    "local": (
        "timestamp",
        "CURRENT_TIMESTAMP",
        "sa.DateTime",
        "LOCALTIMESTAMP",
        "(now() AT TIME ZONE 'UTC')",
    ),
    # No clock: the zone's name. Its hint offers no clock's rewrite (stranger61 018's pair).
    "name": ("text", "'UTC'", "sa.Text", "current_setting('TimeZone')", "'UTC'"),
}
CLOCKS = sorted(set(CASES) - {"name"})


def _module(kind: str, dialect: str, default: str | None = None) -> str:
    _, sqlite_default, pg_type, pg_default, _ = CASES[kind]
    column_type = "sa.Text" if dialect == "sqlite" else pg_type
    given = default or (sqlite_default if dialect == "sqlite" else pg_default)
    return (
        "import sqlalchemy as sa\n\nmetadata = sa.MetaData()\n"
        'sa.Table(\n    "reading",\n    metadata,\n'
        '    sa.Column("id", sa.Integer, primary_key=True),\n'
        f'    sa.Column("at", {column_type}, nullable=False, '
        f"server_default=sa.text({f'({given})'!r})),\n)\n"
    )


def _project(tmp_path: Path, pg_url: str, kind: str, zone: str, pg_default: str | None) -> str:
    domain = (
        "version: 1\ntables:\n  reading:\n    columns:\n"
        f"      id: {{kind: integer}}\n      at: {{kind: {CASES[kind][0]}}}\n"
    )
    pg_src = _module(kind, "postgresql", pg_default)
    project = make_project(
        tmp_path, domain=domain, sqlite_src=_module(kind, "sqlite"), pg_src=pg_src
    )
    database_in_zone(pg_url, zone)
    build(pg_url, pg_src)
    return project.sqlite


def _check(sqlite: str, pg_url: str, form: str) -> tuple[int, str]:
    args = ["check", "--layer", "live", "--format", form, "--no-color"]
    result = CliRunner().invoke(cli, [*args, "--sqlite-url", sqlite, "--postgres-url", pg_url])
    return result.exit_code, result.stdout


@pytest.mark.parametrize("kind", sorted(CASES))
def test_a_default_the_servers_zone_parts_is_hinted_with_the_zone(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """The hint names the zone, ``SET timezone TO 'UTC'`` and the rewrite for the column's
    type, keeps the allowance, and names no hand edit, stamp or migration; JSON and text."""
    sqlite = _project(tmp_path, pg_url, kind, "Asia/Kolkata", None)
    monkeypatch.chdir(tmp_path)
    code, out = _check(sqlite, pg_url, "json")
    assert code == 1, out
    report: dict[str, Any] = json.loads(out)
    (found,) = [d for d in report["differences"] if d["left_source"].startswith("sqlite:")]
    assert found["kind"] == "column_default" and found["column"] == "at", found
    # Its fix is on the PostgreSQL side (the database's zone, or its module's default).
    assert found["fix"]["side"] == "right", found["fix"]
    assert found["fix"]["file"].endswith("_postgres.py"), found["fix"]
    assert "Asia/Kolkata" in found["message"], found["message"]
    code, text = _check(sqlite, pg_url, "text")
    (line,) = [line for line in text.splitlines() if line.startswith("    column_default:")]
    for hint in (found["hint"], line.split(" hint: ", 1)[1]):
        assert hint.startswith("the PostgreSQL database's TimeZone (Asia/Kolkata) parts them")
        assert "ALTER DATABASE ... SET timezone TO 'UTC'" in hint, hint
        if kind == "name":
            assert "or write PostgreSQL's default to read no session's TimeZone" in hint, hint
            assert "now()" not in hint, hint
        else:  # the default itself, rewritten for the column's type (stranger74 006)
            assert (
                f"or write PostgreSQL's default as `{CASES[kind][4]}`, which reads UTC's clock "
                "in every session, and a revision for it" in hint
            ), hint
            assert "of CURRENT_DATE" not in hint and "<unit>" not in hint, hint
        assert "allow it in domain.yaml with a reason, pinned to what each side has" in hint
        for wrong in ("hand", "stamp", "migrat"):
            assert wrong not in hint, (wrong, hint)
    # Each rewrite only where it is right: AT TIME ZONE 'UTC' gives a timestamp a timestamptz
    # column reads back in Kolkata; date_trunc(..., 'UTC') an instant a date column reads so.
    wrong_rewrite = {"hour": "now() AT TIME ZONE"}.get(kind, "now(), 'UTC')")
    assert kind == "name" or wrong_rewrite not in found["hint"], found["hint"]


@pytest.mark.parametrize("kind", sorted(CASES))
def test_the_hints_rewrite_and_a_utc_zone_are_in_sync(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """Near misses: the rewrite the hint gives, on the same Kolkata database, and the first
    default on a database whose TimeZone is UTC, are in sync."""
    rewrite = CASES[kind][4]
    sqlite = _project(tmp_path, pg_url, kind, "Asia/Kolkata", rewrite)
    monkeypatch.chdir(tmp_path)
    code, out = _check(sqlite, pg_url, "text")
    assert code == 0, out


@pytest.mark.parametrize("kind", CLOCKS)
@pytest.mark.parametrize("utc_by", ["database", "url"])
def test_the_original_default_is_in_sync_on_a_utc_database(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch, kind: str, utc_by: str
) -> None:
    """Near miss: what the hint's first fix gives, the database's TimeZone set to UTC, or the
    URL's ``options=-c timezone=UTC`` on the Kolkata database (each session the check opens
    is in UTC then): no report."""
    zone = "UTC" if utc_by == "database" else "Asia/Kolkata"
    sqlite = _project(tmp_path, pg_url, kind, zone, None)
    monkeypatch.chdir(tmp_path)
    url = pg_url if utc_by == "database" else f"{pg_url}&options=-c%20timezone%3DUTC"
    assert "?" in pg_url
    code, out = _check(sqlite, url, "text")
    assert code == 0, out
    assert "column_default" not in out, out


# kind -> what a Kolkata session's insert stores with the hint's rewrite, said in UTC (what
# SQLite's default gives), and with the original default.
_STORED = {
    "hour": (
        "date_trunc('hour', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'",
        "date_trunc('hour', now())",
    ),
    "date": ("(now() AT TIME ZONE 'UTC')::date", "CURRENT_DATE"),
    "today": ("(now() AT TIME ZONE 'UTC')::date", "CURRENT_DATE"),
    "local": ("now() AT TIME ZONE 'UTC'", "LOCALTIMESTAMP"),
}


@pytest.mark.parametrize("kind", CLOCKS)
def test_each_rewrite_stores_utcs_value_on_a_real_kolkata_database(pg_url: str, kind: str) -> None:
    """The hint's spelling for each column type, on a real database whose TimeZone is
    Asia/Kolkata: a row that omits the column stores UTC's hour, date or time (what SQLite's
    default stores), in one transaction (now() fixed); the original default stores Kolkata's
    (an instant 05:30 off, a local time 05:30 ahead: the hour of day always differs)."""
    _, _, pg_type, original, rewrite = CASES[kind]
    column = {"sa.DateTime(timezone=True)": "timestamptz", "sa.Date": "date"}.get(
        pg_type, "timestamp"
    )
    database_in_zone(pg_url, "Asia/Kolkata")
    utc, local = _STORED[kind]
    with psycopg.connect(**connect_kwargs(parse_url(pg_url), ReflectOptions())) as conn:
        conn.execute(
            f"CREATE TEMP TABLE r (a {column} DEFAULT {rewrite}, b {column} DEFAULT {original})"
        )
        row = conn.execute(
            f"INSERT INTO r DEFAULT VALUES RETURNING a = ({utc})::{column}, "
            f"b = ({local})::{column}, b = ({utc})::{column}, current_setting('TimeZone')"
        ).fetchone()
    assert row is not None
    assert row[3] == "Asia/Kolkata"
    assert row[0] is True and row[1] is True, row
    if kind in ("hour", "local"):  # a date agrees with UTC's for 18h30 of each day
        assert row[2] is False, row


def test_the_real_kolkata_database_stores_another_hour_unless_rewritten(pg_url: str) -> None:
    """The difference is real: a Kolkata session's date_trunc('hour', now()) is half past a UTC
    hour, SQLite's strftime gives the hour itself; the hint's rewrite gives UTC's hour."""
    database_in_zone(pg_url, "Asia/Kolkata")
    with psycopg.connect(**connect_kwargs(parse_url(pg_url), ReflectOptions())) as conn:
        row = conn.execute(
            "SELECT date_trunc('hour', now()), date_trunc('hour', now(), 'UTC'), now()"
        ).fetchone()
    assert row is not None
    local, utc, now = row
    assert isinstance(local, dt.datetime) and isinstance(utc, dt.datetime)
    assert local.astimezone(dt.UTC).minute == 30
    assert utc.astimezone(dt.UTC) == now.astimezone(dt.UTC).replace(
        minute=0, second=0, microsecond=0
    )
