"""A view's "they part only on a time written with hour 24 or second 60" is said only where it
is true (recheck88; ``view_wall.respelled``).

stranger85's ``royalties_per_label_quarter`` with its COALESCE label edited on PostgreSQL ('(none)'
against '(n/a)') parts on any row whose label is NULL; the probes' only such row was spelled
'2024-01-01 24:00:00', the ordinary rows returned the same rows, and the message said the views
part only on that spelling: false. The witness is now run again with each such time written as
the ordinary time just before it; where the views still part there, that row is the witness and
the sentence is not said. Near miss: the same view with the same label on both sides parts only
on '23:59:60' (SQLite's strftime gives NULL there) and keeps the sentence. Both witnesses, and the
respelled row of the near miss, run here on both real databases.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
from support.testing import live_diff, sqlite_file

from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect_kwargs
from twinschema.evaluate.view_wall import WALL_NOTE, is_wall
from twinschema.urls import parse_url

SQLITE = (
    "CREATE TABLE play (id INTEGER PRIMARY KEY, label TEXT, played_at TEXT NOT NULL, "
    "royalty NUMERIC(8,4) NOT NULL);\n"
    "CREATE VIEW quarters AS SELECT coalesce(label, '(none)') AS label, strftime('%Y', "
    "played_at) || '-Q' || ((CAST(strftime('%m', played_at) AS INTEGER) + 2) / 3) AS quarter "
    "FROM play GROUP BY 1, 2;\n"
)
PG = (
    "CREATE TABLE play (id integer PRIMARY KEY, label text, played_at timestamptz NOT NULL, "
    "royalty numeric(8,4) NOT NULL)",
    "CREATE VIEW quarters AS SELECT coalesce(label, '{label}') AS label, "
    "to_char(played_at, 'YYYY-\"Q\"Q') AS quarter FROM play GROUP BY 1, 2",
)


def _view(pg_url: str, tmp_path: Path, label: str) -> tuple[str, tuple[object, ...]]:
    """The message of the one view difference between the two databases (PostgreSQL's label
    ``label``) and its witness row's values."""
    with psycopg.connect(
        **connect_kwargs(parse_url(pg_url), ReflectOptions()), autocommit=True
    ) as c:
        for statement in PG:
            c.execute(statement.format(label=label).encode())
    found = live_diff(sqlite_file(tmp_path / "a.db", SQLITE), pg_url).differences
    (view,) = [d for d in found if d.kind == "view"]
    assert view.witness is not None, view.message
    return view.message, view.witness.values


def _rows(pg_url: str, played_at: str) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """What each real database's view returns on one play with no label at ``played_at``."""
    insert = f"INSERT INTO play VALUES (1, NULL, '{played_at}', 1)"
    with sqlite3.connect(":memory:") as conn:
        conn.executescript(SQLITE)
        conn.execute(insert)
        local = [tuple(r) for r in conn.execute("SELECT * FROM quarters")]
    with psycopg.connect(**connect_kwargs(parse_url(pg_url), ReflectOptions())) as c:
        c.execute(b"SET TimeZone = 'UTC'")
        c.execute(insert.encode())
        remote = [tuple(r) for r in c.execute(b"SELECT * FROM quarters")]
        c.rollback()
    return local, remote


def test_a_label_edited_on_one_side_is_no_wall_difference(pg_url: str, tmp_path: Path) -> None:
    message, values = _view(pg_url, tmp_path, "(n/a)")
    assert WALL_NOTE not in message and "hour 24" not in message, message
    assert not any(is_wall(v) for v in values), values
    (played_at,) = [v for v in values if isinstance(v, str) and v.startswith("2024")]
    assert _rows(pg_url, played_at) == ([("(none)", "2024-Q1")], [("(n/a)", "2024-Q1")])


def test_a_view_parted_only_by_second_60_keeps_the_sentence(pg_url: str, tmp_path: Path) -> None:
    message, values = _view(pg_url, tmp_path, "(none)")
    assert WALL_NOTE in message, message
    (played_at,) = [v for v in values if is_wall(v)]
    assert played_at == "2024-01-01 23:59:60"
    local, remote = _rows(pg_url, played_at)
    assert local != remote and local == [("(none)", None)], (local, remote)
    # The ordinary time just before it: the same rows, as the sentence says.
    assert _rows(pg_url, "2024-01-01 23:59:59") == ([("(none)", "2024-Q1")],) * 2
