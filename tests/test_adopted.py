"""``support.adopted``: a start built once per process and copied into later tests is the same
project folder, SQLite file and PostgreSQL database a build would have made there, in the test's
own places; where a build would not have started from nothing, or its result names where it
was built, every call builds its own (real SQLite files, the session's real PostgreSQL pool)."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import make_url
from support import adopted, testing
from support.dbpool import DatabasePool
from support.testing import execute
from test_init_project import rows_of


class Build:
    """A build that makes a project folder, a SQLite file and a table in the PostgreSQL
    database, and counts its runs; ``names_itself``: a file of it holds its folder's path."""

    def __init__(self, names_itself: bool = False) -> None:
        self.runs = 0
        self.names_itself = names_itself

    def __call__(self, project: Path, sqlite_url: str, pg_url: str) -> Callable[[], tuple[str]]:
        def build() -> tuple[str]:
            self.runs += 1
            (project / "pkg").mkdir(parents=True)
            (project / "pkg" / "module.py").write_text("VALUE = 1\n", "utf-8")
            note = f"made in {project}\n" if self.names_itself else "made\n"
            (project / "note.txt").write_text(note, "utf-8")
            execute(sqlite_url, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)",
                    "INSERT INTO t VALUES (1, 'one')")  # fmt: skip
            execute(pg_url, "CREATE TABLE t (id integer PRIMARY KEY, v text)",
                    "INSERT INTO t VALUES (1, 'one')")  # fmt: skip
            return (f"wrote {project / 'note.txt'}",)

        return build


def _start(
    folder: Path, pg_url: str, key: tuple[object, ...], build: Build
) -> tuple[Path, str, tuple[str, ...]]:
    folder.mkdir()
    project, sqlite_url = folder / "app", testing.sqlite_url(folder / "app.db")
    texts = adopted.prepared(project, sqlite_url, pg_url, key, build(project, sqlite_url, pg_url))
    return project, sqlite_url, texts


def _files(project: Path) -> dict[str, bytes]:
    return {p.relative_to(project).as_posix(): p.read_bytes() for p in project.rglob("*")
            if p.is_file()}  # fmt: skip


def _sqlite_rows(url: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        return list(conn.execute("SELECT id, v FROM t ORDER BY id"))
    finally:
        conn.close()


def test_a_later_start_is_a_copy_of_the_first_in_its_own_places(
    tmp_path: Path, pg_databases: DatabasePool
) -> None:
    key = ("test_adopted", uuid.uuid4().hex)
    build = Build()
    with pg_databases.database() as first_url:
        first, first_sqlite, texts = _start(tmp_path / "one", first_url, key, build)
        assert build.runs == 1 and texts == (f"wrote {first / 'note.txt'}",)
        with pg_databases.database() as url:
            project, sqlite_url, texts = _start(tmp_path / "two", url, key, build)
            assert build.runs == 1  # copied, not built
            assert texts == (f"wrote {project / 'note.txt'}",)
            assert _files(project) == _files(first) == {
                "pkg/module.py": b"VALUE = 1\n", "note.txt": b"made\n",
            }  # fmt: skip
            assert _sqlite_rows(sqlite_url) == _sqlite_rows(first_sqlite) == [(1, "one")]
            assert rows_of(url, "SELECT id, v FROM t") == [(1, "one")]
            assert rows_of(url, "SELECT current_database()") == [(make_url(url).database,)]
            # Each copy is the test's own: what one test writes no other start sees.
            execute(url, "INSERT INTO t VALUES (2, 'two')")
            execute(sqlite_url, "INSERT INTO t VALUES (2, 'two')")
            (project / "note.txt").write_text("changed\n", "utf-8")
        assert rows_of(first_url, "SELECT id, v FROM t") == [(1, "one")]
    with pg_databases.database() as url:
        project, sqlite_url, _ = _start(tmp_path / "three", url, key, build)
        assert build.runs == 1
        assert rows_of(url, "SELECT id, v FROM t") == [(1, "one")]
        assert _sqlite_rows(sqlite_url) == [(1, "one")]
        assert (project / "note.txt").read_text("utf-8") == "made\n"
    # The pool still hands out only databases that cannot be told from new ones.
    with pg_databases.database() as url:
        assert pg_databases.is_new(str(make_url(url).database))


def test_where_a_build_would_not_start_from_nothing_it_runs(
    tmp_path: Path, pg_databases: DatabasePool
) -> None:
    """Near misses: another key, a SQLite file already there, a table already in the
    PostgreSQL database: each builds (and finds what was there)."""
    key = ("test_adopted", uuid.uuid4().hex)
    build = Build()
    with pg_databases.database() as url:
        _start(tmp_path / "one", url, key, build)
    with pg_databases.database() as url:
        _start(tmp_path / "two", url, (*key, "other"), build)
    assert build.runs == 2
    (tmp_path / "three").mkdir()
    execute(testing.sqlite_url(tmp_path / "three" / "app.db"), "CREATE TABLE before (x)")
    with pg_databases.database() as url:
        build.names_itself = False
        project = tmp_path / "three" / "app"
        sqlite_url = testing.sqlite_url(tmp_path / "three" / "app.db")
        adopted.prepared(project, sqlite_url, url, key, build(project, sqlite_url, url))
    assert build.runs == 3
    assert rows_of(sqlite_url, "SELECT name FROM sqlite_master WHERE name = 'before'")
    with pg_databases.database() as url:
        execute(url, "CREATE TABLE before (x integer)")
        try:
            _start(tmp_path / "four", url, key, build)
        finally:
            execute(url, "DROP TABLE t", "DROP TABLE before")
    assert build.runs == 4


def test_a_build_that_names_where_it_was_made_is_never_copied(
    tmp_path: Path, pg_databases: DatabasePool
) -> None:
    key = ("test_adopted", uuid.uuid4().hex)
    build = Build(names_itself=True)
    for n in ("one", "two"):
        with pg_databases.database() as url:
            project, _, _ = _start(tmp_path / n, url, key, build)
            assert (project / "note.txt").read_text("utf-8") == f"made in {project}\n"
    assert build.runs == 2
