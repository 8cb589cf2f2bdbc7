"""``twinschema diff a.sql b.sql`` outside a project: the embedded PostgreSQL that loads the
files keeps its data folder in the user's cache folder (``$XDG_CACHE_HOME/twinschema/pg``),
never in the working directory, and says so once, before anything else (issue M2)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from pg_helpers import TWINSCHEMA, clean_env, invoke_cli

from twinschema.servers import embedded

PROBE = Path(__file__).parent / "fixtures" / "probes" / "pg-pg.domain-check-one-side"


def notice(folder: Path) -> str:
    return (
        f"twinschema: starting the embedded PostgreSQL in {folder} for scratch databases, "
        "never made on a server being checked (set TWINSCHEMA_SCRATCH_URL to use another server)"
    )


def test_the_embedded_scratch_server_s_folder_is_announced_when_created(
    private_dir: Path,
) -> None:
    work = private_dir / "work"
    work.mkdir()
    for name in ("a.sql", "b.sql"):
        shutil.copy(PROBE / name, work / name)
    env = clean_env(XDG_CACHE_HOME=str(private_dir / "cache"))
    env.pop("TWINSCHEMA_SCRATCH_URL", None)
    datadir = private_dir / "cache" / "twinschema" / "pg"

    # stdout and stderr in one stream, as a terminal shows them: the notice comes first.
    first = subprocess.run(
        [TWINSCHEMA, "diff", "a.sql", "b.sql"],
        cwd=work,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
        check=False,
    )
    assert first.returncode == 1, first.stdout
    lines = first.stdout.splitlines()
    assert lines[0] == notice(datadir), first.stdout
    assert lines.count(notice(datadir)) == 1
    assert "CHECK (x > 0)" in first.stdout, first.stdout
    assert datadir.is_dir()
    assert sorted(p.name for p in work.iterdir()) == ["a.sql", "b.sql"]  # no var/ made here
    assert not embedded.is_running(datadir)  # stopped by the command

    # In-process: what the second command says is the subject, not the process.
    again = invoke_cli(["diff", "a.sql", "b.sql"], work, env)
    assert again.returncode == 1, again.stdout + again.stderr
    assert again.stdout == "\n".join(lines[1:]) + "\n"
    assert "embedded PostgreSQL" not in again.stderr, again.stderr
