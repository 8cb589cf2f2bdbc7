"""An FTS external content table that reads a column its content table lacks (stranger61 006:
a RENAME COLUMN of the content table leaves the FTS5 table naming the old column) is said
broken by the SQLite reader exactly where real SQLite fails its queries and its 'rebuild'."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from twinschema.compare import Side, compare
from twinschema.config import load_config
from twinschema.dialects import ReflectOptions
from twinschema.dialects.sqlite import reflect_connection
from twinschema.migrations.migrations_cache import ScratchRun, StepRun
from twinschema.migrations.migrations_chain import DRIFT, Chain, Revision
from twinschema.migrations.migrations_layer import run_findings
from twinschema.model import Schema
from twinschema.sources import make_canonical, reflect_url

ROOT = Path(__file__).resolve().parent.parent

NOTES = (
    "CREATE TABLE notes (id TEXT PRIMARY KEY, heading TEXT, body TEXT);"
    "CREATE VIEW notes_v AS SELECT rowid, heading, body FROM notes;"
    "CREATE TABLE keyed (note_id INTEGER PRIMARY KEY, heading TEXT, body TEXT);"
)
# (module arguments, whether SQLite fails the table's queries)
CASES = [
    ("fts5(title, body, content='notes')", True),
    ("fts5(title, body, content='notes', content_rowid='rowid')", True),
    ("fts5(heading, body, content='notes', content_rowid='note_id')", True),
    ("fts5(heading, body, content='nothere')", True),
    ("fts4(title, body, content='notes')", True),
    ("fts5(heading, title, content='notes_v')", True),
    ("fts5(heading, body, content='notes')", False),
    ('fts5(HEADING, "body" UNINDEXED, content=notes, content_rowid=rowid)', False),
    ("fts5(heading, body, content='notes_v')", False),
    ("fts5(heading, body, content='keyed', content_rowid='note_id')", False),
    ("fts4(heading, body, content='notes')", False),
    ("fts5(title, body, content='')", False),
    ("fts5(title, body)", False),
]


def _fails(arguments: str) -> bool:
    """Whether real SQLite fails the FTS table's 'rebuild' and a query reading its rows."""
    db = sqlite3.connect(":memory:")
    db.executescript(NOTES)
    db.execute("INSERT INTO notes VALUES ('n1', 'trip', 'pack the passport')")
    db.execute("INSERT INTO keyed VALUES (1, 'trip', 'pack the passport')")
    db.execute(f"CREATE VIRTUAL TABLE f USING {arguments}")
    outcomes = []
    for statement in ("INSERT INTO f (f) VALUES ('rebuild')", "SELECT * FROM f"):
        try:
            db.execute(statement).fetchall()
            outcomes.append(False)
        except sqlite3.Error:
            outcomes.append(True)
    if "content=''" in arguments or "content=" not in arguments:
        return False  # the table holds its own text: 'rebuild' is refused, reads work
    assert outcomes[0] == outcomes[1]  # both fail, or neither does
    return outcomes[0]


@pytest.mark.parametrize(("arguments", "broken"), CASES)
def test_broken_exactly_where_sqlite_fails(arguments: str, broken: bool) -> None:
    """The reader marks the FTS table broken (with how to make it again) exactly where real
    SQLite fails it."""
    assert _fails(arguments) is broken
    db = sqlite3.connect(":memory:")
    db.executescript(NOTES + f"CREATE VIRTUAL TABLE f USING {arguments};")
    (found,) = [o for o in reflect_connection(db, ReflectOptions(), "t").objects if o.name == "f"]
    assert bool(found.broken) is broken
    assert bool(found.mend) is broken
    if broken:
        assert "rebuild" in found.mend


def test_the_message_names_the_lacking_columns() -> None:
    """The columns the content table lacks are named, and a missing content table is said."""
    db = sqlite3.connect(":memory:")
    db.executescript(
        NOTES
        + "CREATE VIRTUAL TABLE f USING fts5(title, body, content='notes', content_rowid='nid');"
        + "CREATE VIRTUAL TABLE g USING fts5(title, content='gone');"
    )
    objects = {o.name: o for o in reflect_connection(db, ReflectOptions(), "t").objects}
    assert objects["f"].broken.startswith("it reads notes.title, notes.nid, which notes does not")
    assert objects["g"].broken.startswith("its content table gone is not in the database")


def _reflected(tmp_path: Path, name: str, fts: str) -> Schema:
    """A real SQLite file holding notes (no title: renamed to heading) and the FTS table
    ``fts`` over it, reflected and made canonical."""
    path = tmp_path / f"{name}.db"
    db = sqlite3.connect(path)
    db.executescript(NOTES + f"CREATE VIRTUAL TABLE notes_fts USING {fts};")
    db.close()
    return make_canonical(reflect_url(f"sqlite:///{path}", ReflectOptions()), None)


BROKEN = "fts5(title, body, content='notes')"


def test_broken_alike_on_two_sources_is_reported_once(tmp_path: Path) -> None:
    """Two SQLite sources holding the same broken FTS table (two device files compared by
    ``diff``) are not in sync: it works on neither. One difference names both; the same table
    over columns notes has is no difference (the near miss)."""
    a, b = _reflected(tmp_path, "a", BROKEN), _reflected(tmp_path, "b", BROKEN)
    found = compare(Side(a, "a.db", "a.db"), Side(b, "b.db", "b.db"), layer="diff").differences
    assert [(d.kind, d.name) for d in found] == [("virtual_table", "notes_fts")]
    assert "cannot work in a.db and b.db: it reads notes.title" in found[0].message
    works = "fts5(heading, body, content='notes')"
    a, b = _reflected(tmp_path, "c", works), _reflected(tmp_path, "d", works)
    assert compare(Side(a, "c", "c"), Side(b, "d", "d"), layer="diff").differences == []


def test_a_chain_broken_alike_after_downgrade_and_upgrade_is_no_roundtrip_finding(
    tmp_path: Path,
) -> None:
    """A chain whose head holds a broken FTS table (stranger61 006) builds it broken again
    after downgrading to base, and each step's downgrade gives it back alike: no round-trip
    finding; the head against the metadata module (which holds no virtual table) reports it."""
    head = _reflected(tmp_path, "head", BROKEN)
    again = _reflected(tmp_path, "again", BROKEN)
    steps = StepRun(
        before={"0002": _reflected(tmp_path, "before", BROKEN)},
        after={"0002": _reflected(tmp_path, "after", BROKEN)},
    )
    run = ScratchRun(first=head, steps=steps, again=again)
    config = load_config(ROOT / "pyproject.toml")
    revisions = (Revision("0001", 1, "0001.py"), Revision("0002", 2, "0002.py"))
    chain = Chain(config, "sqlite", "migrations_sqlite", ("0002",), revisions)
    metadata = Side(
        replace(head, objects=(), objects_read=False), "schemas/sqlite.py", "schemas/sqlite.py"
    )
    found = run_findings(run, chain, metadata, None, None)
    assert [(d.kind, d.name) for d in found] == [(DRIFT, "notes_fts")]
    assert "cannot work in migrations_sqlite at head" in found[0].message
