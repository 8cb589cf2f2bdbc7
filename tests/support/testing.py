"""Real databases for the tests: what the installed package offers its pytest plugin and the
benchmark (``twinschema.testing``: a PostgreSQL server, scratch databases on it, SQLite URLs),
and scratch SQLite files built from a script, which only these tests use."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from twinschema.testing import (
    TEST_URL_ENV,
    admin_engine,
    postgres_server,
    scratch_database,
    sqlite_url,
    without_durability,
)

__all__ = [
    "TEST_URL_ENV",
    "admin_engine",
    "postgres_server",
    "scratch_database",
    "sqlite_file",
    "sqlite_url",
    "without_durability",
]


def sqlite_file(path: Path, script: str) -> str:
    """A SQLite file built by running ``script`` (``executescript``); its URL."""
    conn = sqlite3.connect(path)
    try:
        conn.executescript(script)
    finally:
        conn.close()
    return sqlite_url(path)
