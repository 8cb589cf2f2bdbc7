"""Two date, timestamp or time columns compared with each other in a CHECK or a partial-index
predicate (``CHECK (ends_at > starts_at)``, ``WHERE ends_at > starts_at``): SQLite keeps both as
text and compares text, PostgreSQL compares moments or times of day. On values written in one
ISO form the two agree; spellings PostgreSQL reads as the same moment, day or time part them
('T' before the time, a fraction '.000', a UTC offset, a day without zeros, an hour without its
zero: '9:00' sorts after '10:00'). As for a column against a date literal
(``date_text``), this is a ``value_compatibility`` warning naming the row and what each side
does with it, not a difference: the expressions mean the same on values written in one form.
Not so for two timestamptz columns a CHECK compares, where values of one form with different
UTC offsets part them: that is a ``check`` difference (``offset_checks``), no warning here, and
so is a unique partial index whose predicate they part (``offset_indexes``). A
row a side's CHECKs on one column refuse alone (a GLOB holding the text to one form) is none.
"""

from __future__ import annotations

import re
from itertools import product
from typing import Any

from twinschema.evaluate import expression_reads, offset_rows
from twinschema.evaluate.backends import Backend
from twinschema.evaluate.date_text import (
    Warn,
    dialect_name,
    in_index,
    in_index_on,
    partial_index_pairs,
    stored_or_rejected,
)
from twinschema.evaluate.statements import probe_column
from twinschema.model import Table
from twinschema.model_shown import column_shown
from twinschema.records import Difference, Side

# Spellings of moments close together, per kind: text order and time order part on pairs of
# them ('2024-01-01T09:00:00' sorts after '2024-01-01 10:00:00'; '2024-1-1' after '2024-01-09').
SPELLED: dict[str, tuple[str, ...]] = {
    "date": ("2024-01-01", "2024-1-1", "2024-01-09", "2024-01-01 10:00"),
    "timestamp": (
        "2024-01-01 10:00:00",
        "2024-01-01T09:00:00",
        "2024-01-01 10:00:00.000",
        "2024-01-01 10:00",
        "2024-01-09 10:00:00",
    ),
    "timestamptz": (
        "2024-01-01 10:00:00+00:00",
        "2024-01-01 11:00:00+02:00",
        "2024-01-01T10:00:00Z",
        "2024-01-01 10:00:00.000+00:00",
        "2024-01-09 10:00:00+00:00",
    ),
    # '9:00' sorts after '10:00', '09:00:00' after '09:00' (stranger50 008, 051).
    "time": ("10:00", "9:00", "09:00", "09:00:00"),
}


# A literal that reads as a date or a time of day (compiled at first use: re's cache).
_DATE_OR_TIME = r"^\d{4}-\d{1,2}-\d{1,2}|^\d{1,2}:\d{2}"


def findings(
    sides: tuple[Side, Side],
    backends: dict[str, Backend],
    layer: str,
    tables: tuple[Table, Table],
    warning: Warn,
) -> list[tuple[bool, Difference]]:
    """The warnings of one table pair (SQLite against PostgreSQL): for each two date,
    timestamp or time columns that a CHECK or a partial-index predicate compares, the first row of
    ``SPELLED`` values the two sides part on (with whether a SQLite to PostgreSQL sync fails on
    it)."""
    from twinschema.canonical import typemap

    dialects = tuple(s.schema.dialect for s in sides)
    if set(dialects) != {"sqlite", "postgresql"}:
        return []
    lt, rt = tables
    kinds = {}
    for lc in lt.columns:
        rc = rt.column(lc.name)
        kind = typemap.shared_kind(lc.type, rc.type) if rc is not None else None
        if rc is not None and kind in SPELLED:
            kinds[lc.name.lower()] = (lc, rc, kind)
    if not kinds:
        return []
    found: list[tuple[bool, Difference]] = []
    runs = _expressions(dialects, tables, set(kinds))
    sq = dialects.index("sqlite")
    for names, (texts, shown, rule) in runs.items():
        pair = [kinds[n] for n in names]
        rows = list(product(*(SPELLED[kind] for _, _, kind in pair)))
        got = [
            backends[d].try_rows(
                [probe_column(c[0] if side == 0 else c[1]) for c in pair], text, rows, True
            )
            for side, (d, text) in enumerate(zip(dialects, texts, strict=True))
        ]
        # A row a side's CHECKs on one of two columns refuse alone (a GLOB holding the text
        # to one form) is that CHECK's refusal of a spelling, not the comparison's (one column
        # compared with itself, ``d = date(d)``, is that CHECK).
        alone = [
            backends[d].try_rows(
                [probe_column(c[0] if side == 0 else c[1]) for c in pair],
                offset_rows.alone_checks(d, tables[side], names) if len(names) > 1 else "1 = 1",
                rows,
                True,
            )
            for side, d in enumerate(dialects)
        ]
        parted = [
            (row, 0 if a else 1)
            for row, a, b, la, ra in zip(rows, *got, *alone, strict=True)
            if None not in (a, b) and a != b and la and ra
        ]
        if parted and rule != "index" and _one_form(backends, dialects, tables, names, texts):
            continue  # a difference (``offset_checks``, ``offset_indexes``), no warning
        # A sync fails where SQLite stores a row PostgreSQL's CHECK rejects, or where a row
        # is in PostgreSQL's partial unique index only (a second one is a duplicate there).
        pushes = [
            (keeps == sq if rule == "check" else rule == "unique" and keeps != sq, row, keeps)
            for row, keeps in parted
        ]
        first = next((p for p in pushes if p[0]), pushes[0] if pushes else None)
        if first is not None:  # a row a sync fails on is named first
            push, row, keeps = first
            columns = ", ".join(c[0].name for c in pair)
            values = ", ".join(repr(v) for v in row)
            cols = [probe_column(c[0]) for c in pair]
            nulled = (
                rule == "check" and keeps == sq and _passes_as_null(backends, cols, texts[sq], row)
            )
            does = (
                "reads as NULL on them (SQLite's date and time functions read no value in a "
                "spelling they do not know), so it passes them unjudged"
                if nulled
                else "compares them as text"
            )
            message = (
                f"{column_shown(lt, rt, pair[0][0].name)}: the row ({columns}) = ({values}), "
                f"{'times of day' if {k for *_, k in pair} == {'time'} else 'moments'} to "
                f"{dialect_name(sides[1 - sq])} and text to {dialect_name(sides[sq])}, whose "
                f"{shown[sq]} {does}: {_said(sides, keeps, rule)}"
            )
            found.append((push, warning(layer, *sides, lt.name, pair[0][0], pair[0][1], message)))
    return found


Run = tuple[tuple[str, str], tuple[str, str], str]


def _expressions(
    dialects: tuple[str, ...], tables: tuple[Table, Table], dates: set[str]
) -> dict[tuple[str, ...], Run]:
    """By the two date columns they read: each side's CHECKs over them alone (as one CHECK),
    or else the predicates of a partial index both sides have on the same elements (as a CHECK
    that passes inside the index); with how each side's is shown, and what rule they make
    (``check``, ``index``, ``unique``)."""
    found: dict[tuple[str, ...], Run] = {}
    own: list[dict[tuple[str, ...], list[str]]] = [{}, {}]
    # A side's expressions read its own names; ``dates`` are logical (domain.yaml may spell a
    # column otherwise on each side, as init writes camelCase: stranger48 014).
    for side, (dialect, table) in enumerate(zip(dialects, tables, strict=True)):
        for text, read, _ in expression_reads.table_checks(dialect, table):
            columns = {table.logical_name_of(c).lower() for c in read}
            if _compared(dialect, text, columns) and columns <= dates:
                own[side].setdefault(tuple(sorted(columns)), []).append(text)
    for names in own[0].keys() & own[1].keys():
        texts = tuple(" AND ".join(f"({t})" for t in own[side][names]) for side in (0, 1))
        shown = tuple(" AND ".join(f"CHECK ({t})" for t in own[side][names]) for side in (0, 1))
        found[names] = ((texts[0], texts[1]), (shown[0], shown[1]), "check")

    def two_dates(side: int, where: str) -> bool:
        reads = expression_reads.reads(dialects[side], where)
        read = (
            {tables[side].logical_name_of(c).lower() for c in reads.columns}
            if reads is not None
            else set()
        )
        return len(read) == 2 and read <= dates

    for li, ri in partial_index_pairs(tables, two_dates):
        wheres = (li.raw_where or li.where or "", ri.raw_where or ri.where or "")
        reads = expression_reads.reads(dialects[0], wheres[0])
        names = (
            tuple(sorted(tables[0].logical_name_of(c).lower() for c in reads.columns))
            if reads is not None
            else ()
        )
        if names not in found:
            inside = tuple(f"{in_index(w)} = 1" for w in wheres)
            shown = tuple(f"WHERE {w}" for w in wheres)
            rule = "unique" if li.unique else "index"
            found[names] = ((inside[0], inside[1]), (shown[0], shown[1]), rule)
    return found


def _compared(dialect: str, text: str, columns: set[str]) -> bool:
    """Whether a CHECK ``text`` reading ``columns`` compares date columns here: two of them, or
    one with itself through a function (``d = date(d)`` against ``d = d::date``, stranger61
    022); one compared with a date or time literal is ``date_text``'s."""
    if len(columns) == 2:
        return True
    reads = expression_reads.reads(dialect, text)
    return (
        len(columns) == 1
        and reads is not None
        and not any(re.match(_DATE_OR_TIME, s.strip()) for s in reads.strings)
    )


def _one_form(
    backends: dict[str, Backend],
    dialects: tuple[str, ...],
    tables: tuple[Table, Table],
    names: tuple[str, ...],
    texts: tuple[str, str],
) -> bool:
    """Whether CHECKs over two timestamptz columns part on values written in one form with
    different UTC offsets (``offset_checks``): then they are a ``check`` difference, which
    names that row, not a warning of spellings."""
    if len(names) != 2:
        return False
    logical = offset_rows.compared_moments(dialects, tables, texts[0])
    return logical is not None and (
        offset_rows.one_form_parting(backends, dialects, tables, logical, texts) is not None
    )


def _passes_as_null(
    backends: dict[str, Backend], columns: list[Any], text: str, row: tuple[Any, ...]
) -> bool:
    """Whether SQLite's CHECK ``text`` is NULL on ``row`` (``time('9:00')`` is NULL, so
    ``time(opens) < time(closes)`` passes ('10:00', '9:00') without comparing anything:
    stranger52 009c), rather than true by comparing the text."""
    got = backends["sqlite"].try_rows(columns, f"({text}) IS NOT NULL", [row], True)
    return got[0] is False


def _said(sides: tuple[Side, Side], keeps: int, rule: str) -> str:
    return stored_or_rejected(sides, keeps) if rule == "check" else in_index_on(sides, keeps)
