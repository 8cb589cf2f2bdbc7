"""The hint of a cross-dialect default that the live PostgreSQL database's own TimeZone parts
from SQLite's (see ``zones``): set that zone to UTC, or write PostgreSQL's default to read UTC's
clock, spelled for the column's type (stranger74 006). The spelling offered is the default
itself rewritten (``CURRENT_DATE`` in a date column: ``(now() AT TIME ZONE 'UTC')::date``) and
run before it is offered: it must read no session's zone and give what SQLite's default gives;
where no rewrite passes, the hint names the spellings for the column's type only."""

from __future__ import annotations

import re
from dataclasses import replace

from twinschema.canonical import typemap
from twinschema.evaluate.context import StageContext
from twinschema.evaluate.default_texts import default_text
from twinschema.evaluate.values import same_class
from twinschema.model import Column
from twinschema.records import Difference, FixSide, FixSite
from twinschema.records.hint_ways import Offer

# The PostgreSQL column types that keep an instant: a clock default is written zone-free there
# by truncating in UTC (``date_trunc``'s zone argument, PostgreSQL 12+); ``now() AT TIME ZONE
# 'UTC'`` would be read back in the session's zone (Asia/Kolkata: 05:30 early).
INSTANT_TYPES = frozenset({"timestamp with time zone", "timestamptz"})

# PostgreSQL's clocks of an instant (the transaction's, the statement's, the call's), as a
# default reads them back.
_INSTANT = (
    r"(now\(\)|current_timestamp|transaction_timestamp\(\)|statement_timestamp\(\)|"
    r"clock_timestamp\(\))"
)
# Where a column keeps a local date or time (date, timestamp, time, text): each local clock
# becomes UTC's, read off an instant in UTC (``AT TIME ZONE 'UTC'`` gives UTC's wall time);
# LOCALTIMESTAMP AT TIME ZONE 'UTC' would instead read the local time as UTC's (wrong).
_LOCAL_REWRITES = (
    (re.compile(r"(?i)\bcurrent_date\b"), "(now() AT TIME ZONE 'UTC')::date"),
    (re.compile(r"(?i)\blocaltimestamp\s*\((\d)\)"), r"(now() AT TIME ZONE 'UTC')::timestamp(\1)"),
    (re.compile(r"(?i)\blocaltimestamp\b"), "(now() AT TIME ZONE 'UTC')"),
    (re.compile(r"(?i)\blocaltime\s*\((\d)\)"), r"(now() AT TIME ZONE 'UTC')::time(\1)"),
    (re.compile(r"(?i)\blocaltime\b"), "(now() AT TIME ZONE 'UTC')::time"),
    (re.compile(rf"(?i)(?<![\w.]){_INSTANT}(?!\s*AT\s+TIME)"), r"(\1 AT TIME ZONE 'UTC')"),
)
# Where a column keeps an instant (timestamptz): a truncation is done in UTC (date_trunc's
# third argument), a local date is UTC's midnight.
_INSTANT_REWRITES = (
    (
        re.compile(rf"(?i)\bdate_trunc\(\s*('[^']*'(?:::text)?)\s*,\s*{_INSTANT}\s*\)"),
        r"date_trunc(\1, \2, 'UTC')",
    ),
    (re.compile(r"(?i)\bcurrent_date\b"), "date_trunc('day', now(), 'UTC')"),
)
# What the hint names where no rewrite of the default itself passes, by the column's type.
_SPELLINGS = {
    "instant": "truncate in UTC (`date_trunc('<unit>', now(), 'UTC')` in place of "
    "`date_trunc('<unit>', now())`)",
    "date": "read UTC's date (`(now() AT TIME ZONE 'UTC')::date` in place of CURRENT_DATE)",
    "time": "read UTC's time of day (`(now() AT TIME ZONE 'UTC')::time` in place of LOCALTIME)",
    "local": "read UTC's clock (`(now() AT TIME ZONE 'UTC')` in place of now() or "
    "LOCALTIMESTAMP, inside date_trunc too)",
}


def _family(type_name: str) -> str:
    """Which of ``_SPELLINGS`` a PostgreSQL column type takes."""
    if type_name in INSTANT_TYPES:
        return "instant"
    if type_name == "date":
        return "date"
    return "time" if type_name.startswith("time ") or type_name == "time" else "local"


def _rewritten(text: str, type_name: str) -> str | None:
    """``text`` (PostgreSQL's default) with each local clock replaced by UTC's, for a column of
    ``type_name``; None where nothing in it was replaced."""
    rules = _INSTANT_REWRITES if type_name in INSTANT_TYPES else _LOCAL_REWRITES
    out = text
    for pattern, replacement in rules:
        out = pattern.sub(replacement, out)
    return out if out != text else None


def utc_default(st: StageContext, lc: Column, rc: Column) -> str | None:
    """PostgreSQL's default of the pair rewritten to read UTC's clock, where that rewrite, run
    on the scratch server, reads no session's TimeZone (in two far zones and in the live
    database's own) and gives what SQLite's default gives; None otherwise. A spelling the hint
    offers has been run, not guessed: ``date_trunc('day', now(), 'UTC')`` in a date column is
    a day early west of UTC, ``now() AT TIME ZONE 'UTC'`` in a timestamptz column is read back
    in the session's zone."""
    pg, other = (lc, rc) if st.left.schema.dialect == "postgresql" else (rc, lc)
    schema = st.left.schema if pg is lc else st.right.schema
    text, theirs = default_text(pg), default_text(other)
    if text is None or theirs is None or schema.timezone is None:
        return None
    new = _rewritten(text, pg.type.name)
    if new is None or st.ev.reads_zone(new, pg):
        return None
    if st.ev.parts_in_zone(new, pg, schema.timezone) is not None:
        return None
    mine = st.ev.single("postgresql", new, pg)
    other_dialect = (st.right if pg is lc else st.left).schema.dialect
    given = st.ev.single(other_dialect, theirs, other)
    return new if same_class(mine, given, typemap.shared_kind(pg.type, other.type)) else None


def zone_fix(st: StageContext) -> FixSite:
    """Where the fix of a default the live PostgreSQL database's zone parts goes (``zone_hint``):
    that side, and the file of its dialect a person edits (its metadata module), not the
    SQLite side the comparer's fix named."""
    side = FixSide.LEFT if st.left.schema.dialect == "postgresql" else FixSide.RIGHT
    return FixSite(side=side, file=(st.left if side is FixSide.LEFT else st.right).file)


def zone_hint(st: StageContext, lc: Column, rc: Column, clock: bool) -> Offer:
    """The hint of a cross-dialect default that the live PostgreSQL database's own TimeZone
    parts (``date_trunc('hour', now())`` on Asia/Kolkata, ``CURRENT_DATE``, ``LOCALTIMESTAMP``):
    setting that zone to UTC fixes it, or a default that reads UTC's clock in every session (a
    ``clock`` one: ``utc_default``, else the spellings for the column's type; another,
    ``current_setting('TimeZone')``, one that reads no zone), then a revision. Both databases
    may be exactly what their chains build, so the hint of a database that differs from its
    module (revert a hand edit, stamp) pointed the wrong way (stranger72 003)."""
    pg = st.left.schema if st.left.schema.dialect == "postgresql" else st.right.schema
    column = lc if pg is st.left.schema else rc
    if not clock:
        rewrite = "to read no session's TimeZone"
    else:
        new = utc_default(st, lc, rc)
        if new is not None:
            rewrite = f"as `{new}`, which reads UTC's clock in every session"
        else:
            rewrite = f"to {_SPELLINGS[_family(column.type.name)]}"
    return Offer(
        f"the PostgreSQL database's TimeZone ({pg.timezone}) parts them, not its schema: set "
        "it to UTC (`ALTER DATABASE ... SET timezone TO 'UTC'`, or `ALTER ROLE ... SET "
        "timezone TO 'UTC'` where the role sets it; new sessions take it), or write "
        f"PostgreSQL's default {rewrite}, and a revision for it; if it differs on purpose, "
    )


def zoned(
    st: StageContext, d: Difference, columns: tuple[Column, Column], clock: bool
) -> Difference:
    """``d``, a default difference the live PostgreSQL database's TimeZone parts, with the hint
    that says so (``zone_hint``) and its fix on PostgreSQL's side (``zone_fix``): one place,
    whichever way the zone was found to part them (the comparer's local clock, a run in the
    zone, a change from summer time)."""
    return replace(d.offering(zone_hint(st, *columns, clock=clock)), fix=zone_fix(st))
