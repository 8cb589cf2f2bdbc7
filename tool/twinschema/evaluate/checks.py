"""CHECKs judged on probe rows (see ``stage``): the two sides' CHECK differences on a table
are paired, both run over the same rows, and their accept/reject vectors compared. Equal
vectors make them "equal on N probes" (never proven); a row on which they part by what each
database stores (``stored_rows``) is the witness, else one SQLite passes as NULL
(``null_spellings``). The rows come from ``probe_sets`` (``computed`` uses them too)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from twinschema.canonical import typemap, typemap_operators
from twinschema.canonical.identifiers import catalog_key
from twinschema.evaluate import (
    completions,
    equated_rows,
    expression_reads,
    json_escape,
    null_spellings,
    probes,
    side_checks,
    stored_rows,
    unscaled_values,
    witness_fields,
)
from twinschema.evaluate.column_reasons import enum_order, enum_ordered, scale_reasons
from twinschema.evaluate.context import StageContext, find, probe_count
from twinschema.evaluate.probe_sets import ProbeSet, accept_vectors, probe_rows
from twinschema.evaluate.reasons import Parted, operator_reasons
from twinschema.evaluate.stored_rows import Parting, nulls_where_both_allow, partings
from twinschema.evaluate.witness_fields import Verdicts, Written
from twinschema.evaluate.witness_rows import look_alikes, row_text
from twinschema.model import EQUALITY_EXACT, CheckConstraint, Collation, Table
from twinschema.records import Difference


def witness_written(
    st: StageContext, found: ProbeSet | Sequence[str], row: Sequence[Any], said: str,
    verdicts: Verdicts,
) -> Written:  # fmt: skip
    """``witness (a, b) = (1, NULL): <said>``, the columns of ``found`` (the probe rows, or
    the columns' logical names) as the databases name them (``witness_fields.own_names``),
    values as each side writes them (``row_text``), and the witness as data
    (``witness_fields.made``, by logical names): ``verdicts`` is whether each side accepts the
    row, None where both store it and part on what they store or compute."""
    if isinstance(found, ProbeSet):
        names, shown = found.names, witness_fields.own_names(found)
    else:
        names = shown = tuple(found)
    text = f"witness ({', '.join(shown)}) = {row_text(st.dialects, row)}{look_alikes(row)}: {said}"
    return Written(text, witness_fields.made(st, names, row, said, verdicts))


@dataclass(frozen=True)
class ProbeRun:
    """Two CHECKs run on probe rows: how many both judged, the first they part on, if any,
    and whether they judged every row alike taken alone (``alone``: not only on the rows the
    accepting side's table lets in); the rows judged are those an equivalence names, never a
    value a column cannot hold (stranger59 006: 'abc' in an interval column)."""

    probes: ProbeSet
    judged: int
    witness: Parting | None
    alone: bool = True
    # The rows both sides judged (values both columns hold): those an equivalence names.
    judged_rows: tuple[tuple[Any, ...], ...] = ()


def run_on_probes(
    st: StageContext, table: str, ltext: str, rtext: str, errors_reject: bool,
    not_null_test: bool = False, counted: bool = True,
) -> ProbeRun | None:  # fmt: skip
    """Run two CHECKs of ``table`` on probe rows, counted as evaluated (``None``, counted as
    not, when no row both sides could judge; neither unless ``counted``). A NULL in a column
    NOT NULL on either side is not tried (the column's own difference), and a witness must be a
    row the accepting side's table lets in (``accepted_by_table``, the columns its CHECKs share
    probed: ``with_sharing``); not so where a side is ``not_null_test``, a NOT NULL. A generated
    column is read as its expression (``through_generated``). See ``json_escape`` too."""
    ltext, rtext = side_checks.through_generated(st, table, (ltext, rtext))
    wide = (ltext, rtext) if not_null_test else side_checks.with_sharing(st, table, (ltext, rtext))
    found = probe_rows(st, table, *wide, counted=counted)
    if found is None:
        return None
    tried = found if not_null_test else nulls_where_both_allow(st, table, found)
    both = accept_vectors(tried, ltext, rtext, errors_reject)
    if not telling(both):
        st.result.not_evaluated += counted
        return None
    st.result.evaluated += counted
    pair = (ltext, rtext)
    stored = both if not_null_test else stored_rows.accepted_by_table(st, table, tried, both, pair)
    witness = next(iter(partings(st, table, tried, (ltext, rtext), stored)), None)
    if witness is None and wide != (ltext, rtext):  # rows parted on, completed to be stored
        completed = completions.witness(st, table, found, (ltext, rtext), errors_reject)
        tried, witness = completed or (tried, None)
    if witness is None:  # a date or time spelling SQLite's CHECK reads as NULL
        found_null = null_spellings.witness(st, table, tried, (ltext, rtext), stored, errors_reject)
        tried, witness = found_null or (tried, witness)
    if witness is None:  # a column equated with an expression, set to what each side computes
        equated = equated_rows.witness(st, table, tried, (ltext, rtext), errors_reject)
        tried, witness = equated or (tried, witness)
    json_escape.check_warnings(st, table, (ltext, rtext), tried, errors_reject and not witness)
    judged_rows = tuple(row for row, _, _ in both)
    return ProbeRun(tried, len(both), witness, all(a == b for _, a, b in both), judged_rows)


def telling(judged: Sequence[tuple[Sequence[Any], Any, Any]]) -> bool:
    """True when a row both sides judged holds a value: NULLs alone make no "equal on 1"."""
    return any(any(v is not None for v in row) for row, _, _ in judged)


def dependent(st: StageContext, ltext: str, rtext: str, table: str | None = None) -> bool:
    """True when two expressions of different dialects use an operator whose meaning depends
    on the dialect (``typemap_operators.DIALECT_DEPENDENT_OPERATORS``), convert a column of ``table``
    that is not text on both sides to text (``typemap_operators.TEXT_CONVERSIONS``), or order a column
    that is an enum on one side (``enum_ordered``): equal canonical forms do not settle them,
    their probe rows do."""
    if not st.cross:
        return False
    lreads = expression_reads.reads(st.left.schema.dialect, ltext)
    rreads = expression_reads.reads(st.right.schema.dialect, rtext)
    if any(r is not None and r.dependent for r in (lreads, rreads)):
        return True
    if table is None:
        return False
    rendered = {c for r in (lreads, rreads) if r is not None for c in r.rendered}
    read = {c for r in (lreads, rreads) if r is not None for c in r.columns}
    if not text_on_both(st, table, *sorted(rendered)) or scale_reasons(st, table, read):
        return True
    if collated_apart(st, table, read) or padded_apart(st, table, read):
        return True
    ordered = {c for r in (lreads, rreads) if r is not None for c in r.ordered}
    return any(enum_ordered(st, table, c) for c in sorted(ordered))


def padded_apart(st: StageContext, table: str, columns: frozenset[str] | set[str]) -> bool:
    """True when one of ``columns`` of ``table`` ignores its trailing spaces on one side only
    (``typemap.pads``: PostgreSQL's char(4) against SQLite's TEXT): ``length(site) = 4``
    written alike holds for 'ab  ' on one side only (stranger74 008), so probe rows settle it."""
    for column in sorted(columns):
        left, right = find(st.left, table, column)[1], find(st.right, table, column)[1]
        if (
            left is not None
            and right is not None
            and typemap.pads(left.type) != typemap.pads(right.type)
        ):
            return True
    return False


def collated_apart(st: StageContext, table: str, columns: frozenset[str] | set[str]) -> bool:
    """True when one of ``columns`` of ``table`` has a collation that makes other values equal
    on each side (SQLite's NOCASE against PostgreSQL's default): ``=`` and ``IN`` on it take
    the column's collation, so an expression written alike on both (``code = 'abc'`` in a
    CHECK, a generated column, a partial index's WHERE) can hold on one side only, for 'ABC'
    (stranger69 007). Only the probe rows settle it, in tables that declare the collation
    (``statements.probe_column``)."""
    for column in sorted(columns):
        _, left = find(st.left, table, column)
        _, right = find(st.right, table, column)
        if left is None or right is None:
            continue
        if equality_of(left.collation) != equality_of(right.collation):
            return True
    return False


def equality_of(collation: Collation | None) -> str | None:
    """What ``collation`` makes equal (``EQUALITY_*``); a dialect's default is exact."""
    return EQUALITY_EXACT if collation is None else collation.equality


def text_on_both(st: StageContext, table: str, *columns: str) -> bool:
    """True when each of ``columns`` of ``table`` is text on both sides: converting it to text
    (``typemap_operators.TEXT_CONVERSIONS``) prints what it holds, alike on both dialects."""
    for column in columns:
        _, left = find(st.left, table, column)
        _, right = find(st.right, table, column)
        if left is None or right is None or probes.kind_of(left, right) not in probes.TEXT_KINDS:
            return False
    return True


def why_dependent(
    st: StageContext, ltext: str, rtext: str, table: str, parted: Parted | None = None
) -> str:
    """Why two expressions that ``dependent`` found part: what each dialect-dependent operator
    does on each dialect (``typemap``; by its arguments on the witness row ``parted``, where
    that decides: ``reasons``), each column whose scale one side rounds to (an unscaled NUMERIC
    one side keeps as a double: only where a witness value is no double, ``no_double``), each
    enum ordered."""
    found = [
        expression_reads.reads(d, t)
        for d, t in ((st.left.schema.dialect, ltext), (st.right.schema.dialect, rtext))
    ]
    used = [set(r.dependent) if r is not None else set() for r in found]
    # The operators both sides use, where there are (a cast PostgreSQL prints of its own,
    # ``x / (4)::numeric``, is not why ``x / 4`` parts them); else those of either side, but
    # none when a column's declared scale (``scale_reasons``) is why.
    past = parted is None or any(unscaled_values.no_double(v) for row in parted.rows for v in row)
    seen = (
        None
        if parted is None
        else {
            name.lower(): [row[n] for row in parted.rows]
            for n, (name, _) in enumerate(parted.columns[0])
        }
    )
    read = {c for r in found if r is not None for c in r.columns}
    scaled = scale_reasons(st, table, read, past, seen)
    operators = sorted(used[0] & used[1] or (set() if scaled else used[0] | used[1]))
    dialects = (st.left.schema.dialect, st.right.schema.dialect)
    collated = collation_reasons(st, table, read, seen)
    # An operator that does nothing on the witness row is no reason where a scale or a
    # collation is one.
    fallback = not scaled and not collated
    reasons = operator_reasons(dialects, (ltext, rtext), operators, parted, fallback) + scaled
    converting = [r for r in found if r is not None and not text_on_both(st, table, *r.rendered)]
    reasons += [
        typemap_operators.TEXT_CONVERSIONS[name] for r in converting for name in r.conversions
    ]
    ordered = sorted({c for r in found if r is not None for c in r.ordered})
    reasons += [
        enum_order(st, table, column) for column in ordered if enum_ordered(st, table, column)
    ]
    reasons += collated + [typemap.PADDING_REASON] * padded_apart(st, table, read)
    return "; ".join(dict.fromkeys(reasons))


def collation_reasons(
    st: StageContext, table: str, read: set[str], seen: dict[str, list[Any]] | None
) -> list[str]:
    """Each column of ``read`` whose collation makes other values equal on each side
    (``collated_apart``) and that holds a text on the witness rows (``seen``, by name; every
    such column where there are none): a comparison on it (=, <, max(), BETWEEN) follows the
    collation, which is why a row such as 'B' parts ``max(label, 'b') = label`` under NOCASE
    (stranger72 009: the message named max's NULLs, which that row has none of)."""
    found = []
    for column in sorted(read):
        _, left = find(st.left, table, column)
        _, right = find(st.right, table, column)
        if left is None or right is None or not collated_apart(st, table, {column}):
            continue
        if seen is not None and not any(isinstance(v, str) for v in seen.get(column.lower(), ())):
            continue
        sides = [
            f"{c.collation.describe() if c.collation else 'the default collation'} on "
            f"{st.side_name(side)}"
            for c, side in ((left, "left"), (right, "right"))
        ]
        found.append(
            f"{left.name} is compared under {sides[0]}, {sides[1]}: =, <, max() and min() on "
            "it follow its collation"
        )
    return found


def checks(st: StageContext) -> None:
    """Settle a one-sided CHECK that is a NOT NULL of the other side's (the CHECK differences
    of a table are settled in ``check_tables``, those the comparer matched in
    ``matched_checks``)."""
    _not_null_checks(st)


def _not_null_checks(st: StageContext) -> None:
    """A column NULL on one side only, where that side has a CHECK the other lacks that rejects
    exactly the rows with a NULL in it (``CASE WHEN x IS NULL THEN 0 ELSE 1 END = 1``, ``x IS
    NOT NULL OR false``): run against ``x IS NOT NULL`` on the other side's probe rows, equal
    verdicts on every row make the two differences one equivalence, "equal on N probes"."""
    nullables = [d for d in st.comparison.differences if d.kind == "column_nullable"]
    for nd in nullables:
        if nd.table is None or nd.column is None:
            continue
        lt, lc = find(st.left, nd.table, nd.column)
        rt, rc = find(st.right, nd.table, nd.column)
        if lt is None or rt is None or lc is None or rc is None:
            continue
        left_null = lc.nullable
        table, other = (lt, rc) if left_null else (rt, lc)
        for cd in one_sided_checks(st, nd.table, "left" if left_null else "right"):
            text = check_text(table, cd.left if left_null else cd.right)
            if text is None:
                continue
            test = f"{other.name} IS NOT NULL"
            ltext, rtext = (text, test) if left_null else (test, text)
            run = run_on_probes(st, lt.name, ltext, rtext, False, not_null_test=True)
            if run is None or run.witness is not None:
                continue
            st.drop(nd, cd)
            shown = f"CHECK ({text})"
            _not_null_as_checks(st, nd, shown, f"equal on {probe_count(run.judged)}", left_null)
            break
        else:
            _null_refused_by_checks(st, nd, table, other.name, left_null)


def _null_refused_by_checks(
    st: StageContext, nd: Difference, table: Table, column: str, left_null: bool
) -> None:
    """Drop the column_nullable difference ``nd`` where the CHECKs of the side that allows NULL
    in ``column`` reject every probe row with a NULL in it, together (``typeof(n) = 'integer'
    AND n < 2``, ``coalesce(n, 5) < 2``): NOT NULL on the other side rejects the same rows. The
    rows with a value there are the CHECKs' own to compare (their differences stay); one probe
    row with a NULL in ``column`` that they accept (``coalesce(n, m) > 0`` with m = 1) keeps
    the difference. The CHECKs over only the columns those read join them, and a row with a
    NULL where that side's column is NOT NULL is refused anyway (``coalesce(n, m) < 2`` beside
    ``m NOT NULL CHECK (m >= 2)`` rejects every NULL n)."""
    own = st.left if left_null else st.right
    reads_of = {
        text: cols for text, cols, _ in expression_reads.table_checks(own.schema.dialect, table)
    }
    key = catalog_key(own.schema.dialect, table.own_name_of(column))
    reading = [t for t, read in reads_of.items() if key in read]
    if not reading:
        return
    columns = set().union(*(reads_of[t] for t in reading))
    reading += [t for t, read in reads_of.items() if t not in reading and read <= columns]
    conjunction = " AND ".join(f"({t})" for t in reading)
    test = f"{column} IS NOT NULL"
    ltext, rtext = (conjunction, test) if left_null else (test, conjunction)
    found = probe_rows(st, table.name, ltext, rtext, counted=False)
    if found is None or column.lower() not in found.names:
        return
    at = found.names.index(column.lower())
    refused = [
        n != column.lower() and (c := find(own, table.name, n)[1]) is not None and not c.nullable
        for n in found.names
    ]
    nulls = replace(
        found,
        rows=tuple(
            r
            for r in found.rows
            if r[at] is None and not any(v is None and no for v, no in zip(r, refused, strict=True))
        ),
    )
    judged = accept_vectors(nulls, ltext, rtext)
    # A row a side cannot hold (2147483648 in PostgreSQL's integer m) shows nothing of n's NULL.
    if not judged or any(a or b for _, a, b in judged):
        return
    st.result.evaluated += 1
    st.drop(nd)
    shown = " AND ".join(f"CHECK ({t})" for t in reading)
    # Only the NULL is settled: what the CHECKs make of values is compared on its own.
    said = f"both refuse a NULL in {column} on {probe_count(len(judged))}"
    _not_null_as_checks(st, nd, shown, f"{said} (values compared as CHECKs)", left_null)


def one_sided_checks(st: StageContext, table: str, side: str) -> list[Difference]:
    """The ``check`` differences on ``table`` that only ``side`` has."""
    return [
        d
        for d in st.comparison.differences
        if d.kind == "check"
        and d.table == table
        and (d.left if side == "left" else d.right) is not None
        and (d.right if side == "left" else d.left) is None
    ]


def check_text(table: Table | None, shown: str | None) -> str | None:
    """The raw expression of the CHECK a difference shows as ``CHECK (...)``."""
    check = check_of(table, shown)
    return None if check is None else check.raw or check.expression


def check_of(table: Table | None, shown: str | None) -> CheckConstraint | None:
    """The CHECK of ``table`` a difference shows as ``CHECK (...)`` (None: not found)."""
    if table is None or shown is None:
        return None
    for check in table.checks:
        if f"CHECK ({check.shown()})" == shown:
            return check
    return None


def _not_null_as_checks(
    st: StageContext, nd: Difference, shown: str, said: str, left_null: bool
) -> None:
    """Record the column_nullable difference ``nd`` as "NOT NULL as a CHECK" (``said``: on
    what), with ``shown`` the side that allows NULL writes for it."""
    st.equivalence(
        nd,
        f"NOT NULL as a CHECK: {said}",
        shown if left_null else "NOT NULL",
        "NOT NULL" if left_null else shown,
    )
