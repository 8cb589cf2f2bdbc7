"""Views that read the clock, judged at fixed moments so that the verdict is the same on any
day (stranger85 001, 002; ``view_clock``).

002: ``day_of_week = CAST(strftime('%w', 'now') AS INTEGER)`` (Sunday 0) against ``day_of_week =
extract(isodow from current_date)`` (Sunday 7) agree Monday to Saturday and part every Sunday;
the check said "the same rows" on a Saturday. 001: ``played_at >= strftime('%Y-%m-01', 'now')``
on SQLite's TEXT against ``>= date_trunc('month', now())`` on timestamptz part on a play in the
1st's first hours written east of UTC ('2026-12-01T05:00:00+09:00'). The witnesses run here on
both real databases with the clock read replaced by a literal moment (a real database's clock
cannot be set; the check replaces it the same way), so that they pass on any date.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import psycopg
import pytest
from pg_helpers import database_in_zone
from probes import Loader, view_verdicts
from support.run_clock import process_zone
from support.testing import live_diff, sqlite_file
from test_view_answers import view_count

from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect_kwargs
from twinschema.evaluate import view_calendar, view_clock
from twinschema.urls import parse_url

SHOWS = {
    "sqlite": (
        "CREATE TABLE show (id INTEGER PRIMARY KEY, title TEXT NOT NULL, day_of_week INTEGER "
        "NOT NULL CHECK (day_of_week >= 0 AND day_of_week <= 6));\n"
        "CREATE VIEW shows_today AS SELECT id, title FROM show WHERE day_of_week = {today};\n"
    ),
    "postgresql": (
        "CREATE TABLE show (id integer PRIMARY KEY, title text NOT NULL, day_of_week integer "
        "NOT NULL CHECK (day_of_week >= 0 AND day_of_week <= 6));\n"
        "CREATE VIEW shows_today AS SELECT id, title FROM show WHERE day_of_week = {today};\n"
    ),
}
PLAYS = {
    "sqlite": (
        "CREATE TABLE play (id INTEGER PRIMARY KEY, artist TEXT NOT NULL, played_at TEXT NOT NULL);\n"
        "CREATE VIEW month_plays AS SELECT artist, count(*) AS plays FROM play "
        "WHERE {played} >= strftime('%Y-%m-01', 'now') GROUP BY artist;\n"
    ),
    "postgresql": (
        "CREATE TABLE play (id integer PRIMARY KEY, artist text NOT NULL, "
        "played_at timestamptz NOT NULL);\n"
        "CREATE VIEW month_plays AS SELECT artist, count(*) AS plays FROM play "
        "WHERE played_at >= date_trunc('month', now()) GROUP BY artist;\n"
    ),
}
SQLITE_DAY = "CAST(strftime('%w', 'now') AS INTEGER)"


def _at(dialect: str, sql: str, moment: str) -> str:
    """``sql`` with its clock reads replaced by ``moment`` (as the check runs it)."""
    return view_clock.at_moment(_plans(dialect, sql), moment)[0].views[0]


def _plans(dialect: str, sql: str) -> tuple[view_clock.Plan, view_clock.Plan]:
    plan = view_clock.Plan(dialect, (), (sql,), "")
    return plan, plan


@pytest.mark.parametrize(
    ("pg_day", "same"),
    [("extract(isodow from current_date)", False), ("extract(dow from current_date)", True)],
)
def test_a_sunday_show(pg_day: str, same: bool, loader: Loader) -> None:
    """002: on a Sunday (2026-11-01) a show on day 0 is today's on SQLite ('%w': 0) and not on
    PostgreSQL (isodow: 7); the check parts them whatever the day it runs on, naming the moment.
    Near miss: ``extract(dow ...)`` (Sunday 0) is '%w' on every day: the same rows."""
    sqlite = SHOWS["sqlite"].format(today=SQLITE_DAY)
    postgresql = SHOWS["postgresql"].format(today=pg_day)
    row = ("INSERT INTO show (id, title, day_of_week) VALUES (1, 'Sunday jazz', 0)",)
    sunday = "2026-11-01 12:00:00"
    answers = _answers((sqlite, postgresql), sunday, row, "shows_today", loader)
    assert answers == ((1, 1) if same else (1, 0))
    views = _parted(sqlite, postgresql, same, loader)
    assert same or "with the clock at 2026-11-01 00:15:00.5 UTC" in views[0], views


@pytest.mark.parametrize(("played", "same"), [("played_at", False), ("datetime(played_at)", True)])
def test_a_play_on_the_first_written_east_of_utc(played: str, same: bool, loader: Loader) -> None:
    """001: a play at 05:00 on December 1st in +09:00 (30 November, 20:00 UTC) is December's on
    SQLite's text and November's on PostgreSQL. Near miss: ``datetime(played_at)`` reads the
    offset: the same rows."""
    sqlite = PLAYS["sqlite"].format(played=played)
    postgresql = PLAYS["postgresql"]
    row = (
        "INSERT INTO play (id, artist, played_at) VALUES (1, 'Nina', '2026-12-01T05:00:00+09:00')",
    )
    moment = "2026-12-01 12:00:00"
    answers = _answers((sqlite, postgresql), moment, row, "month_plays", loader)
    assert answers == ((0, 0) if same else (1, 0))
    views = _parted(sqlite, postgresql, same, loader)
    assert same or "with the clock at" in views[0], views


def _answers(
    views: tuple[str, str], moment: str, row: tuple[str, ...], name: str, loader: Loader
) -> tuple[object, object]:
    """What view ``name`` counts on each real database over ``row`` with the clock at ``moment``."""
    sqlite, postgresql = views
    return (
        view_count("sqlite", _at("sqlite", sqlite, moment), row, name, loader),
        view_count("postgresql", _at("postgresql", postgresql, moment), row, name, loader),
    )


def _parted(sqlite: str, postgresql: str, same: bool, loader: Loader) -> list[str]:
    """The check's view differences: none and "the same rows" where ``same``, else one."""
    views, said = view_verdicts(loader, sqlite, postgresql)
    if same:
        assert views == [] and any("view answers: the same rows" in s for s in said), said
    else:
        assert len(views) == 1, views
    return views


@pytest.mark.parametrize("zone", ["America/New_York", "UTC"])
def test_a_play_on_the_first_in_utc_on_a_server_in_new_york(
    pg_url: str, tmp_path: Path, zone: str
) -> None:
    """001 on a live database set to New York: ``datetime(played_at)`` (UTC) against
    ``date_trunc('month', now())`` (the month starts at 05:00 UTC there) part on a play stored
    '2026-12-01T02:00:00.000Z' (the devices' own default form), counted by SQLite only; on a
    database in UTC they are the same rows (near miss)."""
    sqlite = PLAYS["sqlite"].format(played="datetime(played_at)")
    database_in_zone(pg_url, zone, *PLAYS["postgresql"].split(";\n")[:2])
    url = sqlite_file(tmp_path / "a.db", sqlite)
    views = [d.message for d in live_diff(url, pg_url).differences if d.kind == "view"]
    assert len(views) == (0 if zone == "UTC" else 1), views
    assert all("with the clock at" in m for m in views), views
    moment, play = "2026-12-01 12:00:00", "'2026-12-01T02:00:00.000Z'"
    row = f"INSERT INTO play (id, artist, played_at) VALUES ('1', 'Nina', {play})"
    with sqlite3.connect(":memory:") as conn:
        conn.executescript(_at("sqlite", sqlite, moment))
        conn.execute(row)
        local = conn.execute("SELECT count(*) FROM month_plays").fetchone()[0]
    with psycopg.connect(**connect_kwargs(parse_url(pg_url), ReflectOptions())) as c:
        c.execute(
            "CREATE TEMP VIEW fixed_month AS "
            + _at("postgresql", PLAYS["postgresql"].split(";\n")[1], moment)
            .split(" AS ", 1)[1]
            .rstrip(";\n")
        )
        c.execute(row.encode())
        remote = c.execute("SELECT count(*) FROM fixed_month").fetchone()
        c.rollback()
    assert (local, remote) == ((1, (1,)) if zone == "UTC" else (1, (0,)))


AIR = {
    "sqlite": (
        "CREATE TABLE show (id INTEGER PRIMARY KEY, title TEXT NOT NULL, day_of_week INTEGER "
        "NOT NULL CHECK (day_of_week >= 0 AND day_of_week <= 6), start_time TEXT NOT NULL, "
        "minutes INTEGER NOT NULL CHECK (minutes BETWEEN 15 AND 240));\n"
        "CREATE VIEW on_air_now AS SELECT s.id, s.title FROM show s WHERE s.day_of_week = "
        "CAST(strftime('%w','now','localtime') AS INTEGER) AND s.start_time <= "
        "strftime('%H:%M:%S','now','localtime') AND time(s.start_time, '+' || s.minutes || "
        "' minutes') > strftime('%H:%M:%S','now','localtime');\n"
    ),
    "postgresql": (
        "CREATE TABLE show (id integer PRIMARY KEY, title text NOT NULL, day_of_week smallint "
        "NOT NULL CHECK (day_of_week BETWEEN 0 AND 6), start_time time NOT NULL, minutes "
        "integer NOT NULL CHECK (minutes BETWEEN 15 AND 240));\n"
        "CREATE VIEW on_air_now AS SELECT s.id, s.title FROM show s WHERE s.day_of_week = "
        "extract({dow} from now()) AND s.start_time <= localtime AND s.start_time + "
        "make_interval(mins => s.minutes) > localtime;\n"
    ),
}


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata"])
@pytest.mark.parametrize(("dow", "same"), [("isodow", False), ("dow", True)])
def test_a_show_on_air_now_on_a_sunday(dow: str, same: bool, zone: str, loader: Loader) -> None:
    """stranger85 008: ``on_air_now`` (the weekday as '%w' against isodow, and a window
    ``start_time <= localtime AND start_time + minutes > localtime``, TEXT against time) was
    "not compared (none passes its filter)": no probe show was on air at the run's moment.
    Judged at fixed moments, a show starting at midnight is on air at Sunday 00:15: SQLite
    counts it, PostgreSQL's isodow (7) does not. Near miss: ``dow`` (Sunday 0) is '%w', and
    both count the show on the real databases. The check's verdict is the same whatever the
    zone of the machine running it (``zone``: SQLite's 'localtime' read it, and under Kolkata,
    05:45 on Sunday, the isodow view was "the same rows": clock86); the device is taken as in
    UTC, as defaults are run. SQLite's 'localtime' reads the device's zone and PostgreSQL's
    localtime the server's: the near miss, the same rows on a device at UTC, parts on a device
    at UTC+01:00, which the difference names (stranger94a 004, ``view_local``)."""
    sqlite, postgresql = AIR["sqlite"], AIR["postgresql"].format(dow=dow)
    row = (
        "INSERT INTO show (id, title, day_of_week, start_time, minutes) "
        "VALUES (1, 'Night jazz', 0, '00:00:00', 100)",
    )
    with process_zone("UTC"):  # the device's 'localtime' (under TZ=Asia/Kolkata: 05:45, off air)
        answers = _answers((sqlite, postgresql), "2026-11-01 00:15:00", row, "on_air_now", loader)
    assert answers == ((1, 1) if same else (1, 0))
    with process_zone(zone):
        views = _parted(sqlite, postgresql, False, loader)
    assert same or "with the clock at 2026-11-01 00:15:00.5 UTC" in views[0], views
    assert ("run as on a device at UTC+01:00" in views[0]) is same, views


DUE = {
    "sqlite": (
        "CREATE TABLE pledge (id INTEGER PRIMARY KEY, listener TEXT NOT NULL, next_due TEXT "
        "NOT NULL CHECK (date(next_due) IS next_due));\n"
        "CREATE VIEW due_soon AS SELECT id, listener FROM pledge "
        "WHERE next_due < date('now', '{step}');\n"
    ),
    "postgresql": (
        "CREATE TABLE pledge (id integer PRIMARY KEY, listener text NOT NULL, next_due date "
        "NOT NULL);\n"
        "CREATE VIEW due_soon AS SELECT id, listener FROM pledge "
        "WHERE next_due < current_date + {step};\n"
    ),
}


@pytest.mark.parametrize(
    ("steps", "moment", "due", "same"),
    [
        (("+1 year", "interval '1 year'"), "2028-02-29 12:00:00", "2029-02-28", False),
        (("+1 month", "interval '1 month'"), "2027-01-31 12:00:00", "2027-02-28", False),
        # Near miss: a step in days is one day on both sides, on a leap day too
        (("+365 days", "365"), "2028-02-29 12:00:00", "2029-02-27", True),
    ],
    ids=["year-from-a-leap-day", "month-from-a-31st", "days-near-miss"],
)
def test_a_month_or_year_from_a_months_end(
    steps: tuple[str, str], moment: str, due: str, same: bool, loader: Loader
) -> None:
    """fix85a's moments held no leap day nor a 31st before a shorter month: SQLite's date()
    runs a day past the month's end into the next month (2028-02-29 plus a year is
    2029-03-01), PostgreSQL stops at its last day (2029-02-28), so a pledge due on 2029-02-28
    is due within a year on SQLite only. The check parts them at that moment (its probes hold
    the days around both ends, ``view_calendar``). Near miss: '+365 days' against ``+ 365``."""
    sqlite = DUE["sqlite"].format(step=steps[0])
    postgresql = DUE["postgresql"].format(step=steps[1])
    row = (f"INSERT INTO pledge (id, listener, next_due) VALUES (1, 'Ada', '{due}')",)
    answers = _answers((sqlite, postgresql), moment, row, "due_soon", loader)
    assert answers == ((1, 1) if same else (1, 0))
    views = _parted(sqlite, postgresql, same, loader)
    assert same or f"with the clock at {moment}.5 UTC" in views[0], views


def test_the_days_a_month_or_year_step_is_from_a_day() -> None:
    """``view_calendar.month_days``: both ends' distance (SQLite's run-on day, PostgreSQL's
    month end), forward and back; one where they agree (1 November plus a month is 30 days
    either way, back 31); none for a day step or text without one."""
    assert view_calendar.month_days("date('now', '+1 year')", date(2028, 2, 29)) == (365, 366)
    assert view_calendar.month_days("'1 mon'::interval", date(2027, 1, 31)) == (28, 31)
    assert view_calendar.month_days("'+1 month'", date(2026, 11, 1)) == (30, 31)
    assert view_calendar.month_days("'+30 days'", date(2028, 2, 29)) == ()
    assert view_calendar.month_days("'12:00'", date(2028, 2, 29)) == ()
