"""README's walkthrough (``init --stamp``, ``diff``, ``check``) in a new folder, its PostgreSQL
database on a server of the user's own: the scratch PostgreSQL all three use is the project's
embedded server in ``./var/pg``, one place (stranger77 015: the first ``diff`` made a 46 MB
cluster there, unannounced by the walkthrough). ``init`` in a new folder starts none; ``diff``
starts it, saying once where and why the named server is not used; ``check`` uses the same
folder, silently; nothing is made in the user's cache folder (where a command outside a project
keeps its server: ``test_scratch_notice``, the near miss); git ignores ``var/``."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pg_helpers import clean_env, invoke_afresh
from support.testing import execute

from twinschema.servers import embedded

STARTING = "twinschema: starting the embedded PostgreSQL in"


def test_init_diff_and_check_keep_one_scratch_server_in_the_project_s_var(
    private_dir: Path, pg_url: str
) -> None:
    project = private_dir / "app"
    project.mkdir()
    device = private_dir / "device.db"
    with sqlite3.connect(device) as db:
        db.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    execute(pg_url, "CREATE TABLE note (id serial PRIMARY KEY, body text NOT NULL)")
    sqlite_url = f"sqlite:///{device}"
    cache = private_dir / "cache"
    env = clean_env(XDG_CACHE_HOME=str(cache), LOCAL_DATABASE_URL=sqlite_url, DATABASE_URL=pg_url)
    env.pop("TWINSCHEMA_SCRATCH_URL", None)

    # In-process (``invoke_afresh``: each command reads the project as a new process would):
    # what is tested is what each command says and where its server lives, not the process;
    # test_embedded starts the script where the server's lifetime with the process is the subject.
    init = invoke_afresh(
        ["init", "--sqlite-url", sqlite_url, "--postgres-url", pg_url, "--stamp"], project, env
    )
    assert init.returncode == 0, init.stdout + init.stderr
    assert STARTING not in init.stderr + init.stdout
    assert not (project / "var" / "pg").exists()

    diff = invoke_afresh(["diff", sqlite_url, pg_url, "--domain", "domain.yaml"], project, env)
    assert diff.returncode in (0, 1), diff.stdout + diff.stderr
    said = [line for line in diff.stderr.splitlines() if line.startswith(STARTING)]
    assert said == [
        f"{STARTING} ./var/pg for scratch databases, never made on a server being checked "
        "(set TWINSCHEMA_SCRATCH_URL to use another server)"
    ], diff.stderr
    datadir = project / "var" / "pg"
    assert datadir.is_dir() and not embedded.is_running(datadir)
    assert (project / "var" / ".gitignore").read_text() == "*\n"

    check = invoke_afresh(["check"], project, env)
    assert check.returncode in (0, 1), check.stdout + check.stderr
    assert STARTING not in check.stderr + check.stdout
    assert not embedded.is_running(datadir)
    assert not (cache / "twinschema" / "pg").exists()  # no second server, per user
    assert sorted(p.name for p in (project / "var").iterdir() if p.is_dir()) <= ["cache", "pg"]
