"""One transaction of two inserts a second apart, on a real SQLite file or PostgreSQL schema:
what the clock-default-under-UNIQUE tests run to see which database refuses the second row."""

from __future__ import annotations

import math
import sqlite3
import time
from typing import Any

import psycopg
from probes import Loader


def _past_next_second() -> None:
    """Sleep until the clock is past its next whole second."""
    now = time.time()
    time.sleep(math.floor(now) + 1.05 - now)


def two_inserts(loader: Loader, dialect: str, handle: Any) -> int | str:
    """The rows stored by one transaction of two inserts that omit ``at``, or "refused"."""
    if dialect == "sqlite":
        assert isinstance(handle, sqlite3.Connection)
        try:
            handle.execute("BEGIN")
            handle.execute("INSERT INTO ev (id) VALUES (1)")
            _past_next_second()
            handle.execute("INSERT INTO ev (id) VALUES (2)")
            handle.execute("COMMIT")
        except sqlite3.IntegrityError:
            handle.execute("ROLLBACK")
            return "refused"
        return int(handle.execute("SELECT count(DISTINCT at) FROM ev").fetchone()[0])
    conn = loader.held("rows")
    conn.execute(f"SET search_path TO {handle}, public")
    try:
        conn.execute("INSERT INTO ev (id) VALUES (1)")
        _past_next_second()
        conn.execute("INSERT INTO ev (id) VALUES (2)")
        row = conn.execute("SELECT count(DISTINCT at) FROM ev").fetchone()
        assert row is not None
        return int(row[0])
    except psycopg.errors.UniqueViolation:
        return "refused"
    finally:
        conn.rollback()
