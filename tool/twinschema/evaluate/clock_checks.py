"""Two CHECKs that read the clock, run again with the clock at a fixed moment inside a second.

SQLite's ``CURRENT_TIMESTAMP`` is the current time truncated to the second, PostgreSQL's
``LOCALTIMESTAMP`` and ``now()`` keep its microseconds: ``starts_at >= CURRENT_TIMESTAMP``
against ``starts_at >= LOCALTIMESTAMP`` parts on a moment inside the current second, before the
clock's fraction (stranger45 014), and ``> datetime(CURRENT_TIMESTAMP, '-1 day')`` against ``>
LOCALTIMESTAMP - interval '1 day'`` on one a day earlier (034). No probe row made before a check
runs is inside the second it runs in, so a pair its probes at the real clock find equal is run
once more with each clock read replaced by ``clock_fixed.FIXED_MOMENT`` (which has a fraction; each
dialect reads it as its own clock would: SQLite's keywords to the whole second). Its literals
are then probed like any other (``moment_bounds``: half a second and a microsecond beside each;
``date_steps``: the moment moved by each step). A SQLite CHECK that reads the clock through a
function (``date('now')``) is left alone: SQLite refuses every insert there (non-deterministic).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import Any

from twinschema.evaluate import clock_fixed, clock_steps, expression_reads, probes
from twinschema.evaluate.context import StageContext, find
from twinschema.evaluate.probe_sets import ProbeSet, accept_vectors, probe_rows
from twinschema.evaluate.side_checks import through_generated, with_sharing
from twinschema.evaluate.stored_rows import Parting, nulls_where_both_allow, partings

# A SQLite clock read through a function, which a CHECK may not make (only the keywords).
# Compiled at first use (re's cache), not at import: a check that never needs it does not pay.
_SQLITE_CALLS = (
    r"(?i)'now'|\b(?:date|time|datetime|julianday|unixepoch)\s*\(\s*\)"
    r"|\bstrftime\s*\(\s*'[^']*'\s*\)"
)

# A SQLite clock read through a function called with 'now' or nothing, which SQLite refuses in a
# CHECK at every insert ("non-deterministic use of date() in a CHECK constraint"), NULL too.
_EVERY_ROW = re.compile(
    r"\b(?:date|time|datetime|julianday|unixepoch|strftime)\s*\((?:\s*\)|[^()]*'now')",
    re.IGNORECASE,
)


def every_row_refused(st: StageContext, texts: tuple[str, str]) -> str:
    """A note for a CHECK difference where a SQLite CHECK of ``texts`` reads the clock through
    a function (``date('now', '+1 year')``): SQLite refuses every insert into the table, so
    the witness is no bound's row (stranger49 081); "" otherwise."""
    for side, text in zip(("left", "right"), texts, strict=True):
        if getattr(st, side).schema.dialect == "sqlite" and _EVERY_ROW.search(text):
            return (
                f" ({st.side_name(side)} refuses every row, NULL too: it refuses a CHECK that "
                "reads the clock through a function as non-deterministic)"
            )
    return ""


def refuses_every_row(text: str) -> bool:
    """True when a SQLite CHECK reads the clock through a function (``date('now')``), which
    SQLite refuses at every insert (``every_row_refused``)."""
    return bool(_EVERY_ROW.search(text))


def at_fixed_moment(
    st: StageContext, table: str, ltext: str, rtext: str
) -> tuple[ProbeSet, Parting] | None:
    """The probe rows and the first row two CHECKs of ``table`` part on with the clock at
    ``clock_fixed.FIXED_MOMENT``, a row the accepting side's table lets in by its CHECKs over the
    same columns (at that moment too); None when they part on none, when neither reads the
    clock, or when a clock read cannot be fixed (``_fixed``)."""
    dialects = (st.left.schema.dialect, st.right.schema.dialect)
    plain = (ltext, rtext)
    if not any(clock_fixed.reads_clock(d, t) for d, t in zip(dialects, plain, strict=True)):
        return None
    texts = through_generated(st, table, plain)
    wide = with_sharing(st, table, texts)
    fixed = [_fixed(d, t) for d, t in zip(dialects * 2, (*texts, *wide), strict=True)]
    if None in fixed:
        return None
    lt, rt, lwide, rwide = (t for t in fixed if t is not None)
    fixed_day = dt.datetime.fromisoformat(clock_fixed.FIXED_MOMENT).date()
    days = clock_steps.days(tuple(zip(dialects, plain, strict=True)), fixed_day)
    found = probe_rows(st, table, lwide, rwide, counted=False, days=days)
    if found is None:
        return None
    found = _dates_kept(st, table, found, tuple(zip(dialects, plain, strict=True)))
    tried = nulls_where_both_allow(st, table, found)
    judged = accept_vectors(tried, lt, rt, True)
    kept = _accepted_by_table(tried, judged, (lwide, rwide))
    witness = next(iter(partings(st, table, tried, (lt, rt), kept)), None)
    return (tried, witness) if witness is not None else None


def steadied(
    st: StageContext, table: str, texts: tuple[str, str], found: ProbeSet, parting: Parting
) -> tuple[ProbeSet, Parting, str]:
    """The probes and witness to name for two CHECKs of ``table`` that part at the real clock,
    and what to add to the witness: where either reads the clock and they part with it at
    ``clock_fixed.FIXED_MOMENT`` too, that witness and " with the clock at <it> UTC", so that the
    message is the same whenever the check runs (a witness found at the real clock names
    today's date: ``c <= CURRENT_DATE`` against ``c < CURRENT_DATE + 1``); else as found."""
    at = at_fixed_moment(st, table, *texts)
    if at is None:
        return found, parting, ""
    return at[0], at[1], f" with the clock at {clock_fixed.FIXED_MOMENT} UTC"


# A date followed by a time of day: a probe a date column holds only as text.
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d")


def _dates_kept(
    st: StageContext, table: str, found: ProbeSet, texts: tuple[tuple[str, str], ...]
) -> ProbeSet:
    """``found`` less the rows whose date column holds a date with a time of day, where only
    the fixed clock's literal brought that in (SQLite's ``CURRENT_TIMESTAMP`` fixed is
    '2001-09-09 01:46:40'): ``d <= date(CURRENT_TIMESTAMP)`` against ``d <= CURRENT_DATE``
    agree on every date at every moment on real SQLite 3.40 and PostgreSQL 16, and part on a
    time in a date column as two ``d <= CURRENT_DATE`` do (a value the probes of a date column
    try only where an expression writes it, ``d <= date('2024-12-31 10:00')``)."""
    written = [expression_reads.reads(d, t) for d, t in texts]
    if any(_DATE_TIME.match(v) for r in written if r is not None for v in r.strings):
        return found
    dated = []
    for at, name in enumerate(found.names):
        _, left = find(st.left, table, name)
        _, right = find(st.right, table, name)
        if left is not None and probes.kind_of(left, right) == "date":
            dated.append(at)
    if not dated:
        return found
    rows = tuple(
        row
        for row in found.rows
        if not any(isinstance(row[k], str) and _DATE_TIME.match(row[k]) for k in dated)
    )
    return replace(found, rows=rows)


def _fixed(dialect: str, text: str) -> str | None:
    """``text`` with its clock reads at ``clock_fixed.FIXED_MOMENT`` (as it is where it reads none);
    None where a read is left (one this cannot replace) or SQLite reads it through a call."""
    if not clock_fixed.reads_clock(dialect, text):
        return text
    if dialect == "sqlite" and re.search(_SQLITE_CALLS, text):
        return None
    fixed = clock_fixed.at_fixed_moment(dialect, text)
    return None if fixed is None or clock_fixed.reads_clock(dialect, fixed) else fixed


def _accepted_by_table(
    found: ProbeSet, judged: list[tuple[tuple[Any, ...], bool, bool]], wide: tuple[str, str]
) -> list[tuple[tuple[Any, ...], bool, bool]]:
    """``judged`` less the parted rows the accepting side refuses by ``wide`` (its CHECK with
    its table's CHECKs over the same columns, the clock fixed: ``side_checks.with_sharing``)."""
    refused: set[int] = set()
    for n, columns in ((0, found.left), (1, found.right)):
        accepting = [k for k, row in enumerate(judged) if row[1] != row[2] and row[1 + n]]
        if not accepting:
            continue
        rows = [judged[k][0] for k in accepting]
        got = found.backends[n].try_rows(columns, wide[n], rows, True)
        refused.update(k for k, ok in zip(accepting, got, strict=True) if ok is False)
    return [j for k, j in enumerate(judged) if k not in refused]
