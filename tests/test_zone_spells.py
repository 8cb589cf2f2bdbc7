"""Zones alike now that part in history, where a CHECK's literal day falls (stranger56 013):
``America/New_York`` against its POSIX rule ``<EST>5<EDT>,M3.2.0,M11.1.0`` (the 2007 DST rule
in every year) agree in 2010 and part from 2006-03-12 to 2006-04-02 (New York's DST began on
the first Sunday of April then). ``at::date <> DATE '2010-06-15'`` is in sync: no stored row
passes on one and fails on the other. ``at::date <> DATE '2006-03-20'``, a day inside that
spell, is a ``check`` difference whose witness (that day's edge in one zone) each real
database, set to its zone, judges as the message says. The spells themselves are the scratch
server's (``zone_spells``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg
import pytest
from support import zone_tables
from support.dbpool import DatabasePool

from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect_kwargs
from twinschema.evaluate import zone_spells
from twinschema.urls import parse_url

NEW_YORK = "America/New_York"
POSIX_NEW_YORK = "<EST>5<EDT>,M3.2.0,M11.1.0"
POSIX_SHORT = "EST5EDT,M3.2.0,M11.1.0"


@pytest.mark.parametrize("posix", [POSIX_NEW_YORK, POSIX_SHORT])
def test_a_literal_day_where_the_zones_agree_parts_nothing(
    posix: str, pg_url: str, pg_databases: DatabasePool
) -> None:
    """013: the zones part in history, not on 2010-06-15: in sync, no claimed difference."""
    with pg_databases.database() as other:
        found = zone_tables.compared(
            (pg_url, other), (NEW_YORK, posix), "at::date <> DATE '2010-06-15'"
        )
    assert found.differences == [], found.differences


@pytest.mark.parametrize("posix", [POSIX_NEW_YORK, POSIX_SHORT])
def test_a_literal_day_inside_a_parting_spell_has_a_witness(
    posix: str, pg_url: str, pg_databases: DatabasePool
) -> None:
    """The near miss: 2006-03-20 is EST in New York and EDT by the POSIX rule; a row at that
    day's edge in one zone is the witness, judged so by both real databases (their own
    TimeZone, and the zone set in the session)."""
    zones = (NEW_YORK, posix)
    with pg_databases.database() as other:
        found = zone_tables.compared((pg_url, other), zones, "at::date <> DATE '2006-03-20'")
        at, said = zone_tables.witness(found, list(zones))
        assert at.startswith("2006-03-"), at
        for zoned in (False, True):
            real = zone_tables.real((pg_url, other), at, zones if zoned else None)
            assert real == said and real[0] != real[1], (at, real, said, zoned)


class _Server:
    """The scratch server's reads, as ``zone_spells`` asks them (a real connection)."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn

    def read(self, sql: bytes, params: dict[str, Any] | None = None) -> list[Any] | None:
        return list(self.conn.execute(sql, params).fetchall())


def test_spells_are_the_servers(pg_url: str) -> None:
    """The spells of New York against its POSIX rule: one from 2006-03-12 to 2006-04-02 with
    POSIX an hour ahead, none on 2010-06-15; the instants tried for a CHECK naming
    2006-03-20 hold that day's edge in each zone (04:00 and 05:00 UTC)."""
    with psycopg.connect(**connect_kwargs(parse_url(pg_url), ReflectOptions())) as conn:
        server = _Server(conn)
        found = zone_spells.spells(server, NEW_YORK, POSIX_NEW_YORK)
        check = "at::date <> DATE '2006-03-20'"
        tried = zone_spells.moments(server, (NEW_YORK, POSIX_NEW_YORK), check)

    def holding(day: dt.datetime) -> list[zone_spells.Spell]:
        return [s for s in found if s.start <= day < s.end]

    [spell] = holding(dt.datetime(2006, 3, 20, tzinfo=dt.UTC))
    assert spell.gap == dt.timedelta(hours=-1)
    assert spell.start.date() == dt.date(2006, 3, 12) and spell.end.date() == dt.date(2006, 4, 2)
    assert holding(dt.datetime(2010, 6, 15, 12, tzinfo=dt.UTC)) == []
    edge = dt.datetime(2006, 3, 20, 4, tzinfo=dt.UTC)
    assert edge in tried and edge + dt.timedelta(minutes=30) in tried
