"""Two moments one CHECK compares, TEXT on SQLite pinned to one form of one width, timestamptz or
timestamp on PostgreSQL (stranger75 001, 003, 006): the form still spells one moment twice, hour
24 being the next midnight to PostgreSQL, and every GLOB or strftime() pin passes it, so
``CHECK (ends_at > starts_at)`` is a ``check`` difference whose witness SQLite stores and
PostgreSQL refuses. The pin the difference's reason advises (``offset_checks.PIN_UTC``,
``PIN_WALL``) refuses it, and the tool calls the pair in sync (near miss). Real SQLite and
PostgreSQL: the witness row is inserted in both."""

from __future__ import annotations

import re
import sqlite3

import psycopg
import pytest
from probes import Loader, compare_texts
from support.stored import PG_CHECK, stored_on_each

from twinschema.evaluate.offset_checks import PIN_UTC, PIN_WALL
from twinschema.records import Difference

SQLITE_PG = ("sqlite", "postgresql")
UTC_GLOB = "{c} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'"
UTC_STRF = "strftime('%Y-%m-%dT%H:%M:%SZ', {c})"
WALL_GLOB = "{c} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]'"
# Per kind: PostgreSQL's type, the witness (ends_at, starts_at), the advised pin.
KINDS = {
    "timestamptz": ("timestamptz", ("2026-01-02T00:00:00Z", "2026-01-01T24:00:00Z"), PIN_UTC),
    "timestamp": ("timestamp", ("2026-01-02 00:00:00", "2026-01-01 24:00:00"), PIN_WALL),
}


def _pg(kind: str) -> str:
    t = KINDS[kind][0]
    return (
        f"CREATE TABLE shift (starts_at {t} NOT NULL, ends_at {t} NOT NULL, "
        "CHECK (ends_at > starts_at));"
    )


def _sqlite(pin: str) -> str:
    """The SQLite table, each column held by ``pin`` (``{c}`` the column)."""
    held = {c: f" CHECK ({pin.format(c=c)})" for c in ("starts_at", "ends_at")}
    return (
        f"CREATE TABLE shift (starts_at TEXT NOT NULL{held['starts_at']}, "
        f"ends_at TEXT NOT NULL{held['ends_at']}, CHECK (ends_at > starts_at));"
    )


def _pair(loader: Loader, sqlite: str, kind: str) -> list[Difference]:
    found = compare_texts(loader, SQLITE_PG, sqlite, _pg(kind)).differences
    return [d for d in found if d.kind == "check" and d.left and d.right]


def _stored(
    loader: Loader,
    sqlite: str,
    kind: str,
    row: tuple[str, str],
    refusals: tuple[type[Exception], ...] = PG_CHECK,
) -> tuple[bool, bool]:
    """Whether each real database stores ``row`` as (ends_at, starts_at) (PostgreSQL's table a
    temporary one; rolled back); ``refusals``: PostgreSQL's errors that mean it refused it."""
    with loader.connect() as pg:
        return stored_on_each(
            ":memory:",
            pg,
            ("INSERT INTO shift (ends_at, starts_at) VALUES (?, ?)", row),
            ddl=(sqlite, _pg(kind).replace("CREATE TABLE shift", "CREATE TEMP TABLE shift")),
            refusals=refusals,
        ).accepted


@pytest.mark.parametrize(
    ("kind", "pin"),
    [
        ("timestamptz", UTC_GLOB),
        ("timestamptz", f"{UTC_STRF} = {{c}}"),
        ("timestamptz", f"{{c}} IS {UTC_STRF}"),
        ("timestamptz", f"{UTC_GLOB} AND {{c}} IS {UTC_STRF}"),
        ("timestamp", WALL_GLOB),
        ("timestamp", "{c} IS strftime('%Y-%m-%d %H:%M:%S', {c})"),
    ],
    ids=["utc-glob", "utc-equals-strftime", "utc-is-strftime", "utc-both", "glob", "is-strftime"],
)
def test_a_one_width_pin_passes_hour_24(loader: Loader, kind: str, pin: str) -> None:
    """The pair is a difference whose witness, as data too, is the hour-24 row: SQLite stores
    it under the pin, PostgreSQL's CHECK refuses it (the same moment twice)."""
    sqlite = _sqlite(pin)
    (d,) = _pair(loader, sqlite, kind)
    row = KINDS[kind][1]
    assert d.witness is not None
    assert d.witness.columns == ("ends_at", "starts_at")
    assert d.witness.values == row
    assert d.witness.accepts == "left"
    assert _stored(loader, sqlite, kind, row) == (True, False)
    advice = KINDS[kind][2]
    assert advice in d.message  # the pin the near miss below proves
    assert "julianday" not in d.message  # no advice that is a difference itself (003)


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_advised_pin_is_in_sync(loader: Loader, kind: str) -> None:
    """Near miss: each column held by the pin the reason advises refuses hour 24 and ':60' on
    real SQLite, and the tool calls the pair in sync."""
    pin = re.sub(r"\bx\b", "{c}", KINDS[kind][2])
    sqlite = _sqlite(pin)
    assert _pair(loader, sqlite, kind) == []
    row = KINDS[kind][1]
    assert _stored(loader, sqlite, kind, row) == (False, False)
    leap = (row[0], row[0].replace("2026-01-02", "2026-01-01").replace("00:00:00", "23:59:60"))
    assert _stored(loader, sqlite, kind, leap) == (False, False)
    ordered = (row[0], row[0].replace("2026-01-02", "2026-01-01"))
    assert _stored(loader, sqlite, kind, ordered) == (True, True)


# Per kind: a moment on a day no calendar has, in the form of the kind's pin.
NO_DAY = {"timestamptz": "2024-02-30T10:00:00Z", "timestamp": "2024-02-30 10:00:00"}
# The pin s77clock advised, which holds the hour but prints '2024-02-30' back unchanged.
BELOW_24 = {
    "timestamptz": "{c} IS strftime('%Y-%m-%dT%H:%M:%SZ', {c}) AND substr({c}, 12, 2) < '24'",
    "timestamp": "{c} IS strftime('%Y-%m-%d %H:%M:%S', {c}) AND substr({c}, 12, 2) < '24'",
}


def _value_warnings(loader: Loader, sqlite: str, kind: str) -> list[str]:
    """Each value_compatibility warning on starts_at, its message and its hint."""
    found: list[Difference] = []
    compare_texts(loader, SQLITE_PG, sqlite, _pg(kind), found)
    return [f"{d.message} hint: {d.hint}" for d in found if d.column == "starts_at"]


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_pin_below_hour_24_passes_a_day_no_calendar_has(loader: Loader, kind: str) -> None:
    """s79time: strftime() without a modifier prints '2024-02-30 ...' back unchanged, so the
    hour pin stores it on real SQLite and PostgreSQL's type refuses it: a value warning naming
    it, whose hint is the advised pin; the pair itself stays in sync."""
    sqlite = _sqlite(BELOW_24[kind])
    assert _pair(loader, sqlite, kind) == []
    (message,) = _value_warnings(loader, sqlite, kind)
    assert f"the text '{NO_DAY[kind]}' (no such day" in message
    assert re.sub(r"\bx\b", "starts_at", KINDS[kind][2]) in message  # the advised pin
    day = NO_DAY[kind]
    later = day.replace("2024-02-30", "2024-03-02")
    overflow = (psycopg.errors.DatetimeFieldOverflow,)  # PostgreSQL's type refuses it
    assert _stored(loader, sqlite, kind, (later, day), overflow) == (True, False)


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_advised_pin_holds_real_days(loader: Loader, kind: str) -> None:
    """Near miss: the advised pin refuses '2024-02-30 ...' and year zero on real SQLite, and
    the tool gives the column no value warning."""
    sqlite = _sqlite(re.sub(r"\bx\b", "{c}", KINDS[kind][2]))
    assert _value_warnings(loader, sqlite, kind) == []
    conn = sqlite3.connect(":memory:")
    conn.execute(sqlite)
    for bad in (NO_DAY[kind], NO_DAY[kind].replace("2024-02-30", "0000-01-01")):
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("INSERT INTO shift (starts_at, ends_at) VALUES (?, ?)", (bad, "9999"))
