"""Two heads merged as ``check``'s hint says (stranger35 finding 6).

Two branches each made twin revisions; merged in git, each chain has two heads, and ``check``
hints ``alembic merge -m 'merge heads' A B (in migrations_sqlite)``. Run exactly so, the merge
revision declared ``domain_version = None`` (plain Alembic runs no env.py, so the template had
no version) and the chain check refused it. The template now gives a merge the version of the
heads it joins, and the hint names it for a project whose older template writes None. Real
``alembic`` processes, real SQLite and PostgreSQL databases.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

from pg_helpers import check_afresh
from test_migrate_safety import CHAIN, migrate_afresh, scratch_project, write_revision

ALEMBIC = str(Path(sys.executable).parent / "alembic")


def merge_as_hinted(hint: str, folder: Path) -> Path:
    """Run the ``alembic merge`` of a ``migration_heads`` hint in the folder it names; the
    revision file it writes."""
    command = hint.removeprefix("merge them: ").split(" (in ", 1)[0]
    assert command.startswith("alembic merge -m 'merge heads' "), hint
    before = set((folder / "versions").glob("*.py"))
    environ = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL")}
    done = subprocess.run(
        [ALEMBIC, *shlex.split(command)[1:]],
        cwd=folder,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    (written,) = set((folder / "versions").glob("*.py")) - before
    return written


def test_the_merge_check_hints_at_gives_one_head_in_sync(
    sqlite_url: str, pg_url: str, tmp_path: Path
) -> None:
    urls = {"sqlite": sqlite_url, "postgresql": pg_url}
    project = scratch_project(tmp_path)
    for dialect, url in urls.items():  # both databases at 0001, before the branches
        assert migrate_afresh(project, dialect, url).exit_code == 0
    for dialect in CHAIN:
        for branch in ("a", "b"):  # each branch's twin, domain_version = 2
            write_revision(project, dialect, "pass", revision=f"0002_{branch}_{dialect}")
    domain = project / "domain.yaml"
    domain.write_text(domain.read_text().replace("version: 1\n", "version: 2\n", 1))

    code, report = check_afresh(project, urls, "migrations")
    assert code == 1
    hints = {d["left_source"]: d["hint"] for d in report["differences"]}
    heads = [d for d in report["differences"] if d["kind"] == "migration_heads"]
    assert {d["left_source"] for d in heads} == set(CHAIN.values()), report["differences"]
    for dialect, folder in CHAIN.items():
        hint = hints[folder]
        assert hint == (
            f"merge them: alembic merge -m 'merge heads' 0002_a_{dialect} 0002_b_{dialect} (in "
            f"{folder}; the merge revision declares domain_version = 2: set it there if it says "
            "None), so the chain has one head"
        ), hint
        written = merge_as_hinted(hint, project / folder)
        text = written.read_text()
        assert "\ndomain_version = 2\n" in text, text
        compile(text, str(written), "exec")

    for dialect, url in urls.items():
        result = migrate_afresh(project, dialect, url)
        assert result.exit_code == 0, result.output
    code, report = check_afresh(project, urls, "migrations")
    assert (code, report["differences"]) == (0, []), [
        (d["kind"], d["message"], d["hint"]) for d in report["differences"]
    ]


def test_a_plain_revision_still_asks_for_its_version(tmp_path: Path) -> None:
    """The near miss: one parent, so plain ``alembic revision`` cannot know the version."""
    project = scratch_project(tmp_path)
    folder = project / CHAIN["sqlite"]
    before = set((folder / "versions").glob("*.py"))
    done = subprocess.run(
        [ALEMBIC, "revision", "-m", "by hand"], cwd=folder, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    (written,) = set((folder / "versions").glob("*.py")) - before
    assert "\ndomain_version = None\n" in written.read_text()
