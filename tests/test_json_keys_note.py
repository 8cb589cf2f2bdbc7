"""Why a unique index on a JSON member parts SQLite and PostgreSQL follows PostgreSQL's operator
(stranger83 006): ``->>`` gives the member's text ('1' and 1 collide, 1 and 1.0 do not), ``->``
its jsonb value (1 and 1.0 collide, '1' and 1 do not, true and 1 do not). Each collision the
notes state is run on real unique indexes on both databases, and each note is the one a
comparison gives for its operator."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest
from probes import Loader, compare_texts

from twinschema.canonical.expressions import (
    JSON_KEYS_NOTE,
    JSON_OTHER_KEYS_NOTE,
    JSON_VALUE_KEYS_NOTE,
)

CROSS = ("sqlite", "postgresql")
# Two members, the words of a note that say they collide (or not) under an operator, and
# whether they do: SQLite's json_extract, PostgreSQL's ->> and ->.
FACTS = [
    ("1", "1.0", {"sqlite": True, "->>": False, "->": True}),
    ("1", '"1"', {"sqlite": False, "->>": True, "->": False}),
    ("1", "true", {"sqlite": True, "->>": False, "->": False}),
]
# What each note says of each pair (None: the note says nothing of it).
SAID = {
    JSON_KEYS_NOTE: {
        ("1", "1.0"): ("1 and 1.0 collide", "1 and 1.0 do not collide"),
        ("1", '"1"'): ("'1' and 1 do not", "'1' and 1 do)"),
    },
    JSON_VALUE_KEYS_NOTE: {
        ("1", "1.0"): ("1 and 1.0 collide, '1'", "numbers by value: 1 and 1.0 collide"),
        ("1", '"1"'): ("'1' and 1 do not, true", "strings apart from numbers: '1' and 1 do not"),
        ("1", "true"): ("true is 1 and collides with it", "true apart from 1"),
    },
}


def _collide_on_sqlite(path: Path, first: str, second: str) -> bool:
    """Whether SQLite's unique index on json_extract(doc, '$.k') refuses the second document."""
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (doc TEXT)")
        db.execute("CREATE UNIQUE INDEX u ON t (json_extract(doc, '$.k'))")
        db.execute("INSERT INTO t VALUES (?)", (f'{{"k": {first}}}',))
        try:
            db.execute("INSERT INTO t VALUES (?)", (f'{{"k": {second}}}',))
        except sqlite3.IntegrityError:
            return True
        return False


def _collide_on_postgresql(url: str, operator: str, first: str, second: str) -> bool:
    """Whether PostgreSQL's unique index on (doc <operator> 'k') refuses the second document."""
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as conn:
        conn.execute("CREATE TEMP TABLE t (doc jsonb)")
        conn.execute(f"CREATE UNIQUE INDEX u ON t ((doc {operator} 'k'))")
        conn.execute("INSERT INTO t VALUES (%s)", (f'{{"k": {first}}}',))
        try:
            conn.execute("INSERT INTO t VALUES (%s)", (f'{{"k": {second}}}',))
        except psycopg.errors.UniqueViolation:
            return True
        return False


@pytest.mark.parametrize(("first", "second", "collide"), FACTS)
def test_what_the_notes_say_collides_does_on_real_databases(
    tmp_path: Path, pg_url: str, first: str, second: str, collide: dict[str, bool]
) -> None:
    """Each pair collides, or not, on a real unique index as the table says (SQLite's
    json_extract, PostgreSQL's ->> and ->), and each note says so in its own words: the ->>
    note's 'do' is ->>'s, the -> note's ->'s, and SQLite's half of each is SQLite's."""
    found = {
        "sqlite": _collide_on_sqlite(tmp_path / "t.db", first, second),
        "->>": _collide_on_postgresql(pg_url, "->>", first, second),
        "->": _collide_on_postgresql(pg_url, "->", first, second),
    }
    assert found == collide
    for note, operator in ((JSON_KEYS_NOTE, "->>"), (JSON_VALUE_KEYS_NOTE, "->")):
        words = SAID[note].get((first, second))
        if words is None:
            continue
        sqlite_words, postgresql_words = words
        mine, theirs = note.split(f"PostgreSQL's {operator} ")
        assert sqlite_words in mine and postgresql_words in theirs
        # The words say the pair collides exactly where it does.
        assert (" do not" not in sqlite_words) == collide["sqlite"]
        assert (" do not" not in postgresql_words and "apart" not in postgresql_words) == (
            collide[operator]
        )


@pytest.mark.parametrize(
    ("element", "note"),
    [
        ("(doc -> 'k')", JSON_VALUE_KEYS_NOTE),
        ("(doc ->> 'k')", JSON_KEYS_NOTE),
        ("((doc ->> 'k')::int)", JSON_OTHER_KEYS_NOTE),
    ],
)
def test_the_index_difference_explains_the_operator_it_has(
    loader: Loader, element: str, note: str
) -> None:
    """SQLite's unique index on json_extract(doc, '$.k') against PostgreSQL's on each element:
    one difference whose note is that element's operator's (the d7 case: -> was explained by
    ->>'s text rule, the opposite of what it does), and whose witness is a pair of rows."""
    a = (
        "CREATE TABLE t (id INTEGER PRIMARY KEY, doc TEXT NOT NULL CHECK (json_valid(doc)));\n"
        "CREATE UNIQUE INDEX u ON t (json_extract(doc, '$.k'));"
    )
    b = (
        "CREATE TABLE t (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
        f"doc jsonb NOT NULL);\nCREATE UNIQUE INDEX u ON t ({element});"
    )
    found = [
        d for d in compare_texts(loader, CROSS, a, b).differences if d.kind in ("index", "unique")
    ]
    assert len(found) == 1
    said = found[0].message
    assert note.split("{element}")[-1] in said
    others = {JSON_KEYS_NOTE, JSON_VALUE_KEYS_NOTE, JSON_OTHER_KEYS_NOTE} - {note}
    assert not any(other.split("{element}")[-1] in said for other in others)
    assert "witness (doc) = (" in said
