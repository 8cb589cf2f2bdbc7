"""``twinschema diff a.sql b.sql`` outside a project: the embedded PostgreSQL that loads the
files creates its data folder in the working directory, and says so once (issue M2)."""

from __future__ import annotations

import shutil
from pathlib import Path

from pg_helpers import clean_env, run_cli

from twinschema import embedded

PROBE = Path(__file__).parent / "fixtures" / "probes" / "pg-pg.domain-check-one-side"
NOTICE = (
    "twinschema: starting the embedded PostgreSQL in ./var/pg for scratch databases "
    "(set TWINSCHEMA_SCRATCH_URL to use another server)"
)


def test_the_embedded_scratch_server_s_folder_is_announced_when_created(
    private_dir: Path,
) -> None:
    for name in ("a.sql", "b.sql"):
        shutil.copy(PROBE / name, private_dir / name)
    env = clean_env()
    env.pop("TWINSCHEMA_SCRATCH_URL", None)

    first = run_cli(["diff", "a.sql", "b.sql"], private_dir, env, timeout=600)
    assert first.returncode == 1, first.stdout + first.stderr
    assert "posint" in first.stdout, first.stdout
    assert first.stderr.splitlines().count(NOTICE) == 1, first.stderr
    assert (private_dir / "var" / "pg").is_dir()
    assert not embedded.is_running(private_dir / "var" / "pg")  # stopped by the command

    again = run_cli(["diff", "a.sql", "b.sql"], private_dir, env, timeout=600)
    assert again.returncode == 1, again.stdout + again.stderr
    assert again.stdout == first.stdout
    assert "embedded PostgreSQL" not in again.stderr, again.stderr
