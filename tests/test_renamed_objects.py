"""An index renamed by hand on a live database (found by a new user, 2026-12-02), on both dialects.

The comparer matches indexes by what they do, so the database stays in sync with its metadata
module; but the next revision drops the index by the module's name and fails there. ``check``
warns of it beforehand (a ``renamed`` warning, exit code unchanged, naming both names and the
statement that renames it back); after the revision failed, the database is behind its chain,
and the hints no longer say to migrate as if that would work: they name the rename to run
first. Run in a scratch copy of the project, with its own chains, on real databases.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pg_helpers import check_afresh
from support.testing import execute
from test_migrate_safety import (
    at_heads,
    migrate_afresh,
    write_revision,
)

from twinschema.compare.renames import Renamed, renamed
from twinschema.model import CheckConstraint, Index, Schema, Table

MODULE = {"sqlite": "schemas/sqlite.py", "postgresql": "schemas/postgres.py"}
INDEX, LIVE_NAME = "ix_profiles_wallet_address", "profiles_wallet_idx"
# The hand edit: PostgreSQL renames; SQLite cannot, so it drops and creates under the new name.
RENAME_BY_HAND = {
    "postgresql": [f"ALTER INDEX {INDEX} RENAME TO {LIVE_NAME}"],
    "sqlite": [f"DROP INDEX {INDEX}", f"CREATE INDEX {LIVE_NAME} ON profiles (wallet_address)"],
}
RENAME_BACK = {
    "postgresql": [f"ALTER INDEX {LIVE_NAME} RENAME TO {INDEX}"],
    "sqlite": [f"DROP INDEX {LIVE_NAME}", f"CREATE INDEX {INDEX} ON profiles (wallet_address)"],
}
SAID_BACK = {
    "postgresql": f"`ALTER INDEX {LIVE_NAME} RENAME TO {INDEX}`",
    "sqlite": f"`DROP INDEX {LIVE_NAME}`, then create it again as {INDEX} "
    "(SQLite cannot rename an index)",
}
COMMAND = {"sqlite": "twinschema migrate local", "postgresql": "twinschema migrate remote"}


def renames_in(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``renamed`` warnings of a JSON report (the live pair has value warnings too)."""
    return [w for w in report["warnings"] if w["kind"] == "renamed"]


def drop_in_a_revision(project: Path) -> None:
    """Revision 0002 of each chain drops the index by the module's name; the modules drop it
    too, and domain.yaml moves to version 2 with them."""
    for dialect, module in MODULE.items():
        write_revision(project, dialect, f'op.drop_index("{INDEX}", table_name="profiles")')
        path = project / module
        text = path.read_text()
        assert text.count("    sa.Index(None, p.wallet_address),\n") == 1
        path.write_text(text.replace("    sa.Index(None, p.wallet_address),\n", ""))
    domain = project / "domain.yaml"
    domain.write_text(domain.read_text().replace("version: 1\n", "version: 2\n", 1))


def test_a_renamed_index_is_warned_of_and_named_when_a_revision_fails_on_it(
    dialect: str, sqlite_url: str, pg_url: str, tmp_path: Path
) -> None:
    urls = {"sqlite": sqlite_url, "postgresql": pg_url}
    other = "postgresql" if dialect == "sqlite" else "sqlite"
    project = at_heads(tmp_path, urls)
    execute(urls[dialect], *RENAME_BY_HAND[dialect])

    # In sync (matched by what it does): a warning only, the exit code untouched.
    code, report = check_afresh(project, urls, "live")
    assert code == 0, report
    assert report["differences"] == []
    (warning,) = renames_in(report)
    assert (warning["kind"], warning["layer"], warning["severity"]) == (
        "renamed",
        "live",
        "warning",
    )
    assert (warning["table"], warning["left"], warning["right"]) == ("profiles", INDEX, LIVE_NAME)
    assert warning["left_source"] == MODULE[dialect]
    assert f"index {INDEX} on profiles is named {LIVE_NAME}" in warning["message"]
    assert warning["hint"] == (
        f"rename it back: {SAID_BACK[dialect]}; or name it {LIVE_NAME} in {MODULE[dialect]}"
    )

    # The revision that drops the index by its name fails there, and is rolled back.
    drop_in_a_revision(project)
    assert migrate_afresh(project, other, urls[other]).exit_code == 0
    failed = migrate_afresh(project, dialect, urls[dialect])
    assert failed.exit_code == 3, failed.output
    assert INDEX in failed.output
    assert "renamed by hand on this database? `twinschema check` names" in failed.output

    # The hints of the database behind its chain name the rename first, not migrating alone.
    code, report = check_afresh(project, urls, "live", "migrations")
    assert code == 1, report
    mine = [d for d in report["differences"] if d["left_source"] == MODULE[dialect]]
    state = [d for d in report["differences"] if d["kind"] == "migration_state"]
    assert [(d["kind"], d["name"]) for d in mine] == [("index", LIVE_NAME)], mine
    assert len(state) == 1, report["differences"]
    for d in (*mine, *state):
        assert f"run: {COMMAND[dialect]}" not in d["hint"], d["hint"]
    for d in state:
        assert f"index {INDEX} on profiles is {LIVE_NAME} there: {SAID_BACK[dialect]}" in d["hint"]
        assert f"then migrate with `{COMMAND[dialect]} " in d["hint"], d["hint"]
    # The live line names that hint rather than splicing it in (stranger86 004).
    for d in mine:
        assert "its migration_state says what to do first" in d["hint"], d["hint"]
        assert SAID_BACK[dialect] not in d["hint"], d["hint"]

    # Done as the hint says, the migration passes and everything is in sync.
    execute(urls[dialect], *RENAME_BACK[dialect])
    assert migrate_afresh(project, dialect, urls[dialect]).exit_code == 0
    code, report = check_afresh(project, urls, "live")
    assert (code, report["differences"], renames_in(report)) == (0, [], [])
    # (The test revisions have no downgrade(): the migrations layer reports that, and only that.)
    _, report = check_afresh(project, urls, "migrations")
    assert {d["kind"] for d in report["differences"]} == {"migration_roundtrip"}


def test_an_index_of_one_name_on_both_sides_is_no_rename(
    dialect: str, sqlite_url: str, pg_url: str, tmp_path: Path
) -> None:
    """The near miss: the database as its chain built it (every index under the module's
    name) has no warning; neither has the pair of databases, whose names differ by dialect."""
    urls = {"sqlite": sqlite_url, "postgresql": pg_url}
    project = at_heads(tmp_path, urls)
    code, report = check_afresh(project, urls, "live")
    assert (code, report["differences"], renames_in(report)) == (0, [], [])


def _table(*indexes: Index, checks: tuple[CheckConstraint, ...] = ()) -> Schema:
    return Schema("postgresql", {"t": Table("t", (), indexes=indexes, checks=checks)})


@pytest.mark.parametrize(
    ("expected", "actual", "found"),
    [
        # Renamed: the same index, another name.
        ((Index(("a",), name="ix_t_a"),), (Index(("a",), name="t_a_idx"),),
         [Renamed("t", "index", "ix_t_a", "t_a_idx")]),
        # Near misses: another index under another name; the module's name still there (the
        # other is a second index); no name in the module; a name differing in case only.
        ((Index(("a",), name="ix_t_a"),), (Index(("b",), name="t_b_idx"),), []),
        ((Index(("a",), name="ix_t_a"),),
         (Index(("a",), name="ix_t_a"), Index(("a",), name="t_a_idx")), []),
        ((Index(("a",), name=None),), (Index(("a",), name="t_a_idx"),), []),
        ((Index(("a",), name="ix_t_a"),), (Index(("a",), name="IX_T_A"),), []),
    ],
)  # fmt: skip
def test_renamed_pairs_objects_by_what_they_do(
    expected: tuple[Index, ...], actual: tuple[Index, ...], found: list[Renamed]
) -> None:
    assert renamed(_table(*expected), _table(*actual)) == found


def test_a_renamed_check_is_found_and_another_check_is_not() -> None:
    same = CheckConstraint("a > 0", name="ck_t_a")
    assert renamed(_table(checks=(same,)), _table(checks=(CheckConstraint("a > 0", "t_a"),))) == [
        Renamed("t", "check", "ck_t_a", "t_a")
    ]
    assert renamed(_table(checks=(same,)), _table(checks=(CheckConstraint("a > 1", "t_a"),))) == []


def test_a_pair_only_the_evaluation_made_one_is_renamed_and_only_that_pair() -> None:
    """Two indexes whose predicates differ in form (a cast PostgreSQL adds) are renamed only
    where the evaluation stage matched them (``matched``: table, module's name, database's)."""
    mine = Index(("a",), where="a >= 4", name="ix_t_a")
    theirs = Index(("a",), where="CAST(a AS INT) >= 4", name="t_a_idx")
    assert renamed(_table(mine), _table(theirs)) == []
    found = [Renamed("t", "index", "ix_t_a", "t_a_idx")]
    assert renamed(_table(mine), _table(theirs), [("t", "ix_t_a", "t_a_idx")]) == found
    assert renamed(_table(mine), _table(theirs), [("t", "IX_T_A", "T_A_IDX")]) == found
    # Near misses: matched on another table; the module's name still on the database.
    assert renamed(_table(mine), _table(theirs), [("u", "ix_t_a", "t_a_idx")]) == []
    both = _table(replace(theirs, name="ix_t_a"), theirs)
    assert renamed(_table(mine), both, [("t", "ix_t_a", "t_a_idx")]) == []


@pytest.mark.parametrize(
    ("statement", "hinted"),
    [("DROP INDEX no_such_index", True), ("SELECT * FROM no_such_table", False)],
)
def test_only_a_missing_object_is_hinted_as_renamed(
    db_url: str, statement: str, hinted: bool
) -> None:
    """A revision failing on an index the database lacks says it may have been renamed by hand;
    another failure (a missing table) keeps the database's message alone."""
    from twinschema.migrations.migrate_lint import cause_of

    with pytest.raises(sa.exc.DBAPIError) as failed:
        execute(db_url, statement)
    assert ("renamed by hand on this database?" in cause_of(failed.value)) is hinted
