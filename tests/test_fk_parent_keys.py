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

import psycopg
import pytest
from probes import Loader, compare_expected, compare_texts

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


def test_a_key_to_a_table_without_primary_key_names_no_empty_list(loader: Loader) -> None:
    """stranger58 017: ``REFERENCES par`` to a table without a primary key printed its
    referenced columns as nothing (``referenced columns  vs id``, ``-> par()``). Near miss: a
    key to the parent's primary key on both sides is in sync."""
    child = "CREATE TABLE child (id INTEGER PRIMARY KEY, pid INTEGER REFERENCES par);"
    a = f"CREATE TABLE par (name TEXT);\n{child}"
    b = f"CREATE TABLE par (name TEXT, id INTEGER PRIMARY KEY);\n{child}"
    found = compare_texts(loader, ("sqlite", "sqlite"), a, b).differences
    keys = [d for d in found if d.kind == "foreign_key"]
    assert keys and all("par()" not in f"{d.message} {d.left} {d.right}" for d in keys)
    assert any(
        "referenced columns its primary key (the table has none) vs id" in d.message for d in keys
    )
    assert compare_texts(loader, ("sqlite", "sqlite"), b, b).differences == []


_LENDERS = "CREATE TABLE lenders (id text NOT NULL PRIMARY KEY, code text{unique});\n"
_LOANS = "CREATE TABLE loans (id text NOT NULL PRIMARY KEY, lender_code text{key});\n"
_REFERENCES = " REFERENCES lenders (code)"


@pytest.mark.parametrize("order", ["sqlite-postgresql", "postgresql-sqlite"])
@pytest.mark.parametrize("parent_key", [False, True])
def test_a_one_sided_key_without_parent_key_is_one_difference_with_a_fix_both_take(
    loader: Loader, order: str, parent_key: bool
) -> None:
    """stranger71 005: a SQLite key to ``lenders(code)``, which no PRIMARY KEY, UNIQUE rule or
    full unique index makes a parent key, and no key on PostgreSQL was two differences (one-
    sided, and refused), hinted "add it to" PostgreSQL, which refuses the key (checked below on
    the real server: "there is no unique constraint matching given keys"). Now: one difference,
    whose hint gives the parent a UNIQUE key on both sides or drops the key; with that UNIQUE
    rule PostgreSQL takes the key (checked). Near miss (``parent_key``): the parent holds a
    UNIQUE rule on both sides, the key one-sided: one difference, the usual "add it to"."""
    unique = " UNIQUE" if parent_key else ""
    with_key = _LENDERS.format(unique=unique) + _LOANS.format(key=_REFERENCES)
    without = _LENDERS.format(unique=unique) + _LOANS.format(key="")
    dialects = tuple(order.split("-"))
    a, b = (with_key, without) if dialects[0] == "sqlite" else (without, with_key)
    found = compare_texts(loader, (dialects[0], dialects[1]), a, b).differences
    (fk,) = [d for d in found if d.kind == "foreign_key"]
    assert [d.kind for d in found] == ["foreign_key"], found
    on_sqlite = "a.sql" if dialects[0] == "sqlite" else "b.sql"
    other = "b.sql" if on_sqlite == "a.sql" else "a.sql"
    if parent_key:
        assert fk.hint.startswith(f"add it to {other}, or remove it from {on_sqlite}"), fk.hint
    else:
        assert fk.hint == (
            "give lenders(code) a PRIMARY KEY or UNIQUE constraint in both databases (then the "
            f"key works, and can be added to the other), or remove the key from {on_sqlite}"
        ), fk.hint
        assert fk.fix is not None and fk.fix.side.value == (
            "left" if on_sqlite == "a.sql" else "right"
        )
    # What the hint says, on the real server: the key alone is refused, with the UNIQUE rule taken.
    added = "ALTER TABLE loans ADD FOREIGN KEY (lender_code) REFERENCES lenders (code)"
    with loader.connect(autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS s71 CASCADE")
        conn.execute("CREATE SCHEMA s71")
        conn.execute("SET search_path = s71")
        for statement in without.split(";\n")[:-1]:
            conn.execute(statement)
        if not parent_key:
            with pytest.raises(psycopg.errors.InvalidForeignKey, match="no unique constraint"):
                conn.execute(added)
            conn.execute("ALTER TABLE lenders ADD UNIQUE (code)")
        conn.execute(added)
        conn.execute("DROP SCHEMA s71 CASCADE")
