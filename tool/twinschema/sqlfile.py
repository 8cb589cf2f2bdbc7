"""The SQL-file loader's former import path: it lives in ``twinschema.sources.sqlfile`` (a package,
one module per job), and ``from twinschema import sqlfile`` keeps working."""

from __future__ import annotations

from twinschema.sources.sqlfile import (
    ALLOWED_EXTENSIONS,
    LOAD_TIMEOUT_SECONDS,
    MARKERS,
    Marker,
    detect_dialect,
    dialect_scores,
    load_postgresql,
    load_sqlite,
    read_sql,
)

__all__ = [
    "ALLOWED_EXTENSIONS",
    "LOAD_TIMEOUT_SECONDS",
    "MARKERS",
    "Marker",
    "detect_dialect",
    "dialect_scores",
    "load_postgresql",
    "load_sqlite",
    "read_sql",
]
