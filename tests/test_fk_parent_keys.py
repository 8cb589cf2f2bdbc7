"""A foreign key whose referenced columns hold no parent key (stranger36 F10).

SQLite creates such a key and then fails every insert into the child (even of NULL) with
"foreign key mismatch"; PostgreSQL refuses to create it. A parent key is a PRIMARY KEY, a
UNIQUE constraint or a full unique index on exactly the referenced columns (in any order), and
on SQLite each column of that index must be compared with its column's own collation. The
truth table below is what a real SQLite file does; the reader (``normalize_keys``) must agree
with it on every row. The golden cases (``tests/fixtures/probes/*fk-parent*``) pin the verdicts.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from probes import Loader, compare_expected

from twinschema.dialects import ReflectOptions
from twinschema.dialects.sqlite import reflect_connection
from twinschema.sources import make_canonical

_CHILD = "CREATE TABLE c (id INTEGER PRIMARY KEY, sku TEXT REFERENCES p (sku));"

# (the parent's DDL, whether SQLite takes p(sku) as a parent key)
PARENTS = [
    ("CREATE TABLE p (sku TEXT PRIMARY KEY);", True),
    ("CREATE TABLE p (sku INTEGER PRIMARY KEY);", True),  # the rowid alias
    ("CREATE TABLE p (sku TEXT PRIMARY KEY) WITHOUT ROWID;", True),
    ("CREATE TABLE p (id INTEGER PRIMARY KEY, sku TEXT UNIQUE);", True),
    ("CREATE TABLE p (id INTEGER PRIMARY KEY, sku TEXT UNIQUE ON CONFLICT REPLACE);", True),
    ("CREATE TABLE p (id INTEGER PRIMARY KEY, sku TEXT); CREATE UNIQUE INDEX i ON p (sku);", True),
    ("CREATE TABLE p (id INTEGER PRIMARY KEY, sku TEXT); CREATE UNIQUE INDEX i ON p (sku DESC);",
     True),
    ("CREATE TABLE p (id INTEGER PRIMARY KEY, sku TEXT COLLATE NOCASE UNIQUE);", True),
    ("CREATE TABLE p (id INTEGER PRIMARY KEY, sku TEXT COLLATE NOCASE); "
     "CREATE UNIQUE INDEX i ON p (sku COLLATE nocase);", True),
    ("CREATE TABLE p (id INTEGER PRIMARY KEY, sku TEXT); "
     "CREATE UNIQUE INDEX i ON p (sku) WHERE sku IS NOT NULL;", False),
    ("CREATE TABLE p (id INTEGER PRIMARY KEY, sku TEXT); CREATE INDEX i ON p (sku);", False),
    ("CREATE TABLE p (id INTEGER PRIMARY KEY, sku TEXT);", False),
    ("CREATE TABLE p (id INTEGER PRIMARY KEY, sku TEXT); "
     "CREATE UNIQUE INDEX i ON p (sku COLLATE NOCASE);", False),
    ("CREATE TABLE p (id INTEGER PRIMARY KEY, sku TEXT COLLATE NOCASE); "
     "CREATE UNIQUE INDEX i ON p (sku COLLATE BINARY);", False),
    ("CREATE TABLE p (id INTEGER PRIMARY KEY, sku TEXT, x INTEGER, UNIQUE (sku, x));", False),
    ("CREATE TABLE p (id INTEGER PRIMARY KEY, sku TEXT); CREATE UNIQUE INDEX i ON p (lower(sku));",
     False),
]  # fmt: skip


@pytest.mark.parametrize(("parent", "accepted"), PARENTS)
def test_what_sqlite_takes_as_a_parent_key(tmp_path: Path, parent: str, accepted: bool) -> None:
    """On a real SQLite file: an insert into the child fails with "foreign key mismatch"
    exactly where the reader marks the key refused, with the effect the message gives."""
    path = tmp_path / "t.db"
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.executescript(parent + _CHILD)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("INSERT INTO p (sku) VALUES ('1')")
        try:
            conn.execute("INSERT INTO c (sku) VALUES ('1')")
            mismatch = False
        except sqlite3.DatabaseError as exc:
            assert "foreign key mismatch" in str(exc)
            mismatch = True
        schema = make_canonical(reflect_connection(conn, ReflectOptions(), "t.db"), None)
    finally:
        conn.close()
    assert mismatch == (not accepted)
    (fk,) = schema.tables["c"].foreign_keys
    if accepted:
        assert fk.parent_refused is None
    else:
        assert fk.parent_refused == 'every insert into c fails with "foreign key mismatch"'


@pytest.mark.parametrize(
    ("name", "side"),
    [
        ("sl-pg.fk-parent-partial-unique-index", "a.sql"),
        ("sl-sl.fk-parent-partial-unique-index", "a.sql"),
        ("sl-sl.fk-parent-not-unique", "a.sql"),
        ("sl-sl.fk-parent-index-other-collation", "a.sql"),
    ],
)
def test_the_side_with_the_refused_key_is_named(loader: Loader, name: str, side: str) -> None:
    found = compare_expected(loader, name)
    (fk,) = [d for d in found.differences if d.kind == "foreign_key"]
    assert fk.message == (
        f"foreign key stock_moves(sku) -> products(sku) in {side}: every insert into "
        'stock_moves fails with "foreign key mismatch": the parent columns need a PRIMARY KEY, '
        "UNIQUE constraint or full unique index"
    ), fk.message
    assert fk.left is not None and fk.left.endswith("(no parent key)")


def test_a_key_to_the_parents_primary_key_names_it(loader: Loader) -> None:
    """``REFERENCES par`` names no columns: messages say the parent's primary key, never an
    empty list (stranger58 017: "referenced columns  vs id", "-> par()")."""
    found = compare_expected(loader, "sl-sl.fk-parent-primary-key-missing")
    keys = [d for d in found.differences if d.kind == "foreign_key"]
    assert len(keys) == 2, keys
    for d in keys:
        assert "par()" not in (d.left or "") and "  vs " not in d.message, d
    assert any("referenced columns the parent's primary key vs id" in d.message for d in keys)
