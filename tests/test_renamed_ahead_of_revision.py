"""A column or table renamed by hand on a database behind its chain, to the name a revision written but
not yet applied gives it (stranger78 006), on each dialect's real database.

domain.yaml renames ``nickname`` to ``nick``, ``revision`` writes the rename, and before it is
migrated someone runs ``ALTER TABLE members RENAME COLUMN nickname TO nick`` on the database.
Its place on the chain's hint took ``nick`` for a column made by hand ahead of a revision
creating it: "drop it, then migrate" (the column that holds the rows), and a migration that
would fail "already exists". Now it says a pending revision renames what was renamed by hand,
that migrating fails (no ``nickname`` there), not to drop it, and how to rename it back or stamp.
Witness: ``migrate`` fails on that database; each way the hint gives then migrates (or stamps)
it in sync with its rows. Near miss: the other database, untouched, is told to migrate.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.testing import execute
from test_init_project import adopt_in_sync, check, migrated_in_sync, replace_in, revised, rows_of
from test_migrations_hand_rename import POSTGRES, SQLITE

SIDE = {"sqlite": "local", "postgresql": "remote"}
OTHER = {"sqlite": "postgresql", "postgresql": "sqlite"}
MAKE = {"sqlite": "make migrate-local", "postgresql": "make migrate-remote"}
# (the domain.yaml edit, the hand rename, its undo, the rows after it)
RENAMES = {
    "column": (
        ("nickname: {kind: text}", "nickname: {kind: text, name: nick}"),
        "ALTER TABLE members RENAME COLUMN nickname TO nick",
        "ALTER TABLE members RENAME COLUMN nick TO nickname",
        "SELECT id, nick FROM members",
    ),
    "table": (
        ("  members:\n", "  members:\n    name: people\n"),
        "ALTER TABLE members RENAME TO people",
        "ALTER TABLE people RENAME TO members",
        "SELECT id, nickname FROM people",
    ),
}


@pytest.mark.parametrize("way", ["rename back", "stamp"])
@pytest.mark.parametrize("renamed", ["column", "table"])
@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_a_pending_rename_made_by_hand_is_said_and_never_hinted_as_a_drop(
    dialect: str, renamed: str, way: str, sqlite_url: str, pg_url: str, tmp_path: Path
) -> None:
    shell = adopt_in_sync(tmp_path / "app", sqlite_url, pg_url, SQLITE, POSTGRES)
    url = {"sqlite": sqlite_url, "postgresql": pg_url}
    edit, by_hand, back, rows = RENAMES[renamed]
    replace_in(tmp_path / "app" / "domain.yaml", *edit)
    revised(shell, f"rename {renamed}", quiet=True)
    head = f"0002_rename_{renamed}_{dialect}"
    execute(url[dialect], by_hand)

    code, report = check(shell)
    assert code == 1
    state = {
        d["left"].rsplit("_", 1)[1]: d
        for d in report["differences"]
        if d["layer"] == "migrations" and d["kind"] == "migration_state" and not d["table"]
    }
    hint = state[dialect]["hint"]
    assert "renames what was already renamed by hand on this database" in hint, hint
    assert "migrating fails there (the old name is gone)" in hint, hint
    assert "do not drop it" in hint and f"`{back}`" in hint, hint
    assert f"`twinschema stamp {SIDE[dialect]} {head}`" in hint, hint
    assert "drop it, then" not in hint and "already exists" not in hint, hint
    # Near miss: the other database, behind and untouched, is told to migrate.
    assert state[OTHER[dialect]]["hint"] == f"run `{MAKE[OTHER[dialect]]}`"
    # No hint anywhere offers to drop a table or a column.
    assert not [d["hint"] for d in report["differences"] if "DROP " in d["hint"]]

    # The witness: migrating that database fails (rolled back), the rows still under nick.
    failed = shell("migrate", SIDE[dialect])
    assert failed.exit_code != 0 and "rolled back" in failed.output, failed.output
    # ...saying why: renamed by hand ahead of the revision (as a failing index drop does).
    assert "renamed by hand on this database ahead of this revision?" in failed.output, (
        failed.output
    )
    assert rows_of(url[dialect], rows) == [(1, "ada")]

    # Each way the hint gives: in sync, the rows kept.
    if way == "rename back":
        execute(url[dialect], back)
    else:
        assert shell("stamp", SIDE[dialect], head).exit_code == 0
    migrated_in_sync(shell)
    assert rows_of(url[dialect], rows) == [(1, "ada")]


@pytest.mark.parametrize(
    ("statement", "hinted"),
    [
        ("ALTER TABLE members RENAME COLUMN nickname TO nick", True),
        ("ALTER TABLE ghosts RENAME TO people", True),
        # Near misses: a statement reading or dropping the missing column renames nothing.
        ("SELECT nickname FROM members", False),
        ("ALTER TABLE members DROP COLUMN nickname", False),
        ("SELECT * FROM ghosts", False),
    ],
)
def test_only_a_rename_of_a_missing_name_is_hinted_as_renamed_ahead(
    db_url: str, statement: str, hinted: bool
) -> None:
    """A revision's rename failing because the database lacks the old name (``column
    "nickname" does not exist``, ``no such column: "nickname"``) says it may have been renamed
    by hand ahead of it, as a failing index drop does; any other statement failing on a
    missing name keeps the database's message alone."""
    import sqlalchemy as sa

    from twinschema.migrations.migrate_lint import cause_of

    execute(db_url, "CREATE TABLE members (id integer PRIMARY KEY, nick text)")
    with pytest.raises(sa.exc.DBAPIError) as failed:
        execute(db_url, statement)
    said = cause_of(failed.value)
    assert ("renamed by hand on this database ahead of this revision?" in said) is hinted, said
