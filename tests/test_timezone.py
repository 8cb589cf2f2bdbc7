"""SQLite's current-time idiom against PostgreSQL's now() in a timestamp without time zone: the
same value only where the server's TimeZone is UTC (issue 15). The server's setting is read."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from support.testing import sqlite_file

from twinschema.compare import Side, compare
from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect_kwargs
from twinschema.sources import make_canonical, reflect_url
from twinschema.urls import parse_url


@pytest.mark.parametrize(
    ("zone", "kinds", "rule"),
    [
        ("UTC", [], "current-time (the server's TimeZone is UTC)"),
        ("Europe/Paris", ["column_default"], None),
    ],
)
def test_the_servers_timezone_decides(
    zone: str, kinds: list[str], rule: str | None, pg_url: str, tmp_path: Path
) -> None:
    kwargs = connect_kwargs(parse_url(pg_url), ReflectOptions())
    with psycopg.connect(**kwargs, autocommit=True) as conn:
        database = conn.execute("SELECT current_database()").fetchone()
        assert database is not None
        conn.execute(f"ALTER DATABASE \"{database[0]}\" SET timezone = '{zone}'")
        conn.execute("CREATE TABLE t (id integer PRIMARY KEY, at timestamp DEFAULT now())")
    sqlite_url = sqlite_file(
        tmp_path / "a.db",
        "CREATE TABLE t (id INTEGER PRIMARY KEY, at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);",
    )
    options = ReflectOptions()
    left = make_canonical(reflect_url(sqlite_url, options), None)
    right = make_canonical(reflect_url(pg_url, options), None)
    assert right.timezone == zone
    found = compare(Side(left, "a", "a"), Side(right, "b", "b"), layer="diff")
    assert [d.kind for d in found.differences] == kinds
    if kinds:
        assert f"TimeZone {zone}" in found.differences[0].message
    rules = [e.rule for e in found.equivalences if e.column == "at"]
    assert (rule in rules) if rule else not any(r.startswith("current-time") for r in rules)


LOCALTIME_CASES = (
    "sl-pg.eval-now-localtime",
    "sl-sl.eval-now-localtime-vs-utc",
    "sl-sl.eval-now-localtime-both-near-miss",
)


@pytest.mark.parametrize("zone", ["UTC", "Asia/Tokyo"])
def test_localtime_is_judged_whatever_the_checkers_zone(
    zone: str, pg_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's datetime('now', 'localtime') reads the zone of whoever runs it: the checker's
    own zone (UTC, or Tokyo's +9 hours) must not decide the verdict nor its message. The
    devices' zone is unknown, so against a UTC time it is a difference in every zone, and
    two local times agree."""
    import time

    from probes import Loader, cases, compare_case
    from support.testing import scratch_database

    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        chosen = [c for c in cases() if c.name in LOCALTIME_CASES]
        assert len(chosen) == len(LOCALTIME_CASES)
        with scratch_database(pg_server, prefix="localtime") as url:
            loader = Loader(url)
            try:
                found = {c.name: compare_case(loader, c) for c in chosen}
            finally:
                loader.close()
    finally:
        monkeypatch.undo()
        time.tzset()
    for case in chosen:
        messages = [d.message for d in found[case.name].differences if d.column == "c"]
        assert {d.kind for d in found[case.name].differences} == case.expect, messages
        if case.expect:
            assert any("in the device's local time zone" in m for m in messages), messages
            assert not any("current time +" in m for m in messages), messages
