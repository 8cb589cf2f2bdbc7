"""What psycopg and sqlglot log never reaches the user's output: each provoked in a process of
its own, without pytest's logging handlers (which would hide Python's last-resort handler, the
one that printed them on stderr)."""

from __future__ import annotations

import subprocess
import sys

# A connection whose server process is ended before a catalog read in a pipeline: the read
# raises, and psycopg logs "error ignored terminating <psycopg.Pipeline [BAD]>: the connection
# is lost" as it leaves the pipeline.
_LOST_IN_PIPELINE = """
import sys
import psycopg
from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect, connect_kwargs
from twinschema.dialects.postgresql_read import read_once
from twinschema.urls import parse_url

url = parse_url(sys.argv[1])
conn = connect(url, ReflectOptions())
conn.rollback()
with psycopg.connect(**connect_kwargs(url, ReflectOptions()), autocommit=True) as other:
    other.execute("SELECT pg_terminate_backend(%s)", (conn.info.backend_pid,))
try:
    read_once(conn, ReflectOptions(), "db")
except psycopg.OperationalError as exc:
    print("raised", type(exc).__name__)
"""

# A SQLite default sqlglot cannot read as an expression (replace() of three strings): it logs
# "... contains unsupported syntax. Falling back to parsing as a 'Command'".
_UNSUPPORTED_SYNTAX = """
from twinschema.canonical.expressions import canonical
print(canonical("sqlite", "replace('a-b', '-', '')").text)
"""


def _run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=120
    )


def test_a_connection_lost_in_a_pipeline_says_nothing_on_stderr(pg_url: str) -> None:
    done = _run(_LOST_IN_PIPELINE, pg_url)
    assert done.stdout.strip() == "raised OperationalError", done.stdout + done.stderr
    assert done.stderr == ""


def test_sqlglot_falling_back_says_nothing_on_stderr() -> None:
    done = _run(_UNSUPPORTED_SYNTAX)
    assert done.returncode == 0, done.stderr
    assert "replace" in done.stdout.lower()
    assert done.stderr == ""
