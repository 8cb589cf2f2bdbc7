"""The evaluation stage: after the comparer, defaults that still differ are run and judged.

``compare`` stays pure; this stage takes its ``Comparison`` and the two sides and rewrites the
``column_default`` findings it can settle by running the expressions on scratch databases of
their own dialects (see ``backends``):

- every default of a SQLite side is run (cheaply, in memory): one that fails is a difference
  ("inserts that omit profiles.id fail on SQLite: no such function: GEN_RANDOM_UUID"), even
  when the other side's canonical text matched;
- a cross-dialect default difference is judged by the classes of what each side gives
  (``values``): equal classes make it an equivalence that says how it was decided;
- a same-dialect pair is run side by side in one table, one transaction: equal rows make a
  difference an equivalence, and different rows make a canonical equivalence of two calls a
  difference (``statement_timestamp()`` is not ``now()``), unless both give random values,
  which no run can tell apart.

Defaults that read the clock are tried under their own table's CHECKs (``clock_refusals``):
where one side's CHECK refuses the row its clock defaults make at a fixed moment and the other's
store theirs, inserts that omit those columns fail on one side only (a difference); so do
inserts that give a moment column such a CHECK reads beside them (``clock_supplied``), and
so do two inserts under a unique rule over a clock-defaulted column where one side reads its
clock once per transaction, statement or row and the other otherwise (``clock_unique``).

A SQLite NOT NULL ON CONFLICT REPLACE whose default fails or is refused by the column's own CHECK
never acts, and is the plain NOT NULL (``conflict_defaults``).

A default that fails on PostgreSQL for want of something the scratch database lacks (an
extension's function, the user's own, a type) is "not evaluated": the comparer's verdict stands.

CHECKs (``checks``), partial-index predicates (``computed``) and generated columns
(``generated``) that still differ are run over probe rows, and so, across dialects, are those
the comparer matched that use an operator whose meaning depends on the dialect
(``typemap_operators.DIALECT_DEPENDENT_OPERATORS``: a division, an overflow, a negative substr
start, a backslash in a LIKE pattern, a cast to a number or a date, a conversion to text of a
column not text on both sides, ``typemap_operators.TEXT_CONVERSIONS``; an error on one side
only is the witness: a real insert fails there) or that order a column that is an enum on one
side (text order on SQLite, declared order on PostgreSQL), and the elements of matched indexes
that use such an operator (``index_keys``: a row one side's index refuses, two rows one side's
unique index takes as duplicates), a unique index on one side only against one on the other
side only over the same columns (``unpaired_indexes``: equal on the probes, they are one rule),
and a unique rule both sides have on a column whose declared NUMERIC scale one dialect rounds
to (``scaled_keys``); NULLS NOT DISTINCT on one side of two partial unique indexes is moot
where the predicate keeps every row with a NULL in an indexed column out (``nulls_moot``), and
a plain rule beside a one-sided partial unique index is one with NULLS NOT DISTINCT where the
index takes the pairs of rows with a NULL its NULL part does (``nulls_idiom``), as a collated
unique rule is a plain one beside a one-sided unique index that refuses the same rows
(``collated_unique``); a
one-sided CHECK is run against ``x IS NOT NULL`` where its column is NOT NULL on the other side
only (``checks``), and against MATCH FULL where a foreign key differs in MATCH alone
(``match_full``); a table's CHECK differences are run as one conjunction a side first, paired
only where that parts them (``check_tables``); a fractional number default the two column types
store differently, a string one on a number column (``'Infinity'``), or a literal one a
declared length or precision may refuse, is run (``stored_defaults``), and so is one that may
be past a PostgreSQL type's range (``range_defaults``); two PostgreSQL databases whose
TimeZones differ part a default or CHECK that reads the session's local date or time
(``zones.zones_apart``), and a CHECK whose verdict depends on the session's TimeZone parts from
its twin where a live PostgreSQL database's zone is not UTC, or two databases' zones differ
(``zone_checks``); cross-dialect column pairs get their ``value_compatibility`` warnings
(``crossing``; an enum against an IN list sorted otherwise, ``enum_order``); a view both
sides of two dialects hold is run on the same probe rows over scratch copies of its tables
(``view_findings``: other rows a difference, the same an equivalence, not runnable a warning).
The parts
share a ``StageContext``; the evaluator (``evaluator``) runs each distinct expression once per
run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from twinschema.canonical import folding, typemap
from twinschema.canonical.domains_alike import read_alike
from twinschema.evaluate import (
    check_tables,
    checks,
    clock_refusals,
    clock_supplied,
    clock_unique,
    collated_enums,
    collated_unique,
    computed,
    conflict_defaults,
    crossing,
    default_spellings,
    defaults,
    enum_order,
    failing_defaults,
    false_allowances,
    generated,
    generated_nulls,
    index_keys,
    key_spellings,
    match_full,
    matched_checks,
    nulls_idiom,
    nulls_moot,
    offset_checks,
    offset_indexes,
    one_sided,
    one_sided_unique,
    plain_indexes,
    range_defaults,
    scaled_keys,
    stored_defaults,
    unfit_defaults,
    unjudged_checks,
    unpaired_indexes,
    view_findings,
    zone_checks,
    zones,
)
from twinschema.evaluate.context import StageContext
from twinschema.evaluate.evaluator import Evaluation, Evaluator
from twinschema.records import Comparison, Side

__all__ = ["VALUES_UNPROBED", "Evaluation", "Evaluator", "evaluate", "evaluated_pairs"]

# Why values were not probed, and how to have them probed (the text report's line says it).
VALUES_UNPROBED = (
    "no scratch PostgreSQL server at hand (set TWINSCHEMA_SCRATCH_URL, or start the embedded "
    "server: twinschema db start)"
)


def evaluate(
    comparison: Comparison,
    left: Side,
    right: Side,
    evaluator: Evaluator,
    *,
    layer: str | None = None,
    values: bool = False,
) -> Evaluation:
    """Settle ``comparison``'s default, CHECK, partial-index and generated-column findings by
    running them (see the module docstring); ``comparison`` is rewritten in place. With
    ``values``, two sides of different dialects also get their ``value_compatibility``
    warnings (``crossing``). Returns what was evaluated, where, and the warnings. ``layer``
    names the layer of the findings it adds (default: that of the comparison's own, else
    ``diff``)."""
    left, right = _aligned(left, right)
    lread, rread = read_alike(left.schema, right.schema)  # as the comparer read them
    if lread is not left.schema or rread is not right.schema:
        left, right = replace(left, schema=lread), replace(right, schema=rread)
    st = StageContext(comparison, left, right, evaluator)
    if layer is not None:
        st.layer = layer
    failing_defaults.failures(st)
    conflict_defaults.refused_replacements(st)
    defaults.differences(st)
    defaults.equivalences(st)
    zones.zones_apart(st)
    stored_defaults.literals(st)
    range_defaults.out_of_range(st)
    clock_refusals.refused_clock_defaults(st)  # clock defaults their own CHECKs refuse
    clock_supplied.refused_beside_given(st)  # ... and beside a moment the insert gives
    clock_unique.unique_clock_defaults(st)  # ... and under a unique rule over them
    unfit_defaults.unfit_defaults(st)  # after every stage that may add a default difference
    collated_enums.witnesses(st)  # an IN list under NOCASE against an enum: a true witness
    checks.checks(st)
    false_allowances.false_allowances(st)  # before any CHECK is paired or judged one-sided
    check_tables.settle(st)  # each table's CHECK differences, its CHECKs as a whole first
    match_full.as_checks(st)  # before one_sided: it may drop a one-sided CHECK
    matched_checks.matched_checks(st)
    offset_checks.offset_checks(st)  # two timestamptz columns SQLite compares as text
    offset_indexes.offset_indexes(st)  # ... and a unique partial index's predicate over them
    zone_checks.zoned_checks(st)  # after the CHECKs judged in UTC: it may undo their verdict
    one_sided.witnesses(st)
    unjudged_checks.explain(st)  # the CHECK pairs left unjudged and unwitnessed say why
    one_sided_unique.witnesses(st)
    plain_indexes.plain_indexes(st)  # before any stage adds an index difference of its own
    computed.predicates(st)
    computed.matched_predicates(st)
    nulls_moot.moot_nulls(st)
    nulls_idiom.nulls_idiom(st)  # before unpaired_unique: it may pair the one-sided index
    collated_unique.collated_unique(st)  # so may this
    generated.generated(st)
    generated_nulls.generated_nulls(st)
    index_keys.matched_indexes(st)
    unpaired_indexes.unpaired_unique(st)
    scaled_keys.scaled_keys(st)
    view_findings.views(st)  # views both sides hold across dialects, run on probe rows
    if values and st.cross:
        _values(st)
    return st.result


def _aligned(left: Side, right: Side) -> tuple[Side, Side]:
    """The two sides with their names paired as the comparer paired them where one dialect
    matches names whatever their case (SQLite's ``Amount`` is PostgreSQL's ``amount``): the
    stage looked for the left's ``Amount`` on the right, found none and ran nothing, CHECKs and
    value warnings alike (stranger75 014). The side that matches names whatever their case takes
    the other's spelling, so that the text each side's expressions run as they were written
    (``raw``: ``CHECK (Amount > 0)``) still names its columns on a scratch table so spelled."""
    folds = {d: typemap.folds_names(d, d) for d in (left.schema.dialect, right.schema.dialect)}
    if folds[right.schema.dialect] or not folds[left.schema.dialect]:
        aligned, renamed = folding.align(left.schema, right.schema)
        return (left, replace(right, schema=aligned)) if renamed else (left, right)
    aligned, renamed = folding.align(right.schema, left.schema)
    return (replace(left, schema=aligned), right) if renamed else (left, right)


def _values(st: StageContext) -> None:
    """The ``value_compatibility`` warnings of two sides of different dialects."""
    if not st.ev.postgresql_at_hand():
        # Every column pair would need PostgreSQL: not worth starting a server for
        # warnings (a models-only check reads no database).
        st.result.values_unprobed = VALUES_UNPROBED
        st.result.where.setdefault("postgresql", f"values not probed: {VALUES_UNPROBED}")
        return
    ready = st.ready_backends()
    if len(ready) < 2:
        return
    found = crossing.findings(st.left, st.right, ready, st.ev.crossing, st.layer or "diff")
    found += default_spellings.findings(st, ready)
    found += key_spellings.findings(st, ready)
    found += enum_order.findings(st, ready)  # an enum against an IN list: their orders
    layer = st.layer or "diff"
    found += [  # found while judging CHECKs (``json_escape``)
        (push, crossing.warning(layer, st.left, st.right, table, lc, rc, said))
        for push, table, lc, rc, said in st.later
    ]
    st.result.warnings = [d for _, d in found]
    st.result.push_failures = [d for push, d in found if push]


def evaluated_pairs(results: Sequence[Evaluation]) -> int:
    """How many pairs a list of stage results evaluated."""
    return sum(r.evaluated for r in results)
