"""A date column SQLite keeps as TEXT pinned to days as written, against PostgreSQL's date
(s77misc): a moment whose UTC offset moves its day, '2024-01-31T23:30:00-05:00', is refused by
the pin and stored by PostgreSQL, which was warned as "a PostgreSQL to SQLite sync fails" with
the hint to add CHECK (d = date(d)), the rule the column had. On the real databases the sync
writes what PostgreSQL hands back, '2024-01-31', which the pin stores; the pin refuses the same
day's moment at UTC too (its form, not the offset's move). No warning there now. Near miss: a
CHECK that reads the day (strftime('%w')) with no pin keeps its warning, whose hint (d IS
date(d)) removes it once followed."""

from __future__ import annotations

import sqlite3

import pytest
from probes import Loader, compare_texts

from twinschema.records import Difference

SQLITE_PG = ("sqlite", "postgresql")
MOMENT = "2024-01-31T23:30:00-05:00"
PG_DATE = "CREATE TABLE t (d date NOT NULL);"
PG_WEEKDAY = "CREATE TABLE t (d date NOT NULL CHECK (EXTRACT(DOW FROM d) <> 0));"
WEEKDAY = "strftime('%w', d) <> '0'"


def _offset_warnings(loader: Loader, sqlite_check: str, pg: str) -> list[Difference]:
    """The value_compatibility warnings on t.d naming a moment an offset moves."""
    warnings: list[Difference] = []
    sqlite = f"CREATE TABLE t (d TEXT NOT NULL CHECK ({sqlite_check}));"
    compare_texts(loader, SQLITE_PG, sqlite, pg, warnings)
    return [w for w in warnings if "UTC offset moves it" in w.message]


@pytest.mark.parametrize("pin", ["d IS date(d)", "d = date(d)"])
def test_a_pinned_day_column_gets_no_offset_warning(loader: Loader, pin: str) -> None:
    """What a PostgreSQL to SQLite sync of the moment writes is stored by the pin; the pin
    refuses the moment at UTC as well: no warning."""
    with loader.connect() as pg:
        pg.execute("CREATE TEMP TABLE t (d date NOT NULL)")
        pg.execute("INSERT INTO pg_temp.t VALUES (%s)", (MOMENT,))
        ((handed,),) = pg.execute("SELECT d::text FROM pg_temp.t").fetchall()
        pg.rollback()
    assert handed == "2024-01-31"
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE TABLE t (d TEXT NOT NULL CHECK ({pin}))")
    conn.execute("INSERT INTO t VALUES (?)", (handed,))
    for refused in (MOMENT, "2024-01-31T12:00:00+00:00"):
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("INSERT INTO t VALUES (?)", (refused,))
    assert _offset_warnings(loader, pin, PG_DATE) == []


def test_a_check_reading_the_day_keeps_its_warning_until_pinned(loader: Loader) -> None:
    """Near miss: strftime('%w') against EXTRACT(DOW): the offset moves a Sunday moment to
    Monday for SQLite, which stores it where PostgreSQL refuses it; the hint names the pin
    that also holds the calendar (s79time: ``d IS date(d)`` passes '2024-02-30'), and with it
    added the warning is gone."""
    pin = "d IS date(d, '+0 days') AND d >= '0001-01-01'"
    (warning,) = _offset_warnings(loader, WEEKDAY, PG_WEEKDAY)
    assert f"CHECK ({pin})" in warning.hint, warning
    assert "SQLite stores it, PostgreSQL rejects it" in warning.message, warning
    assert _offset_warnings(loader, f"{WEEKDAY} AND {pin}", PG_WEEKDAY) == []
