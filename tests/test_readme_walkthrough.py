"""README's "Use it on your own application" walkthrough, run line by line (issue 13).

The ``sh`` block under that heading is taken from README.md as it is, and run in one bash
process from a new folder, on two real databases (the test pair of ``test_init_project``: a
SQLite file and a database on the session's PostgreSQL server) given as ``$SQLITE_URL`` and
``$POSTGRES_URL``. Every command must exit 0: from nothing to a green check, a revision, both
migrations, and a green check again.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from pg_helpers import clean_env
from support import testing
from test_init_project import SHOP_POSTGRESQL, SHOP_SQLITE, execute

ROOT = Path(__file__).resolve().parent.parent
HEADING = "## Use it on your own application"
MARK = "::exit::"


def walkthrough() -> list[str]:
    """The commands of the walkthrough's ``sh`` block (comments and blank lines left out)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert HEADING in text, "README has no walkthrough section"
    section = text.split(HEADING, 1)[1].split("\n## ", 1)[0]
    found = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert found is not None, "the walkthrough has no sh block"
    return [
        line
        for line in found.group(1).splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def test_the_readme_walkthrough_runs(tmp_path: Path, pg_url: str) -> None:
    commands = walkthrough()
    assert [c.split()[:2] for c in commands if c.startswith("twinschema")] == [
        ["twinschema", "init"],
        ["twinschema", "diff"],
        ["twinschema", "check"],
        ["twinschema", "revision"],
        ["twinschema", "migrate"],
        ["twinschema", "migrate"],
        ["twinschema", "check"],
    ]
    execute(pg_url, *SHOP_POSTGRESQL)
    sqlite_url = testing.sqlite_file(tmp_path / "shop.db", SHOP_SQLITE)
    script = "".join(f"{command}\necho '{MARK}'$?\n" for command in commands)
    env = clean_env(SQLITE_URL=sqlite_url, POSTGRES_URL=pg_url)
    env["PATH"] = f"{ROOT / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    codes = [int(line[len(MARK) :]) for line in done.stdout.splitlines() if line.startswith(MARK)]
    assert len(codes) == len(commands), done.stdout + done.stderr
    failed = [(c, code) for c, code in zip(commands, codes, strict=True) if code != 0]
    assert failed == [], done.stdout + done.stderr
    assert (tmp_path / "myapp" / "domain.yaml").is_file()
