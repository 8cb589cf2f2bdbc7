"""A view difference only the live server's TimeZone makes names the zone (recheck86 (2)).

stranger86's ``routes_this_month``, ``set_on >= date('now','start of month')`` against ``set_on >=
date_trunc('month', now())::date`` on a server in America/Los_Angeles, parts them (the month
starts at the zone's midnight on PostgreSQL, at UTC's on SQLite), and its hint was the generic
"make view ... select the same rows", while a ``CURRENT_DATE`` default in the same run named
the zone and gave ``ALTER DATABASE ... SET timezone TO 'UTC'``. The check now runs such views
again with PostgreSQL's session in UTC at the same moments: where they agree there, the hint
names the zone and that fix, and, as the other way, the view's own dates and times read in UTC
(each rewrite run by the check: recheck88, ``test_view_zone_mend``).
Near misses: a view that differs in UTC too (a year against a month) keeps the generic hint;
the view rewritten as the hint says is the same rows; the witness runs on both real databases,
in the zone and in UTC.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pg_helpers import database_in_zone
from support.testing import live_diff, sqlite_file
from test_view_clock_zone import ROUTES, _counts

ZONE = "America/Los_Angeles"
MONTH = "date_trunc('month', now())::date"


def _view_differences(pg_url: str, tmp_path: Path, zone: str, start: str) -> list[tuple[str, str]]:
    """(message, hint) of each view difference between a SQLite file of ``ROUTES`` and the
    database at ``pg_url`` in ``zone`` whose view counts routes set on or after ``start``."""
    sqlite, table, view = ROUTES
    database_in_zone(pg_url, zone, table, view.replace("date_trunc('month', {today})::date", start))
    url = sqlite_file(tmp_path / "a.db", sqlite)
    found = live_diff(url, pg_url).differences
    return [(d.message, d.hint) for d in found if d.kind == "view"]


# Each rewrite the hint gives (recheck88: each was run in the zone by the check; the rewritten
# views are the same rows below).
MONTH_IN_UTC = "(date_trunc('month'::text, now(), 'UTC') AT TIME ZONE 'UTC')::date"
REWRITES = {
    MONTH: f"`date_trunc('month'::text, now())::date` as `{MONTH_IN_UTC}`",
    "date_trunc('month', CURRENT_DATE)::date": "`CURRENT_DATE` as `(now() AT TIME ZONE 'UTC')::date`",
}


@pytest.mark.parametrize(
    ("start", "zoned"),
    [
        (MONTH, True),
        ("date_trunc('month', CURRENT_DATE)::date", True),
        ("date_trunc('year', now())::date", False),  # near miss: parts them in UTC too
    ],
)
def test_a_view_parted_by_the_servers_zone_names_it(
    pg_url: str, tmp_path: Path, start: str, zoned: bool
) -> None:
    views = _view_differences(pg_url, tmp_path, ZONE, start)
    assert len(views) == 1, views
    message, hint = views[0]
    assert "with the clock at" in message, message
    assert hint.endswith("reason: ...}]}}"), hint  # the allowance stays the last way
    if zoned:
        assert hint.startswith(f"the PostgreSQL database's TimeZone ({ZONE}) parts them"), hint
        assert "ALTER DATABASE ... SET timezone TO 'UTC'" in hint, hint
        assert f"write, in this order, {REWRITES[start]} (and a revision for it); " in hint, hint
        assert "(and a revision for it); or make view routes_this_month select" in hint, hint
    else:
        assert "TimeZone" not in hint, hint
        assert hint.startswith("make view routes_this_month select the same rows"), hint


@pytest.mark.parametrize(
    "start",
    [
        "date_trunc('month', now() AT TIME ZONE 'UTC')::date",
        "date_trunc('month', (now() AT TIME ZONE 'UTC')::date)::date",
        MONTH_IN_UTC,  # the hint's rewrites (REWRITES)
        "date_trunc('month', (now() AT TIME ZONE 'UTC')::date::timestamptz)::date",
    ],
)
def test_the_view_reading_the_clock_in_utc_is_the_same_rows(
    pg_url: str, tmp_path: Path, start: str
) -> None:
    """The hint's other way, on the same server in Los Angeles: no view difference."""
    assert _view_differences(pg_url, tmp_path, ZONE, start) == []


def test_the_witness_parts_in_the_zone_and_not_in_utc(pg_url: str) -> None:
    """At 2026-11-01 00:15 UTC (31 October in Los Angeles) a route set on 15 October is this
    month's on PostgreSQL in Los Angeles and not on SQLite; with the database in UTC both leave
    it out: the zone is what parts them, as the hint says."""
    sqlite, table, _view = ROUTES
    moment = "2026-11-01 00:15:00"
    pg_query = (
        "SELECT count(*) FROM route WHERE set_on >= "
        f"date_trunc('month', '{moment}+00'::timestamptz)::date"
    )
    sqlite_query = f"SELECT count(*) FROM route WHERE set_on >= date('{moment}','start of month')"
    row = "INSERT INTO route (id, wall, set_on) VALUES (1, 'north', '2026-10-15')"
    database_in_zone(pg_url, ZONE, table)
    assert _counts(pg_url, sqlite, pg_query, sqlite_query, row) == (0, 1)
    database_in_zone(pg_url, "UTC")
    assert _counts(pg_url, sqlite, pg_query, sqlite_query, row) == (0, 0)
