"""What a default difference says of two defaults of one class (stranger58): now() against
CURRENT_TIMESTAMP(0) are both one value per transaction, the second rounded to the second (not
"rows inserted side by side get different values", 006); now() against statement_timestamp()
changes from statement to statement on one side only; two intervals or arrays PostgreSQL stores
apart are shown as the server writes them (010, 011); now() plus a day against plus 24 hours
part across summer time (018); now() against LOCALTIMESTAMP in a timestamptz part in the hour
a change back from summer time repeats (stranger59 016)."""

from __future__ import annotations

import datetime as dt

from probes import Loader, compare_expected

from twinschema.evaluate.dst_steps import BEFORE_CHANGE, IN_REPEATED_HOUR, ZONE


def _message(loader: Loader, name: str) -> str:
    found = compare_expected(loader, name)
    (default,) = [d for d in found.differences if d.kind == "column_default"]
    return default.message


def test_a_rounded_current_timestamp_is_said_to_be_kept_apart(loader: Loader) -> None:
    message = _message(loader, "pg-pg.default-now-vs-current-timestamp-0")
    assert (
        "both are one value per transaction, but the first keeps the moment with its fraction "
        "of a second, the second rounded to the second" in message
    ), message
    assert "side by side" not in message, message


def test_a_statement_clock_is_said_to_change_from_statement_to_statement(loader: Loader) -> None:
    message = _message(loader, "pg-pg.default-now-statement-timestamp")
    assert (
        "the first is one value per transaction, the second changes from statement to statement"
        in message
    ), message


def test_intervals_stored_apart_are_shown_as_the_server_writes_them(loader: Loader) -> None:
    message = _message(loader, "pg-pg.default-interval-day-vs-24-hours")
    assert "'1 day'::interval vs '24:00:00'::interval" in message, message
    message = _message(loader, "pg-pg.default-interval-month-vs-30-days")
    assert "'1 mon'::interval vs '30 days'::interval" in message, message


def test_an_array_of_another_lower_bound_is_shown_with_its_bounds(loader: Loader) -> None:
    """Both arrays as PostgreSQL writes them (stranger59 017: the one from 1 was Python's
    ``[10, 20, 30]``, the other named the internal type ``int4[]``)."""
    message = _message(loader, "pg-pg.default-array-lower-bound")
    assert "(by evaluation: '[0:2]={10,20,30}' vs '{10,20,30}')" in message, message


def test_a_day_from_now_is_not_24_hours_across_summer_time(loader: Loader) -> None:
    """Stranger58 018: the message says the zone and moment they part at, and real PostgreSQL
    in that zone parts them there (a day is 23 hours across Europe's change to summer time)."""
    message = _message(loader, "pg-pg.default-now-plus-day-vs-24-hours")
    assert (
        f"they agree in a session whose TimeZone is UTC only: in one whose TimeZone is {ZONE}, "
        f"at {BEFORE_CHANGE} UTC" in message
    ), message
    assert "2026-03-29 11:00:00 UTC vs 2026-03-29 12:00:00 UTC" in message, message
    conn = loader.held("rows")
    try:
        conn.execute(f"SET LOCAL TimeZone = '{ZONE}'".encode())
        moment = f"timestamptz '{BEFORE_CHANGE}+00'"
        day, hours = conn.execute(
            f"SELECT {moment} + interval '1 day', {moment} + interval '24 hours'".encode()
        ).fetchone()
    finally:
        conn.rollback()
    assert hours - day == dt.timedelta(hours=1), (day, hours)


def test_local_time_read_back_is_an_hour_late_in_the_repeated_hour(loader: Loader) -> None:
    """Stranger59 016: the message says the zone and moment now() and LOCALTIMESTAMP part at
    in a timestamptz, and real PostgreSQL there reads LOCALTIMESTAMP (the clock in the
    session's zone: ``now() AT TIME ZONE`` it) back an hour after the clock."""
    message = _message(loader, "pg-pg.default-timestamptz-now-vs-localtimestamp-fall-back")
    assert (
        f"they agree in a session whose TimeZone is UTC only: in one whose TimeZone is {ZONE}, "
        f"at {IN_REPEATED_HOUR} UTC" in message
    ), message
    assert "2026-10-25 00:30:00 UTC vs 2026-10-25 01:30:00 UTC" in message, message
    conn = loader.held("rows")
    try:
        conn.execute(f"SET LOCAL TimeZone = '{ZONE}'".encode())
        same = conn.execute(
            b"SELECT LOCALTIMESTAMP = (now() AT TIME ZONE current_setting('TimeZone'))"
        ).fetchone()[0]
        moment = f"timestamptz '{IN_REPEATED_HOUR}+00'"
        later = conn.execute(  # seconds, compared in UTC (Python's same-zone '-' drops fold)
            f"SELECT extract(epoch FROM ({moment} AT TIME ZONE current_setting('TimeZone'))"
            f"::timestamptz - {moment})::float8".encode()
        ).fetchone()[0]
    finally:
        conn.rollback()
    assert same is True
    assert later == 3600.0, later


def test_a_strict_integer_default_of_a_fraction_is_said_to_fail_on_sqlite(loader: Loader) -> None:
    """Stranger61 013: a STRICT table's INTEGER column refuses 1.5 (the case's witness: real
    SQLite refuses the insert that omits it), so the message says inserts fail there, not that
    SQLite stores 1.5; in a plain table SQLite does store 2.5, and says so."""
    message = _message(loader, "sl-pg.default-fraction-in-strict-integer")
    assert (
        "inserts that omit t.n fail on SQLite: the column's CHECK or type refuses its default 1.5"
        in message
    ), message
    assert "SQLite stores" not in message, message
    found = compare_expected(loader, "sl-pg.eval-default-fraction-in-integer")
    (message,) = [d.message for d in found.differences if d.column == "n"]
    assert "SQLite stores 2.5, PostgreSQL stores 3" in message, message
    assert "fail on SQLite" not in message, message


def test_a_strict_integer_clock_default_with_a_fraction_is_said_to_fail_on_sqlite(
    loader: Loader,
) -> None:
    """Stranger63 028: julianday('now') arithmetic gives a REAL with a fraction, which a STRICT
    table's INTEGER column refuses: inserts that omit it fail on SQLite, said with the value at
    the fixed moment, not that SQLite gives the time with a fraction; a plain table keeps it."""
    message = _message(loader, "sl-pg.default-clock-ms-in-strict-integer")
    assert "inserts that omit t.at_ms fail on SQLite: its STRICT table's" in message, message
    assert "the REAL 1000000000750.999" in message, message
    assert "SQLite gives" not in message, message
    message = _message(loader, "sl-pg.default-clock-ms-in-strict-integer-plain-near-miss")
    assert "SQLite gives the current time as Unix milliseconds with a fraction" in message, message
    assert "fail on SQLite" not in message, message
