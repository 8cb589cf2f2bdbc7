"""A revision file that does not import (stranger35 finding 19).

A missing colon in a revision (``def upgrade() -> None``), the commonest slip of a hand edit,
was an internal error (exit 4: "a bug") that named the file without its folder, in every
command that reads the chain. It is the user's file: one line naming it with its folder and
line, exit 2, as for a metadata module that does not import, in ``check``, ``migrate``,
``lint``, ``current`` and ``history``. Real SQLite files and a real PostgreSQL database, the
project's own chains copied to a scratch folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pg_helpers import invoke_afresh
from test_migrate_safety import CHAIN, HEADS, scratch_project

FILE = {d: f"{CHAIN[d]}/versions/{HEADS[d]}.py" for d in CHAIN}
SIDE = {"sqlite": "local", "postgresql": "remote"}
COMMANDS = [["check"], ["check", "--layer", "migrations"], ["lint"], ["current"], ["history"]]


def run(project: Path, urls: dict[str, str], args: list[str]) -> tuple[int, str, str]:
    env = dict(os.environ, LOCAL_DATABASE_URL=urls["sqlite"], DATABASE_URL=urls["postgresql"])
    done = invoke_afresh(args, project, env)
    return done.returncode, done.stdout, done.stderr


def break_line(project: Path, dialect: str, old: str, new: str) -> int:
    """``old`` replaced by ``new`` in the head revision of ``dialect``'s chain; its line."""
    path = project / FILE[dialect]
    lines = path.read_text().splitlines(keepends=True)
    (at,) = [i for i, line in enumerate(lines) if line.startswith(old)]
    lines[at] = lines[at].replace(old, new, 1)
    path.write_text("".join(lines))
    return at + 1


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_a_syntax_error_in_a_revision_is_one_line_naming_it_exit_2(
    dialect: str, sqlite_url: str, pg_url: str, tmp_path: Path
) -> None:
    urls = {"sqlite": sqlite_url, "postgresql": pg_url}
    project = scratch_project(tmp_path)
    other = "postgresql" if dialect == "sqlite" else "sqlite"
    line = break_line(project, dialect, "def upgrade() -> None:", "def upgrade() -> None")
    # The near miss: the other chain imports, and migrates.
    assert run(project, urls, ["migrate", SIDE[other]])[0] == 0
    said = f"twinschema: error: {FILE[dialect]}:{line}: the revision does not import: "
    for args in [*COMMANDS, ["migrate", SIDE[dialect]]]:
        code, out, err = run(project, urls, args)
        assert code == 2, (args, out, err)
        assert err.strip().splitlines()[-1] == f"{said}SyntaxError: expected ':'", (args, err)
        assert "Traceback" not in out + err, (args, err)


def test_an_import_error_names_the_line_of_the_revision_that_imports(
    sqlite_url: str, pg_url: str, tmp_path: Path
) -> None:
    urls = {"sqlite": sqlite_url, "postgresql": pg_url}
    project = scratch_project(tmp_path)
    line = break_line(
        project, "sqlite", "from alembic import op", "from alembic import op, not_in_alembic"
    )
    code, _, err = run(project, urls, ["lint"])
    assert code == 2, err
    said = err.strip()
    assert said.count("\n") == 0, said
    assert said.startswith(
        f"twinschema: error: {FILE['sqlite']}:{line}: the revision does not import: ImportError: "
        "cannot import name 'not_in_alembic' from 'alembic'"
    ), said
    assert "Traceback" not in err, err
