"""Two live PostgreSQL databases in two zones, one table ``t (id, at timestamptz, CHECK)``
each: compared with the evaluation stage, and a ``check`` difference's witness run on both
(``test_zone_posix``, ``test_zone_spells``)."""

from __future__ import annotations

import re

import psycopg
from pg_helpers import database_in_zone

from support.testing import compared_evaluated
from twinschema.compare import Comparison, Side
from twinschema.dialects import ReflectOptions
from twinschema.dialects.postgresql import connect_kwargs
from twinschema.sources import make_canonical, reflect_url
from twinschema.urls import parse_url

_WITNESS = re.compile(
    r"witness \(at\) = \('([^']+)'\): (accepted|refused) on a .*?, (accepted|refused) on b"
)


def compared(urls: tuple[str, str], zones: tuple[str, str], check: str) -> Comparison:
    """The two databases, each set to its zone and given ``t`` with ``check``, compared."""
    table = f"CREATE TABLE t (id integer PRIMARY KEY, at timestamptz, CHECK ({check}))"
    for url, zone in zip(urls, zones, strict=True):
        database_in_zone(url, zone, table)
    left, right = (make_canonical(reflect_url(u, ReflectOptions()), None) for u in urls)
    return compared_evaluated(Side(left, "a", "a"), Side(right, "b", "b"), urls[0])


def witness(found: Comparison, shown: list[str]) -> tuple[str, tuple[str, str]]:
    """The one ``check`` difference's witness and what it says each side does, asserting the
    message names both zones (``shown``, as the server prints them)."""
    assert [(d.kind, d.table) for d in found.differences] == [("check", "t")], found
    message = found.differences[0].message
    assert all(f"TimeZone {z})" in message for z in shown), message
    matched = _WITNESS.search(message)
    assert matched is not None, message
    return matched.group(1), (matched.group(2), matched.group(3))


def real(urls: tuple[str, str], at: str, zones: tuple[str, str] | None = None) -> tuple[str, ...]:
    """What each live database does with the row at ``at``, in a new session (its own
    TimeZone, or ``zones``' set in the session)."""
    return tuple(
        "accepted" if _accepted(url, at, zones[k] if zones else None) else "refused"
        for k, url in enumerate(urls)
    )


def _accepted(url: str, at: str, zone: str | None) -> bool:
    with psycopg.connect(**connect_kwargs(parse_url(url), ReflectOptions())) as conn:
        if zone is not None:
            conn.execute("SELECT set_config('TimeZone', %s, false)", (zone,))
        try:
            conn.execute("INSERT INTO t VALUES (1, %s)", (at,))
        except psycopg.errors.CheckViolation:
            return False
        finally:
            conn.rollback()
    return True
