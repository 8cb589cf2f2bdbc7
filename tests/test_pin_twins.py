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
from probes import Loader, case_named, compare_expected, compare_texts

from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect_kwargs
from twinschema.evaluate.pin_twins import text_form_rule, utc_form_rule
from twinschema.records import Difference
from twinschema.urls import parse_url

CASE = "sl-pg.check-one-sided-utc-pin-vs-{}"
CHECK = (
    "CHECK ((sold_at = date_trunc('second'::text, sold_at, 'UTC'::text)) AND isfinite(sold_at) AND "
    "(EXTRACT(year FROM (sold_at AT TIME ZONE 'UTC'::text)) >= (1)::numeric) AND (EXTRACT(year "
    "FROM (sold_at AT TIME ZONE 'UTC'::text)) <= (9999)::numeric))"
)
BOUNDED = (
    "sold_at IS strftime('%Y-%m-%dT%H:%M:%SZ', sold_at, '+0 days') AND sold_at >= '0001-01-01'"
)
# The allowance of the pair the hint offers: the check asks for it once both CHECKs are written.
PAIR = (
    '{kind: check, checks: {sqlite: "' + BOUNDED + '", postgresql: "' + CHECK[7:-1] + '"}, '
    "reason: ...}"
)
RULE = (
    CHECK + " (the text form stays SQLite's own: keep the CHECK and allow the pair, which the "
    "check then asks for, by " + PAIR + "), or remove it from "
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


def test_the_unbounded_pin_against_timestamptz_asks_for_the_bound(
    loader: Loader, pg_url: str
) -> None:
    """The pin without its bound against a timestamptz (recheck90 r88_4): the hint's rule took
    1 BC "to mirror" the pin's year 0000 while the value warning of year 0000 advised the bound;
    no text carries that year across (run here: PostgreSQL refuses '0000-01-01T00:00:00Z', and
    writes 1 BC in the pin's form as '0001-01-01T00:00:00Z', 1 AD), so the hint now asks for
    the bound too, and its rule refuses 1 BC, with the infinities, a fraction and year 10000."""
    a = f"CREATE TABLE pass (id INTEGER PRIMARY KEY, sold_at TEXT {UNBOUNDED});"
    b = "CREATE TABLE pass (id bigint PRIMARY KEY, sold_at timestamptz);"
    warnings: list[Difference] = []
    (check,) = [d for d in compare_texts(loader, ("sqlite", "postgresql"), a, b, warnings).differences
                if d.kind == "check"]  # fmt: skip
    assert (
        "years past 9999 or before 1 BC, and the year 0000 it takes has no instant there "
        "(PostgreSQL reads no year 0: it refuses '0000-01-01T00:00:00Z', and writes its 1 BC "
        "'0001-01-01 00:00:00+00 BC', which this CHECK refuses): bound this CHECK to the years "
        f"both read, CHECK ({BOUNDED}), as the value warning of year 0000 says, and to refuse "
        f"the same there, give it {RULE}"
    ) in check.hint, check.hint
    assert "add it to" not in check.hint and " BC'" not in check.hint.split("(the text")[1]
    # The value warning of year 0000 advises the same bound: one story.
    (zero,) = [w for w in warnings if "no year zero" in w.message]
    assert f"CHECK ({BOUNDED})" in zero.hint, zero.hint
    column = "timestamptz " + utc_form_rule("sold_at")
    for value in ("0001-01-01 00:00:00+00 BC", "0001-12-31 23:59:59+00 BC", *REFUSED):
        assert _stored(pg_url, "UTC", column, value) is None, value
    for value in KEPT:
        assert _stored(pg_url, "UTC", column, value) is not None, value
    with psycopg.connect(**connect_kwargs(parse_url(pg_url), ReflectOptions())) as conn:
        conn.execute(b"SET TimeZone = 'UTC'")
        written = conn.execute(
            b"SELECT to_char(timestamptz '0001-01-01 00:00:00+00 BC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
        ).fetchone()
        assert written == ("0001-01-01T00:00:00Z",)  # 1 BC in the pin's form is 1 AD's text
        with pytest.raises(psycopg.errors.DatetimeFieldOverflow):
            conn.execute(b"SELECT timestamptz '0000-01-01T00:00:00Z'")
    with sqlite3.connect(":memory:") as conn:
        pin = "SELECT ? IS strftime('%Y-%m-%dT%H:%M:%SZ', ?, '+0 days')"
        assert conn.execute(pin, ("0000-01-01T00:00:00Z",) * 2).fetchone() == (1,)  # unbounded
        bounded = f"SELECT {BOUNDED.replace('sold_at', '?1')}"
        assert conn.execute(bounded, ("0000-01-01T00:00:00Z",)).fetchone() == (0,)
        assert conn.execute(bounded, ("0001-01-01T00:00:00Z",)).fetchone() == (1,)


PAIR_CASE = "sl-pg.allow-check-utc-pin-pair-as-hinted"


def test_the_pair_the_hint_offers_is_what_the_check_accepts(loader: Loader) -> None:
    """recheck90: written as the hint says (the bound on SQLite, the rule on PostgreSQL), the
    check reported the pair and asked for an allowance of both, not the one-sided one the hint
    offered. The golden case PAIR_CASE is that state, allowed by this domain.yaml entry, which
    is the hint's own (its reason filled in), in the bounded and the unbounded pin's hints; the
    check finds nothing (the walker runs it on real databases, the live PostgreSQL printing the
    rule back as written); its near miss, the old rule taking 1 BC, is reported."""
    entry = PAIR.replace("reason: ...", 'reason: "the text form is the device\'s own"')
    assert entry in (case_named(PAIR_CASE).folder / "domain.yaml").read_text(encoding="utf-8")
    assert (
        (case_named(PAIR_CASE).folder / "b.sql")
        .read_text(encoding="utf-8")
        .endswith(f"timestamptz NOT NULL {CHECK});\n")
    )
    assert PAIR in _hint(loader, "timestamptz") and PAIR in _hint(loader, "timestamptz0")
    assert not compare_expected(loader, PAIR_CASE).differences
    near = compare_expected(loader, PAIR_CASE + "-near-miss")
    assert {d.kind for d in near.differences} == {"check", "stale_allowance"}


# Whole seconds of the years both read, in the pin's form: each crosses both ways.
ROUND_TRIP = ("0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "2024-02-29T23:59:59Z",
              "9999-12-31T23:59:59Z")  # fmt: skip


def test_what_the_bounded_pin_takes_the_rule_takes_and_writes_back(pg_url: str) -> None:
    """Both directions on real databases: each text the bounded pin takes, PostgreSQL's rule
    stores, and writes back in the pin's form (to_char in UTC) as the same text, which the pin
    takes; near miss: year 0000, which the unbounded pin takes, neither stores."""
    column = "timestamptz " + utc_form_rule("sold_at")
    for text in ROUND_TRIP:
        stored = _stored(pg_url, "UTC", column, text)
        assert stored is not None, text
        with psycopg.connect(**connect_kwargs(parse_url(pg_url), ReflectOptions())) as conn:
            conn.execute(b"SET TimeZone = 'UTC'")
            back = conn.execute(
                b'SELECT to_char(%s::timestamptz, \'YYYY-MM-DD"T"HH24:MI:SS"Z"\')', (stored,)
            ).fetchone()
        assert back == (text,), (text, back)
    assert _taken_by_sqlite(PIN, (*ROUND_TRIP, "0000-01-01T00:00:00Z")) == [True] * 4 + [False]


def _taken_by_sqlite(pin: str, values: tuple[str, ...]) -> list[bool]:
    """Whether a real SQLite column with ``pin`` takes each value."""
    taken = []
    with sqlite3.connect(":memory:") as conn:
        conn.execute(f"CREATE TABLE pass (sold_at TEXT {pin})")
        for value in values:
            try:
                conn.execute("INSERT INTO pass VALUES (?)", (value,))
                taken.append(True)
            except sqlite3.IntegrityError:
                taken.append(False)
    return taken
