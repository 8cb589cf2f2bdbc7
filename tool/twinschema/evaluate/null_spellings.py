"""A SQLite CHECK that reads a date or time column through a date or time function passes
through NULL where the function cannot read the value: ``time('7:00')`` and ``date('2019-1-1')``
are NULL (SQLite wants two-digit hours, months and days), so ``CHECK (time(starts) >=
'08:00:00')`` lets '7:00' in, which PostgreSQL's time column reads as 07:00 and its ``CHECK
(starts >= '08:00')`` refuses (stranger50 054, 055). That is a difference of the CHECKs, with
the value as its witness, not a spelling warning: SQLite's CHECK does not compare the text, it
lets a value PostgreSQL reads through unjudged.

Only a row SQLite's CHECK passes as NULL is such a witness. A row SQLite's CHECK refuses or
takes by comparing the text is ``date_text``'s warning, and one it refuses by format
(``starts IS time(starts)``) nothing: the accepting side's table must let the row in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from twinschema.evaluate import expression_reads, probes
from twinschema.evaluate.clock import date_of
from twinschema.evaluate.context import StageContext, find
from twinschema.evaluate.date_spellings import spellings, time_spellings
from twinschema.evaluate.probe_sets import ProbeSet, accept_vectors
from twinschema.evaluate.shown_probes import probe_text
from twinschema.evaluate.stored_rows import Judged, Parting, accepted_by_table

# The column kinds whose values are tried in spellings SQLite's date and time functions cannot
# read (a timestamptz's in the one PostgreSQL prints: '2020-01-01 12:00:00+00').
KINDS = ("date", "timestamp", "time", "timestamptz")
# Rows both sides accept that each spelling is put into, at most.
_BASES = 3
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True)
class NullParting(Parting):
    """A row SQLite's CHECK passes because it reads as NULL, which PostgreSQL's refuses."""

    value: str = ""

    def said(self, st: StageContext) -> str:
        """``SQLite accepts, PostgreSQL rejects`` and why (the function's NULL)."""
        return (
            f"{Parting.said(self, st)} (SQLite's date and time functions read "
            f"{probe_text(self.value)} as NULL, so its CHECK passes it unjudged)"
        )


def day_spellings(literals: Sequence[str]) -> list[str]:
    """Days beside each date literal (the day before and after, the first day of the year
    before and after) without their zeros, which PostgreSQL reads and SQLite's ``date()``
    does not: '2019-1-1' and '2021-1-1' for '2020-01-01'."""
    found: list[str] = []
    for literal in literals:
        match = _DAY.match(literal.strip())
        day = date_of(literal.strip()[:10]) if match else None
        if day is None or not 1 < day.year < 9999:
            continue
        near = [day.fromordinal(day.toordinal() + n) for n in (-1, 1)]
        near += [day.replace(year=day.year + n, month=1, day=1) for n in (-1, 1)]
        found += [f"{d.year}-{d.month}-{d.day}" for d in near if d.month < 10 or d.day < 10]
    return list(dict.fromkeys(found))


def printed_moments(literals: Sequence[str]) -> list[str]:
    """Noon of each date literal's day and the days beside it as PostgreSQL prints a
    timestamptz in UTC, with a short offset SQLite's date and time functions read as NULL
    (stranger60 013): '2019-12-31 12:00:00+00' for '2020-01-01'."""
    found: list[str] = []
    for literal in literals:
        day = date_of(literal.strip()[:10]) if _DAY.match(literal.strip()) else None
        if day is None or not 1 < day.year < 9999:
            continue
        near = [day.fromordinal(day.toordinal() + n) for n in (-1, 0, 1)]
        found += [f"{d.isoformat()} 12:00:00+00" for d in near]
    return list(dict.fromkeys(found))


def own_days(bases: Sequence[tuple[Any, ...]]) -> list[str]:
    """The dates ('YYYY-MM-DD', a moment's day) the rows ``bases`` hold, each once: what an
    expression with no date literal is spelled from, so that a row's own day is tried without
    its zeros and with a time of day ('2024-1-31', '2024-01-31 10:00')."""
    days = (v.strip()[:10] for row in bases for v in row if isinstance(v, str))
    return list(dict.fromkeys(d for d in days if _DAY.match(d) and date_of(d) is not None))


def spelled_rows(
    st: StageContext, table: str, found: ProbeSet, texts: tuple[str, str],
    bases: Sequence[tuple[Any, ...]],
) -> dict[tuple[Any, ...], str]:  # fmt: skip
    """Rows of ``bases`` with each date, timestamp or time column of ``found`` in turn given
    spellings of the literals of ``texts`` (two expressions), of a date or timestamp column
    also of the rows' own days (``own_days``), and the days or hours beside them
    that SQLite's date and time functions read as NULL ('2019-1-1', '7:00', a timestamptz as
    PostgreSQL prints it: '2019-12-31 12:00:00+00'), each row to the spelling put into it.
    A CHECK's ``witness`` tries them, and so does a generated column (``generated``: there
    ``date(ts)`` is NULL on '2024-01-01 12:00:00+00', which a sync from PostgreSQL writes)."""
    literals = [
        s
        for d, t in zip(st.dialects, texts, strict=True)
        if (r := expression_reads.reads(d, t))
        for s in r.strings
    ]
    # A date or timestamp column is also tried with the days of the rows themselves, after the
    # literals': an expression may have no date literal of its own (``julianday(e) >
    # julianday(s)``, ``CAST(julianday(e) - julianday(s) AS INTEGER)``; stranger94b 001, 002).
    days = [d for d in own_days(bases) if d not in literals]
    rows: dict[tuple[Any, ...], str] = {}  # each row, with the spelling put into it
    for n, name in enumerate(found.names):
        lc, rc = find(st.left, table, name)[1], find(st.right, table, name)[1]
        kind = probes.kind_of(lc, rc) if lc is not None and rc is not None else None
        if kind not in KINDS:
            continue
        if kind == "time":
            values = time_spellings(literals)
        elif kind == "timestamptz":
            values = printed_moments(literals)
        else:
            values = [*spellings(literals, kind), *day_spellings(literals)]
            values += [*spellings(days, kind, wall=False), *day_spellings(days)]
        for value in values:
            rows |= {(*row[:n], value, *row[n + 1 :]): value for row in bases}
    return rows


def witness(
    st: StageContext, table: str, found: ProbeSet, texts: tuple[str, str],
    judged: Sequence[Judged], errors_reject: bool,
) -> tuple[ProbeSet, Parting] | None:  # fmt: skip
    """Across SQLite and PostgreSQL, the first row SQLite's CHECK (of ``texts``) passes as NULL
    and PostgreSQL's refuses: each date, timestamp or time column of ``found`` in turn given
    spellings of its CHECKs' literals and the days or hours beside them, in rows both sides
    accepted (``judged``); with the rows tried. None where there is none."""
    if set(st.dialects) != {"sqlite", "postgresql"}:
        return None
    sq = st.dialects.index("sqlite")
    bases = [row for row, a, b in judged if a and b][:_BASES]
    rows = spelled_rows(st, table, found, texts, bases)
    if not rows:
        return None
    tried = replace(found, rows=tuple(rows))
    parted = [
        j for j in accept_vectors(tried, *texts, errors_reject) if j[1 + sq] and not j[2 - sq]
    ]
    if not parted:
        return None
    columns = found.left if sq == 0 else found.right
    nulls = found.backends[sq].try_rows(columns, f"({texts[sq]}) IS NULL", [j[0] for j in parted])
    passed = [j for j, null in zip(parted, nulls, strict=True) if null]
    kept = accepted_by_table(st, table, tried, passed, texts)
    parting = next((NullParting(r, a, b, value=rows[r]) for r, a, b in kept if a != b), None)
    return None if parting is None else (tried, parting)
