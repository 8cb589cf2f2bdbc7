"""A table dropped and another made in one revision under the same index names runs (s79mig).

``tags`` removed from domain.yaml and ``labels`` added in its place, the modules keeping the
index ``ix_tags_color`` (and, on PostgreSQL, the keys ``tags_pkey`` and ``tags_name_key``) and
``note_tags``' foreign key moved to ``labels``: autogenerate wrote ``labels`` made first, then
``tags`` dropped, then the key moved. On SQLite the index was made while ``tags`` still held its
name ("index ix_tags_color already exists"), on PostgreSQL ``labels``' key index too ("relation
tags_pkey already exists"), and ``DROP TABLE tags`` came before the key pointing at it was
dropped; the downgrade made the key back to ``tags`` before ``tags``. ``revision`` ended with
exit 3 (its scratch run). Now the drops come first (``revision_order``): on real databases built
from each chain, upgrade, downgrade and upgrade again all run, the index is on the table each
step leaves, and ``note_tags``' key points at it. Near miss: a revision that drops no table keeps
autogenerate's order (``test_a_table_renamed_and_changed_in_one_revision``: a rename and an
added column, the rename first)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from support.dbpool import DatabasePool
from test_init_project import FOLDER, migrate_fresh, project_in_sync, replace_in, rows_of, written
from test_revision_renamed_table import POSTGRES, SQLITE


def _state(dialect: str, url: str) -> list[object]:
    """The table ``ix_tags_color`` is on, and the table ``note_tags``' key points at."""
    if dialect == "sqlite":
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            (index,) = conn.execute(
                "SELECT tbl_name FROM sqlite_master WHERE name = 'ix_tags_color'"
            ).fetchall()
            parent = [(k[2],) for k in conn.execute("PRAGMA foreign_key_list(note_tags)")]
        return [index, parent]
    index = rows_of(url, "SELECT tablename FROM pg_indexes WHERE indexname = 'ix_tags_color'")
    parent = rows_of(
        url,
        "SELECT confrelid::regclass::text FROM pg_constraint "
        "WHERE conrelid = 'note_tags'::regclass AND contype = 'f'",
    )
    return [index[0], parent]


@pytest.mark.parametrize("dialect", list(FOLDER))
def test_a_table_dropped_and_one_made_by_its_names_runs_both_ways(
    dialect: str, tmp_path: Path, pg_url: str, pg_databases: DatabasePool
) -> None:
    project, _, shell = project_in_sync(tmp_path, pg_url, SQLITE, POSTGRES)
    replace_in(project / "domain.yaml", "  tags:\n", "  labels:\n")
    for module in ("sqlite.py", "postgres.py"):
        path = project / "schemas" / module
        path.write_text(path.read_text("utf-8").replace("N.tags", "N.labels"), "utf-8")
    result = shell("revision", "-m", "labels instead of tags")
    assert result.exit_code == 0, result.output
    assert "fails" not in result.output, result.output
    upgrade, downgrade = written(project, dialect)
    # the old table's index goes before the new one is made, both ways
    assert upgrade.index("drop_index") < upgrade.index("create_table('labels'"), upgrade
    assert downgrade.index("drop_index") < downgrade.index("create_table('tags'"), downgrade
    if dialect == "postgresql":  # the key pointing at tags goes before tags
        assert upgrade.index("drop_constraint") < upgrade.index("drop_table('tags')"), upgrade
        assert downgrade.index("create_table('tags'") < downgrade.index("create_foreign_key")
    else:  # SQLite's batch copy of note_tags reads the table its key points at
        assert upgrade.index("batch_alter_table('note_tags'") < upgrade.index("drop_table")
    for folder in FOLDER.values():  # the person's word that tags' rows may go, both ways
        (made,) = (project / folder / "versions").glob("0002_*.py")
        made.write_text(
            made.read_text("utf-8") + 'allow_destructive = {"drop_table:tags": "labels now"}\n'
            'allow_destructive_downgrade = {"drop_table:labels": "tags again"}\n',
            "utf-8",
        )
    side = "local" if dialect == "sqlite" else "remote"
    flag = "--sqlite-url" if dialect == "sqlite" else "--postgres-url"
    with migrate_fresh(shell, tmp_path, pg_databases) as fresh:
        url = fresh[dialect]
        assert _state(dialect, url) == [("labels",), [("labels",)]]
        result = shell("migrate", side, flag, url, "--to", "-1", "--yes-downgrade")
        assert result.exit_code == 0, result.output
        assert _state(dialect, url) == [("tags",), [("tags",)]]
        result = shell("migrate", side, flag, url)
        assert result.exit_code == 0, result.output
        assert _state(dialect, url) == [("labels",), [("labels",)]]
