"""Views comparing a TEXT moment with the clock, on moments written with an offset, and minute
windows on now (stranger83 002, 004).

``hold_until > datetime('now')`` on SQLite's TEXT against ``> now()`` on timestamptz: a hold that
ended half an hour ago written in +01:00 ('2026-12-05 20:59:19+01:00' at 20:29 UTC) is stored by
both, over on PostgreSQL, running on SQLite (its text sorts after now's). The probes near now held
no offset, and a window ``BETWEEN now() AND now() + interval '15 minutes'`` no moment inside it
("not compared"). The witnesses run here on both real databases, made from the clock; the check
names them by their labels.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone

import pytest
from probes import Loader, view_verdicts
from support.run_clock import fake_nows, names_the_run_date, on_one_day, read_at
from test_view_answers import view_count

from twinschema.evaluate import view_now

SQLITE = (
    "CREATE TABLE hold (id INTEGER PRIMARY KEY, status TEXT NOT NULL "
    "CHECK (status IN ('cancelled', 'confirmed', 'held')), hold_until TEXT);\n"
    "CREATE VIEW holds AS SELECT id FROM hold WHERE {where};\n"
)
POSTGRESQL = (
    "CREATE TABLE hold (id integer PRIMARY KEY, status text NOT NULL "
    "CHECK (status IN ('cancelled', 'confirmed', 'held')), hold_until timestamptz);\n"
    "CREATE VIEW holds AS SELECT id FROM hold WHERE {where};\n"
)


def _spelled(minutes: float, hours: int, now: datetime | None = None) -> str:
    """Now (``now``, else the clock's) plus ``minutes`` written in an offset of ``hours``."""
    at = ((now or datetime.now(UTC)) + timedelta(minutes=minutes)).astimezone(
        timezone(timedelta(hours=hours))
    )
    return at.strftime("%Y-%m-%d %H:%M:%S") + f"{'+' if hours > 0 else '-'}{abs(hours):02d}:00"


def t_inside(now: datetime) -> str:
    """A moment inside the 15 minutes after ``now`` written with a 'T', on the date the window
    closes: its 'T' sorts after the closing text's space, so SQLite's text window leaves it out.
    Seven and a half minutes ahead unless the window crosses midnight, then halfway from the new
    day's first second to the window's close (a 'T' moment before midnight would sort between the
    two dates' texts, inside SQLite's window; the first second itself is passed by a database
    reading now a few seconds after 23:59:58, so it is no witness then)."""
    at, closes = now + timedelta(minutes=7.5), now + timedelta(minutes=15)
    if at.date() != closes.date():
        midnight = datetime.combine(closes.date(), datetime.min.time(), UTC)
        at = midnight + (closes - midnight) / 2
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def _holds(dialect: str, sql: str, until: str, loader: Loader) -> int:
    """The rows of the view on a real database of ``dialect`` after one held row until ``until``."""
    row = f"INSERT INTO hold (id, status, hold_until) VALUES (1, 'held', '{until}')"
    return view_count(dialect, sql, (row,), "holds", loader)


@pytest.mark.parametrize(
    ("sqlite_where", "same"),
    [
        ("status = 'held' AND replace(hold_until, 'T', ' ') > datetime('now')", False),
        (
            "status = 'held' AND strftime('%Y-%m-%d %H:%M:%f', hold_until) > "
            "strftime('%Y-%m-%d %H:%M:%f', 'now')",
            True,
        ),
    ],
)
def test_a_hold_over_written_in_another_offset(
    sqlite_where: str, same: bool, loader: Loader
) -> None:
    """002: a hold over half an hour ago, written in +01:00, is still held on SQLite's text (the
    'T' replaced away: only the offset parts it) and over on PostgreSQL; the check reports it by
    its label. Near miss: strftime('%Y-%m-%d %H:%M:%f', ...) reads the offset (and the 'T') and
    keeps the milliseconds: the same rows (``datetime()`` drops the fraction of a second, which
    parts it from ``now()`` a quarter of a second from now: stranger86 003,
    ``tests/test_view_clock_zone.py``)."""
    sqlite = SQLITE.format(where=sqlite_where)
    postgresql = POSTGRESQL.format(where="status = 'held' AND hold_until > now()")
    until = _spelled(-30, 1)
    answers = (
        _holds("sqlite", sqlite, until, loader),
        _holds("postgresql", postgresql, until, loader),
    )
    assert answers == ((0, 0) if same else (1, 0))
    views, said = view_verdicts(loader, sqlite, postgresql)
    if same:
        assert views == [] and any("view answers: the same rows" in s for s in said), said
        return
    assert len(views) == 1 and "<now - 30 min, as YYYY-MM-DD HH:MM:SS+01:00>" in views[0], views
    assert not names_the_run_date(views[0]), views


WINDOW = {
    "sqlite": "hold_until BETWEEN datetime('now') AND datetime('now', '+15 minutes')",
    "normalized": "strftime('%Y-%m-%d %H:%M:%f', hold_until) BETWEEN "
    "strftime('%Y-%m-%d %H:%M:%f', 'now') AND strftime('%Y-%m-%d %H:%M:%f', 'now', '+15 minutes')",
    "900s": "strftime('%Y-%m-%d %H:%M:%f', hold_until) BETWEEN "
    "strftime('%Y-%m-%d %H:%M:%f', 'now') AND strftime('%Y-%m-%d %H:%M:%f', 'now', '+900 seconds')",
    "30 min": "datetime(hold_until) BETWEEN datetime('now') AND datetime('now', '+30 minutes')",
}


@pytest.mark.parametrize(
    ("sqlite", "interval", "same"),
    [
        ("sqlite", "15 minutes", False),
        ("normalized", "15 minutes", True),
        ("900s", "15 min", True),
        ("30 min", "15 minutes", False),
    ],
)
def test_a_minute_window_on_now_is_compared(
    sqlite: str, interval: str, same: bool, loader: Loader
) -> None:
    """004: a 15-minute window on now is compared (it was "not compared": no probe moment in it):
    a hold 7 min 30 s ahead written in +01:00 is in PostgreSQL's window and an hour past SQLite's
    text window; strftime('%Y-%m-%d %H:%M:%f', ...) on SQLite (the offset and the 'T' read, the
    milliseconds kept) makes it the same rows, written in minutes or seconds (``interval '15
    min'``, ``'+900 seconds'``); a 30-minute window against 15 parts on a moment 22 min 30 s
    ahead (the check may name another moment that parts them: one half an hour ahead written in
    -01:00 is in SQLite's 30 minutes and past PostgreSQL's 15, or, as datetime() drops the
    fraction of a second, one a quarter of a second before now: stranger86 003)."""
    sqlite_sql = SQLITE.format(where=f"status = 'held' AND {WINDOW[sqlite]}")
    postgresql = POSTGRESQL.format(
        where=f"status = 'held' AND hold_until BETWEEN now() AND now() + interval '{interval}'"
    )
    views, said = view_verdicts(loader, sqlite_sql, postgresql)
    if same:
        assert views == [] and any("view answers: the same rows" in s for s in said), said
        assert _holds("sqlite", sqlite_sql, _spelled(7.5, 1), loader) == 1
        return
    assert len(views) == 1 and "<now " in views[0], (views, said)
    assert not names_the_run_date(views[0]), views

    def answers() -> list[tuple[str, int, int]]:
        """Each witness and the rows of each real database's view after it (the 'T' and the
        offset, or the moment between the windows), made on the day the window closes."""
        now = datetime.now(UTC)
        witnesses = (
            [_spelled(7.5, 1, now), t_inside(now)]
            if sqlite == "sqlite"
            else [_spelled(22.5, 0, now)]
        )
        return [
            (until, _holds("sqlite", sqlite_sql, until, loader),
             _holds("postgresql", postgresql, until, loader))
            for until in witnesses
        ]  # fmt: skip

    for until, on_sqlite, on_postgresql in on_one_day(answers, ahead=timedelta(minutes=15)):
        assert on_sqlite != on_postgresql, until


# A view's filter -> the step ``view_now.minute_step`` reads from it (a count of the clock's
# units, as a number: not a measured time), None where it probes none: a minute step as
# written and as PostgreSQL prints it; an hour is an hour step; one under a minute is not probed.
MINUTE_STEPS = [
    ("WHERE at < datetime('now', '+15 minutes')", 900),
    ("WHERE at < (now() + '00:15:00'::interval)", 900),
    ("WHERE at < now() + interval '900 seconds'", 900),
    ("WHERE at < now() - '01:30:00'::interval", 5400),
    ("WHERE at < now() + interval '2 hours'", None),
    ("WHERE at < (now() + '02:00:00'::interval)", None),
    ("WHERE at < datetime('now', '+30 seconds')", None),
]


@pytest.mark.parametrize(("where", "expected"), MINUTE_STEPS)
def test_the_minute_step_a_view_names(where: str, expected: int | None) -> None:
    assert view_now.minute_step(where) == expected


def test_the_moments_around_a_minute_step() -> None:
    """Half a step and one and a half each way, and half a step in another offset, at a fixed
    now."""
    at = datetime(2026, 12, 5, 20, 29, 19, tzinfo=UTC)
    near = view_now.near_now("timestamptz", "WHERE h < datetime('now', '+15 minutes')", None, at)
    labels = {v.label: str(v) for v in near}
    assert labels["<now + 7 min 30 s, as YYYY-MM-DD HH:MM:SS>"] == "2026-12-05 20:36:49"
    assert labels["<now - 22 min 30 s, as YYYY-MM-DDTHH:MM:SSZ>"] == "2026-12-05T20:06:49Z"
    assert labels["<now + 7 min 30 s, as YYYY-MM-DD HH:MM:SS+01:00>"] == "2026-12-05 21:36:49+01:00"
    assert labels["<now - 30 min, as YYYY-MM-DD HH:MM:SS+01:00>"] == "2026-12-05 20:59:19+01:00"
    plain = view_now.near_now("timestamp", "WHERE h < datetime('now', '+15 minutes')", None, at)
    assert not [v for v in plain if v.endswith(":00") and v[-6] in "+-"]  # no offset: dropped


def test_the_t_witness_parts_the_windows_at_any_moment() -> None:
    """``t_inside`` at moments near midnight and on the check's own dates (``fake_nows``), read
    by a database whose now is a few seconds later on the day the window closes (what
    ``on_one_day`` keeps): in PostgreSQL's window on that now (time order) and out of SQLite's
    text window, run by a real SQLite with that now written in. Near miss: the old witness,
    7 min 30 s ahead in the 'T' form, is in SQLite's window at 23:50 (the day before the close)."""
    sqlite = sqlite3.connect(":memory:")
    window = "SELECT ? BETWEEN datetime(?) AND datetime(?, '+15 minutes')"
    for now in fake_nows():
        until = t_inside(now)
        at = datetime.fromisoformat(until)
        for t in read_at(now, timedelta(minutes=15)):
            assert t <= at <= t + timedelta(minutes=15), (now, t, until)
            said = t.strftime("%Y-%m-%d %H:%M:%S.%f")
            assert sqlite.execute(window, (until, said, said)).fetchone() == (0,), (now, t, until)
    old = (datetime(2026, 12, 5, 23, 50, tzinfo=UTC) + timedelta(minutes=7.5)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    assert sqlite.execute(
        window, (old, "2026-12-05 23:50:00", "2026-12-05 23:50:00")
    ).fetchone() == (1,)
