"""A column type as the messages spell it is a type PostgreSQL reads back as the same type."""

from __future__ import annotations

import psycopg
import pytest

from twinschema.dialects.postgresql_types import parse_type

TYPES = [
    "time(0) without time zone",
    "timestamp(3) with time zone",
    "time(6) with time zone",
    "timestamp without time zone",
    "numeric(6,2)",
    "character varying(40)",
    "integer[]",
    "timestamp(2) without time zone[]",
]


@pytest.mark.parametrize("written", TYPES)
def test_a_spelling_is_what_postgresql_prints(pg_url: str, written: str) -> None:
    """``ColumnType.spelling`` of a type is what PostgreSQL prints for it, and PostgreSQL reads
    it back as the same type: a time zone clause follows the precision (``time(0) without time
    zone``; ``time without time zone(0)`` is a syntax error)."""
    url = pg_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(url, autocommit=True) as conn:
        printed = _printed(conn, written)
        spelled = parse_type(printed).spelling()
        assert spelled.replace(", ", ",") == printed
        assert _printed(conn, spelled) == printed


def _printed(conn: psycopg.Connection[tuple[object, ...]], column_type: str) -> str:
    """What PostgreSQL prints for a column declared ``column_type``."""
    conn.execute("DROP TABLE IF EXISTS pg_temp.t")
    conn.execute(f"CREATE TEMP TABLE t (c {column_type})")
    row = conn.execute(
        "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
        "WHERE attrelid = 'pg_temp.t'::regclass AND attname = 'c'"
    ).fetchone()
    assert row is not None
    return str(row[0])
