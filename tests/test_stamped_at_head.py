"""A database stamped at head without migrating (stranger35 finding 23).

Revision 0002 adds profiles.nickname to both chains; the SQLite database is migrated, the
PostgreSQL one stamped at head (``twinschema stamp remote head``, the ``alembic stamp head``
reflex) instead. ``check`` finds the column missing in a database at its chain's head: the hint
named only a hand edit to revert and a revision to write (which would be empty: module and
chain agree). It now names the wrong stamp too, with the commands that undo it; done as it
says, the check is in sync. Real SQLite and PostgreSQL databases.
"""

from __future__ import annotations

import os
from pathlib import Path

from pg_helpers import check_afresh, invoke_afresh, notes_of
from test_migrate_safety import migrate_afresh, scratch_project, write_revision
from test_revision import add_nickname

ADD = 'op.add_column("profiles", sa.Column("nickname", sa.Text(), nullable=True))'


def test_a_database_stamped_at_head_is_told_to_stamp_back_and_migrate(
    sqlite_url: str, pg_url: str, tmp_path: Path
) -> None:
    urls = {"sqlite": sqlite_url, "postgresql": pg_url}
    project = scratch_project(tmp_path)
    for dialect, url in urls.items():
        assert migrate_afresh(project, dialect, url).exit_code == 0
        write_revision(project, dialect, ADD)
    add_nickname(project)
    domain = project / "domain.yaml"
    domain.write_text(domain.read_text().replace("version: 1\n", "version: 2\n", 1))
    assert migrate_afresh(project, "sqlite", sqlite_url).exit_code == 0

    env = dict(os.environ, DATABASE_URL=pg_url)
    stamped = invoke_afresh(["stamp", "remote", "head"], project, env)
    assert stamped.returncode == 0, stamped.stdout + stamped.stderr

    code, report = check_afresh(project, urls, "live")
    assert code == 1
    (missing,) = [
        d
        for d in report["differences"]
        if d["kind"] == "column_missing" and d["left_source"] == "schemas/postgres.py"
    ]
    # The hint refers to its comparison's note, which says what to do once for the database
    # (stranger80 005: each hint repeated it).
    hint, note = missing["hint"], notes_of(report, missing)
    assert hint.endswith("(the database is at its chain's head: see this comparison's note)")
    assert "stamp" not in hint, hint
    assert "is at its chain's head, so migrating it changes nothing" in note, note
    assert "or it was stamped at head without migrating (`twinschema stamp remote REV" in note
    assert "migrating it then applies what the stamp skipped" in note, note
    # The near miss: the SQLite database, migrated, has nothing to report.
    assert not [d for d in report["differences"] if d["left_source"] == "schemas/sqlite.py"]

    # Done as the hint says (REV: the revision the database really is at), in sync.
    for args in (["stamp", "remote", "0001_initial_postgresql"], ["migrate", "remote"]):
        done = invoke_afresh(args, project, env)
        assert done.returncode == 0, done.stdout + done.stderr
    code, report = check_afresh(project, urls, "live")
    assert (code, report["differences"]) == (0, []), report["differences"]
