"""Zones alike now but not in history, one of them a POSIX zone Python's zoneinfo does not know
(stranger53 014, 015, 025, 028, 029): ``America/Sao_Paulo`` (DST until 2019) against ``UTC+3``,
``<-03>+3`` or ``-3``; ``America/New_York`` against ``<EST>5<EDT>,M3.2.0,M11.1.0`` (today's DST
rule only). The instants where the zones part are asked of the server, not of zoneinfo: a
``check`` difference with a witness each real database judges otherwise (where none is found,
no difference: ``test_zone_spells``). A CHECK that names its zone parts nothing."""

from __future__ import annotations

import pytest
from support import zone_tables
from support.dbpool import DatabasePool

HOURS = "extract(hour from at) BETWEEN 8 AND 18"
DOW = "extract(dow from at) <> 0"
SAO_PAULO = "America/Sao_Paulo"
NEW_YORK = "America/New_York"
POSIX_NEW_YORK = "<EST>5<EDT>,M3.2.0,M11.1.0"


@pytest.mark.parametrize(
    ("zones", "check"),
    [
        ((SAO_PAULO, "UTC+3"), HOURS),
        ((SAO_PAULO, "<-03>+3"), HOURS),
        (("-3", SAO_PAULO), HOURS),
        ((SAO_PAULO, "UTC+3"), DOW),
        ((NEW_YORK, POSIX_NEW_YORK), HOURS),
    ],
)
def test_posix_zone_apart_in_history_has_a_witness(
    zones: tuple[str, str], check: str, pg_url: str, pg_databases: DatabasePool
) -> None:
    """014, 015, 025, 028, 029: a ``check`` difference naming both zones, whose witness one
    real database accepts and the other refuses, as the message says."""
    with pg_databases.database() as other:
        found = zone_tables.compared((pg_url, other), zones, check)
        at, said = zone_tables.witness(found, [z if z != "-3" else "<-03>+03" for z in zones])
        real = zone_tables.real((pg_url, other), at)
        assert real == said and real[0] != real[1], (at, real, said)


@pytest.mark.parametrize(
    ("zones", "check"),
    [
        ((SAO_PAULO, "UTC+3"), "extract(hour from at AT TIME ZONE 'UTC') BETWEEN 8 AND 18"),
        (("Etc/GMT+3", "UTC+3"), HOURS),
        (("UTC+3", "-3"), DOW),
        (("Asia/Kolkata", "Asia/Calcutta"), HOURS),
    ],
)
def test_near_misses_stay_in_sync(
    zones: tuple[str, str], check: str, pg_url: str, pg_databases: DatabasePool
) -> None:
    """A CHECK that names its zone, between zones that part in history; one zone spelled two
    ways (a fixed offset, a tzdata link): in sync."""
    with pg_databases.database() as other:
        found = zone_tables.compared((pg_url, other), zones, check)
    assert found.differences == []


def test_a_minute_apart_in_history_has_a_witness(pg_url: str, pg_databases: DatabasePool) -> None:
    """Abidjan's local mean time (16 min 8 s behind UTC, before 1912) parts the minute of a
    stored timestamptz from UTC's: the instants tried in that spell include the minute the
    CHECK names (50) read in each zone, so the difference names a witness each real database
    judges as said (it no longer says "no witness row was found", stranger56 013)."""
    zones = ("Africa/Abidjan", "UTC")
    with pg_databases.database() as other:
        found = zone_tables.compared((pg_url, other), zones, "extract(minute from at) < 50")
        at, said = zone_tables.witness(found, list(zones))
        real = zone_tables.real((pg_url, other), at)
        assert real == said and real[0] != real[1], (at, real, said)
