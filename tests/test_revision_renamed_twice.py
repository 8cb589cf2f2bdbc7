"""A table renamed a second time through domain.yaml ``names:`` or ``name:`` (its logical name
kept) is renamed again, not created and dropped (stranger64 009).

``tags: {names: {sqlite: labels}}`` (written as ``op.rename_table('tags', 'labels')``) and then
``{sqlite: categories}`` made ``revision`` write ``create_table('categories')`` and
``drop_table('labels')``: ``labels`` is neither the table's logical name nor its name on the
other dialect, and the other way to find it (the one table at head no file names) failed on a
device database holding an FTS5 table's shadow tables, or, for ``name:`` changed on both chains,
because neither chain had the table's new name. The chain's own ``op.rename_table`` says which
names the table had: the second revision is ``op.rename_table('labels', 'categories')``, rows
kept, ``check`` in sync, a fresh database built from each chain, the downgrade renames back.
Near miss (in test_revision_renamed_table.py): a new logical table stays a create and a drop. On
a project ``init`` wrote from two real databases (SQLite 3.40, PostgreSQL 16)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import testing
from support.dbpool import DatabasePool
from test_init_project import FOLDER, adopt_in_sync, check, migrate_both, migrate_fresh, replace_in
from test_revision_renamed_table import NOTE_TAGS, POSTGRES, SQLITE, TAGS, _rows

from twinschema.migrations.chain_renames import chain_renames

# An FTS5 table: its shadow tables are tables at head no table of domain.yaml names.
FTS = ["CREATE VIRTUAL TABLE tags_fts USING fts5(name)"]
# domain.yaml's line under ``tags:`` each time, and the table's names after, by dialect.
CASES = {
    "sqlite-names": (
        ["names: {sqlite: labels}", "names: {sqlite: categories}"],
        {"sqlite": ["labels", "categories"], "postgresql": ["tags", "tags"]},
    ),
    "both-name": (
        ["name: labels", "name: categories"],
        {"sqlite": ["labels", "categories"], "postgresql": ["labels", "categories"]},
    ),
}


def _upgrade_of(project: Path, dialect: str, number: str) -> tuple[str, str]:
    (made,) = (project / FOLDER[dialect] / "versions").glob(f"{number}_*_{dialect}.py")
    upgrade, downgrade = made.read_text("utf-8").replace('"', "'").split("def downgrade")
    return upgrade.split("def upgrade")[1], downgrade


@pytest.mark.parametrize("case", list(CASES))
def test_a_table_renamed_twice_is_renamed_twice_with_its_rows(
    case: str, tmp_path: Path, pg_url: str, pg_databases: DatabasePool
) -> None:
    edits, names = CASES[case]
    sqlite_url = testing.sqlite_url(tmp_path / "app.db")
    urls = {"sqlite": sqlite_url, "postgresql": pg_url}
    project = tmp_path / "app"
    shell = adopt_in_sync(project, sqlite_url, pg_url, SQLITE + FTS, POSTGRES)
    replace_in(project / "domain.yaml", "  tags:\n", f"  tags:\n    {edits[0]}\n")
    result = shell("revision", "-m", "rename tags")
    assert result.exit_code == 0, result.output
    migrate_both(shell)
    replace_in(project / "domain.yaml", f"    {edits[0]}\n", f"    {edits[1]}\n")
    result = shell("revision", "-m", "rename again")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output, result.output
    for dialect in FOLDER:
        before, now = names[dialect]
        body, downgrade = _upgrade_of(project, dialect, "0003")
        if before != now:
            assert f"op.rename_table('{before}', '{now}')" in body, body
            assert f"op.rename_table('{now}', '{before}')" in downgrade, downgrade
        for written in ("create_table", "drop_table", "batch_alter_table", "constraint"):
            assert written not in body, body
    migrate_both(shell)
    code, report = check(shell)
    assert (code, report["differences"]) == (0, []), report["differences"]
    for dialect, url in urls.items():
        assert _rows(url, names[dialect][1]) == [TAGS, NOTE_TAGS], dialect
    with migrate_fresh(shell, tmp_path, pg_databases) as fresh:
        for dialect, url in fresh.items():
            assert _rows(url, names[dialect][1]) == [[], []], dialect
    for side in ("local", "remote"):  # and back: the downgrade renames back, rows kept
        result = shell("migrate", side, "--to", "-1", "--yes-downgrade")
        assert result.exit_code == 0, result.output
    for dialect, url in urls.items():
        assert _rows(url, names[dialect][0]) == [TAGS, NOTE_TAGS], dialect


def test_the_chain_renames_are_read_from_upgrade_only() -> None:
    """The renames of upgrade(), in order; downgrade()'s renames back and non-literal calls are
    not names the table had."""
    first = (
        "def upgrade():\n    op.rename_table('tags', 'labels')\n"
        "def downgrade():\n    op.rename_table('labels', 'tags')\n"
    )
    second = "def upgrade():\n    op.rename_table(OLD, 'x')\n    op.rename_table('labels', 'c')\n"
    assert chain_renames([first, second, "def upgrade(:"]) == [("tags", "labels"), ("labels", "c")]
