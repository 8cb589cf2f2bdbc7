"""The probe rows two expressions are run over (``probe_rows``): each column they read gets
values from its logical kind and from both expressions' literals. CHECKs (``checks``), partial
index predicates and generated columns (``computed``), index keys (``index_keys``) and the
witness of a one-sided CHECK (``one_sided``) use them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from twinschema.canonical import typemap, typemap_operators, typemap_storage
from twinschema.evaluate import (
    check_ends,
    clock_steps,
    crossed_rows,
    date_pairs,
    date_parts,
    date_steps,
    fraction_pairs,
    json_checks,
    json_lists,
    kept_fractions,
    landings,
    moment_bounds,
    month_pairs,
    month_steps,
    probe_arrays,
    probe_numbers,
    probe_strings,
    probes,
)
from twinschema.evaluate.backends import Backend
from twinschema.evaluate.case_probes import case_probes
from twinschema.evaluate.context import StageContext, find, logical_name
from twinschema.evaluate.expression_reads import reads
from twinschema.evaluate.probe_arithmetic import half_rows, past_type_ends, precision, product_rows
from twinschema.evaluate.statements import probe_column
from twinschema.model import Column, ColumnType
from twinschema.records import Side
from twinschema.records.kinds import INTEGER_KINDS


@dataclass(frozen=True)
class ProbeSet:
    """The rows two expressions are run over: the columns they read (by name, with each
    side's column types) and the cross product of each column's probe values."""

    names: tuple[str, ...]
    left: tuple[tuple[str, ColumnType], ...]
    right: tuple[tuple[str, ColumnType], ...]
    rows: tuple[tuple[Any, ...], ...]
    backends: tuple[Backend, Backend]


def probe_rows(
    st: StageContext, table: str, ltext: str, rtext: str, *, counted: bool = True,
    numbers: tuple[Decimal, ...] = (), lengths: tuple[int, ...] = (),
    landed: tuple[tuple[str, Decimal], ...] = (), days: tuple[str, ...] = (),
) -> ProbeSet | None:  # fmt: skip
    """The probe rows for two expressions over ``table`` (``_rows``; ``numbers`` as if the
    expressions held them too: a generated column's precision bound; ``landed``, (column,
    value) where a generated column's expression reaches its type's ends, probed first, on an
    integer column too; ``days``, dates as if they held them: the fixed clock's, moved), None
    counted as not evaluated unless ``counted`` is False (a witness search judges nothing)."""
    found = _rows(st, table, ltext, rtext, numbers, lengths, landed, days)
    if found is None and counted:
        st.result.not_evaluated += 1
    return found


def _rows(
    st: StageContext, table: str, ltext: str, rtext: str, extra: tuple[Decimal, ...] = (),
    extra_lengths: tuple[int, ...] = (), extra_landed: tuple[tuple[str, Decimal], ...] = (),
    extra_days: tuple[str, ...] = ()) -> ProbeSet | None:  # fmt: skip
    """Each column the expressions read gets values from its logical kind and from both
    expressions' literals; a date or timestamp column, first, where their date arithmetic
    reaches its bound (``date_steps``, ``month_steps``), and a moment column where a part of it (a weekday, an
    hour) meets a literal (``date_parts``). None when an expression does not parse, reads a
    column one side lacks, or a dialect has no scratch database."""
    ldialect, rdialect = st.left.schema.dialect, st.right.schema.dialect
    lreads, rreads = reads(ldialect, ltext), reads(rdialect, rtext)
    if lreads is None or rreads is None:
        return None
    names = sorted(
        {logical_name(st.left, table, c) for c in lreads.columns}
        | {logical_name(st.right, table, c) for c in rreads.columns}
    )
    lcols = [find(st.left, table, n)[1] for n in names]
    rcols = [find(st.right, table, n)[1] for n in names]
    if not names or None in lcols or None in rcols:
        return None
    tables = ((ldialect, find(st.left, table, "")[0]), (rdialect, find(st.right, table, "")[0]))
    extra += check_ends.numbers_within(tables, names)  # where the table's CHECKs keep them
    numbers = tuple(dict.fromkeys(lreads.numbers + rreads.numbers + extra))
    strings = lreads.strings + rreads.strings + _enum_labels([*lcols, *rcols])
    strings += clock_steps.days(((ldialect, ltext), (rdialect, rtext))) + extra_days
    lengths = tuple(dict.fromkeys(lreads.lengths + rreads.lengths + extra_lengths))
    measures = lreads.measures or rreads.measures
    casts = any(
        c in r.dependent for r in (lreads, rreads) for c in typemap_operators.CAST_OPERATORS
    )
    values: list[list[Any]] = []
    fractions: list[list[Any]] = []  # what a SQLite INTEGER column keeps as a REAL fraction
    moved: tuple[Any, ...] | None = None  # the date steps, read once a date column is met
    pairs = [(lc, rc) for lc, rc in zip(lcols, rcols, strict=True) if lc and rc]
    cased = case_probes(st, table, names)  # text the table's CHECKs let in, its case apart
    # Where the arithmetic lands, by logical column (each side's expressions read its own names).
    left_of, right_of = partial(_logical, st.left, table), partial(_logical, st.right, table)
    landed = left_of(lreads.halves) + right_of(rreads.halves)
    landed += left_of(right_of(extra_landed)) + left_of(lreads.landed) + right_of(rreads.landed)
    products = _logical_products(st.left, table, lreads.products)
    products += _logical_products(st.right, table, rreads.products)
    landed += landings.over_products(products, numbers)
    literals = ((ldialect, lreads.numbers), (rdialect, rreads.numbers))
    for lc, rc in pairs:
        bound = lc.type.length if lc.type.length is not None else rc.type.length
        scale = lc.type.scale if lc.type.scale is not None else rc.type.scale
        kind = probes.kind_of(lc, rc)
        own = (*lengths, bound) if bound is not None and bound not in lengths else lengths
        at = landings.for_column(landed, lc.name, scale, precision(lc, rc))
        if kind in INTEGER_KINDS:
            at = landings.whole(landed, lc.name)
        column_values = probes.values_for(kind, numbers, strings, scale, own, casts, tuple(at))
        texty = kind in probes.TEXT_KINDS or kind is None
        column_values += json_checks.documents((lc, rc), (ltext, rtext), strings, column_values)
        column_values += [v for v in cased if texty and v not in column_values]
        column_values += probe_numbers.precision_ends(kind, precision(lc, rc), scale)
        if any(typemap_storage.is_interval(c.type) for c in (lc, rc)):
            column_values += probe_strings.INTERVALS
            if typemap.shared_kind(lc.type, rc.type) is None:  # seconds against an interval
                column_values = [v for v in column_values if v is None]  # no value alike
        if kind in date_steps.KINDS:  # moments where date arithmetic reaches its bound, first
            moved = moved or date_steps.of(((ldialect, ltext), (rdialect, rtext)))
            stepped = date_steps.values(kind, *moved)
            # ...and the month ends a step in months runs over from (``month_steps``)
            stepped += month_steps.values(
                kind, month_steps.of(((ldialect, ltext), (rdialect, rtext)))
            )
            column_values = list(dict.fromkeys([None, *stepped, *column_values]))
        if kind in date_parts.KINDS:  # moments whose weekday, month, hour... meets a literal
            parts = date_parts.values(kind, date_parts.of(((ldialect, ltext), (rdialect, rtext))))
            column_values = list(dict.fromkeys([None, *parts, *column_values]))
        same = ldialect == rdialect
        stored = _stores(ldialect, kind, own, strings, numbers, measures) if same else []
        stored += kept_fractions.values(kind, literals)
        column_values += stored
        fractions.append(kept_fractions.around(kind, stored))
        if probe_arrays.is_array(lc, rc):  # arrays of those values (stranger59 021)
            column_values = probe_arrays.of_column(kind, column_values, strings, numbers)
            fractions[-1] = []
        elif listed := json_lists.mapped(st.comparison, table, lc, rc):  # JSON text vs array
            column_values, fractions[-1] = json_lists.values(listed, column_values, numbers), []
        # A column NOT NULL on both sides never shows the expression a NULL (one side only is a
        # column_nullable difference of its own): max(a, b) and greatest(a, b) agree there.
        if not (lc.nullable or rc.nullable):
            column_values = [v for v in column_values if v is not None]
        values.append(column_values)
    lb, rb = st.ev.backend(ldialect), st.ev.backend(rdialect)
    st.note(ldialect, rdialect)
    if lb is None or rb is None:
        return None
    left = tuple(probe_column(lc) for lc, _ in pairs)
    related = [
        *probe_strings.text_pairs(tuple(dict.fromkeys(strings))),
        *probe_numbers.NUMBER_PAIRS,
    ]
    rows = tuple(crossed_rows.cross(values, related=related))
    half = half_rows(((ldialect, ltext), (rdialect, rtext)), pairs, values)
    paired = product_rows([lc.name for lc, _ in pairs], values, products, numbers)
    paired += past_type_ends(st, table, [lc.name for lc, _ in pairs], values, products)
    together = crossed_rows.together(values, fractions) + fraction_pairs.rows(pairs, values)
    together += month_pairs.rows(pairs, values, ((ldialect, ltext), (rdialect, rtext)))
    rows = tuple(crossed_rows.distinct([*rows, *half, *paired, *together]))
    logical = [(lc.name, ctype) for (lc, _), (_, ctype) in zip(pairs, left, strict=True)]
    rows += check_ends.corner_rows(tables, logical, rows)  # number columns at their CHECKs' ends
    return ProbeSet(
        tuple(lc.name for lc, _ in pairs),
        left,
        tuple(probe_column(rc) for _, rc in pairs),
        rows,
        (lb, rb),
    )


def _logical(
    side: Side, table: str, found: tuple[tuple[str, Decimal], ...]
) -> tuple[tuple[str, Decimal], ...]:
    """(column, value) pairs read from ``side``'s own expressions, by logical column name."""
    return tuple((logical_name(side, table, name), value) for name, value in found)


def _logical_products(
    side: Side, table: str, found: tuple[tuple[str, str, Decimal], ...]
) -> tuple[tuple[str, str, Decimal], ...]:
    """``landings.products`` of ``side``'s own expressions, by logical column names."""
    name = partial(logical_name, side, table)
    return tuple((name(a), name(b), target) for a, b, target in found)


# Text holding a NUL character: alone, and between two letters (length() 1 on SQLite, of 3).
_NUL_TEXTS = ("\x00", "a\x00b")


def _stores(
    dialect: str, kind: str | None, lengths: tuple[int, ...], strings: Sequence[str] = (),
    numbers: Sequence[Decimal] = (), measures: bool = False,
) -> list[Any]:  # fmt: skip
    """Values a column of ``dialect`` stores as they are where another dialect's column would
    refuse or change them, probed between two sources of that dialect (across dialects they
    are ``crossing``'s warnings). SQLite's (PostgreSQL's types hold what they declare): 2^63 and
    fractions (0.5 passes x > 0, not x >= 1; each whole literal's half either side, 9.5 for
    x < 10 against x <= 9) in an INTEGER column, a REAL that
    9223372036854775807 + 1 also gives, and text there ('a' + 0
    and 'b' + 0 are both 0); in any number column a REAL so large that it absorbs each
    literal (``probe_numbers.absorbing``: c1 + 100000 is c1 at 2^71); a blob and the text of
    its bytes in a text or BLOB column (X'6162'
    and 'ab' are one key under CAST(s AS TEXT) only), the bytes of each string literal
    (X'6B6974' is 'kit' under lower(), never under ``= 'kit' COLLATE NOCASE``), and the empty
    blob (X'' <> '' holds), and where an expression measures a length, text holding a NUL
    character (SQLite's length() counts the characters before it: length(char(0)) is 0, and
    char(0) <> '' holds; stranger44 005);
    text in a BLOB column, whose length() counts characters ('éé': 2, its bytes 4); moments
    spelled apart in a date column, which SQLite compares as text ('2024-01-01T09:00' after
    '2024-01-01 10:00', which julianday() puts before), and the empty text there (''
    fails d >= '2024-01-01', date('') is NULL); in a BOOLEAN column, numbers past 0 and 1
    and text. PostgreSQL's: 'NaN' in a numeric column (a numeric(5,2) holds it; it sorts
    above every number, so ``x <= 999.99`` refuses it)."""
    if dialect != "sqlite":  # PostgreSQL's numeric stores NaN, which no CHECK's ends reach
        return [Decimal("NaN")] if kind == "numeric" else []  # (stranger57 076, 145)
    huge = probe_numbers.absorbing(tuple(numbers))  # a REAL in any number column
    if kind == "boolean":  # NUMERIC affinity: 2 fails b = 1, passes b (stranger57 214)
        return [2, -1, 0.5, "yes"]
    if kind in INTEGER_KINDS:  # and fractions, which INTEGER keeps
        halves = [float(n) + d for n in numbers if n == int(n) for d in (0.5, -0.5)]
        return [float(2**63), -float(2**63), "a", "b", 0.5, 1.5, -0.5, *halves, *huge]
    if kind in ("numeric", "float"):  # a scaled NUMERIC keeps that double too
        return [float(2**63), -float(2**63), "a", "b", *huge]
    if kind == "bytes":
        return ["ab", b"ab", *("é" * n for n in (1, *lengths) if n > 0)]
    if kind in probes.TEXT_KINDS:
        nul = list(_NUL_TEXTS) if measures else []
        return ["ab", b"ab", b"", *(t.encode() for t in dict.fromkeys(strings) if t), *nul]
    # (a time column's spellings are date_pairs' own: between two SQLite sources not yet probed)
    spelled = list(date_pairs.SPELLED.get(kind or "", ()) if kind != "time" else ())
    if kind == "date":  # a moment inside a literal's day, after that day's text (fuzz41)
        spelled += moment_bounds.days_within(tuple(strings))
    # ...and the empty text, which a moment column keeps and date() reads as NULL (stranger39).
    return [*spelled, ""] if spelled else []


def _enum_labels(columns: Sequence[Column | None]) -> tuple[str, ...]:
    """The labels of the enum columns among ``columns``: probe values of their own."""
    return tuple(v for c in columns if c is not None and c.type.values for v in c.type.values)


def accept_vectors(
    found: ProbeSet, ltext: str, rtext: str, errors_reject: bool = False
) -> list[tuple[tuple[Any, ...], bool, bool]]:
    """The rows both sides gave a verdict on, with each side's (True: the CHECK accepts it;
    ``errors_reject``: see ``Backend.try_rows``)."""
    lb, rb = found.backends
    lgot = lb.try_rows(found.left, ltext, found.rows, errors_reject)
    rgot = rb.try_rows(found.right, rtext, found.rows, errors_reject)
    return [
        (row, a, b)
        for row, a, b in zip(found.rows, lgot, rgot, strict=True)
        if a is not None and b is not None
    ]
