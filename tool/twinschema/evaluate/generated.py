"""Generated columns judged on probe rows (see ``stage``).

Two generating expressions that differ in text are run over the same probe rows
(``probe_sets.probe_rows``), each as its own column's generated expression, and the values
compared (converted to the column's logical kind across dialects; a row that fails on one
dialect only is the witness: a real insert fails there). Across dialects, a pair the comparer
matched is run too where its operators depend on the dialect or its type limits one side only
(``reasons.limited``). Equal vectors: "equal on N probes", never proven; else one witness row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from twinschema.canonical import typemap
from twinschema.evaluate import expression_reads, null_spellings
from twinschema.evaluate.backends import Backend, Computed
from twinschema.evaluate.checks import dependent, telling, why_dependent, witness_written
from twinschema.evaluate.column_reasons import scale_reasons
from twinschema.evaluate.computed import left_table
from twinschema.evaluate.context import StageContext, find, matched_columns
from twinschema.evaluate.generated_rows import (
    Outcomes,
    as_stored,
    bound_landings,
    bound_targets,
    bounded_products,
    inexact_pairs,
    scale_reason,
    scale_targets,
    scaled_products,
)
from twinschema.evaluate.probe_arithmetic import type_end_landings
from twinschema.evaluate.probe_sets import ProbeSet, probe_rows
from twinschema.evaluate.reasons import Parted
from twinschema.evaluate.run_values import equal
from twinschema.evaluate.side_checks import checks_within, through_generated, wider_only
from twinschema.evaluate.stored_rows import checks_accept
from twinschema.evaluate.type_refusals import (
    enforced_bound,
    enforced_length,
    limited,
    past_precision,
    precision_reason,
    refusal_reason,
    type_refusal,
)
from twinschema.evaluate.unscaled_values import no_double
from twinschema.evaluate.value_convert import convert
from twinschema.evaluate.witness_fields import Written, few_probes
from twinschema.evaluate.witness_rows import magnitude
from twinschema.model import Column, ColumnType, Table
from twinschema.model_shown import column_shown
from twinschema.records import Difference
from twinschema.records.kinds import INTEGER_KINDS


def generated(st: StageContext) -> None:
    """Settle or explain each generated column whose two expressions differ in text."""
    for d in list(st.comparison.differences):
        if d.kind != "column_generated" or d.table is None or d.column is None:
            continue
        _, lc = find(st.left, d.table, d.column)
        _, rc = find(st.right, d.table, d.column)
        if lc is None or rc is None or lc.generated is None or rc.generated is None:
            continue
        if lc.generated.expression == rc.generated.expression:
            continue  # only the storage differs: nothing to run
        _probe_generated(st, d, lc, rc)
    if st.cross:
        _matched_generated(st)


def _matched_generated(st: StageContext) -> None:
    """Generated columns whose expressions the comparer matched but whose operators depend on
    the dialect, or whose type has a NUMERIC precision one side enforces and the other does
    not (``reasons.enforced_bound``: ``AS (x)`` fails past it on one side only): run on probe
    rows, a row they part on makes a ``column_generated`` difference."""
    for lt, lc, rc in matched_columns(st):
        if lc.generated is None or rc.generated is None:
            continue
        if lc.generated.expression != rc.generated.expression:
            continue  # judged as a difference above
        ltext = lc.generated.raw or lc.generated.expression
        rtext = rc.generated.raw or rc.generated.expression
        if not dependent(st, ltext, rtext, lt.name) and not limited((lc, rc)):
            continue
        judged = _run_generated(st, lt, lc, rc)
        if judged is None or judged[0] is None:
            continue
        shown = column_shown(lt, st.right.schema.tables.get(lt.name), lc.name)
        st.dependent_difference(
            "column_generated",
            lt.name,
            lc.name,
            f"GENERATED ALWAYS AS ({lc.generated.shown()})",
            f"GENERATED ALWAYS AS ({rc.generated.shown()})",
            (
                f"the generated expression of {shown}",
                precision_reason(st, lt.name, (lc, rc), judged[3])
                or type_refusal(st, lt.name, (lc, rc), (ltext, rtext), judged[2], judged[3])
                # g's own scale where it rounds what the other side keeps onto what it holds
                # (x / 3 at 2.99: 0.9966666666666667 on SQLite, 1.00 on PostgreSQL), before
                # what the operators or the columns read do.
                or scale_reason(st, lt.name, (lc, rc), judged[3])
                or _fraction_kept(st, lt.name, (lc, rc), (ltext, rtext), judged[3])
                or why_dependent(st, ltext, rtext, lt.name, judged[2])
                or refusal_reason(st, lt.name, (lc, rc), judged[3])
                or "",
                judged[0].text,
            ),
            witness=judged[0].witness,
        )


def _probe_generated(st: StageContext, d: Difference, lc: Column, rc: Column) -> None:
    table = left_table(st, d)
    judged = _run_generated(st, table, lc, rc)
    if judged is None:
        return
    witness, n, parted, outcomes = judged
    if witness is None:
        st.equal_on_probes(d, d, n, lc.name, few_probes(st, parted.rows if parted else ()))
        return
    # Where one side's own scale rounds what the other keeps, that is why (``x / 3.0`` into a
    # numeric(12,2): 0.67 on PostgreSQL, 0.6666666666666666 on SQLite).
    why = scale_reason(st, table.name, (lc, rc), outcomes) if st.cross else None
    text = witness.text if why is None else f"{why}; {witness.text}"
    st.annotate(text, d, witness=witness.witness)


def _run_generated(
    st: StageContext, table: Table, lc: Column, rc: Column
) -> tuple[Written | None, int, Parted | None, tuple[Computed, Computed] | None] | None:
    """Both generating expressions over the same probe rows: (the witness of a row they part
    on, or None; how many rows both computed; the witness row, else the rows judged;
    what each side gave on it, or None). None when not evaluated (counted). Across dialects, a row a side
    stores changed parts them only if both sides, computing from the row as stored, still
    part (``generated_rows.as_stored``): a value that differs because a column it reads
    stores the row differently is that column's own warning."""
    assert lc.generated is not None and rc.generated is not None
    # A generated column read is read as what computes it (stranger48 011: ``total / 2``).
    raw = (lc.generated.raw or lc.generated.expression, rc.generated.raw or rc.generated.expression)
    ltext, rtext = through_generated(st, table.name, raw)
    bound = enforced_bound((lc, rc)) if st.cross else None
    numbers = (() if bound is None else (bound, -bound)) + scale_targets((lc, rc))
    length = enforced_length((lc, rc)) if st.cross else None
    lengths = () if length is None else (length,)
    landed: tuple[tuple[str, Decimal], ...] = ()
    if st.cross:
        landed = bound_landings((lc, rc), (ltext, rtext))
        landed += _as_they_are(st, (lc, rc), ltext)
        landed += scaled_products(st, table.name, (ltext, rtext))
    landed += type_end_landings(st, table.name, ((ltext,), (rtext,)))
    # A CHECK that reads a column beside the expression's (through a generated chain too)
    # gets that column probed, so that the witness is a row the table stores (stranger50 050).
    found = probe_rows(
        st,
        table.name,
        *wider_only(st, table.name, (ltext, rtext)),
        numbers=numbers,
        lengths=lengths,
        landed=landed,
    )
    if found is None:
        return None
    # Dates in spellings SQLite's date functions read as NULL, a timestamptz as PostgreSQL
    # prints it ('2024-01-01 12:00:00+00': ``date(ts)`` is NULL there), as a CHECK's are tried.
    if set(st.dialects) == {"sqlite", "postgresql"}:
        texts, bases = (ltext, rtext), found.rows[:3]
        spelled = null_spellings.spelled_rows(st, table.name, found, texts, bases)
        more = tuple(row for row in spelled if row not in found.rows)
        found = replace(found, rows=found.rows + more) if more else found
    if st.cross:  # two scaled columns at fractions whose doubles add up off the decimal
        found = replace(found, rows=found.rows + inexact_pairs(found))
        # ...and two columns whose product a CHECK bounds, at its largest
        found = replace(
            found, rows=found.rows + bounded_products(st, table.name, (ltext, rtext), found)
        )
    columns = (without_column(found.left, lc), without_column(found.right, rc))
    both = computed_outcomes(found.backends, columns, (lc, rc), (ltext, rtext), found.rows)
    if both is None or not telling(both):
        st.result.not_evaluated += 1
        return None
    st.result.evaluated += 1
    kind = typemap.shared_kind(lc.type, rc.type) if st.cross else None

    def parts(rows: list[Outcomes]) -> list[Outcomes]:
        return [(r, a, b) for r, a, b in rows if not _same(a, b, kind, st.cross)]

    def rerun(rows: list[tuple[Any, ...]]) -> list[Outcomes]:
        return parts(
            computed_outcomes(found.backends, columns, (lc, rc), (ltext, rtext), rows) or []
        )

    parting = parts(both)
    if st.cross:
        parting = as_stored(st, table.name, found, parting, rerun)
    parting = checks_accept(st, table.name, found, parting, (lc.own_name, rc.own_name))
    # A row past the column's precision on one side, where there is one, says most plainly why.
    past = [w for w in parting if past_precision((lc, rc), (w[1], w[2])) is not None]
    # Else, read through a generated column, a row of numbers a double holds exactly where one
    # parts them: it shows what the chain does (``total / 2``: 1 against 1.5 at 3 * 1), not
    # how a column keeps 2.01.
    through = (ltext, rtext) != raw
    exact = [w for w in parting if through and not any(no_double(v) for v in w[0])]
    # Else a row that reads as a value, not as a LIKE pattern: 'Z@CORP.COM' before
    # '%@CORP.COM', which parts them as well (stranger55 060).
    plain = [w for w in parting if not any(isinstance(v, str) and "%" in v for v in w[0])]
    # Among those, the one of smallest magnitude (``witness_rows.magnitude``).
    witness = min(past or exact or plain or parting, key=lambda w: magnitude(w[0]), default=None)
    if witness is None:  # the rows it judged, for the equivalence to name a few
        return None, len(both), Parted(columns, found.backends, tuple(r for r, _, _ in both)), None
    row, a, b = witness
    left, right = _refused(st, table.name, found, row)
    said = f"{st.side_name('left')} {_gives(a)}{left}, {st.side_name('right')} {_gives(b)}{right}"
    parted = Parted(columns, found.backends, (row,))
    # Both sides store the row and part on what they compute (or one fails: the message says).
    return witness_written(st, found, row, said, None), len(both), parted, (a, b)


def _refused(
    st: StageContext, table: str, found: ProbeSet, row: tuple[Any, ...]
) -> tuple[str, str]:
    """For each side, `` and its CHECK refuses the row`` where its CHECKs over the row's
    columns refuse it (a witness one side refuses, the other stores: stranger57 106, SQLite's
    ``CHECK (length(g) <= 5)`` at 'xxxxx ', which PostgreSQL's varchar(5) stores as 'XXXXX')."""
    names = {n.lower() for n in found.names}
    said = []
    for side_of, backend, columns in zip(
        (st.left, st.right), found.backends, (found.left, found.right), strict=True
    ):
        text = checks_within(side_of, table, names)
        no = text != "TRUE" and backend.try_rows(columns, text, [row], True) == [False]
        said.append(" and its CHECK refuses the row" if no else "")
    return said[0], said[1]


def computed_outcomes(
    backends: tuple[Backend, Backend], columns: tuple[Any, Any], generated: tuple[Column, Column],
    texts: tuple[str, str], rows: Sequence[tuple[Any, ...]],
) -> list[Outcomes] | None:  # fmt: skip
    """What each side's generated column holds for each of ``rows`` both sides store; a row
    whose expression fails on one side only (x / 0 is NULL on SQLite, an error on PostgreSQL)
    is among them: a real insert of it fails there. None when a side cannot run them."""
    got = [backends[n].computed(columns[n], texts[n], generated[n].type, rows) for n in (0, 1)]
    if got[0] is None or got[1] is None:
        return None
    return [
        (row, a, b)
        for row, a, b in zip(rows, got[0], got[1], strict=True)
        if a is not None and b is not None
    ]


def _fraction_kept(
    st: StageContext, table: str, columns: tuple[Column, Column], texts: tuple[str, str],
    outcomes: tuple[Computed, Computed] | None,
) -> str | None:  # fmt: skip
    """Why an integer generated column parts where a SQLite side keeps the fraction its
    expression gives (INTEGER affinity stores a REAL that is not whole) and the other side
    rounds it on store: no cast is at work there (stranger36 F18: the reason named one). Not
    where a column the expression reads is stored otherwise on each side (a declared scale):
    that is the reason then."""
    if outcomes is None:
        return None
    sides = (st.left.schema.dialect, st.right.schema.dialect)
    read = {
        c.lower()
        for d, t in zip(sides, texts, strict=True)
        if (r := expression_reads.reads(d, t))
        for c in r.columns
    }
    if scale_reasons(st, table, read):
        return None
    for n in (0, 1):
        column, (ok, value) = columns[n], outcomes[n]
        whole = typemap.kinds_of(column.type) & INTEGER_KINDS
        fraction = isinstance(value, float) and not value.is_integer()
        if column.type.dialect == "sqlite" and ok and whole and fraction:
            here, there = ("left", "right") if n == 0 else ("right", "left")
            return (
                f"{st.side_name(here)}'s integer column keeps the fraction its expression "
                f"gives ({value}: INTEGER affinity stores a REAL that is not whole), "
                f"{st.side_name(there)} rounds it on store"
            )
    return None


def without_column(columns: tuple[tuple[str, ColumnType], ...], column: Column) -> Any:
    """The probe columns less the generated column itself (an expression never reads it)."""
    return tuple(c for c in columns if c[0].lower() != column.name.lower())


def _same(a: Computed, b: Computed, kind: str | None, cross: bool) -> bool:
    """Two outcomes agree: both fail, or both give the same value (across dialects, as the
    column's shared logical kind reads it)."""
    if not a[0] or not b[0]:
        return a[0] == b[0]
    if cross:
        truth = _truths(a[1], b[1])
        if truth is not None:
            return truth[0] == truth[1]
        return bool(convert(a[1], kind) == convert(b[1], kind))
    return equal(a[1], b[1])


def _truths(a: Any, b: Any) -> tuple[bool, bool] | None:
    """The two truths where one side computes a boolean and the other an integer 0 or 1 (a
    SQLite INTEGER column holds a comparison's truth as 0 or 1, a PostgreSQL boolean as
    true or false: the same truth, stranger55 060); None elsewhere (2 against true, NULL)."""
    for x, y in ((a, b), (b, a)):
        if isinstance(x, bool) and isinstance(y, int) and not isinstance(y, bool):
            return (x, bool(y)) if y in (0, 1) else None
    return None


def _gives(outcome: Computed) -> str:
    ok, value = outcome
    if not ok:
        return f"fails ({value})"
    shown = "NULL" if value is None else repr(value) if isinstance(value, str) else str(value)
    return f"computes {shown}"


def _as_they_are(
    st: StageContext, columns: tuple[Column, Column], text: str
) -> tuple[tuple[str, Decimal], ...]:
    """Values for each column the expression reads, after its landings: the ends of the
    generated column's type as they are (a bare copy, ``AS (x)``, lands on them unchanged)."""
    if not limited(columns):
        return ()
    reads = expression_reads.reads(st.left.schema.dialect, text)
    if reads is None:
        return ()
    return tuple((c, v) for c in sorted(reads.columns) for v in bound_targets(columns))
