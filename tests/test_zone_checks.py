"""CHECKs whose verdict depends on the session's TimeZone, on live databases whose zones part
(stranger50 023, 027, 028): ``extract(hour from at)`` or ``at::date`` of a timestamptz, the
local clock against SQLite's UTC one, ``ts <= now()`` on a timestamp. A ``check`` difference
naming the zones; none in one zone, for a timestamp's own hour, or without a live database."""

from __future__ import annotations

from pathlib import Path

import pytest
from pg_helpers import database_in_zone
from support.dbpool import DatabasePool
from support.testing import compared_evaluated, sqlite_file

from twinschema.compare import Comparison, Side
from twinschema.dialects import ReflectOptions
from twinschema.sources import make_canonical, read_sql_file, reflect_url

KIRITIMATI = "Pacific/Kiritimati"  # UTC+14: 12:00 UTC is 02:00 there, on the next day


def _table(name: str, column: str, check: str) -> str:
    return f"CREATE TABLE {name} (id integer PRIMARY KEY, {column} NOT NULL, CHECK ({check}))"


HOURS = _table("slot", "at timestamptz", "extract(hour from at) BETWEEN 8 AND 18")
DAY = _table("day_off", "at timestamptz", "at::date <> '2026-12-25'")
LOCAL_NOW = _table("seen", "ts timestamp", "ts <= now()")
# Near misses: a timestamp's hour is the same in every zone, a timestamptz against now() too,
# and a timestamp against now() in a zone the CHECK names.
LOCAL_HOURS = _table("shift", "at timestamp", "extract(hour from at) BETWEEN 8 AND 18")
INSTANT_NOW = _table("done", "at timestamptz", "at <= now()")
UTC_NOW = _table("logged", "ts timestamp", "ts <= (now() AT TIME ZONE 'UTC')")
DDL = (HOURS, DAY, LOCAL_NOW, LOCAL_HOURS, INSTANT_NOW, UTC_NOW)


def _pg_pg(pg_url: str, other: str, zones: tuple[str, str]) -> Comparison:
    return _pg_pg_ddl(pg_url, other, zones, DDL)


def test_zones_apart_part_checks_on_a_timestamptz(pg_url: str, pg_databases: DatabasePool) -> None:
    """027: UTC against Kiritimati, the same DDL: the hour and the date of a timestamptz, and
    a timestamp against now(), are read in each session's zone: differences naming both
    zones, the hour's with a witness; a timestamp's own hour, a timestamptz against now() and
    a timestamp against now() in UTC are none."""
    with pg_databases.database() as other:
        found = _pg_pg(pg_url, other, ("UTC", KIRITIMATI))
    got = sorted((d.kind, d.table) for d in found.differences)
    assert got == [("check", "day_off"), ("check", "seen"), ("check", "slot")]
    for d in found.differences:
        assert "UTC" in d.message and KIRITIMATI in d.message, d.message
    hours = next(d for d in found.differences if d.table == "slot")
    assert "witness (at) = (" in hours.message, hours.message
    seen = next(d for d in found.differences if d.table == "seen")
    assert "at some hours of the day" in seen.message
    # Said in words, no row of the real clock (clockcheck: it named today's date and hour).
    assert "now:" not in seen.message and seen.witness is None, seen
    # The witness as data too (stranger57 u1).
    assert hours.witness is not None and hours.witness.columns == ("at",), hours
    assert hours.witness.table == "slot" and hours.witness.accepts in ("left", "right")
    assert f"TimeZone {KIRITIMATI}" in hours.witness.said


@pytest.mark.parametrize("zones", [(KIRITIMATI, KIRITIMATI), ("UTC", "Etc/Universal")])
def test_one_zone_parts_no_check(
    zones: tuple[str, str], pg_url: str, pg_databases: DatabasePool
) -> None:
    """The near miss: the same non-UTC zone on both, or UTC named otherwise."""
    with pg_databases.database() as other:
        found = _pg_pg(pg_url, other, zones)
    assert found.differences == []


def _sqlite_pg(pg_url: str, tmp_path: Path, zone: str, sqlite_sql: str, pg_sql: str) -> Comparison:
    database_in_zone(pg_url, zone, pg_sql)
    url = sqlite_file(tmp_path / "a.db", sqlite_sql + ";")
    options = ReflectOptions()
    left = make_canonical(reflect_url(url, options), None)
    right = make_canonical(reflect_url(pg_url, options), None)
    assert right.timezone == zone
    return compared_evaluated(Side(left, "a", "a"), Side(right, "b", "b"), pg_url)


CURRENT_DATE = (
    "CREATE TABLE visit (id INTEGER PRIMARY KEY, d DATE NOT NULL, CHECK (d <= CURRENT_DATE))",
    "CREATE TABLE visit (id integer PRIMARY KEY, d date NOT NULL, CHECK (d <= CURRENT_DATE))",
)
HOUR_OF_DAY = (
    "CREATE TABLE slot (id INTEGER PRIMARY KEY, at TIMESTAMP NOT NULL, "
    "CHECK (CAST(strftime('%H', at) AS INTEGER) BETWEEN 8 AND 18))",
    HOURS,
)
LOCAL_CLOCK = (
    "CREATE TABLE seen (id INTEGER PRIMARY KEY, ts TIMESTAMP NOT NULL, "
    "CHECK (ts <= CURRENT_TIMESTAMP))",
    _table("seen", "ts timestamp", "ts <= CURRENT_TIMESTAMP"),
)
CASES = {"current-date": CURRENT_DATE, "hour-of-day": HOUR_OF_DAY}


@pytest.mark.parametrize("case", sorted(CASES))
def test_sqlite_against_a_database_in_a_zone(case: str, pg_url: str, tmp_path: Path) -> None:
    """023, 028: SQLite's CURRENT_DATE and strftime read UTC, PostgreSQL's CURRENT_DATE and
    extract() its database's zone: a ``check`` difference naming that zone, in place of the
    equivalence found in a UTC session."""
    found = _sqlite_pg(pg_url, tmp_path, KIRITIMATI, *CASES[case])
    checks = [d for d in found.differences if d.kind == "check"]
    assert len(checks) == 1, found.differences
    assert f"TimeZone is {KIRITIMATI}" in checks[0].message, checks[0].message
    assert not [e for e in found.equivalences if e.column is None and e.table == checks[0].table]
    if case == "hour-of-day":
        assert "witness (at) = (" in checks[0].message, checks[0].message


@pytest.mark.parametrize("case", sorted(CASES))
def test_sqlite_against_a_database_in_utc(case: str, pg_url: str, tmp_path: Path) -> None:
    """The near miss: the database's zone is UTC, SQLite's own."""
    found = _sqlite_pg(pg_url, tmp_path, "UTC", *CASES[case])
    assert [d for d in found.differences if d.kind == "check"] == []


@pytest.mark.parametrize("zone", [KIRITIMATI, "UTC"])
def test_sqlite_text_against_the_clock_parts_in_any_zone(
    zone: str, pg_url: str, tmp_path: Path
) -> None:
    """stranger59 019: a SQLite TIMESTAMP column holds text, so ``ts <= CURRENT_TIMESTAMP``
    compares text to the second where PostgreSQL compares moments: one ``check`` difference
    with its witness in UTC too (it was this file's UTC near miss before that was found)."""
    found = _sqlite_pg(pg_url, tmp_path, zone, *LOCAL_CLOCK)
    checks = [d for d in found.differences if d.kind == "check"]
    assert len(checks) == 1, found.differences
    assert "compares the text it holds with the clock's text" in checks[0].message
    assert checks[0].witness is not None and checks[0].witness.accepts == "right"


@pytest.mark.parametrize("dialects", [("postgresql", "postgresql"), ("sqlite", "postgresql")])
def test_sql_files_have_no_zone_to_part(
    dialects: tuple[str, str], pg_url: str, tmp_path: Path
) -> None:
    """The near miss: SQL files are loaded into a scratch database whose zone is UTC, no live
    database's: nothing parts."""
    scripts = {
        "postgresql": ";\n".join((*DDL[1:], CURRENT_DATE[1])),
        "sqlite": ";\n".join((HOUR_OF_DAY[0], CURRENT_DATE[0])),
    }
    options = ReflectOptions()
    sides = []
    for n, dialect in enumerate(dialects):
        path = tmp_path / f"{n}.sql"
        script = scripts[dialect] if dialects[0] != dialects[1] else ";\n".join(DDL)
        path.write_text(script + ";\n")
        with read_sql_file(str(path), dialect, options) as schema:
            assert schema.timezone is None or schema.timezone_utc
            sides.append(Side(make_canonical(schema, None), path.name, path.name))
    found = compared_evaluated(*sides, pg_url)
    assert [d for d in found.differences if d.kind == "check"] == []


# stranger52 007: the day of the week and the day of a timestamptz are the zone's too.
DAY_PARTS = (
    _table("t3", "at timestamptz", "extract(dow from at) <> 0"),
    _table("t4", "at timestamptz", "date_trunc('day', at) <> timestamptz '2024-06-15 00:00+00'"),
    _table("t9", "at timestamptz", "date_part('isodow', at) < 7"),
)


def _pg_pg_ddl(pg_url: str, other: str, zones: tuple[str, str], ddl: tuple[str, ...]) -> Comparison:
    database_in_zone(pg_url, zones[0], *ddl)
    database_in_zone(other, zones[1], *ddl)
    options = ReflectOptions()
    left = make_canonical(reflect_url(pg_url, options), None)
    right = make_canonical(reflect_url(other, options), None)
    return compared_evaluated(Side(left, "a", "a"), Side(right, "b", "b"), pg_url)


def test_day_parts_read_the_zone(pg_url: str, pg_databases: DatabasePool) -> None:
    """007: extract(dow), date_trunc('day', at) and date_part('isodow') of a timestamptz,
    UTC against Tokyo: each parts on a row ('2024-06-15 20:00+00' is Sunday in Tokyo)."""
    with pg_databases.database() as other:
        found = _pg_pg_ddl(pg_url, other, ("UTC", "Asia/Tokyo"), DAY_PARTS)
    got = sorted((d.kind, d.table) for d in found.differences)
    assert got == [("check", "t3"), ("check", "t4"), ("check", "t9")]
    for d in found.differences:
        assert "witness (at) = (" in d.message, d.message


@pytest.mark.parametrize("zones", [("UTC", "Africa/Abidjan"), ("America/Sao_Paulo", "Etc/GMT+3")])
def test_zones_apart_in_history_part_checks(
    zones: tuple[str, str], pg_url: str, pg_databases: DatabasePool
) -> None:
    """005, 006: zones alike now but not in the past (Abidjan's local mean time before 1912,
    Sao Paulo's DST until 2019) part an hour's CHECK over a stored timestamptz: a witness;
    the clock's default (CURRENT_DATE, alike now and in the coming year) is none."""
    ddl = (HOURS, "CREATE TABLE w (id integer PRIMARY KEY, d date NOT NULL DEFAULT CURRENT_DATE)")
    with pg_databases.database() as other:
        found = _pg_pg_ddl(pg_url, other, zones, ddl)
    got = [(d.kind, d.table) for d in found.differences]
    assert got == [("check", "slot")], found.differences
    assert "witness (at) = (" in found.differences[0].message, found.differences[0].message


ONE_ZONE = (
    *DDL,
    *DAY_PARTS,
    "CREATE TABLE v2 (id integer PRIMARY KEY, d date NOT NULL DEFAULT CURRENT_DATE, "
    "CHECK (d <= CURRENT_DATE + 400))",
    "CREATE TABLE v3 (id integer PRIMARY KEY, ts timestamp NOT NULL DEFAULT LOCALTIMESTAMP, "
    "CHECK (ts < now() + interval '1 year'))",
)


@pytest.mark.parametrize(
    "zones",
    [
        ("Asia/Kolkata", "Asia/Calcutta"),
        ("Etc/GMT+3", "UTC+3"),
        ("Etc/GMT+3", "-3"),
        ("UTC+3", "<-03>+3"),
        ("UTC", "Etc/UTC"),
    ],
)
def test_names_of_one_zone_part_nothing(
    zones: tuple[str, str], pg_url: str, pg_databases: DatabasePool
) -> None:
    """015b, 025: a tzdata link, or one fixed offset spelled otherwise, is one zone at every
    instant: no default or CHECK that reads it differs."""
    with pg_databases.database() as other:
        found = _pg_pg_ddl(pg_url, other, zones, ONE_ZONE)
    assert found.differences == []


DOW = (
    "CREATE TABLE shift (id INTEGER NOT NULL PRIMARY KEY, at TEXT NOT NULL, "
    "CHECK (strftime('%w', at) <> '0'))",
    _table("shift", "at timestamptz", "extract(dow from at) <> 0"),
)
HOUR_TEXT = (
    "CREATE TABLE shift2 (id INTEGER NOT NULL PRIMARY KEY, at TEXT NOT NULL, "
    "CHECK (CAST(strftime('%H', at) AS INTEGER) BETWEEN 8 AND 18))",
    _table("shift2", "at timestamptz", "extract(hour from at) BETWEEN 8 AND 18"),
)


@pytest.mark.parametrize(("zone", "case"), [("Asia/Tokyo", DOW), ("Africa/Abidjan", HOUR_TEXT)])
def test_sqlite_against_a_zone_apart_now_or_once(
    zone: str, case: tuple[str, str], pg_url: str, tmp_path: Path
) -> None:
    """008: SQLite's strftime('%w') against extract(dow) in Tokyo, strftime('%H') against
    extract(hour) in Abidjan (UTC now, not before 1912): a witness each."""
    found = _sqlite_pg(pg_url, tmp_path, zone, *case)
    checks = [d for d in found.differences if d.kind == "check"]
    assert len(checks) == 1, found.differences
    assert "witness (at) = (" in checks[0].message, checks[0].message
