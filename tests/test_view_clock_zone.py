"""Views on the clock under a live server's TimeZone, across its summer time, and below one
second (stranger86 001, 002, 003; ``view_clock``, ``view_zoned``).

001: "routes set this month", ``set_on >= date('now', 'start of month')`` against ``set_on >=
date_trunc('month', CURRENT_DATE)::date``, passed on a server in Los Angeles: with the clock
replaced, CURRENT_DATE was the UTC day, not the server's, so the two months never parted. 002:
``now() + interval '7 days'`` adds seven days of the zone's wall clock (169 hours across the
end of summer time), SQLite's ``'+7 days'`` 168 hours; no probe row lay in the hour between.
003: SQLite's ``datetime('now')`` drops the fraction of a second, PostgreSQL's ``now()`` keeps
it; the fixed moments had none. Each witness runs here on both real databases with the clock
replaced by a literal (as the check does), so that the tests pass on any date and in any zone.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from pg_helpers import database_in_zone
from probes import Loader, compare_texts
from support.testing import live_diff, sqlite_file
from test_view_answers import view_count

from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect_kwargs
from twinschema.evaluate import view_fraction, view_zoned
from twinschema.urls import parse_url

ROUTES = (
    "CREATE TABLE route (id INTEGER PRIMARY KEY, wall TEXT NOT NULL, set_on TEXT NOT NULL, "
    "CHECK (set_on IS date(set_on)));\n"
    "CREATE VIEW routes_this_month AS SELECT wall, count(*) AS n FROM route "
    "WHERE set_on >= date('now','start of month') GROUP BY wall;\n",
    "CREATE TABLE route (id integer PRIMARY KEY, wall text NOT NULL, set_on date NOT NULL)",
    "CREATE VIEW routes_this_month AS SELECT wall, count(*) AS n FROM route "
    "WHERE set_on >= date_trunc('month', {today})::date GROUP BY wall",
)
PASSES = (
    "CREATE TABLE pass (id INTEGER PRIMARY KEY, expires_at TEXT NOT NULL, CHECK (expires_at IS "
    "strftime('%Y-%m-%dT%H:%M:%SZ', expires_at, '+0 days') AND expires_at >= '0001-01-01'));\n"
    "CREATE VIEW passes_expiring AS SELECT id, expires_at FROM pass WHERE expires_at >= "
    "strftime('%Y-%m-%dT%H:%M:%SZ','now') AND expires_at < "
    "strftime('%Y-%m-%dT%H:%M:%SZ','now','{step}');\n",
    "CREATE TABLE pass (id integer PRIMARY KEY, expires_at timestamptz NOT NULL)",
    "CREATE VIEW passes_expiring AS SELECT id, expires_at FROM pass "
    "WHERE expires_at >= {now} AND expires_at < {now} + interval '{interval}'",
)


def _live_views(
    pg_url: str, tmp_path: Path, zone: str, sqlite: str, pg: tuple[str, str]
) -> list[str]:
    """The view differences ``twinschema diff`` finds between a SQLite file of ``sqlite`` and the
    database at ``pg_url`` set to ``zone`` holding ``pg``."""
    database_in_zone(pg_url, zone, *pg)
    url = sqlite_file(tmp_path / "a.db", sqlite)
    return [d.message for d in live_diff(url, pg_url).differences if d.kind == "view"]


def _counts(
    pg_url: str, sqlite: str, pg_query: str, sqlite_query: str, row: str
) -> tuple[int, int]:
    """What each real database counts (``sqlite_query`` over a SQLite database of ``sqlite``,
    ``pg_query`` in a session of the database at ``pg_url``, in its own TimeZone) after ``row``
    (rolled back on PostgreSQL)."""
    with sqlite3.connect(":memory:") as conn:
        conn.executescript(sqlite)
        conn.execute(row)
        local = int(conn.execute(sqlite_query).fetchone()[0])
    with psycopg.connect(**connect_kwargs(parse_url(pg_url), ReflectOptions())) as c:
        c.execute(row.encode())
        found = c.execute(pg_query.encode()).fetchone()
        c.rollback()
    assert found is not None
    return local, int(found[0])


@pytest.mark.parametrize(
    ("zone", "today", "same"),
    [
        ("America/Los_Angeles", "CURRENT_DATE", False),
        ("Pacific/Kiritimati", "CURRENT_DATE", False),
        ("America/Los_Angeles", "now()", False),
        ("UTC", "CURRENT_DATE", True),  # near miss: the server's day is UTC's
    ],
)
def test_routes_set_this_month_on_a_server_off_utc(
    pg_url: str, tmp_path: Path, zone: str, today: str, same: bool
) -> None:
    """001: at 2026-11-01 00:15 UTC it is still 31 October in Los Angeles: a route set on 15
    October is this month's on PostgreSQL (its month starts 1 October) and not on SQLite
    (UTC's month, 1 November); at 2026-11-30 23:45 UTC it is already December in Kiritimati
    (UTC+14): a route set on 30 November is this month's on SQLite only. The check parts
    them, naming such a moment; on a server in UTC they are the same rows."""
    sqlite, table, view = ROUTES
    views = _live_views(pg_url, tmp_path, zone, sqlite, (table, view.format(today=today)))
    assert len(views) == (0 if same else 1), views
    assert same or "with the clock at" in views[0], views
    for moment, set_on, parted in (
        ("2026-11-01 00:15:00", "2026-10-15", zone == "America/Los_Angeles"),
        ("2026-11-30 23:45:00", "2026-11-30", zone == "Pacific/Kiritimati"),
    ):
        pg_query = (
            "SELECT count(*) FROM route WHERE set_on >= "
            f"date_trunc('month', ('{moment}+00'::timestamptz)::date)::date"
        )
        sqlite_query = (
            f"SELECT count(*) FROM route WHERE set_on >= date('{moment}','start of month')"
        )
        row = f"INSERT INTO route (id, wall, set_on) VALUES (1, 'north', '{set_on}')"
        local, remote = _counts(pg_url, sqlite, pg_query, sqlite_query, row)
        assert (local != remote) == parted, (moment, local, remote)


# (zone, (SQLite's step, PostgreSQL's interval), PostgreSQL's now, (moment, a pass's expiry) the
# two real databases part on, or None: the same rows).
EXPIRING = [
    (
        "America/Los_Angeles",
        ("+7 days", "7 days"),
        "now()",
        ("2026-11-01 00:15:00", "2026-11-08T00:45:00Z"),
    ),
    (
        "America/Los_Angeles",
        ("+1 week", "1 week"),
        "CURRENT_TIMESTAMP",
        ("2026-11-01 00:15:00", "2026-11-08T00:45:00Z"),
    ),
    # half a day before Paris leaves summer time (2026-10-25 01:00 UTC): 47 hours on PostgreSQL
    (
        "Europe/Paris",
        ("+2 days", "2 days"),
        "now()",
        ("2026-10-24 13:00:00", "2026-10-26T13:30:00Z"),
    ),
    # Sydney's month: 1 December 10:45 there plus a month is 31 December 23:45 UTC
    (
        "Australia/Sydney",
        ("+1 month", "1 month"),
        "now()",
        ("2026-11-30 23:45:00", "2026-12-31T11:45:00Z"),
    ),
    ("UTC", ("+7 days", "7 days"), "now()", None),  # near miss: no summer time
    ("Asia/Tokyo", ("+7 days", "7 days"), "now()", None),  # near miss: none there either
]


@pytest.mark.parametrize(("zone", "steps", "now", "witness"), EXPIRING)
def test_passes_expiring_across_a_change_of_summer_time(
    pg_url: str,
    tmp_path: Path,
    zone: str,
    steps: tuple[str, str],
    now: str,
    witness: tuple[str, str] | None,
) -> None:
    """002: ``now() + interval '7 days'`` is seven days of the server's wall clock: across the
    end of summer time in Los Angeles (2026-11-01 09:00 UTC) 169 hours, SQLite's '+7 days'
    168. A pass expiring in the hour between is this week's on PostgreSQL only. The check
    parts the views for any step of days, weeks or months under a zone with summer time (it
    is judged at moments on both sides of one of the zone's changes, and probed halfway
    between the two ends); under UTC or Tokyo they are the same rows (run on both real
    databases at Los Angeles's moment and pass)."""
    sqlite = PASSES[0].format(step=steps[0])
    pg = (PASSES[1], PASSES[2].format(now=now, interval=steps[1]))
    views = _live_views(pg_url, tmp_path, zone, sqlite, pg)
    assert len(views) == (0 if witness is None else 1), views
    assert witness is None or f"with the clock at {witness[0]}.5 UTC" in views[0], views
    moment, expires = witness or EXPIRING[0][3] or ("", "")
    pg_query = (
        f"SELECT count(*) FROM pass WHERE expires_at >= '{moment}+00'::timestamptz AND "
        f"expires_at < '{moment}+00'::timestamptz + interval '{steps[1]}'"
    )
    sqlite_query = (
        f"SELECT count(*) FROM pass WHERE expires_at >= strftime('%Y-%m-%dT%H:%M:%SZ','{moment}') "
        f"AND expires_at < strftime('%Y-%m-%dT%H:%M:%SZ','{moment}','{steps[0]}')"
    )
    row = f"INSERT INTO pass (id, expires_at) VALUES (1, '{expires}')"
    counts = _counts(pg_url, sqlite, pg_query, sqlite_query, row)
    assert counts == ((0, 0) if witness is None else (0, 1)), counts


INSIDE = {
    "sqlite": (
        "CREATE TABLE checkin (id INTEGER PRIMARY KEY, at TEXT NOT NULL, minutes INTEGER, "
        "CHECK (at IS strftime('%Y-%m-%dT%H:%M:%fZ', at)));\n"
        "CREATE VIEW members_inside AS SELECT id FROM checkin c WHERE {at} <= {now} AND "
        "{later} > {now};\n"
    ),
    "postgresql": (
        "CREATE TABLE checkin (id integer PRIMARY KEY, at timestamptz NOT NULL, minutes integer);\n"
        "CREATE VIEW members_inside AS SELECT id FROM checkin c WHERE c.at <= now() AND "
        "c.at + make_interval(mins => COALESCE(c.minutes, 120)) > now();\n"
    ),
}
LATER = "strftime('%Y-%m-%dT%H:%M:%fZ', c.at, '+' || COALESCE(c.minutes, 120) || ' minutes')"
SPELLINGS = {
    "datetime": (
        "datetime(c.at)",
        "datetime('now')",
        LATER.replace("strftime('%Y-%m-%dT%H:%M:%fZ', c.at", "datetime(c.at"),
    ),
    "fraction": ("c.at", "strftime('%Y-%m-%dT%H:%M:%fZ','now')", LATER),
}


TRUNCATED = (
    INSIDE["postgresql"]
    .replace("c.at <= now()", "date_trunc('second', c.at) <= date_trunc('second', now())")
    .replace(
        "> now()",
        "> date_trunc('second', now())",
    )
    .replace("c.at + make_interval", "date_trunc('second', c.at) + make_interval")
)


@pytest.mark.parametrize(
    ("spelling", "postgresql", "same"),
    [
        ("datetime", INSIDE["postgresql"], False),
        ("fraction", INSIDE["postgresql"], True),  # near miss: SQLite keeps the milliseconds
        ("datetime", TRUNCATED, True),  # near miss: PostgreSQL drops the fraction too
    ],
    ids=["datetime", "fraction-near-miss", "truncated-near-miss"],
)
def test_members_inside_a_fraction_of_a_second_from_now(
    spelling: str, postgresql: str, same: bool, loader: Loader
) -> None:
    """003: ``datetime(c.at) <= datetime('now')`` drops both fractions of a second: a check-in
    0.25 s after now (00:15:00.750 at 00:15:00.5) is inside on SQLite and not on PostgreSQL's
    ``c.at <= now()``. The check judges the views at moments with a fraction and probes a
    quarter of a second either side. Near misses: ``strftime('%Y-%m-%dT%H:%M:%fZ', 'now')``
    keeps the milliseconds, and ``date_trunc('second', ...)`` on both of PostgreSQL's moments
    drops the fraction as datetime() does: the same rows."""
    at, now, later = SPELLINGS[spelling]
    sqlite = INSIDE["sqlite"].format(at=at, now=now, later=later)
    moment = "2026-11-01 00:15:00.5"
    row = ("INSERT INTO checkin (id, at, minutes) VALUES (1, '2026-11-01T00:15:00.750Z', 60)",)
    answers = (
        view_count("sqlite", sqlite.replace("'now'", f"'{moment}'"), row, "members_inside", loader),
        view_count(
            "postgresql",
            postgresql.replace("now()", f"'{moment}+00'::timestamptz"),
            row,
            "members_inside",
            loader,
        ),
    )
    assert answers == ((answers[0], answers[0]) if same else (1, 0)), answers
    found = compare_texts(loader, ("sqlite", "postgresql"), sqlite, postgresql)
    views = [d.message for d in found.differences if d.kind == "view"]
    assert len(views) == (0 if same else 1), views
    assert same or ".5 UTC" in views[0], views


GYM = {
    "sqlite": (
        "CREATE TABLE member (id TEXT PRIMARY KEY NOT NULL, full_name TEXT NOT NULL);\n"
        "CREATE TABLE checkin (id INTEGER PRIMARY KEY, member_id TEXT NOT NULL REFERENCES "
        "member(id), at TEXT NOT NULL, minutes INTEGER);\n"
        "CREATE VIEW members_lapsed AS SELECT m.id, m.full_name FROM member m WHERE NOT EXISTS "
        "(SELECT 1 FROM checkin c WHERE c.member_id = m.id AND {at} > {since});\n"
    ),
    "postgresql": (
        "CREATE TABLE member (id uuid PRIMARY KEY, full_name text NOT NULL);\n"
        "CREATE TABLE checkin (id integer PRIMARY KEY, member_id uuid NOT NULL REFERENCES "
        "member(id), at timestamptz NOT NULL, minutes integer);\n"
        "CREATE VIEW members_lapsed AS SELECT m.id, m.full_name FROM member m WHERE NOT EXISTS "
        "(SELECT 1 FROM checkin c WHERE c.member_id = m.id AND c.at > now() - interval '30 days');\n"
    ),
}
LAPSED = {
    "datetime": ("datetime(c.at)", "datetime('now', '-30 days')"),
    "fraction": (
        "strftime('%Y-%m-%d %H:%M:%f', c.at)",
        "strftime('%Y-%m-%d %H:%M:%f', 'now', '-30 days')",
    ),
}


@pytest.mark.parametrize(("spelling", "same"), [("datetime", False), ("fraction", True)])
def test_members_lapsed_a_fraction_of_a_second_past_thirty_days(
    spelling: str, same: bool, loader: Loader
) -> None:
    """003 at the other end, over NOT EXISTS (stranger86's gym): a member last seen 30 days and
    0.25 s before now (2026-10-02 00:15:00.750 with the clock at 2026-11-01 00:15:00.5) is
    lapsed on SQLite (``datetime()`` reads both as 00:15:00) and not on PostgreSQL; the check
    parts them (the rows a quarter of a second from a step reach parents of their own). Near
    miss: strftime with '%f' keeps the milliseconds: the same rows."""
    sqlite = GYM["sqlite"].format(at=LAPSED[spelling][0], since=LAPSED[spelling][1])
    postgresql = GYM["postgresql"]
    moment = "2026-11-01 00:15:00.5"
    rows = (
        "INSERT INTO member (id, full_name) VALUES ('00000000-0000-4000-8000-000000000001', 'Ada')",
        "INSERT INTO checkin (id, member_id, at, minutes) VALUES "
        "(1, '00000000-0000-4000-8000-000000000001', '2026-10-02T00:15:00.750Z', 60)",
    )
    answers = (
        view_count(
            "sqlite", sqlite.replace("'now'", f"'{moment}'"), rows, "members_lapsed", loader
        ),
        view_count(
            "postgresql",
            postgresql.replace("now()", f"'{moment}+00'::timestamptz"),
            rows,
            "members_lapsed",
            loader,
        ),
    )
    assert answers == ((0, 0) if same else (1, 0)), answers
    found = compare_texts(loader, ("sqlite", "postgresql"), sqlite, postgresql)
    views = [d.message for d in found.differences if d.kind == "view"]
    assert len(views) == (0 if same else 1), views
    assert same or "+ 0.25 s" in views[0], views


def test_the_moments_and_probes_around_a_change_and_a_fraction() -> None:
    """``view_zoned``: Los Angeles leaves summer time at 2026-11-01 09:00 UTC, Sydney enters it
    at 2026-10-03 16:00 UTC, Tokyo has none; the two extra moments only where the views step
    the clock by days or months; halfway between 00:15:00 plus 7 days in UTC and in Los Angeles
    is 00:45. ``view_fraction``: a quarter of a second either side of a moment with a fraction,
    none against the real clock (no fixed moment) or a whole second."""
    assert view_zoned.change_of("America/Los_Angeles") == datetime(2026, 11, 1, 9, tzinfo=UTC)
    assert view_zoned.change_of("Australia/Sydney") == datetime(2026, 10, 3, 16, tzinfo=UTC)
    assert view_zoned.change_of("Asia/Tokyo") is None
    assert view_zoned.moments("America/Los_Angeles", (7,), "", ".5") == (
        "2026-10-31 21:00:00.5",
        "2026-11-01 21:00:00.5",
    )
    assert view_zoned.moments("America/Los_Angeles", (), "'+15 minutes'", ".5") == ()
    assert view_zoned.moments("Asia/Tokyo", (7,), "", ".5") == ()
    now = datetime(2026, 11, 1, 0, 15, tzinfo=UTC)
    found = view_zoned.halfway(now, (7,), "", "America/Los_Angeles")
    assert [at for at, _ in found] == [datetime(2026, 11, 8, 0, 45, tzinfo=UTC)], found
    assert view_zoned.halfway(now, (7,), "", "Asia/Tokyo") == []
    at = datetime(2026, 11, 1, 0, 15, 0, 500000, tzinfo=UTC)
    texts = [t for t, _ in view_fraction.near(at, ())]
    assert texts == [
        "2026-11-01T00:15:00.250Z",
        "2026-11-01 00:15:00.250",
        "2026-11-01T00:15:00.750Z",
        "2026-11-01 00:15:00.750",
    ]
    assert view_fraction.near(None, (7,)) == [] and view_fraction.near(now, (7,)) == []
