"""CHECKs the comparer matched, run on probe rows across dialects where their operators depend
on the dialect (``checks.dependent``): a pair matched by canonical form, and each side's CHECKs
the comparer found the same conjuncts in, grouped otherwise (``check_groups``), run as one
conjunction a side. A row they part on makes them a difference: ``CHECK (x * 3 < 2500 AND y >
0)`` is ``CHECK (x * 3 < 2500), CHECK (y > 0)`` on one dialect, yet x * 3 overflows
PostgreSQL's int4 at x = 715827883, where SQLite computes on. A pair that compares a date or
time column with the clock is run so too (``_clock_on_text``), again with the clock fixed
inside a second (``clock_checks``): SQLite's ``ts <= CURRENT_TIMESTAMP`` on a TEXT compares text
to the second, PostgreSQL's ``ts <= now()`` on a timestamptz moments to the microsecond
(stranger59 019).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from twinschema.canonical import folding
from twinschema.canonical.check_groups import SPLIT_RULE, listed, regrouped
from twinschema.canonical.expressions import across
from twinschema.canonical.typemap_operators import CLOCK_AS_TEXT
from twinschema.evaluate import clock_checks, clock_fixed, expression_reads, probes
from twinschema.evaluate.checks import dependent, run_on_probes, why_dependent, witness_written
from twinschema.evaluate.context import StageContext, both_named, find, matched_tables
from twinschema.evaluate.date_spellings import KINDS
from twinschema.evaluate.generated_said import what_generated_holds
from twinschema.evaluate.reasons import Parted
from twinschema.model import CheckConstraint, Table


@dataclass(frozen=True)
class Matched:
    """Two CHECKs (or groups of them) of a table the comparer took as one: the text each side
    runs, how messages show each side, and the comparer's equivalence of the two (its left
    and right texts), which a witness removes."""

    table: Table
    texts: tuple[str, str]
    shown: tuple[str, str]
    spelled: tuple[str, str]
    name: str | None = None  # the CHECK's name, where both sides name it alike
    names: tuple[str | None, str | None] | None = None  # each side's, named otherwise
    clock_on_text: bool = False  # ``_clock_on_text``: why they are run though alike


def matched_checks(st: StageContext) -> None:
    """Across dialects, run each matched pair whose operators depend on the dialect."""
    if not st.cross:
        return
    for matched in _dependent(st):
        _probe(st, matched)


def _dependent(st: StageContext) -> list[Matched]:
    found: list[Matched] = []
    for lt, rt in matched_tables(st):
        lefts = {across(c.expression)[0]: c for c in lt.checks}
        rights = keyed_as_left(st, lt.name, rt)
        pairs = [_one(lt, lc, rights[key]) for key, lc in lefts.items() if key in rights]
        if any(e.rule == SPLIT_RULE and e.table == lt.name for e in st.comparison.equivalences):
            pairs.append(_group(lt, *regrouped(lefts, rights)))
        for m in pairs:
            clock_on_text = _clock_on_text(st, lt, m.texts)
            if clock_on_text or dependent(st, m.texts[0], m.texts[1], lt.name):
                found.append(replace(m, clock_on_text=clock_on_text))
    return found


def keyed_as_left(st: StageContext, name: str, table: Table) -> dict[str, CheckConstraint]:
    """The right side's CHECKs of ``table`` (the left's ``name`` for it) by their cross-dialect
    canonical form with its names spelled as the left spells them, as the comparer matched
    them (``folding.align``): SQLite's ``Lock='X'`` is PostgreSQL's ``lock = 'X'::bpchar``,
    and a pair matched only through that fold is run too (s76dates). The CHECKs are the right
    side's own, their raw text in its own names, for its own dialect to run."""
    aligned, _ = folding.align(st.left.schema, st.right.schema)
    twin = aligned.tables.get(name)
    fits = twin is not None and len(twin.checks) == len(table.checks)
    spelled = twin.checks if twin is not None and fits else table.checks
    return {across(a.expression)[0]: c for a, c in zip(spelled, table.checks, strict=True)}


def _one(table: Table, left: CheckConstraint, right: CheckConstraint) -> Matched:
    texts = (left.raw or left.expression, right.raw or right.expression)
    shown = (f"CHECK ({left.shown()})", f"CHECK ({right.shown()})")
    spelled = (left.shown(), right.shown())
    names = (left.name, right.name) if left.name != right.name else None
    return Matched(table, texts, shown, spelled, both_named(left.name, right.name), names)


def _group(table: Table, left: list[CheckConstraint], right: list[CheckConstraint]) -> Matched:
    texts = [" AND ".join(f"({c.raw or c.expression})" for c in g) for g in (left, right)]
    shown = [listed(c.shown() for c in g) for g in (left, right)]
    return Matched(table, (texts[0], texts[1]), (shown[0], shown[1]), (shown[0], shown[1]))


def _probe(st: StageContext, matched: Matched) -> None:
    """Run two matched CHECKs on probe rows (those that read the clock again with it fixed
    inside a second: ``clock_checks``): a row they part on makes them a difference."""
    (ltext, rtext), table = matched.texts, matched.table.name
    # An error in the expression (x / 0, an overflow) fails a real insert: here that is the
    # very behaviour a dialect-dependent operator may differ in.
    run = run_on_probes(st, table, ltext, rtext, errors_reject=True)
    if run is None:
        return
    if run.witness is not None:
        found, parting, fixed = clock_checks.steadied(
            st, table, (ltext, rtext), run.probes, run.witness
        )
        said = parting.said(st) + fixed
    else:
        at = clock_checks.at_fixed_moment(st, table, ltext, rtext)
        if at is None:
            return
        found, parting = at
        said = parting.said(st) + f" with the clock at {clock_fixed.FIXED_MOMENT} UTC"
    row = parting.row
    written = witness_written(st, found, row, said, parting.verdicts)
    parted = Parted((found.left, found.right), found.backends, (row,))
    st.dependent_difference(
        "check",
        table,
        None,
        *matched.shown,
        (
            f"a CHECK on {st.table_shown(table)}",
            # A generated column that holds another value on each side for the row is why
            # (stranger48 011: not the unscaled price, nor a cast PostgreSQL printed).
            what_generated_holds(st, table, (ltext, rtext), found, row)
            or why_dependent(st, ltext, rtext, table, parted)
            or (CLOCK_AS_TEXT if matched.clock_on_text else ""),
            written.text,
        ),
        matched.spelled,
        matched.name,
        matched.names,
        witness=written.witness,
    )


def _clock_on_text(st: StageContext, table: Table, texts: tuple[str, str]) -> bool:
    """True when two CHECKs of ``table`` read the clock and a date, timestamp or time column
    (``date_spellings.KINDS``), which SQLite keeps as text: equal canonical forms (``ts <=
    CURRENT_TIMESTAMP``, ``ts <= now()``) do not settle them (``CLOCK_AS_TEXT``)."""
    dialects = (st.left.schema.dialect, st.right.schema.dialect)
    if not any(clock_fixed.reads_clock(d, t) for d, t in zip(dialects, texts, strict=True)):
        return False
    read = [expression_reads.reads(d, t) for d, t in zip(dialects, texts, strict=True)]
    for name in sorted({c for r in read if r is not None for c in r.columns}):
        _, left = find(st.left, table.name, name)
        _, right = find(st.right, table.name, name)
        if left is not None and right is not None and probes.kind_of(left, right) in KINDS:
            return True
    return False
