"""The mend a view parted only by the server's TimeZone is given really mends it (recheck88;
``view_utc``, ``view_zone_mend``).

recheck88 (1): ``sold_today``, ``date(sold_at) = date('now')`` against ``sold_at::date =
CURRENT_DATE`` on a server in Los Angeles, was told to write ``(now() AT TIME ZONE 'UTC')::date``
for CURRENT_DATE, which leaves ``sold_at::date`` in the zone (PostgreSQL 0 rows, SQLite 1). (3):
``revenue_weekly``, ``date_trunc('week', sold_at)`` on a timestamptz, reads no clock and got the
generic hint though only the zone parts it. Each now gets the zone's hint with each rewrite of
PostgreSQL's view, which the check ran in the zone at the same moments; here each rewrite is
applied to the real PostgreSQL database in Los Angeles and its rows are SQLite's at the witness
(and before it, not). ``ALTER DATABASE ... SET timezone TO 'UTC'``, the other mend, is run too:
then no view differs (the near miss: the same views on a UTC server). Near misses: a view parted
by its rounding as well keeps the generic hint; a view only the zone parts but no rewrite here
mends (seven days across the end of summer time) gets the zone's hint without one.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest
from pg_helpers import database_in_zone
from support.testing import live_diff, sqlite_file
from test_view_clock_zone import PASSES

from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect_kwargs
from twinschema.urls import parse_url

ZONE = "America/Los_Angeles"
SQLITE_TABLE = (
    "CREATE TABLE pass (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, price NUMERIC(8,2) NOT NULL, "
    "sold_at TEXT NOT NULL, CHECK (sold_at IS strftime('%Y-%m-%dT%H:%M:%SZ', sold_at, '+0 days')));\n"
)
PG_TABLE = (
    "CREATE TABLE pass (id integer PRIMARY KEY, kind text NOT NULL, price numeric(8,2) NOT NULL, "
    "sold_at timestamptz NOT NULL)"
)
VIEWS = {
    "sold_today": (
        "CREATE VIEW sold_today AS SELECT id FROM pass WHERE date(sold_at) = date('now');\n",
        "CREATE VIEW sold_today AS SELECT id FROM pass WHERE sold_at::date = CURRENT_DATE",
        (
            ("sold_at::date", "(sold_at AT TIME ZONE 'UTC')::date"),
            ("CURRENT_DATE", "(now() AT TIME ZONE 'UTC')::date"),
        ),
    ),
    "revenue_weekly": (
        "CREATE VIEW revenue_weekly AS SELECT kind, date(sold_at, 'weekday 0', '-6 days') AS week, "
        "round(sum(price), 2) AS revenue FROM pass GROUP BY kind, date(sold_at, 'weekday 0', "
        "'-6 days');\n",
        "CREATE VIEW revenue_weekly AS SELECT kind, to_char(date_trunc('week', sold_at), "
        "'YYYY-MM-DD') AS week, round(sum(price), {digits}) AS revenue FROM pass GROUP BY kind, "
        "date_trunc('week', sold_at)",
        (
            (
                "to_char(date_trunc('week'::text, sold_at), 'YYYY-MM-DD'::text)",
                "to_char(date_trunc('week'::text, sold_at, 'UTC') AT TIME ZONE 'UTC', "
                "'YYYY-MM-DD'::text)",
            ),
            ("date_trunc('week'::text, sold_at)", "date_trunc('week'::text, sold_at, 'UTC')"),
        ),
    ),
}
# Monday 2024-01-01 00:00 UTC is Sunday 31 December in Los Angeles: the week before there.
WEEK_ROW = "INSERT INTO pass VALUES (1, 'day', 5, '2024-01-01T00:00:00Z')"


def _view_hints(pg_url: str, tmp_path: Path, zone: str, view: str, digits: int = 2) -> list[str]:
    """The hints of the view differences between a SQLite file and the database at ``pg_url``
    in ``zone``, each holding table pass and view ``view``."""
    sqlite, pg, _ = VIEWS[view]
    database_in_zone(pg_url, zone, PG_TABLE, pg.format(digits=digits))
    url = sqlite_file(tmp_path / "a.db", SQLITE_TABLE + sqlite)
    return [d.hint for d in live_diff(url, pg_url).differences if d.kind == "view"]


def _hint_rewrites(view: str) -> str:
    """How the hint gives view ``view``'s rewrites."""
    return ", ".join(f"`{old}` as `{new}`" for old, new in VIEWS[view][2])


def _rows(pg_url: str, view: str, row: str) -> tuple[list[tuple[object, ...]], ...]:
    """What view ``view`` returns on ``row`` on a SQLite database and on the database at
    ``pg_url`` in its own TimeZone, as it is and with the hint's rewrites applied to its SQL
    as PostgreSQL keeps it (rolled back); values as ``_value`` gives them."""
    with sqlite3.connect(":memory:") as conn:
        conn.executescript(SQLITE_TABLE + VIEWS[view][0])
        conn.execute(row)
        local = [tuple(_value(v) for v in r) for r in conn.execute(f"SELECT * FROM {view}")]
    with psycopg.connect(**connect_kwargs(parse_url(pg_url), ReflectOptions())) as c:
        c.execute(row.encode())
        select = f"SELECT * FROM {view} ORDER BY 1".encode()
        before = [tuple(_value(v) for v in r) for r in c.execute(select)]
        found = c.execute(f"SELECT pg_get_viewdef('{view}'::regclass, true)".encode()).fetchone()
        assert found is not None
        text = " ".join(str(found[0]).split())
        for old, new in VIEWS[view][2]:
            assert old in text, (old, text)
            text = text.replace(old, new)
        c.execute(f"CREATE OR REPLACE VIEW {view} AS {text}".encode())
        after = [tuple(_value(v) for v in r) for r in c.execute(select)]
        c.rollback()
    return local, before, after


def _value(value: object) -> object:
    """A value as an application compares it: a number by its value (5.0 and 5.00 alike),
    anything else as its text."""
    return float(value) if isinstance(value, (int, float, Decimal)) else str(value)


def _sale_parting_today() -> tuple[str, tuple[object, ...]]:
    """A sale on today's UTC date but another Los Angeles date than now's (just after UTC's
    midnight where Los Angeles' comes later, else just before the next), and the two dates now
    (a test that sees them change runs again)."""
    now = datetime.now(UTC)
    here = now.astimezone(ZoneInfo(ZONE)).date()
    start = datetime(now.year, now.month, now.day, tzinfo=UTC)
    sale = next(
        at
        for at in (start + timedelta(seconds=1), start + timedelta(days=1, seconds=-1))
        if at.astimezone(ZoneInfo(ZONE)).date() != here
    )
    return f"INSERT INTO pass VALUES (1, 'day', 5, '{sale:%Y-%m-%dT%H:%M:%SZ}')", (now.date(), here)


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_the_zone_hint_gives_each_rewrite_and_they_mend_the_view(
    pg_url: str, tmp_path: Path, view: str
) -> None:
    (hint,) = _view_hints(pg_url, tmp_path, ZONE, view)
    assert hint.startswith(f"the PostgreSQL database's TimeZone ({ZONE}) parts them"), hint
    assert "ALTER DATABASE ... SET timezone TO 'UTC'" in hint, hint
    assert (
        "or make PostgreSQL's view read its dates and times in UTC, as it was run here in "
        f"{ZONE} at the same moments with the same rows as SQLite's: write, in this order, "
        f"{_hint_rewrites(view)} (and a revision for it); or make view {view} select"
    ) in hint, hint
    for _ in range(2):  # a run across a midnight (UTC's or Los Angeles') is run again
        row, today = (WEEK_ROW, None) if view == "revenue_weekly" else _sale_parting_today()
        local, before, after = _rows(pg_url, view, row)
        if today is None or _sale_parting_today()[1] == today:
            break
    assert before != local and after == local, (local, before, after)
    assert local == ([(1.0,)] if view == "sold_today" else [("day", "2024-01-01", 5.0)])


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_the_database_set_to_utc_is_the_same_rows(pg_url: str, tmp_path: Path, view: str) -> None:
    """The hint's first mend, ALTER DATABASE ... SET timezone TO 'UTC', run: no view differs."""
    assert _view_hints(pg_url, tmp_path, "UTC", view) == []


def test_a_view_parted_by_more_than_the_zone_keeps_the_generic_hint(
    pg_url: str, tmp_path: Path
) -> None:
    """revenue_weekly rounded to one digit on PostgreSQL: in UTC too they part (5.55 against
    5.6), so the zone is not named and no rewrite is given."""
    hints = _view_hints(pg_url, tmp_path, ZONE, "revenue_weekly", digits=1)
    assert len(hints) == 1 and "TimeZone" not in hints[0], hints
    assert hints[0].startswith("make view revenue_weekly select the same rows"), hints


def test_a_view_no_rewrite_mends_gets_the_zone_hint_alone(pg_url: str, tmp_path: Path) -> None:
    """``now() + interval '7 days'`` adds seven days of Los Angeles' wall clock (169 hours
    across the end of summer time): the zone parts it (in UTC the same rows), and no date or
    time it reads is rewritten to UTC, so the hint gives ALTER DATABASE alone."""
    sqlite, table, view = PASSES
    database_in_zone(pg_url, ZONE, table, view.format(now="now()", interval="7 days"))
    url = sqlite_file(tmp_path / "a.db", sqlite.format(step="+7 days"))
    (hint,) = [d.hint for d in live_diff(url, pg_url).differences if d.kind == "view"]
    assert hint.startswith(f"the PostgreSQL database's TimeZone ({ZONE}) parts them"), hint
    assert "new sessions take it); or make view passes_expiring select" in hint, hint
    assert "AT TIME ZONE" not in hint and "read its dates" not in hint, hint
