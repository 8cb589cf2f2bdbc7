"""A view asking whether no child row of a parent pair passes a filter on the clock, where the
probe rows near now shared their parents with rows that decide the pair (stranger83 002).

``seats_free``: performance CROSS JOIN seat WHERE NOT EXISTS a booking of the pair that is
confirmed or held until past now (``b.hold_expires_at > datetime('now')`` on SQLite's TEXT,
``> now()`` on timestamptz). A hold that expired half an hour ago written in +01:00 keeps the
seat off sale on SQLite (its text sorts after now's) and frees it on PostgreSQL. The probe rows
near now all named one (performance, seat) pair, which a confirmed booking blocked on both
sides: "the same rows". Each now also gets a pair of its own (``view_own_parents``). The
witnesses run here on both real databases, made from the clock.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone

import pytest
from probes import Loader, view_verdicts
from support.run_clock import fake_nows, names_the_run_date, on_one_day, read_at
from test_view_answers import view_count

from twinschema.evaluate import view_own_parents
from twinschema.evaluate.view_keys import Keys, Reference, Unique
from twinschema.evaluate.view_now import NowMoment

TABLES = {
    "sqlite": (
        "CREATE TABLE performance (id INTEGER PRIMARY KEY, starts_at TEXT NOT NULL);\n"
        "CREATE TABLE seat (id INTEGER PRIMARY KEY, row_label TEXT NOT NULL "
        "CHECK (row_label GLOB '[A-Z]'), seat_no INTEGER NOT NULL "
        "CHECK (seat_no BETWEEN 1 AND 40), UNIQUE (row_label, seat_no));\n"
        "CREATE TABLE booking (id INTEGER PRIMARY KEY, performance_id INTEGER NOT NULL "
        "REFERENCES performance(id), seat_id INTEGER NOT NULL REFERENCES seat(id), "
        "status TEXT NOT NULL CHECK (status IN ('held', 'confirmed', 'cancelled')), "
        "hold_expires_at {moment});\n"
    ),
    "postgresql": (
        "CREATE TABLE performance (id integer PRIMARY KEY, starts_at timestamptz NOT NULL);\n"
        "CREATE TABLE seat (id integer PRIMARY KEY, row_label text NOT NULL "
        "CHECK (row_label ~ '^[A-Z]$'), seat_no integer NOT NULL "
        "CHECK (seat_no BETWEEN 1 AND 40), UNIQUE (row_label, seat_no));\n"
        "CREATE TABLE booking (id integer PRIMARY KEY, performance_id integer NOT NULL "
        "REFERENCES performance(id), seat_id integer NOT NULL REFERENCES seat(id), "
        "status text NOT NULL CHECK (status IN ('held', 'confirmed', 'cancelled')), "
        "hold_expires_at timestamptz);\n"
    ),
}
VIEW = (
    "CREATE VIEW seats_free AS SELECT p.id AS performance_id, s.id AS seat_id "
    "FROM performance p CROSS JOIN seat s WHERE NOT EXISTS (SELECT 1 FROM booking b "
    "WHERE b.performance_id = p.id AND b.seat_id = s.id AND (b.status = 'confirmed' OR "
    "(b.status = 'held' AND {after})));\n"
)
SQLITE_AFTER = {
    "text": "b.hold_expires_at > datetime('now')",
    "fraction": "strftime('%Y-%m-%d %H:%M:%f', b.hold_expires_at) > "
    "strftime('%Y-%m-%d %H:%M:%f', 'now')",
}


def _sqlite(after: str, moment: str = "TEXT") -> str:
    return TABLES["sqlite"].format(moment=moment) + VIEW.format(after=SQLITE_AFTER[after])


POSTGRESQL = TABLES["postgresql"] + VIEW.format(after="b.hold_expires_at > now()")


def expired(now: datetime) -> list[str]:
    """A hold over before ``now``, written in +01:00 (half an hour ago) and in the 'T...Z' form
    on ``now``'s date (half an hour ago, or halfway since midnight when that was yesterday: a
    'T' moment of yesterday sorts before today's text, over on SQLite's text too, and the test
    failed from 00:00 to 00:30 UTC)."""
    at = now - timedelta(minutes=30)
    zoned = at.astimezone(timezone(timedelta(hours=1))).strftime("%Y-%m-%d %H:%M:%S+01:00")
    midnight = datetime.combine(now.date(), datetime.min.time(), UTC)
    on_today = at if at >= midnight else midnight + (now - midnight) / 2
    return [zoned, on_today.strftime("%Y-%m-%dT%H:%M:%SZ")]


def _free(dialect: str, sql: str, until: str, loader: Loader) -> int:
    """Free seats on a real database: one performance, two seats, one seat held ``until``, the
    other confirmed (the confirmed one is taken on both sides)."""
    rows = (
        "INSERT INTO performance (id, starts_at) VALUES (1, '2030-12-06 19:30:00+00:00')",
        "INSERT INTO seat (id, row_label, seat_no) VALUES (1, 'A', 1)",
        "INSERT INTO seat (id, row_label, seat_no) VALUES (2, 'A', 2)",
        f"INSERT INTO booking VALUES (1, 1, 1, 'held', '{until}')",
        "INSERT INTO booking VALUES (2, 1, 2, 'confirmed', NULL)",
    )
    return view_count(dialect, sql, rows, "seats_free", loader)


@pytest.mark.parametrize(
    ("after", "moment", "same"),
    [("text", "TEXT", False), ("text", "TIMESTAMPTZ", False), ("fraction", "TEXT", True)],
)
def test_seats_free_on_an_expired_hold(after: str, moment: str, same: bool, loader: Loader) -> None:
    """002: the expired hold frees the seat on PostgreSQL and keeps it on SQLite's text (both
    spellings, on real databases), and the check now says the views differ, naming the moment
    by its label. Near miss: ``strftime('%Y-%m-%d %H:%M:%f', b.hold_expires_at)`` reads the
    offset and the 'T' as PostgreSQL does and keeps the milliseconds: the same rows on real
    databases and in the check (``datetime()`` drops the fraction of a second: a hold a quarter
    of a second ahead parts it, stranger86 003, ``tests/test_view_clock_zone.py``). A SQLite column declared
    TIMESTAMPTZ still stores the moment as text (NUMERIC affinity keeps a non-number as
    written): it parts as TEXT does."""
    sqlite = _sqlite(after, moment)

    def answers() -> list[tuple[str, int, int]]:
        """Each witness and the free seats of each real database after it, on one day."""
        made = expired(datetime.now(UTC))
        return [(u, _free("sqlite", sqlite, u, loader), _free("postgresql", POSTGRESQL, u, loader))
                for u in made]  # fmt: skip

    for until, on_sqlite, on_postgresql in on_one_day(answers):
        assert (on_sqlite, on_postgresql) == ((1, 1) if same else (0, 1)), until
    views, said = view_verdicts(loader, sqlite, POSTGRESQL)
    if same:
        assert views == [] and any("view answers: the same rows" in s for s in said), said
        return
    assert len(views) == 1 and "seats_free" in views[0] and "<now " in views[0], views
    assert not names_the_run_date(views[0]), views  # shown by its label


def test_each_now_row_gets_a_pair_of_its_own() -> None:
    """Each booking holding a moment near now is copied onto a new performance and a new seat
    (the seat's UNIQUE (row_label, seat_no) kept from the values the columns take, not a fresh
    text a CHECK refuses); rows without such a moment, and a table no key binds, are left."""
    now = NowMoment("2026-12-05 21:00:00+01:00", "<now - 30 min, as YYYY-MM-DD HH:MM:SS+01:00>")
    bookings = [(1, 1, 1, "confirmed", None), (2, 1, 1, "held", now)]
    performances = [(1, "2030-12-06 19:30:00+00:00")]
    seats = [(1, "A", 1)]
    fits = [
        [[1, 2, 3], [1], [1], ["confirmed", "held"], [None, now]],
        [[1, 2], ["2030-12-06 19:30:00+00:00"]],
        [[1, 2], ["A", "B"], [1, 2]],
    ]
    keys = Keys(
        (Unique(0, (0,)), Unique(1, (0,)), Unique(2, (0,)), Unique(2, (1, 2))),
        (Reference(0, (1,), 1, (0,)), Reference(0, (2,), 2, (0,))),
    )
    rows = view_own_parents.own_parents(
        [bookings, performances, seats], fits, [[0], [0], [0]], keys
    )
    assert rows[0][:2] == bookings and rows[1][0] == performances[0] and rows[2][0] == seats[0]
    assert rows[0][2] == (3, 2, 2, "held", now)  # new id, new performance and seat
    assert rows[1][1] == (2, "2030-12-06 19:30:00+00:00")
    assert rows[2][1] == (2, "A", 2)
    alone = view_own_parents.own_parents([bookings], fits[:1], [[0]], Keys((Unique(0, (0,)),), ()))
    assert alone == [bookings]


def test_the_expired_holds_part_at_any_moment() -> None:
    """``expired`` at moments near midnight and on the check's own dates (``fake_nows``), read
    by a database whose now is a few seconds later that day (what ``on_one_day`` keeps): over on
    that now (time order: PostgreSQL's) and still held on SQLite's text (``> datetime('now')``,
    run by a real SQLite with that now written in). Near miss: the 'T' moment half an hour
    before 00:10 is yesterday's, over on SQLite's text too."""
    sqlite = sqlite3.connect(":memory:")
    held = "SELECT ? > datetime(?)"
    for now in fake_nows():
        for until in expired(now):
            for t in read_at(now):
                assert datetime.fromisoformat(until) < t, (now, t, until)
                said = t.strftime("%Y-%m-%d %H:%M:%S.%f")
                assert sqlite.execute(held, (until, said)).fetchone() == (1,), (now, t, until)
    old = "2026-12-05T23:40:00Z"  # half an hour before 00:10 on 2026-12-06
    assert sqlite.execute(held, (old, "2026-12-06 00:10:00")).fetchone() == (0,)
