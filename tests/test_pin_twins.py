"""SQLite's one-UTC-form pin on one side only against a PostgreSQL timestamptz (stranger86
005, ``evaluate.pin_twins``): the hint said "add it to" the PostgreSQL side, which has no
strftime() and holds instants. It is a real difference (witnesses run on both real databases
by the golden walker: '2024-01-01 00:00:00.6+00:00' against timestamptz, 'infinity' against
timestamptz(0), which is no mirror of the pin as a scale's round() is), and the hint now says
what refuses the same instants there: a timestamptz (timestamptz(0) rounds a fraction, it does
not refuse it: recheck88) with ``utc_form_rule``'s CHECK, run here on a real PostgreSQL, in UTC and
in America/Los_Angeles. Near miss: against a text column the hint is not that one."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
from probes import Loader, compare_expected, compare_texts

from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect_kwargs
from twinschema.evaluate.pin_twins import text_form_rule, utc_form_rule
from twinschema.urls import parse_url

CASE = "sl-pg.check-one-sided-utc-pin-vs-{}"
CHECK = (
    "CHECK (sold_at = date_trunc('second', sold_at, 'UTC') AND isfinite(sold_at) AND sold_at >= "
    "'0001-01-01 00:00:00+00' AND sold_at < '10000-01-01 00:00:00+00')"
)
RULE = (
    CHECK + " (the text form stays SQLite's own: keep this CHECK and allow it, as below), or "
    "remove it from "
)


def _hint(loader: Loader, name: str) -> str:
    found = compare_expected(loader, CASE.format(name))
    (check,) = [d for d in found.differences if d.kind == "check"]
    return check.hint


def test_the_pin_against_timestamptz_asks_for_timestamptz0_and_its_check(loader: Loader) -> None:
    hint = _hint(loader, "timestamptz")
    assert (
        "b.sql has no strftime() and its timestamptz holds instants, not a text form; of what it "
        "stores this CHECK refuses a fraction (kept to the microsecond), 'infinity' and years "
        "past 9999 or BC: to refuse those there too, give it " + RULE
    ) in hint, hint
    assert "timestamptz(0)" not in hint, hint
    assert "add it to" not in hint, hint


def test_the_pin_against_timestamptz0_asks_for_its_check_alone(loader: Loader) -> None:
    hint = _hint(loader, "timestamptz0")
    assert (
        "this CHECK refuses a fraction, which timestamptz(0) rounds to the second (it stores "
        "'2024-01-01 00:00:00.6+00' as '2024-01-01 00:00:01+00': rounded, not refused, and no "
        "CHECK there sees what it rounded away), 'infinity' and years past 9999 or BC: to refuse "
        "those there too, declare sold_at timestamptz (it keeps the fraction) with " + RULE
    ) in hint, hint
    assert "refuses a fraction (kept" not in hint and "add it to" not in hint, hint


TEXT_RULE = (
    "CHECK (to_char(CASE WHEN pg_input_is_valid(sold_at, 'timestamp') THEN sold_at::timestamp "
    'END, \'YYYY-MM-DD"T"HH24:MI:SS"Z"\') IS NOT DISTINCT FROM sold_at)'
)
PIN = "CHECK (sold_at IS strftime('%Y-%m-%dT%H:%M:%SZ', sold_at, '+0 days') AND sold_at >= '0001-01-01')"


def test_the_pin_against_text_is_written_in_postgresqls_terms(loader: Loader) -> None:
    """recheck88 (fix87b left): against a text column the hint said "add it to b.sql", which has
    no strftime(); it now gives the rule in PostgreSQL's terms (``text_form_rule``)."""
    hint = _hint(loader, "text-near-miss")
    assert "timestamptz" not in hint and "isfinite" not in hint, hint
    assert hint.startswith(
        "b.sql has no strftime(): write it in PostgreSQL's terms there, " + TEXT_RULE + " ("
    ), hint
    assert "add it to" not in hint, hint
    assert text_form_rule("sold_at") == TEXT_RULE


def test_the_rule_in_postgresqls_terms_is_the_pin_there(loader: Loader) -> None:
    """The hint's rule, written on the PostgreSQL side: the check finds the pair equal (no
    difference left)."""
    a = f"CREATE TABLE pass (id INTEGER PRIMARY KEY, sold_at TEXT {PIN});"
    b = f"CREATE TABLE pass (id bigint PRIMARY KEY, sold_at text {TEXT_RULE});"
    found = compare_texts(loader, ("sqlite", "postgresql"), a, b)
    assert [d for d in found.differences if d.kind == "check"] == [], found.differences
    assert any("CHECK" in (e.left or "") for e in found.equivalences), found.equivalences


# Texts the pin takes and refuses: its own form; a day, an hour 24, a second 60, a fraction, a
# space, an offset, year 0 and BC, a date alone, the infinities, a time word.
TEXTS = ("2024-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
         "2024-02-30T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T23:59:60Z",
         "2024-01-01T00:00:00.5Z", "2024-01-01 00:00:00Z", "2024-01-01T00:00:00+00:00",
         "0000-01-01T00:00:00Z", "0044-03-15T00:00:00Z BC", "2024-01-01", "infinity",
         "epoch", " 2024-01-01T00:00:00Z", "2024-01-01t00:00:00z", None)  # fmt: skip


def _taken(pg_url: str, pin: str, rule: str, values: tuple[str | None, ...]) -> list[bool]:
    """Whether a real SQLite column with ``pin`` and a real PostgreSQL text column with
    ``rule`` take each value, asserted the same on both (refused there by the CHECK itself)."""
    taken = []
    for value in values:
        with sqlite3.connect(":memory:") as conn:
            conn.execute(f"CREATE TABLE pass (sold_at TEXT {pin})")
            try:
                conn.execute("INSERT INTO pass VALUES (?)", (value,))
                local = True
            except sqlite3.IntegrityError:
                local = False
        with psycopg.connect(**connect_kwargs(parse_url(pg_url), ReflectOptions())) as c:
            c.execute(f"CREATE TEMP TABLE pass (sold_at text {rule})".encode())
            try:
                c.execute("INSERT INTO pass VALUES (%s)", (value,))
                remote = True
            except psycopg.errors.CheckViolation:
                remote = False
        assert local == remote, (value, local, remote)
        taken.append(local)
    return taken


def test_the_rule_refuses_on_postgresql_what_the_pin_refuses_on_sqlite(pg_url: str) -> None:
    """Each text (and NULL), inserted into a real SQLite column with the pin and a real
    PostgreSQL text column with the hint's rule: taken by both or refused by both, the rule's
    refusals by the CHECK itself (no cast error)."""
    taken = _taken(pg_url, PIN, TEXT_RULE, TEXTS)
    assert taken[:3] == [True] * 3 and taken[-1] is True and not any(taken[3:-1]), taken


def _stored(pg_url: str, zone: str, column: str, value: str) -> str | None:
    """What a real PostgreSQL stores of ``value`` in a new table's ``column`` (a type and
    CHECK), in a session in ``zone``: its text in UTC, or None where it refuses the row."""
    with psycopg.connect(**connect_kwargs(parse_url(pg_url), ReflectOptions())) as conn:
        conn.execute(f"SET TimeZone = '{zone}'".encode())
        conn.execute(f"CREATE TEMP TABLE pass (sold_at {column})".encode())
        try:
            conn.execute("INSERT INTO pass VALUES (%s)", (value,))
        except psycopg.errors.CheckViolation:
            return None
        conn.execute(b"SET TimeZone = 'UTC'")
        row = conn.execute(b"SELECT sold_at::text FROM pass").fetchone()
        assert row is not None
        return str(row[0])


REFUSED = ("2024-01-01 00:00:00.6+00", "infinity", "-infinity", "10000-01-01 00:00:00+00",
           "0044-03-15 00:00:00+00 BC")  # fmt: skip
# Whole seconds it keeps: plain, at the first and last instants, and 01:30 twice on the night
# Los Angeles leaves summer time (no session's zone reads the truncation).
KEPT = ("2024-01-01 00:00:00+00", "0001-01-01 00:00:00+00", "9999-12-31 23:59:59+00",
        "2026-11-01 01:30:00-07", "2026-11-01 01:30:00-08")  # fmt: skip


@pytest.mark.parametrize("zone", ["UTC", "America/Los_Angeles"])
def test_the_rule_the_hint_gives_refuses_what_the_pin_refuses(pg_url: str, zone: str) -> None:
    """The hint's CHECK, on a real timestamptz: it refuses a fraction, the infinities, year
    10000 and BC, each of which the pin refuses in any text form (the golden cases' witnesses
    are two of them), and keeps whole seconds; the hint's text is that rule's."""
    column = "timestamptz " + utc_form_rule("sold_at")
    assert utc_form_rule("sold_at") == CHECK
    for value in REFUSED:
        assert _stored(pg_url, zone, column, value) is None, value
    for value in KEPT:
        assert _stored(pg_url, zone, column, value) is not None, value


def test_timestamptz0_rounds_a_fraction_and_does_not_refuse_it(pg_url: str) -> None:
    """What the hint says of timestamptz(0) (it said that type refused a fraction): with the
    rule's CHECK, it stores '...00.6+00' as '...01+00', the instant rounded, not the row refused;
    the rule on a timestamptz without a precision refuses it (above)."""
    column = "timestamptz(0) " + utc_form_rule("sold_at")
    stored = _stored(pg_url, "UTC", column, "2024-01-01 00:00:00.6+00")
    assert stored == "2024-01-01 00:00:01+00"


# recheck88's own form, without the bound: it takes year 0000 (recheck89 r88_4).
UNBOUNDED = "CHECK (sold_at IS strftime('%Y-%m-%dT%H:%M:%SZ', sold_at, '+0 days'))"
YEAR_ZERO = ("0000-01-01T00:00:00Z", "0000-02-29T12:30:00Z", "0000-12-31T23:59:59Z",
             "0000-02-30T00:00:00Z", "0000-01-01T24:00:00Z", "0000-01-01T00:00:00.5Z",
             "0000-01-01", "2000-02-29T00:00:00Z", "-0001-01-01T00:00:00Z", "0000")  # fmt: skip


def test_the_unbounded_pin_against_text_gets_its_rule(loader: Loader, pg_url: str) -> None:
    """The pin without ``>= '0001-01-01'`` against a text column (recheck89: still "add it to
    b.sql"): the hint gives the rule in PostgreSQL's terms that takes year 0000 as the pin does;
    on real databases the two take and refuse the same texts, and the check finds them equal.
    Near miss: the bounded pin's rule refuses year 0000, as that pin does."""
    a = f"CREATE TABLE pass (id INTEGER PRIMARY KEY, sold_at TEXT {UNBOUNDED});"
    b = "CREATE TABLE pass (id bigint PRIMARY KEY, sold_at text);"
    (check,) = [d for d in compare_texts(loader, ("sqlite", "postgresql"), a, b).differences
                if d.kind == "check"]  # fmt: skip
    rule = text_form_rule("sold_at", year_zero=True)
    assert check.hint.startswith(
        f"b.sql has no strftime(): write it in PostgreSQL's terms there, {rule} ("
    ), check.hint
    assert "add it to" not in check.hint, check.hint
    taken = _taken(pg_url, UNBOUNDED, rule, TEXTS + YEAR_ZERO)
    assert taken[len(TEXTS) :] == [True] * 3 + [False] * 4 + [True] + [False] * 2, taken
    assert _taken(pg_url, PIN, TEXT_RULE, YEAR_ZERO[:1]) == [False]
    fixed = f"CREATE TABLE pass (id bigint PRIMARY KEY, sold_at text {rule});"
    found = compare_texts(loader, ("sqlite", "postgresql"), a, fixed)
    assert [d for d in found.differences if d.kind == "check"] == [], found.differences


def test_the_unbounded_pin_against_timestamptz_keeps_1_bc(loader: Loader, pg_url: str) -> None:
    """The pin without its bound against a timestamptz (recheck89 r88_4: "add it to pg.sql"): the
    hint's rule takes 1 BC (the pin's year 0000) and refuses what is before it, a fraction, the
    infinities and year 10000, on a real PostgreSQL."""
    a = f"CREATE TABLE pass (id INTEGER PRIMARY KEY, sold_at TEXT {UNBOUNDED});"
    b = "CREATE TABLE pass (id bigint PRIMARY KEY, sold_at timestamptz);"
    (check,) = [d for d in compare_texts(loader, ("sqlite", "postgresql"), a, b).differences
                if d.kind == "check"]  # fmt: skip
    rule = utc_form_rule("sold_at", year_zero=True)
    assert (
        f"years past 9999 or before 1 BC (its year 0000): to refuse those there too, give it {rule}"
        in check.hint
    ), check.hint
    assert "add it to" not in check.hint, check.hint
    column = "timestamptz " + rule
    for value in ("0001-01-01 00:00:00+00 BC", "0001-12-31 23:59:59+00 BC", *KEPT):
        assert _stored(pg_url, "UTC", column, value) is not None, value
    for value in ("0002-12-31 23:59:59+00 BC", "0001-06-15 00:00:00.5+00 BC", *REFUSED[:4]):
        assert _stored(pg_url, "UTC", column, value) is None, value
    # The pin takes the year 0000 text of the first of those instants and refuses the year before.
    with sqlite3.connect(":memory:") as conn:
        pin = "SELECT ? IS strftime('%Y-%m-%dT%H:%M:%SZ', ?, '+0 days')"
        assert conn.execute(pin, ("0000-01-01T00:00:00Z",) * 2).fetchone() == (1,)
        assert conn.execute(pin, ("-0001-12-31T23:59:59Z",) * 2).fetchone() == (0,)
