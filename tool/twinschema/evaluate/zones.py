"""The live PostgreSQL server's TimeZone in the evaluation of defaults (see ``defaults``): the
scratch server runs in its own zone, so its "both give the current time" says nothing of a
server whose TimeZone is not UTC and whose column keeps a local date or time (``timestamp``,
``date``, ``time`` without time zone): PostgreSQL stores that zone's value there, SQLite UTC's."""

from __future__ import annotations

from twinschema.canonical.expr_idioms import LOCAL_CLOCK_NOTES, UTC_ZONES
from twinschema.evaluate.clock import CLOCK_OFFSET, DATE_OFFSET
from twinschema.evaluate.context import StageContext, default_text
from twinschema.evaluate.values import (
    CURRENT_DATE,
    CURRENT_TIME,
    CURRENT_TIME_OF_DAY,
    TIME_OF_DAY_OFFSET,
)
from twinschema.model import Column


def zone_decides(st: StageContext, lc: Column, rc: Column) -> bool:
    """True for a current-time or current-date default the comparer found apart by the live
    server's TimeZone (``compare.columns.local_time``, which named the zone): the scratch server
    runs in its own zone, so its "both give the current time" says nothing of the server
    checked."""
    from twinschema.canonical.expressions import across

    if clock_zone(st, lc, rc) is None:
        return False
    assert lc.default is not None and rc.default is not None
    return across(lc.default)[0] == across(rc.default)[0]


def clock_zone(st: StageContext, lc: Column, rc: Column) -> str | None:
    """The live server's TimeZone when it is not UTC and a default is a clock that reads it
    (PostgreSQL's CURRENT_DATE, now() in a timestamp without time zone): None otherwise."""
    zone = server_clock(st, lc, rc)
    return None if zone is None or zone.upper() in UTC_ZONES else zone


def server_clock(st: StageContext, lc: Column, rc: Column) -> str | None:
    """The live server's TimeZone, whatever it is, when a default of a cross-dialect pair is a
    clock that reads it; None where no server was read (a metadata module, a SQL file) or no
    default reads it."""
    from twinschema.canonical.expressions import across

    zone = st.left.schema.timezone or st.right.schema.timezone
    if not st.cross or zone is None or lc.default is None or rc.default is None:
        return None
    local = any(across(c.default)[1] in LOCAL_CLOCK_NOTES for c in (lc, rc) if c.default)
    return zone if local else None


# The PostgreSQL types that store the session's local date or time (no time zone kept).
LOCAL_TYPES = frozenset(
    {"timestamp without time zone", "timestamp", "date", "time without time zone", "time"}
)
CLOCKS = frozenset({CURRENT_TIME, CURRENT_DATE, CURRENT_TIME_OF_DAY})
# Those and the clock a step away (``time('now', '+2 hours')`` against ``LOCALTIME + interval
# '2 hours'``, ``CURRENT_DATE + 30``): what a local column of the live server keeps in its zone.
ZONED = CLOCKS | {CLOCK_OFFSET, DATE_OFFSET, TIME_OF_DAY_OFFSET}


def local_zone(st: StageContext, lc: Column, rc: Column) -> str | None:
    """The live PostgreSQL side's TimeZone when it is not UTC and its column keeps a local
    date or time (a ``timestamp``, ``date`` or ``time`` column; or any other whose default
    stores what depends on the session's zone, run in two zones: ``LOCALTIMESTAMP(0)`` in a
    text column): the scratch server's "current time", in UTC, then says nothing of what it
    stores."""
    if not st.cross:
        return None
    for side, column in ((st.left, lc), (st.right, rc)):
        zone = side.schema.timezone
        if (
            side.schema.dialect == "postgresql"
            and zone is not None
            and zone.upper() not in UTC_ZONES
            and (column.type.name in LOCAL_TYPES or _reads_zone(st, column))
        ):
            return zone
    return None


def _reads_zone(st: StageContext, column: Column) -> bool:
    """Whether ``column``'s default (of a column that keeps no time of its own: text) stores
    the session's local date or time, by running it in two zones."""
    text = default_text(column)
    return text is not None and st.ev.reads_zone(text, column)


def pg_type(st: StageContext, lc: Column, rc: Column) -> str:
    """The name of the PostgreSQL side's column type."""
    return (lc if st.left.schema.dialect == "postgresql" else rc).type.name
