"""``init --stamp`` on a database that refuses the stamp's write (stranger70 012 item 3).

A SQLite URI URL opened ``mode=ro`` (``sqlite:///file:dev.db?mode=ro&uri=true``), or a
PostgreSQL role that may read but not create, lets init read the database and write the
project, then refuses ``alembic_version``: init ended with the driver's words alone ("attempt to
write a readonly database"), saying neither that the stamp failed, nor that every file it wrote
was removed, nor what to run instead. Now: one line, exit 2, saying all three; the folder and
both databases as they were. Near miss: the same URL that may write (``mode=rw``, the role given
CREATE) stamps, exit 0.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pg_helpers import as_role, role
from support import testing
from support.testing import execute
from test_init_project import Shell, tables, versions


@contextmanager
def url_of(
    dialect: str, tmp_path: Path, pg_url: str, pg_server: str, writable: bool
) -> Iterator[str]:
    """The URL init is given for ``dialect``: read-only unless ``writable``."""
    if dialect == "sqlite":
        mode = "rw" if writable else "ro"
        yield f"sqlite:///file:{tmp_path / 'app.db'}?mode={mode}&uri=true"
        return
    with role(pg_server) as reader:
        grants = [f"GRANT SELECT ON t TO {reader}", "REVOKE CREATE ON SCHEMA public FROM PUBLIC"]
        if writable:
            grants.append(f"GRANT CREATE ON SCHEMA public TO {reader}")
        execute(pg_url, *grants)
        try:
            yield as_role(pg_url, reader, "pw-unused")
        finally:
            execute(pg_url, "DROP TABLE IF EXISTS alembic_version", f"DROP OWNED BY {reader}")


@pytest.mark.parametrize("writable", [False, True], ids=["read-only", "near-miss-writable"])
def test_a_stamp_the_database_refuses_says_what_failed_and_what_was_undone(
    dialect: str, writable: bool, tmp_path: Path, pg_url: str, pg_server: str
) -> None:
    sqlite_url = testing.sqlite_url(tmp_path / "app.db")
    execute(sqlite_url, "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)")
    execute(pg_url, "CREATE TABLE t (id integer PRIMARY KEY, n integer)")
    project = tmp_path / "app"
    project.mkdir()
    urls = {"sqlite": sqlite_url, "postgresql": pg_url}
    with url_of(dialect, tmp_path, pg_url, pg_server, writable) as given:
        urls[dialect] = given
        args = ("--sqlite-url", urls["sqlite"], "--postgres-url", urls["postgresql"], "--stamp")
        result = Shell(project)("init", *args)
        if writable:
            assert result.exit_code == 0, result.output
            assert versions(pg_url if dialect == "postgresql" else sqlite_url) != []
            return
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("twinschema: error: --stamp failed: "), line
    assert "every file init wrote was removed again and no database was stamped" in line, line
    assert "run `twinschema init` again without --stamp" in line, line
    assert "pw-unused" not in line, line
    assert list(project.iterdir()) == []
    assert tables(sqlite_url) == ["t"]
    assert tables(pg_url) == ["t"]
