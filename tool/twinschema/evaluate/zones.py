"""The live PostgreSQL server's TimeZone in the evaluation of defaults (see ``defaults``): the
scratch server runs in its own zone, so its "both give the current time" says nothing of a
server whose TimeZone is not UTC and whose default stores a local date or time (``now()`` in a
``timestamp``, ``CURRENT_DATE``; not ``now() AT TIME ZONE 'UTC'``, which is UTC's in every
session): PostgreSQL stores that zone's value there, SQLite UTC's."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from twinschema.canonical.expr_idioms import IN_A_UTC_SESSION, LOCAL_CLOCK_NOTES
from twinschema.evaluate.clock import CLOCK_OFFSET, DATE_OFFSET
from twinschema.evaluate.context import StageContext, matched_columns, matched_tables
from twinschema.evaluate.default_findings import difference
from twinschema.evaluate.default_texts import default_text
from twinschema.evaluate.evaluator import NEW_YEARS
from twinschema.evaluate.fixed_moments import MOMENTS, value_of
from twinschema.evaluate.values import (
    CONSTANT,
    CURRENT_DATE,
    CURRENT_TIME,
    CURRENT_TIME_OF_DAY,
    TIME_OF_DAY_OFFSET,
    Verdict,
    same_class,
)
from twinschema.model import Column, Schema
from twinschema.records.dialects import DIALECT_NAMES
from twinschema.records.hint_ways import Offer


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
    utc = st.left.schema.timezone_utc or st.right.schema.timezone_utc
    return None if zone is None or utc else zone


def server_clock(st: StageContext, lc: Column, rc: Column) -> str | None:
    """The live server's TimeZone, whatever it is, when the server's default of a
    cross-dialect pair is a clock that reads it; None where no server was read (a metadata
    module, a SQL file) or its default reads none. The other side's spelling never decides:
    SQLite's ``CURRENT_DATE`` is UTC's date, and ``(now() AT TIME ZONE 'UTC')::date`` against
    it stores UTC's date on an Asia/Tokyo database too (stranger68 002)."""
    from twinschema.canonical.expressions import across

    zone = st.left.schema.timezone or st.right.schema.timezone
    if not st.cross or zone is None or lc.default is None or rc.default is None:
        return None
    server = lc if st.left.schema.timezone else rc
    local = server.default is not None and across(server.default)[1] in LOCAL_CLOCK_NOTES
    return zone if local else None


def session_said(
    st: StageContext, left: tuple[str, str, Column], right: tuple[str, str, Column],
    verdicts: tuple[Verdict, Verdict], kind: str | None,
) -> tuple[str, str]:  # fmt: skip
    """What makes two defaults of one class (in the scratch server's UTC session) equal, as
    the rule says it after "both give ...", and why they part instead ("" where they do not).

    A clock of the live server's zone: " (the server's TimeZone is Europe/Paris)". A PostgreSQL
    default whose value depends on the session's zone (run in two zones: ``CURRENT_DATE`` or
    ``date_trunc('day', now())`` in a timestamptz, ``current_setting('TimeZone')``): where no
    server's zone was read (a SQL file, a metadata module), ``IN_A_UTC_SESSION``; on a live
    database they part unless its zone is UTC's all year and, where the default gives one value,
    gives the same run in it (stranger61 018: Europe/Paris stores its own midnight, 23:00 UTC,
    and 'Europe/Paris'; 'Etc/UTC' is UTC's clock but another name)."""
    (_, _, lc), (_, _, rc) = left, right
    utc = server_clock(st, lc, rc) if verdicts[0].kind in CLOCKS else None
    if utc:
        return f" (the server's TimeZone is {utc})", ""
    pg = next((side for side in (left, right) if side[0] == "postgresql"), None)
    if pg is None:
        return "", ""
    schema = (st.left if pg is left else st.right).schema
    zone = schema.timezone
    if not st.ev.reads_zone(pg[1], pg[2]):
        return "", _parted_there(st, (left, right), pg, schema)
    if zone is None:
        return IN_A_UTC_SESSION, ""
    other, mine = verdicts if pg is right else verdicts[::-1]
    # Run in the zone where it gives one value: the name current_setting('TimeZone') gives
    # (a clock's class, midnight or a date a step away, is the same in every zone).
    there = st.ev.in_zone(pg[1], pg[2], zone) if mine.kind == CONSTANT else mine
    alike = there.kind != CONSTANT or same_class(
        *((there, other) if pg is left else (other, there)), kind
    )
    if alike and schema.timezone_utc:
        return f" (the server's TimeZone is {zone})", ""
    said = f" in a session whose TimeZone is UTC, but this database's TimeZone is {zone}"
    if _same_in_zone(st, (left, right), pg, zone):  # Asia/Karachi's minute is UTC's
        return f" (the server's TimeZone is {zone})", ""
    example = _at_new_year(st, (left, right), pg, zone)
    if not alike and example:  # at a fixed moment: the value now changes from run to run
        return "", f"{said}, where rows that omit the column store other values {example}"
    if not alike:
        return "", f"{said}, where PostgreSQL's default gives {there.describe()}"
    read = f"{said} and PostgreSQL's default depends on it: it reads the date and time of that zone"
    if example:
        return (
            "",
            f"{read}, SQLite UTC's, so rows that omit the column store other values {example}",
        )
    return "", (
        f"{read}, SQLite UTC's, so rows that omit the column store values apart by the zone's "
        "offset from UTC"
    )


def _parted_there(
    st: StageContext, sides: tuple[tuple[str, str, Column], ...], pg: tuple[str, str, Column],
    schema: Schema,
) -> str:  # fmt: skip
    """Why two defaults part on a live database whose zone (off UTC) moves what PostgreSQL's
    gives though two far zones do not (``Evaluator.parts_in_zone``: ``date_trunc('hour',
    now())`` on Asia/Kolkata, +05:30), with each side's value at the first moment it shows;
    "" where the zone moves nothing, or is UTC, or no server was read."""
    zone = schema.timezone
    if zone is None or schema.timezone_utc:
        return ""
    found = st.ev.parts_in_zone(pg[1], pg[2], zone)
    if found is None:
        return ""
    moment, run = found
    other = next(side for side in sides if side is not pg)
    theirs = value_of(st.ev.at_moment(other[0], other[1], other[2], moment))
    return (
        f" in a session whose TimeZone is UTC, but this database's TimeZone is {zone} and "
        f"PostgreSQL's default depends on it: at {moment} UTC it gives {_said(value_of(run))} "
        f"there, {DIALECT_NAMES[other[0]]}'s {_said(theirs)}"
    )


def _said(value: object) -> str:
    """A value as a message shows it: an instant in UTC, text quoted."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).isoformat(sep=" ")
    return f"'{value}'" if isinstance(value, str) else str(value)


def _same_in_zone(
    st: StageContext, sides: tuple[tuple[str, str, Column], ...], pg: tuple[str, str, Column],
    zone: str,
) -> bool:  # fmt: skip
    """True when two defaults that read the clock give the same text in ``zone`` (PostgreSQL's)
    and UTC (the other's) at each of ``MOMENTS`` and ``NEW_YEARS`` (``to_char(now(), 'MI')``
    in a +05:00 zone); False where one cannot be run there or gives an instant."""
    other = next(side for side in sides if side is not pg)
    for moment in (*MOMENTS, *NEW_YEARS):
        mine = value_of(st.ev.moment_in(pg[1], pg[2], zone, moment))
        theirs = value_of(st.ev.at_moment(other[0], other[1], other[2], moment))
        if mine is None or theirs is None or isinstance(mine, (dt.datetime, dt.date)):
            return False
        if str(mine) != str(theirs):
            return False
    return True


def _at_new_year(
    st: StageContext, sides: tuple[tuple[str, str, Column], ...], pg: tuple[str, str, Column],
    zone: str,
) -> str:  # fmt: skip
    """Where two defaults of one class part in ``zone`` at some moments only (a year, a month,
    a date written as text: ``to_char(now(), 'YYYY')`` is '2027' in Paris an hour before UTC's
    New Year), the first of ``NEW_YEARS`` where they part and each side's value there, said;
    "" where they part at neither, either cannot be run there, or PostgreSQL's is an instant
    (apart by the zone's offset always)."""
    other = next(side for side in sides if side is not pg)
    for moment in NEW_YEARS:
        mine = value_of(st.ev.moment_in(pg[1], pg[2], zone, moment))
        theirs = value_of(st.ev.at_moment(other[0], other[1], other[2], moment))
        if mine is None or theirs is None or (isinstance(mine, dt.datetime) and mine.tzinfo):
            return ""
        if str(mine) != str(theirs):
            return (
                f"at some moments: at {moment} UTC PostgreSQL's default gives '{mine}' there, "
                f"SQLite's '{theirs}'"
            )
    return ""


# The PostgreSQL types that store the session's local date or time (no time zone kept).
LOCAL_TYPES = frozenset(
    {"timestamp without time zone", "timestamp", "date", "time without time zone", "time"}
)
CLOCKS = frozenset({CURRENT_TIME, CURRENT_DATE, CURRENT_TIME_OF_DAY})
# Those and the clock a step away (``time('now', '+2 hours')`` against ``LOCALTIME + interval
# '2 hours'``, ``CURRENT_DATE + 30``): what a local column of the live server keeps in its zone.
ZONED = CLOCKS | {CLOCK_OFFSET, DATE_OFFSET, TIME_OF_DAY_OFFSET}


def local_zone(st: StageContext, lc: Column, rc: Column) -> str | None:
    """The live PostgreSQL side's TimeZone when it is not UTC and its default stores what
    depends on the session's zone, run in two zones (``now()`` or ``LOCALTIMESTAMP`` in a
    ``timestamp`` column, ``CURRENT_DATE`` in a ``date`` one, ``LOCALTIMESTAMP(0)`` in a text
    one): the scratch server's "current time", in UTC, then says nothing of what it stores.
    None for a default that converts the clock to a zone of its own: ``now() AT TIME ZONE
    'UTC'`` in a ``timestamp`` column stores UTC's time in a Kolkata session too (stranger67
    003, real PostgreSQL 16.2), so the column's type alone does not make it local."""
    if not st.cross:
        return None
    for side, column in ((st.left, lc), (st.right, rc)):
        zone = side.schema.timezone
        if (
            side.schema.dialect == "postgresql"
            and zone is not None
            and not side.schema.timezone_utc
            and _reads_zone(st, column)
        ):
            return zone
    return None


def _reads_zone(st: StageContext, column: Column) -> bool:
    """Whether ``column``'s default stores the session's local date or time, by running it in
    two zones (into the column's type: ``now()`` in a ``timestamp`` does, in a ``timestamptz``
    does not)."""
    text = default_text(column)
    return text is not None and st.ev.reads_zone(text, column)


def pg_type(st: StageContext, lc: Column, rc: Column) -> str:
    """The name of the PostgreSQL side's column type."""
    return (lc if st.left.schema.dialect == "postgresql" else rc).type.name


# A CHECK that reads the session's local date or time: a local clock, or a clock cast to one.
# A pattern text (compiled at first use, by re's cache: a check that never needs it does not pay).
LOCAL_CLOCK_READ = (
    r"(?i)\b(current_date|current_time|localtime|localtimestamp)\b|"
    r"\b(now\(\)|transaction_timestamp\(\)|statement_timestamp\(\)|clock_timestamp\(\)|"
    r"current_timestamp)\)?\s*::\s*(date|time\b|timestamp without)"
)


SAME_ZONE = Offer("set one TimeZone on both databases (ALTER DATABASE ... SET TimeZone), or ")


def zones_apart(st: StageContext) -> None:
    """Two live PostgreSQL databases whose sessions' TimeZones differ (``ALTER DATABASE ... SET
    TimeZone``): a default that stores the session's local date or time (``LOCALTIMESTAMP``,
    ``CURRENT_DATE + 1`` in a date column; run in two zones to tell) gives each its own value,
    and a CHECK that reads one (``d >= CURRENT_DATE``) accepts other rows at some hours, though
    both are written alike. Each is a difference naming the two zones; a ``timestamptz DEFAULT
    now()`` (an instant) is none."""
    if st.cross or st.left.schema.dialect != "postgresql":
        return
    zones = (st.left.schema.timezone, st.right.schema.timezone)
    if (
        zones[0] is None
        or zones[1] is None
        or zone_key(st.left.schema) == zone_key(st.right.schema)
    ):
        return
    said = (
        f"the two databases' TimeZones differ ({st.side_name('left')}: {zones[0]}; "
        f"{st.side_name('right')}: {zones[1]})"
    )
    known = {(d.table, d.column) for d in st.comparison.differences}
    kinds = {(d.table, d.kind) for d in st.comparison.differences}
    for table, lc, rc in matched_columns(st):
        text = default_text(lc)
        if (table.name, lc.name) in known or text is None or default_text(rc) is None:
            continue
        sides = [(t, c) for t, c in ((text, lc), (default_text(rc), rc)) if t]
        if any(st.ev.reads_zone(t, c) for t, c in sides):
            stores = "stores the session's local date or time"
        elif any(st.ev.parts_in_zone(t, c, zones[0], zones[1]) for t, c in sides):
            stores = "reads the session's TimeZone (its hour or minute starts at another instant)"
        else:
            continue
        where = f"{table.name}.{lc.name}"
        message = (
            f"default of {where}: {text} {stores} and {said}: rows that omit it store values "
            "apart by the zones' offsets"
        )
        found = difference(st, table.name, lc.name, text, default_text(rc), message)
        st.comparison.differences.append(found.offering(SAME_ZONE))
    for lt, _ in matched_tables(st):
        for check in lt.checks:
            shown = check.raw or check.expression
            if (lt.name, "check") in kinds or not re.search(LOCAL_CLOCK_READ, shown):
                continue
            message = (
                f"CHECK ({shown}) on {lt.name} reads the session's local date or time and "
                f"{said}: a row may pass on one and fail on the other at some hours of the day"
            )
            st.comparison.differences.append(
                replace(
                    difference(st, lt.name, "", shown, shown, message).offering(SAME_ZONE),
                    kind="check",
                    column=None,
                    name=check.name,
                )
            )


def zone_key(schema: Schema) -> str | None:
    """The zone's clock, as the server renders it: UTC's for a zone UTC all year
    (``Schema.timezone_utc``), else its offsets over the coming year (``Schema.zone_now``):
    two names of one zone (Asia/Kolkata, Asia/Calcutta; 'UTC+3', 'Etc/GMT+3') are one."""
    if schema.timezone_utc:
        return "UTC"
    return schema.zone_now or schema.timezone


def history_key(schema: Schema) -> str | None:
    """The zone as a stored instant is read in it, 1850 to 2100 (``Schema.zone_history``):
    America/Sao_Paulo (DST until 2019) is not Etc/GMT+3, Africa/Abidjan not UTC."""
    if schema.timezone_utc_always:
        return "UTC"
    return schema.zone_history or schema.timezone
