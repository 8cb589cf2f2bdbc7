"""Zones alike now but not in history, one of them a POSIX zone Python's zoneinfo does not know
(stranger53 014, 015, 025, 028, 029): ``America/Sao_Paulo`` (DST until 2019) against ``UTC+3``,
``<-03>+3`` or ``-3``; ``America/New_York`` against ``<EST>5<EDT>,M3.2.0,M11.1.0`` (today's DST
rule only). The instants where the zones part are asked of the server, not of zoneinfo: a
``check`` difference with a witness each real database judges otherwise (where none is found,
no difference: ``test_zone_spells``). A CHECK that names its zone parts nothing."""

from __future__ import annotations

import re

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

HOURS = "extract(hour from at) BETWEEN 8 AND 18"
DOW = "extract(dow from at) <> 0"
SAO_PAULO = "America/Sao_Paulo"
NEW_YORK = "America/New_York"
POSIX_NEW_YORK = "<EST>5<EDT>,M3.2.0,M11.1.0"
_WITNESS = re.compile(
    r"witness \(at\) = \('([^']+)'\): (accepted|refused) on a .*?, (accepted|refused) on b"
)


def _table(check: str) -> str:
    return f"CREATE TABLE t (id integer PRIMARY KEY, at timestamptz, CHECK ({check}))"


def _compared(urls: tuple[str, str], zones: tuple[str, str], check: str) -> Comparison:
    for url, zone in zip(urls, zones, strict=True):
        database_in_zone(url, zone, _table(check))
    left, right = (make_canonical(reflect_url(u, ReflectOptions()), None) for u in urls)
    return compared_evaluated(Side(left, "a", "a"), Side(right, "b", "b"), urls[0])


def _accepted(url: str, at: str) -> bool:
    """Whether the live database (a new session: its own TimeZone) stores the row."""
    with psycopg.connect(**connect_kwargs(parse_url(url), ReflectOptions())) as conn:
        try:
            conn.execute("INSERT INTO t VALUES (1, %s)", (at,))
        except psycopg.errors.CheckViolation:
            return False
        finally:
            conn.rollback()
    return True


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
        found = _compared((pg_url, other), zones, check)
        assert [(d.kind, d.table) for d in found.differences] == [("check", "t")], found
        message = found.differences[0].message
        shown = [z if z != "-3" else "<-03>+03" for z in zones]
        assert all(f"TimeZone {z})" in message for z in shown), message
        witness = _WITNESS.search(message)
        assert witness is not None, message
        at, said = witness.group(1), (witness.group(2), witness.group(3))
        real = tuple("accepted" if _accepted(u, at) else "refused" for u in (pg_url, other))
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
        found = _compared((pg_url, other), zones, check)
    assert found.differences == []


def test_a_minute_apart_in_history_has_a_witness(pg_url: str, pg_databases: DatabasePool) -> None:
    """Abidjan's local mean time (16 min 8 s behind UTC, before 1912) parts the minute of a
    stored timestamptz from UTC's: the instants tried in that spell include the minute the
    CHECK names (50) read in each zone, so the difference names a witness each real database
    judges as said (it no longer says "no witness row was found", stranger56 013)."""
    zones = ("Africa/Abidjan", "UTC")
    with pg_databases.database() as other:
        found = _compared((pg_url, other), zones, "extract(minute from at) < 50")
        assert [(d.kind, d.table) for d in found.differences] == [("check", "t")], found
        message = found.differences[0].message
        assert all(f"TimeZone {z})" in message for z in zones), message
        witness = _WITNESS.search(message)
        assert witness is not None, message
        at, said = witness.group(1), (witness.group(2), witness.group(3))
        real = tuple("accepted" if _accepted(u, at) else "refused" for u in (pg_url, other))
        assert real == said and real[0] != real[1], (at, real, said)
