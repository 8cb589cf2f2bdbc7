"""PostgreSQL's local current time in a timestamptz, in its other spellings (stranger66 006):
``now()::timestamp`` (also ``CURRENT_TIMESTAMP::timestamp``, ``::timestamp without time zone``,
``transaction_timestamp()::timestamp``) is ``LOCALTIMESTAMP``'s value. Against ``now()`` on two
Europe/Paris databases it was "in sync" while ``LOCALTIMESTAMP`` was a difference; in the hour
Paris's change back from summer time repeats, the local time read back as a moment is an hour
after the clock, so a ``CHECK (due_at >= created_at)`` refuses on one database a row the other
stores. Near misses: ``now()`` against ``CURRENT_TIMESTAMP``, and ``now()::timestamp`` against
``LOCALTIMESTAMP`` (the same value in every session), stay equal."""

from __future__ import annotations

import psycopg
import pytest
from pg_helpers import database_in_zone
from support.dbpool import DatabasePool
from support.testing import compared_evaluated

from twinschema.compare import Comparison, Side
from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect_kwargs
from twinschema.sources import make_canonical, reflect_url
from twinschema.urls import parse_url

ZONE = "Europe/Paris"
AT = "2026-10-25 00:30:00+00"  # 02:30 CEST, the first of Paris's two 02:30s


def _table(default: str) -> str:
    return (
        "CREATE TABLE pick (id integer PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT "
        f"{default}, due_at timestamptz NOT NULL, CHECK (due_at >= created_at))"
    )


def _compare(pg_url: str, other: str, defaults: tuple[str, str]) -> Comparison:
    database_in_zone(pg_url, ZONE, _table(defaults[0]))
    database_in_zone(other, ZONE, _table(defaults[1]))
    options = ReflectOptions()
    left = make_canonical(reflect_url(pg_url, options), None)
    right = make_canonical(reflect_url(other, options), None)
    return compared_evaluated(Side(left, "a", "a"), Side(right, "b", "b"), pg_url)


def _stores(url: str, default: str) -> bool:
    """Whether the real database stores the row its default gives with the clock at ``AT``
    and ``due_at`` = ``AT`` (a session that sets no zone: the database's own)."""
    value = default.replace("now()", f"'{AT}'::timestamptz").replace(
        "CURRENT_TIMESTAMP", f"'{AT}'::timestamptz"
    )
    value = value.replace("transaction_timestamp()", f"'{AT}'::timestamptz")
    with psycopg.connect(**connect_kwargs(parse_url(url), ReflectOptions())) as conn:
        try:
            conn.execute(f"INSERT INTO pick VALUES (1, {value}, '{AT}')")
        except psycopg.errors.CheckViolation:
            return False
        finally:
            conn.rollback()
    return True


LOCAL = [
    "now()::timestamp",
    "CURRENT_TIMESTAMP::timestamp",
    "now()::timestamp without time zone",
    "transaction_timestamp()::timestamp",
]


@pytest.mark.parametrize("local", LOCAL)
def test_local_now_spellings_part_from_now(
    local: str, pg_url: str, pg_databases: DatabasePool
) -> None:
    """006: each spelling against now() is a difference naming the repeated hour and the two
    instants, and the real databases part on the row: the local one's CHECK refuses it."""
    with pg_databases.database() as other:
        found = _compare(pg_url, other, ("now()", local))
        assert _stores(pg_url, "now()") and not _stores(other, local)
    got = [(d.kind, d.column) for d in found.differences]
    assert got == [("column_default", "created_at")], [d.message for d in found.differences]
    message = found.differences[0].message
    assert "2026-10-25 00:30:00 UTC vs 2026-10-25 01:30:00 UTC" in message, message


@pytest.mark.parametrize(
    "pair", [("now()", "CURRENT_TIMESTAMP"), ("now()::timestamp", "LOCALTIMESTAMP")]
)
def test_near_misses_stay_equal(
    pair: tuple[str, str], pg_url: str, pg_databases: DatabasePool
) -> None:
    """One value in every session: in sync, and the real databases store the row alike."""
    with pg_databases.database() as other:
        found = _compare(pg_url, other, pair)
        assert _stores(pg_url, pair[0]) == _stores(
            other, pair[1].replace("LOCALTIMESTAMP", "now()::timestamp")
        )
    assert found.differences == [], [d.message for d in found.differences]
