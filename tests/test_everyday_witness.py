"""A witness is the smallest value that parts two sides, and SQLite's value is shown as SQLite
stores it (stranger71 006).

SQLite's ``CAST(price AS INTEGER)`` truncates, PostgreSQL's ``price::integer`` rounds: 2.7 is 2
on one and 3 on the other, yet the witness was the int4 overflow 2147483648.0 ("only absurd
prices differ"), and it said SQLite computes 2147483648.0 where SQLite 3.40 stores the integer
2147483648 (RETURNING gives a STORED generated column's value before its INTEGER affinity:
0.0 where ``typeof`` says 'integer'). Unique indexes over the cast, and over ``round()``
(half away from zero on SQLite, half to even on PostgreSQL's double), were shown at the int4
edge too. The verdicts stay; the witnesses are everyday prices, checked below on the real
databases."""

from __future__ import annotations

import sqlite3

from probes import PROBES, Loader, compare_expected, compare_texts

CASE = "sl-pg.generated-cast-integer-truncates-vs-rounds"


def test_the_generated_column_witness_is_an_everyday_price_stored_as_sqlite_stores_it(
    loader: Loader,
) -> None:
    """0.7: SQLite stores the integer 0, PostgreSQL 1 (both read on the real databases here).
    Near miss: trunc()::integer within a CHECK's range, in sync (the golden case)."""
    found = compare_expected(loader, CASE)
    (d,) = found.differences
    assert "witness (price) = (0.7): SQLite computes 0, PostgreSQL computes 1" in d.message, (
        d.message
    )
    conn = sqlite3.connect(":memory:")
    conn.executescript((PROBES / CASE / "a.sql").read_text("utf-8"))
    conn.execute("INSERT INTO g1 (price) VALUES (0.7)")
    assert conn.execute("SELECT whole, typeof(whole) FROM g1").fetchall() == [(0, "integer")]
    with loader.connect(autocommit=True) as pg:
        assert pg.execute("SELECT 0.7::double precision::integer").fetchone() == (1,)
    assert compare_expected(loader, CASE + "-near-miss").differences == []


_A = "CREATE TABLE u (id TEXT NOT NULL PRIMARY KEY, price REAL NOT NULL);\n"
_B = "CREATE TABLE u (id text NOT NULL PRIMARY KEY, price double precision NOT NULL);\n"


def test_unique_index_witnesses_are_everyday_prices(loader: Loader) -> None:
    """``UNIQUE (CAST(price AS INTEGER))`` against ``UNIQUE ((price::integer))``: 0.0 then 0.7,
    a duplicate on SQLite only (0 and 0 against 0 and 1), not 2147483648.0; ``UNIQUE
    (round(price))`` on both: 0.0 then 0.5, a duplicate on PostgreSQL only (round(0.5) is 0
    there, 1.0 on SQLite), not -2147483648.5 then -2147483647.5. Each checked on the real
    databases. Near miss: ``UNIQUE (price)`` on both, in sync."""
    cast = compare_texts(
        loader,
        ("sqlite", "postgresql"),
        _A + "CREATE UNIQUE INDEX w ON u (CAST(price AS INTEGER));",
        _B + "CREATE UNIQUE INDEX w ON u ((price::integer));",
    ).differences
    (d,) = cast
    assert (
        "witness (price) = (0.0) then (0.7): PostgreSQL stores both rows, SQLite rejects the "
        "second as a duplicate" in d.message
    ), d.message
    rounded = compare_texts(
        loader,
        ("sqlite", "postgresql"),
        _A + "CREATE UNIQUE INDEX w ON u (round(price));",
        _B + "CREATE UNIQUE INDEX w ON u (round(price));",
    ).differences
    (d,) = rounded
    assert (
        "witness (price) = (0.0) then (0.5): SQLite stores both rows, PostgreSQL rejects the "
        "second as a duplicate" in d.message
    ), d.message
    conn = sqlite3.connect(":memory:")
    assert conn.execute("SELECT CAST(0.7 AS INTEGER), round(0.0), round(0.5)").fetchone() == (
        0,
        0.0,
        1.0,
    )
    with loader.connect(autocommit=True) as pg:
        row = pg.execute(
            "SELECT 0.7::double precision::integer, round(0.0::double precision), "
            "round(0.5::double precision)"
        ).fetchone()
        assert row == (1, 0.0, 0.0)
    plain = compare_texts(
        loader,
        ("sqlite", "postgresql"),
        _A + "CREATE UNIQUE INDEX w ON u (price);",
        _B + "CREATE UNIQUE INDEX w ON u (price);",
    ).differences
    assert plain == [], plain
