"""What a CHECK or length difference says is what parts the two databases on the row it names
(stranger72 008, 005, 009), on real SQLite and PostgreSQL: the message's reason matches its
witness, and the witness as data is the row the message writes."""

from __future__ import annotations

import sqlite3

import pytest
from probes import Loader, compare_texts

from twinschema.records import Difference

SQLITE_PG = ("sqlite", "postgresql")


def _diff(
    loader: Loader, a: str, b: str, warnings: list[Difference] | None = None
) -> list[Difference]:
    return compare_texts(loader, SQLITE_PG, a, b, warnings).differences


def test_two_timestamptz_compared_as_text_name_the_offset_row(loader: Loader) -> None:
    """008: the CHECK pair is a difference whose reason is the UTC offset and whose witness is
    the row SQLite stores and PostgreSQL refuses, as data too."""
    sqlite = "CREATE TABLE i (starts_at TEXT, ends_at TEXT, CHECK (ends_at > starts_at));"
    pg = "CREATE TABLE i (starts_at timestamptz, ends_at timestamptz, CHECK (ends_at > starts_at));"
    warnings: list[Difference] = []
    (d,) = [d for d in _diff(loader, sqlite, pg, warnings) if d.kind == "check"]
    assert "text order is not time order" in d.message
    assert (
        "witness (ends_at, starts_at) = ('2026-01-01T10:00:00+02:00', '2026-01-01T09:30:00Z'): "
        "SQLite accepts, PostgreSQL rejects" in d.message
    )
    assert d.witness is not None
    assert d.witness.columns == ("ends_at", "starts_at")
    assert d.witness.values == ("2026-01-01T10:00:00+02:00", "2026-01-01T09:30:00Z")
    assert d.witness.accepts == "left"
    # The difference names the row: no warning repeats it.
    assert not [w for w in warnings if "compares them as text" in w.message]


def test_a_one_utc_form_refuses_the_offset_row_not_hour_24(loader: Loader) -> None:
    """008's near miss: a GLOB holding each text to 'YYYY-MM-DDTHH:MM:SSZ' leaves no row of
    other offsets, so no message names a row the GLOB refuses ('+02:00'); yet the form still
    passes hour 24, the next midnight to PostgreSQL (stranger75 001), so the pair is a
    difference whose witness is that row, beside the two one-sided GLOBs."""
    glob = "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'"
    sqlite = (
        f"CREATE TABLE i (starts_at TEXT CHECK (starts_at GLOB {glob}), "
        f"ends_at TEXT CHECK (ends_at GLOB {glob}), CHECK (ends_at > starts_at));"
    )
    pg = "CREATE TABLE i (starts_at timestamptz, ends_at timestamptz, CHECK (ends_at > starts_at));"
    warnings: list[Difference] = []
    found = _diff(loader, sqlite, pg, warnings)
    assert sorted(d.left or "" for d in found) == sorted(
        [
            *(f"CHECK ({c} GLOB {glob})" for c in ("ends_at", "starts_at")),
            "CHECK (ends_at > starts_at)",
        ]
    )
    (pair,) = [d for d in found if d.left == "CHECK (ends_at > starts_at)"]
    assert pair.witness is not None
    assert pair.witness.values == ("2026-01-02T00:00:00Z", "2026-01-01T24:00:00Z")
    assert "+02:00" not in repr(pair.witness)
    conn = sqlite3.connect(":memory:")  # the witness passes the GLOBs on real SQLite
    conn.execute(sqlite)
    conn.execute("INSERT INTO i (ends_at, starts_at) VALUES (?, ?)", pair.witness.values)
    assert not [w for w in warnings if "+02:00" in w.message]


def test_a_length_fixed_by_check_is_no_length_difference(loader: Loader) -> None:
    """005: SQLite's length(c) = 5 refuses longer texts too, so no message says PostgreSQL
    rejects values longer than 5 that SQLite stores; the trailing-space row is the warning."""
    sqlite = "CREATE TABLE f (hive_code TEXT NOT NULL CHECK (length(hive_code) = 5));"
    pg = (
        "CREATE DOMAIN hivecode AS varchar(5) CHECK (char_length(VALUE) = 5);"
        "CREATE TABLE f (hive_code hivecode NOT NULL);"
    )
    warnings: list[Difference] = []
    assert _diff(loader, sqlite, pg, warnings) == []
    said = [w.message for w in warnings if w.column == "hive_code"]
    assert said == [
        "f.hive_code: the text 'xxxxx ' (a trailing space past the length): SQLite rejects it, "
        "PostgreSQL stores it cut to 'xxxxx'"
    ]
    # SQLite 3.40 itself: the longer text is refused by the CHECK, the spaced one too.
    conn = sqlite3.connect(":memory:")
    conn.execute(sqlite)
    for value in ("ABCDEF", "ABCDE "):
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("INSERT INTO f VALUES (?)", (value,))


@pytest.mark.parametrize(
    ("collation", "reason", "witness"),
    [
        ("COLLATE NOCASE", "label is compared under NOCASE", "('B')"),
        ("", "SQLite's max(a, b) is NULL when an argument is NULL", None),
    ],
)
def test_max_under_nocase_says_the_collation(
    loader: Loader, collation: str, reason: str, witness: str | None
) -> None:
    """009: max(label, 'b') = label under NOCASE parts on 'B' by the collation ('B' = 'b'
    there), not by max's NULLs (a NULL label passes both); without the collation the pair
    parts on nothing, and with a second argument NULL it is the NULLs again."""
    sqlite = f"CREATE TABLE a (label TEXT {collation} CHECK (max(label, 'b') = label));"
    pg = "CREATE TABLE a (label text CHECK (greatest(label, 'b') = label));"
    checks = [d for d in _diff(loader, sqlite, pg) if d.kind == "check"]
    if witness is None:
        assert checks == []
        sqlite = "CREATE TABLE a (n integer, m integer, CHECK (max(n, m) <= 10));"
        pg = "CREATE TABLE a (n integer, m integer, CHECK (greatest(n, m) <= 10));"
        checks = [d for d in _diff(loader, sqlite, pg) if d.kind == "check"]
        assert len(checks) == 1 and "NULL" in checks[0].message.split("witness")[1]
    (d,) = checks
    assert f"means something else on each: {reason}" in d.message
    if witness is not None:
        assert f"witness (label) = {witness}: SQLite accepts, PostgreSQL rejects" in d.message
        assert "is NULL when an argument is NULL" not in d.message
        assert d.witness is not None and d.witness.values == ("B",)
