"""A view's witness is an ordinary moment where one parts the views, and a witness written with
hour 24 or second 60 says that only such a time parts them (stranger83 008: ``strftime('%Y-%W')``
against ``to_char('IYYY-IW')`` was witnessed by '2024-01-01 24:00:00' though any 1 January
parts them; ``strftime('%Y-%m')`` against ``to_char('YYYY-MM')`` parts on '23:59:60' only, and
the message did not say so). Each witness and each claim of the note is run on the real
databases."""

from __future__ import annotations

import re
import sqlite3

import psycopg
import pytest
from probes import Loader, compare_texts

from twinschema.evaluate.view_wall import WALL_NOTE, is_wall
from twinschema.records import Difference

CROSS = ("sqlite", "postgresql")
_TABLE = "CREATE TABLE performance (id {}, show_id {} NOT NULL, starts_at {} NOT NULL);\n"
_SL = _TABLE.format("INTEGER PRIMARY KEY", "INTEGER", "TEXT")
_PG = _TABLE.format("integer PRIMARY KEY", "integer", "timestamptz")
_VIEW = "CREATE VIEW v AS SELECT show_id, {} AS k, count(*) AS n FROM performance GROUP BY 1, 2;"
# Each view's key on each side: (SQLite, PostgreSQL).
WEEK = ("strftime('%Y-%W', starts_at)", "to_char(starts_at, 'IYYY-IW')")
MONTH = ("strftime('%Y-%m', starts_at)", "to_char(starts_at, 'YYYY-MM')")
# Ordinary moments (an hour of the day, no hour 24 or second 60) across a year's turn.
ORDINARY = [
    f"{d} {t}"
    for d in ("2023-12-31", "2024-01-01", "2024-02-29", "2024-12-31", "2025-01-01")
    for t in ("00:00:00", "10:00:00", "23:59:59")
]


def _view_difference(loader: Loader, keys: tuple[str, str]) -> Difference:
    found = compare_texts(
        loader, CROSS, _SL + _VIEW.format(keys[0]), _PG + _VIEW.format(keys[1])
    ).differences
    (view,) = [d for d in found if d.kind == "view"]
    return view


def _keys_on_real_databases(
    pg_url: str, keys: tuple[str, str], moment: str
) -> tuple[object, object]:
    """Each side's key of one moment, as its view computes it from the column it stores."""
    with sqlite3.connect(":memory:") as db:
        mine = db.execute(f"SELECT {keys[0]} FROM (SELECT ? AS starts_at)", (moment,)).fetchone()
    with psycopg.connect(pg_url.replace("postgresql+psycopg", "postgresql")) as conn:
        sql = f"SELECT {keys[1]} FROM (SELECT %s::timestamptz AS starts_at) AS p"
        theirs = conn.execute(sql, (moment,)).fetchone()
    assert mine is not None and theirs is not None
    return mine[0], theirs[0]


def test_an_ordinary_moment_witnesses_a_week_number_view(loader: Loader, pg_url: str) -> None:
    """SQLite's %W (weeks from the first Monday) against the ISO week parts on an ordinary
    moment: that is the witness, and the note of hour 24 / second 60 is not given. The witness
    parts the real databases' keys, as the brief's '2025-01-01 10:00:00' does."""
    view = _view_difference(loader, WEEK)
    assert view.witness is not None
    moment = view.witness.values[view.witness.columns.index("starts_at")]
    assert not is_wall(moment)
    assert WALL_NOTE not in view.message
    mine, theirs = _keys_on_real_databases(pg_url, WEEK, str(moment))
    assert mine != theirs
    assert _keys_on_real_databases(pg_url, WEEK, "2025-01-01 10:00:00") == ("2025-00", "2025-01")


def test_a_month_view_parting_on_second_60_only_says_so(loader: Loader, pg_url: str) -> None:
    """``strftime('%Y-%m')`` against ``to_char('YYYY-MM')`` parts only on a time written with
    second 60 (SQLite's date functions read it as NULL): still a difference, its witness that
    moment, and the message says only such a time parts them. Near miss on the real databases:
    every ordinary moment gives one key on both sides."""
    view = _view_difference(loader, MONTH)
    assert view.witness is not None
    moment = str(view.witness.values[view.witness.columns.index("starts_at")])
    assert is_wall(moment)
    assert view.message.count(WALL_NOTE) == 1
    mine, theirs = _keys_on_real_databases(pg_url, MONTH, moment)
    assert mine != theirs
    for ordinary in ORDINARY:
        mine, theirs = _keys_on_real_databases(pg_url, MONTH, ordinary)
        assert mine is not None and mine == theirs, ordinary


@pytest.mark.parametrize(
    ("text", "on_sqlite", "on_postgresql"),
    [
        # Hour 24: SQLite's date() keeps the day, PostgreSQL reads the next day's midnight.
        ("2024-01-01 24:00:00", "2024-01-01", "2024-01-02 00:00:00+00"),
        # Second 60: NULL to SQLite's date functions, the next minute to PostgreSQL.
        ("2024-01-01 23:59:60", None, "2024-01-02 00:00:00+00"),
        ("2024-01-01 10:15:60", None, "2024-01-01 10:16:00+00"),
        # Near miss: an ordinary time is one moment on both.
        ("2024-01-01 23:59:59", "2024-01-01", "2024-01-01 23:59:59+00"),
    ],
)
def test_what_the_note_says_of_hour_24_and_second_60(
    pg_url: str, text: str, on_sqlite: str | None, on_postgresql: str
) -> None:
    """The note's words on the real databases: SQLite's date() of the text, PostgreSQL's
    timestamptz of it in UTC; and ``is_wall`` takes exactly the first three."""
    with sqlite3.connect(":memory:") as db:
        assert db.execute("SELECT date(?)", (text,)).fetchone() == (on_sqlite,)
    with psycopg.connect(pg_url.replace("postgresql+psycopg", "postgresql")) as conn:
        conn.execute("SET TimeZone = 'UTC'")
        assert conn.execute("SELECT %s::timestamptz::text", (text,)).fetchone() == (on_postgresql,)
    assert is_wall(text) == (text.endswith(":60") or " 24:" in text)
    assert "SQLite's date functions as the same day (hour 24) or NULL (second 60)" in WALL_NOTE


@pytest.mark.parametrize(
    ("value", "wall"),
    [
        ("2024-01-01 24:00:00", True),
        ("2024-01-01T24:00:00Z", True),
        ("2024-01-01 23:59:60.5+00:00", True),
        # Near misses: minute 24, a 24th day, a minute written 60 (no second 60), no text.
        ("2024-01-01 10:24:00", False),
        ("2024-12-24 00:00:00", False),
        ("2024-01-01 10:60:00", False),
        (24, False),
    ],
)
def test_which_texts_are_hour_24_or_second_60(value: object, wall: bool) -> None:
    """``is_wall`` takes a time written with hour 24 or second 60, and no other."""
    assert is_wall(value) is wall


def test_the_note_names_a_spelling_the_probes_lack_that_parts_them(pg_url: str) -> None:
    """The recheck of stranger83 008: the note said that where no hour 24 or second 60 is
    written the views agree, but '2024-01-31 23:30:00+0100' (Python's %z), which both databases
    store, parts strftime('%Y-%m') from to_char(.., 'YYYY-MM'): SQLite reads no date in it. The
    note now names that spelling instead of promising agreement."""
    text = "2024-01-31 23:30:00+0100"
    with sqlite3.connect(":memory:") as db:
        assert db.execute("SELECT strftime('%Y-%m', ?)", (text,)).fetchone() == (None,)
    with psycopg.connect(pg_url.replace("postgresql+psycopg", "postgresql")) as conn:
        conn.execute("SET TimeZone = 'UTC'")
        month = conn.execute("SELECT to_char(%s::timestamptz, 'YYYY-MM')", (text,)).fetchone()
        assert month == ("2024-01",)
    assert "'+0100', which may part them too" in WALL_NOTE
    assert "they agree" not in WALL_NOTE


_WINDOWS = {
    "sqlite": "CREATE TABLE order_windows (id INTEGER PRIMARY KEY, closes_at TEXT NOT NULL);\n"
    "CREATE TABLE orders (id TEXT PRIMARY KEY NOT NULL, window_id INTEGER NOT NULL REFERENCES "
    "order_windows(id), placed_at TEXT NOT NULL);\n",
    "postgresql": "CREATE TABLE order_windows (id integer PRIMARY KEY, closes_at timestamptz "
    "NOT NULL);\nCREATE TABLE orders (id uuid PRIMARY KEY, window_id integer NOT NULL "
    "REFERENCES order_windows(id), placed_at timestamptz NOT NULL);\n",
}
_LATE = (
    "CREATE VIEW late_orders AS SELECT o.id, o.window_id FROM orders o JOIN order_windows w "
    "ON o.window_id = w.id WHERE {} > {};"
)


def _late_on_real_databases(
    pg_url: str, sql: dict[str, str], rows: dict[str, str]
) -> tuple[int, int]:
    """How many late orders each real database's view counts over the witness ``rows``."""
    inserts = [
        f"INSERT INTO order_windows (id, closes_at) VALUES (1, '{rows['closes_at']}')",
        "INSERT INTO orders (id, window_id, placed_at) VALUES "
        f"('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 1, '{rows['placed_at']}')",
    ]
    with sqlite3.connect(":memory:") as db:
        db.executescript(sql["sqlite"])
        for insert in inserts:
            db.execute(insert)
        mine = db.execute("SELECT count(*) FROM late_orders").fetchone()[0]
    with psycopg.connect(pg_url.replace("postgresql+psycopg", "postgresql")) as conn:
        conn.execute("SET TimeZone = 'UTC'")
        conn.execute(
            "CREATE TEMP TABLE order_windows (id integer PRIMARY KEY, closes_at timestamptz)"
        )
        conn.execute("CREATE TEMP TABLE orders (id uuid, window_id integer, placed_at timestamptz)")
        conn.execute("CREATE TEMP VIEW late_orders AS " + sql["postgresql"].split(" AS ", 1)[1])
        for insert in inserts:
            conn.execute(insert.encode())
        theirs = conn.execute("SELECT count(*) FROM late_orders").fetchone()
        conn.rollback()
    assert theirs is not None
    return mine, theirs[0]


_DAYS = (
    ("date(o.placed_at)", "date(w.closes_at)"),
    ("(o.placed_at AT TIME ZONE 'UTC')::date", "(w.closes_at AT TIME ZONE 'UTC')::date"),
)


@pytest.mark.parametrize(
    ("compared", "ordinary"),
    [
        ((("o.placed_at", "w.closes_at"),) * 2, True),
        # Near miss: SQLite's date() of the text against the day in UTC part only on hour 24
        # or second 60 ('24:00:00' is the same day to date(), the next to PostgreSQL)
        (_DAYS, False),
    ],
    ids=["text-order", "days-wall-only"],
)
def test_a_view_over_a_join_is_witnessed_by_ordinary_moments(
    loader: Loader, pg_url: str, compared: tuple[tuple[str, str], ...], ordinary: bool
) -> None:
    """The recheck of stranger84 (5): ``late_orders`` (placed_at > closes_at over orders JOIN
    order_windows; TEXT against timestamptz) was witnessed by '2024-01-01 23:59:60' and
    '24:00:00': over a join, the rows left without such a text were given up whole (an order
    whose window held one had no parent). Now the orders go with their windows, and an
    ordinary pair parts them (a text written west of UTC sorts before a later day's text in
    UTC and is the later moment): no note. The witness parts the real databases' views."""
    sql = {d: _WINDOWS[d] + _LATE.format(*c) for d, c in zip(CROSS, compared, strict=True)}
    found = compare_texts(loader, CROSS, sql["sqlite"], sql["postgresql"]).differences
    (view,) = [d for d in found if d.kind == "view"]
    rows = _witness_rows(view.message)
    assert any(is_wall(v) for v in rows.values()) is not ordinary, view.message
    assert (WALL_NOTE in view.message) is not ordinary
    mine, theirs = _late_on_real_databases(pg_url, sql, rows)
    assert mine != theirs, (rows, mine, theirs)


def _witness_rows(message: str) -> dict[str, str]:
    """The moments of a late_orders witness: each table's last value, as the message says it."""
    found = re.findall(r"(order_windows|orders) \([^)]*\) = \(([^)]*)\)", message)
    last = {table: values.rsplit(", ", 1)[1].strip("'") for table, values in found}
    return {"closes_at": last["order_windows"], "placed_at": last["orders"]}
