"""The SQLite file a migration run creates (``migrate``): one the run leaves with no table,
refused or rolled back, is removed, so that a failure never leaves a new empty file behind."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path


def remove_if_empty(path: Path) -> None:
    """A SQLite file this run created and left with no table (a refused or failed migration
    rolled back; stranger46 019): removed, so a failure never leaves a new empty file behind."""
    try:
        if path.exists() and path.stat().st_size > 0:
            with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as raw:
                if raw.execute("SELECT count(*) FROM sqlite_master").fetchone() != (0,):
                    return
        path.unlink(missing_ok=True)
    except (OSError, sqlite3.Error):
        return  # left as it is: what it holds cannot be told
