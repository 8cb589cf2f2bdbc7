"""A live database ahead of its chain (stranger61 027): at a revision the checked-out chain does
not know, because newer code (another branch, a later release) migrated it. Every command says
what is true, the code is older than the database, and none offers a fix that is wrong there:
``check``'s live hint no longer says "behind its chain: migrating it may fix this", ``migrate``
and ``stamp`` refuse in twinschema's words (exit 2, nothing changed) instead of Alembic's "No
such revision", and ``current`` no longer offers ``stamp`` (which would record a schema the
database does not have). Near misses: ``stamp --purge`` still records it (the deliberate way
out); the other database, at its head, keeps its at-head hint. Both dialects, real databases.
"""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa
from pg_helpers import check_afresh, invoke_afresh
from support.testing import execute
from test_migrate_safety import HEADS, SIDE, URL_ENV, at_heads, migrate_afresh

AHEAD = "0003_from_another_branch"


def revision_of(url: str) -> list[str]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        return [row[0] for row in conn.execute(sa.text("SELECT version_num FROM alembic_version"))]


def test_a_database_ahead_of_its_chain_is_told_so_by_every_command(
    dialect: str, sqlite_url: str, pg_url: str, tmp_path: Path
) -> None:
    urls = {"sqlite": sqlite_url, "postgresql": pg_url}
    other = "postgresql" if dialect == "sqlite" else "sqlite"
    project = at_heads(tmp_path, urls)
    # What the newer code's revision 0003 did: a column, and the revision recorded.
    execute(urls[dialect], "ALTER TABLE profiles ADD COLUMN pinned integer")
    execute(urls[dialect], f"UPDATE alembic_version SET version_num = '{AHEAD}'")
    execute(urls[other], "ALTER TABLE profiles ADD COLUMN pinned integer")  # at head: by hand

    code, report = check_afresh(project, urls, "live", "migrations")
    assert code == 1, report
    hints = [d["hint"] for d in report["differences"] if d["layer"] == "live"]
    ahead = [h for h in hints if "ahead of its chain" in h]
    assert ahead and not [h for h in hints if "behind its chain" in h], hints
    for hint in ahead:
        assert "the code is older than the database" in hint, hint
        assert "behind its chain" not in hint and "run: " not in hint, hint
    assert any("at its chain's head" in h for h in hints), hints  # the other database
    [state] = [d for d in report["differences"] if d["kind"] == "migration_state"]
    assert state["left"] == AHEAD and "ahead of" in state["message"], state

    failed = migrate_afresh(project, dialect, urls[dialect])
    assert failed.exit_code == 2, failed.output
    assert "Alembic" not in failed.output and "No such revision" not in failed.output
    assert f"the database is at revision {AHEAD}, which " in failed.output, failed.output
    assert "ahead of the code checked out here" in failed.output
    assert "nothing was changed" in failed.output
    assert revision_of(urls[dialect]) == [AHEAD]

    env = {**os.environ, URL_ENV[dialect]: urls[dialect]}
    current = invoke_afresh(["current", SIDE[dialect]], project, env)
    assert current.returncode == 0, current.stdout + current.stderr
    assert f"ahead of its chain, which does not know {AHEAD}" in current.stdout, current.stdout
    assert "stamp" not in current.stdout, current.stdout

    stamped = invoke_afresh(["stamp", SIDE[dialect], "head"], project, env)
    assert stamped.returncode == 2, stamped.stdout + stamped.stderr
    assert "ahead of the code checked out here" in stamped.stderr, stamped.stderr
    assert "`--purge` stamps it at head all the same" in stamped.stderr, stamped.stderr
    assert revision_of(urls[dialect]) == [AHEAD]
    purged = invoke_afresh(["stamp", SIDE[dialect], "head", "--purge"], project, env)
    assert purged.returncode == 0, purged.stdout + purged.stderr
    assert revision_of(urls[dialect]) == [HEADS[dialect]]
