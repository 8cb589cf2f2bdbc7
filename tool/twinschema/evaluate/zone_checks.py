"""CHECKs whose verdict depends on the session's TimeZone, on live databases whose zones part
(see ``stage``).

CHECKs are compared in a session whose TimeZone is UTC; a live PostgreSQL database runs its own
in its zone (``Schema.timezone``), and SQLite's date and time functions read UTC. Where a live
PostgreSQL database's zone is not UTC (against SQLite), or two PostgreSQL databases' zones
differ, a CHECK that reads the zone accepts other rows on each side, though both are written
alike:

- one that reads the local clock (``d <= CURRENT_DATE``; ``ts <= now()`` on a ``timestamp``
  column, a local moment against an instant) parts them at some hours of the day;
- one that reads a ``timestamptz`` in the session's zone (``extract(hour from at)``,
  ``at::date``, ``date_trunc``, ``to_char``) parts them on some rows.

The PostgreSQL CHECK is run over the same rows (``zone_rows``) in each side's zone (UTC for
SQLite's); a row they part on is the witness. Where zones alike now part in history, the
rows' instants include some inside the spells where their offsets part, as the scratch server
renders them (``zone_spells.moments``: a POSIX zone such as ``UTC+3``, which Python's zoneinfo
does not know, too), at the local midnights and the hours and days the CHECKs' literals name.
A CHECK with no witness found is no difference (``at::date <> DATE '2010-06-15'`` between
``America/New_York`` and its POSIX rule, which agree in 2010): every difference names its row.
Each is a ``check`` difference naming the zones, and the equivalence the comparer (or the
probes, in UTC) found for the pair goes. No live
database (a SQL file, a metadata module), one zone on both (by what the server renders from
1850 to 2100, ``zones.history_key``: a link or a fixed offset spelled otherwise is one), a zone
UTC all along (``Etc/Universal``) or a CHECK on a ``timestamp`` alone (a local time, read alike
in every zone) parts nothing; zones alike now but not in history (``Africa/Abidjan`` and UTC)
part a CHECK over a stored ``timestamptz``, not one over the clock. ``zones.zones_apart``
reports a local clock's CHECK between two PostgreSQL databases already.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from twinschema.canonical.expressions import across
from twinschema.evaluate import expression_reads, probes, witness_fields, zone_rows, zone_spells
from twinschema.evaluate.context import StageContext, find, matched_tables
from twinschema.evaluate.pg_backend import PostgreSQLBackend
from twinschema.evaluate.probe_sets import ProbeSet, probe_rows
from twinschema.evaluate.shown_probes import probe_text
from twinschema.evaluate.statements import probe_column
from twinschema.evaluate.witness_fields import Written
from twinschema.evaluate.zones import (
    LOCAL_CLOCK_READ,
    LOCAL_TYPES,
    SAME_ZONE,
    history_key,
    zone_key,
)
from twinschema.model import CheckConstraint, Schema, Table
from twinschema.records import Comparison, Difference, Side
from twinschema.records.dialects import DIALECT_NAMES
from twinschema.records.hint_ways import Offer

# A clock that gives an instant (a timestamptz): against a local column it reads the zone.
_INSTANT_CLOCK = re.compile(
    r"\b(now\s*\(\s*\)|current_timestamp|transaction_timestamp|statement_timestamp|"
    r"clock_timestamp)",
    re.IGNORECASE,
)
_NAMED_ZONE = re.compile(r"\bat\s+time\s+zone\b", re.IGNORECASE)
_ZONED = re.compile(r"timestamptz|time\s+zone|\bcurrent_time\b|\blocaltime", re.IGNORECASE)
_MOMENT = re.compile(r"date|time", re.IGNORECASE)
_UTC_HINT = Offer(
    "set the PostgreSQL database's TimeZone to UTC (ALTER DATABASE ... SET TimeZone = 'UTC'), "
    "or name the zone in the CHECK (at AT TIME ZONE 'UTC'), or "
)


def zoned_checks(st: StageContext) -> None:
    """Report each CHECK of a live PostgreSQL side that parts from its twin in the sessions'
    zones (see the module docstring)."""
    zones = _session_zones(st)
    if zones is None:
        return
    clock_apart = _clocks_apart(st)
    pg_left = st.left.schema.dialect == "postgresql"
    sides = (st.left, st.right) if pg_left else (st.right, st.left)
    for lt, rt in matched_tables(st):
        tables = (lt, rt) if pg_left else (rt, lt)
        partners = {across(c.expression)[0]: c for c in tables[1].checks}
        for check in tables[0].checks:
            partner = partners.get(across(check.expression)[0])
            if partner is None:  # a literal printed in each zone: '...+00' against '...+09'
                partner = _equivalent(st, lt.name, check, tables[1])
            if partner is None or _reported(st, lt.name, check):
                continue  # a difference of the comparer's, or of zones_apart
            found = _parts(st, sides, tables, (check, partner), zones, clock_apart)
            if found is not None:
                _report(st, lt.name, check, partner, zones, found)


def _equivalent(
    st: StageContext, table: str, check: CheckConstraint, other: Table
) -> CheckConstraint | None:
    """The CHECK of ``other`` an equivalence on ``table`` took as ``check``'s twin (found
    equal on probes in a UTC session), if any."""
    keys = _keys(check)
    for e in st.comparison.equivalences:
        if e.table != table or e.column is not None:
            continue
        ends = {_key(e.left), _key(e.right)}
        if ends & keys:
            twin = (ends - keys) or ends
            return next((c for c in other.checks if _keys(c) & twin), None)
    return None


def _session_zones(st: StageContext) -> tuple[str, str] | None:
    """The TimeZone each side's CHECKs run in (UTC for SQLite's), where they part at some
    instant from 1850 to 2100 (``zones.history_key``: a stored timestamptz may be of any);
    else None."""
    left, right = st.left.schema, st.right.schema
    if st.cross:
        pg = left if left.dialect == "postgresql" else right
        if pg.dialect != "postgresql" or pg.timezone is None or pg.timezone_utc_always:
            return None
        return (pg.timezone, "UTC") if pg is left else ("UTC", pg.timezone)
    if left.dialect != "postgresql" or left.timezone is None or right.timezone is None:
        return None
    if history_key(left) == history_key(right):
        return None
    return (_name(left), _name(right))


def _name(schema: Schema) -> str:
    """The zone's name, UTC for one UTC all along (``Etc/Universal``)."""
    return "UTC" if schema.timezone_utc_always or schema.timezone is None else schema.timezone


def _clocks_apart(st: StageContext) -> bool:
    """Whether the sides' clocks part now or in the coming year (``zones.zone_key``)."""
    if st.cross:
        pg = st.left.schema if st.left.schema.dialect == "postgresql" else st.right.schema
        return not pg.timezone_utc
    return zone_key(st.left.schema) != zone_key(st.right.schema)


def _parts(
    st: StageContext, sides: tuple[Side, Side], tables: tuple[Table, Table],
    checks: tuple[CheckConstraint, CheckConstraint], zones: tuple[str, str], clock_apart: bool,
) -> Written | None:  # fmt: skip
    """What parts a PostgreSQL CHECK from its twin (``checks``, of ``tables`` on ``sides``, the
    PostgreSQL one first) in the two zones: a local clock's "at some hours" (where the clocks
    part: ``clock_apart``; in words, as a row found at the real clock would name today), a
    witness row; or None where nothing does."""
    text = checks[0].raw or checks[0].expression
    if not _may_read_zone(sides[0].schema, tables[0], text):
        return None
    # An instant named in a zone (now() AT TIME ZONE 'UTC') is a local time read alike in all.
    clock = clock_apart and (
        bool(re.search(LOCAL_CLOCK_READ, text))
        or (
            bool(_INSTANT_CLOCK.search(text))
            and not _NAMED_ZONE.search(text)
            and _reads_local(sides[0].schema, tables[0], text)
        )
    )
    if clock:  # said in words: a row found at the real clock would name today's date and hour
        return Written(
            "a row may pass on one and fail on the other at some hours of the day (where the "
            "two zones' dates or times of day differ)",
            None,
        )
    literals = " ".join(c.raw or c.expression for c in checks)  # the days and hours they name
    moments = [] if clock_apart else _parting_moments(st, zones, literals)
    return _witness(st, sides, tables, checks, zones, moments)


def _parting_moments(st: StageContext, zones: tuple[str, str], text: str) -> list[dt.datetime]:
    """The instants inside the spells where the two zones' offsets part from 1850 to 2100
    that ``text`` is run at (``zone_spells.moments``), as the scratch PostgreSQL server renders
    them; empty without one."""
    backend = st.ev.backend("postgresql")
    if not isinstance(backend, PostgreSQLBackend):
        return []
    return zone_spells.moments(backend, zones, text)


def _may_read_zone(schema: Schema, table: Table, text: str) -> bool:
    """True when ``text`` may read the session's zone: it reads a clock, names a zoned type,
    or reads a date or time column (a CHECK over numbers and text alone is not run)."""
    if re.search(LOCAL_CLOCK_READ, text) or _INSTANT_CLOCK.search(text) or _ZONED.search(text):
        return True
    reads = expression_reads.reads(schema.dialect, text)
    columns = {c.name: c for c in table.columns}
    return reads is not None and any(
        c in columns and _MOMENT.search(columns[c].type.name) for c in reads.columns
    )


def _reads_local(schema: Schema, table: Table, text: str) -> bool:
    """True when ``text`` reads a column of ``table`` that keeps a local date or time."""
    reads = expression_reads.reads(schema.dialect, text)
    columns = {c.name: c for c in table.columns}
    return reads is not None and any(
        c in columns and columns[c].type.name in LOCAL_TYPES for c in reads.columns
    )


def _witness(
    st: StageContext, sides: tuple[Side, Side], tables: tuple[Table, Table],
    checks: tuple[CheckConstraint, CheckConstraint], zones: tuple[str, str],
    parting: Sequence[dt.datetime],
) -> Written | None:  # fmt: skip
    """The first row the PostgreSQL CHECK judges otherwise in its own zone than in its twin's,
    and its twin (run on its own side, in its own zone) as in the twin's: the witness, as
    said; None when no row parts them or they cannot be run. The rows are the probes' (each
    instant read in both zones), swept through a week, the hours around the probes and the
    ``parting`` instants (``zone_spells.moments``)."""
    pg, twin = sides
    text, twin_text = (c.raw or c.expression for c in checks)
    alone = StageContext(Comparison(), pg, pg, st.ev)  # the rows of the PostgreSQL side alone
    found = probe_rows(alone, tables[0].name, text, text, counted=False)
    st.note(*st.dialects)
    if found is None:
        return None
    columns = [find(pg, tables[0].name, n)[1] for n in found.names]
    twins = [find(twin, tables[1].name, n)[1] for n in found.names]
    backend = st.ev.backend(twin.schema.dialect)
    if None in columns or None in twins or backend is None:
        return None
    kinds = [probes.kind_of(c) for c in columns if c is not None]
    rows = zone_rows.instants(found.rows, kinds, zones)
    rows = rows + zone_rows.sweeps(rows, kinds, parting)
    pg_left = st.left.schema.dialect == "postgresql"
    own, other = zones if pg_left else (zones[1], zones[0])
    mine = found.backends[0].try_rows(found.left, text, rows, zone=own)
    there = found.backends[0].try_rows(found.left, text, rows, zone=other)
    cols = [probe_column(c) for c in twins if c is not None]
    theirs = backend.try_rows(cols, twin_text, rows, zone=other)
    st.result.evaluated += 1
    for row, a, b, c in zip(rows, mine, there, theirs, strict=True):
        if a is not None and b is not None and b == c and a != b:
            verdicts = (a, c) if pg_left else (c, a)
            return _said_witness(st, found, row, verdicts, zones)
    return None


def _said_witness(
    st: StageContext, found: ProbeSet, row: tuple[Any, ...], verdicts: tuple[bool, bool],
    zones: tuple[str, str],
) -> Written:  # fmt: skip
    """``witness (at) = ('...'): refused on a (TimeZone UTC), accepted on b (TimeZone ...)``,
    the columns as the databases name them (``witness_fields.own_names``)."""
    values = ", ".join(probe_text(v, "postgresql") for v in row)
    said = ", ".join(
        f"{'accepted' if ok else 'refused'} on {st.side_name(side)} (TimeZone {zone})"
        for ok, zone, side in zip(verdicts, zones, ("left", "right"), strict=True)
    )
    text = f"witness ({', '.join(witness_fields.own_names(found))}) = ({values}): {said}"
    return Written(text, witness_fields.made(st, found.names, row, said, verdicts))


def _said(st: StageContext, zones: tuple[str, str]) -> str:
    """The zones, as the message names them."""
    if not st.cross:
        return (
            f"the two databases' TimeZones differ ({st.side_name('left')}: {zones[0]}; "
            f"{st.side_name('right')}: {zones[1]})"
        )
    zone = zones[0] if st.left.schema.dialect == "postgresql" else zones[1]
    return (
        f"the PostgreSQL database's TimeZone is {zone}, where {DIALECT_NAMES['sqlite']} reads "
        "UTC's date and time (the two CHECKs were judged alike in a session whose TimeZone is "
        "UTC)"
    )


def _report(
    st: StageContext, table: str, check: CheckConstraint, partner: CheckConstraint | None,
    zones: tuple[str, str], found: Written,
) -> None:  # fmt: skip
    """The ``check`` difference, in place of the pair's equivalence."""
    shown = check.shown()
    keys = _keys(check)
    gone = [
        e
        for e in st.comparison.equivalences
        if e.table == table and e.column is None and {_key(e.left), _key(e.right)} & keys
    ]
    st.comparison.equivalences = [e for e in st.comparison.equivalences if e not in gone]
    other = partner.shown() if partner is not None else None
    if other is None and gone:
        other = gone[0].left if _key(gone[0].right) in keys else gone[0].right
    other = other if other is not None else shown
    pg_left = st.left.schema.dialect == "postgresql"
    left, right = (shown, other) if pg_left else (other, shown)
    message = (
        f"CHECK ({shown}) on {st.table_shown(table)} reads the session's TimeZone and {_said(st, zones)}: "
        f"{found.text}"
    )
    st.comparison.differences.append(
        Difference(
            layer=st.layer or "diff",
            kind="check",
            table=table,
            column=None,
            name=check.name,
            left=left,
            right=right,
            message=message,
            hint=(_UTC_HINT if st.cross else SAME_ZONE).text(),
            offer=_UTC_HINT if st.cross else SAME_ZONE,
            left_source=st.left.label,
            right_source=st.right.label,
            witness=None if found.witness is None else replace(found.witness, table=table),
        )
    )


def _reported(st: StageContext, table: str, check: CheckConstraint) -> bool:
    """True when a ``check`` difference on ``table`` shows ``check`` already."""
    keys = _keys(check)
    return any(
        d.kind == "check" and d.table == table and {_key(d.left), _key(d.right)} & keys
        for d in st.comparison.differences
    )


def _keys(check: CheckConstraint) -> set[str]:
    return {_key(t) for t in (check.expression, check.raw, check.shown()) if t}


def _key(text: str | None) -> str:
    """A CHECK's text without case, blanks, parentheses or its ``CHECK`` word."""
    flat = re.sub(r"[\s()]", "", (text or "").lower())
    return flat.removeprefix("check")
