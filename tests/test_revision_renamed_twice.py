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

import re
from pathlib import Path

import pytest
from alembic.script import Script, ScriptDirectory
from support.dbpool import DatabasePool
from test_init_project import (
    FOLDER,
    migrate_both,
    migrate_fresh,
    migrated_in_sync,
    project_in_sync,
    replace_in,
    revised,
    written,
)
from test_revision_renamed_table import NOTE_TAGS, POSTGRES, SQLITE, TAGS, _rows

from twinschema.migrations.chain_renames import chain_renames
from twinschema.migrations.lint import chain_scripts

# An FTS5 table: its shadow tables are tables at head no table of domain.yaml names.
FTS = ["CREATE VIRTUAL TABLE tags_fts USING fts5(name)"]
# domain.yaml's line under ``tags:`` each time, and the table's names after, by dialect.
SQLITE_NAMES = (
    ["names: {sqlite: labels}", "names: {sqlite: categories}"],
    {"sqlite": ["labels", "categories"], "postgresql": ["tags", "tags"]},
)
BOTH_NAME = (
    ["name: labels", "name: categories"],
    {"sqlite": ["labels", "categories"], "postgresql": ["labels", "categories"]},
)
# Each case, and whether the first rename's names are then computed (module constants).
CASES = {
    "sqlite-names": (*SQLITE_NAMES, False),
    "both-name": (*BOTH_NAME, False),
    "sqlite-names-computed": (*SQLITE_NAMES, True),
}


def computed_names(project: Path, dialect: str) -> None:
    """A person's edit of the chain's second revision: its ``op.rename_table(old, new)`` reads
    both names from module constants (the same rename, no literal name in the call)."""
    (made,) = (project / FOLDER[dialect] / "versions").glob(f"0002_*_{dialect}.py")
    text = made.read_text("utf-8").replace('"', "'")
    call = re.search(r"op\.rename_table\(('\w+'), ('\w+')\)", text.split("def downgrade")[0])
    assert call is not None, text
    head, tail = text.split("def upgrade", 1)
    tail = tail.replace(call.group(0), "op.rename_table(OLD, NEW)", 1)
    made.write_text(f"{head}OLD, NEW = {call.group(1)}, {call.group(2)}\n\n\ndef upgrade{tail}")


@pytest.mark.parametrize("case", list(CASES))
def test_a_table_renamed_twice_is_renamed_twice_with_its_rows(
    case: str, tmp_path: Path, pg_url: str, pg_databases: DatabasePool
) -> None:
    edits, names, computed = CASES[case]
    project, sqlite_url, shell = project_in_sync(tmp_path, pg_url, SQLITE + FTS, POSTGRES)
    urls = {"sqlite": sqlite_url, "postgresql": pg_url}
    replace_in(project / "domain.yaml", "  tags:\n", f"  tags:\n    {edits[0]}\n")
    revised(shell, "rename tags")
    migrate_both(shell)
    for dialect in FOLDER:
        if computed and names[dialect][0] != "tags":
            computed_names(project, dialect)
    replace_in(project / "domain.yaml", f"    {edits[0]}\n", f"    {edits[1]}\n")
    revised(shell, "rename again", quiet=True)
    for dialect in FOLDER:
        before, now = names[dialect]
        body, downgrade = written(project, dialect, "0003")
        if before != now:
            assert f"op.rename_table('{before}', '{now}')" in body, body
            assert f"op.rename_table('{now}', '{before}')" in downgrade, downgrade
        for call in ("create_table", "drop_table", "batch_alter_table", "constraint"):
            assert call not in body, body
    migrated_in_sync(shell)
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


def _chain(folder: Path, *upgrades: str) -> list[Script]:
    """A chain of revisions, base first, each ``upgrade()`` the body given (with ``OLD``,
    ``NEW`` and ``TABLES`` module constants), each ``downgrade()`` a rename back."""
    folder.mkdir()
    down = None
    for number, body in enumerate(upgrades, 1):
        (folder / f"r{number}.py").write_text(
            f"from alembic import op\nrevision = 'r{number}'\ndown_revision = {down!r}\n"
            "OLD, NEW, TABLES = 'tags', 'labels', ('a', 'b')\n"
            f"def upgrade():\n{body}\n"
            "def downgrade():\n    op.rename_table('labels', 'tags')\n",
            "utf-8",
        )
        down = f"r{number}"
    return chain_scripts(ScriptDirectory(str(folder), version_locations=[str(folder)]))


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_the_chain_renames_are_what_upgrade_invokes(dialect: str, tmp_path: Path) -> None:
    """The renames upgrade() invokes, in order, names computed at run time too (a module
    constant, a loop: reading the file's literal calls missed them); downgrade()'s renames
    back are not names the table had, and an upgrade() stopped by an error keeps the renames
    it invoked before it."""
    scripts = _chain(
        tmp_path / "versions",
        "    op.rename_table(OLD, NEW)",
        "    for old in TABLES:\n        op.rename_table(old, old + '_v2')",
        "    op.rename_table('labels', 'c')\n    raise RuntimeError('stop')\n"
        "    op.rename_table('c', 'd')",
    )
    assert chain_renames(scripts, dialect) == [
        ("tags", "labels"), ("a", "a_v2"), ("b", "b_v2"), ("labels", "c"),
    ]  # fmt: skip
