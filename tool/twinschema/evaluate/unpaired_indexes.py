"""Unique indexes the comparer could not pair, judged on probe rows (see ``stage``).

Across dialects, one rule can be spelled so that no canonical form makes the two sides one:
``UNIQUE (length(CAST(s AS BLOB)))`` on SQLite is ``UNIQUE (octet_length(s))`` on PostgreSQL,
``substr(s, 1, length(s) - 1)`` is ``left(s, -1)``, and ``((a IS NULL)) WHERE a IS NULL`` is
``(a) NULLS NOT DISTINCT WHERE a IS NULL`` (at most one row with a NULL a). The comparer reports
each as a unique index on one side only (or, when the two bear one name, as one index whose
definition differs). Here a unique index on one side only and one on the
other side only, on the same table, reading the same columns (elements and WHERE), with the same
method and no element collation, are run over the same probe rows (``index_keys.judge_keys``:
each row inserted into a table with the index, each pair of rows, and each row with itself,
tried as a duplicate by each side's own ``=``, or ``IS NOT DISTINCT FROM`` under NULLS NOT
DISTINCT): a unique index decides only which rows are accepted, so a row one side refuses or two
rows one side takes as a duplicate is the witness (added to both differences), and agreement on
every row is "equal on N probes" (never proven): the two differences become that equivalence.
Within one dialect too: SQLite's ``UNIQUE (lower(s))`` is its ``UNIQUE (upper(s))`` (ASCII
folds only), PostgreSQL's is not ('ß' then 'ẞ').
"""

from __future__ import annotations

from twinschema.evaluate import expression_reads
from twinschema.evaluate.computed import index_shown
from twinschema.evaluate.context import StageContext, find, logical_name, probe_count
from twinschema.evaluate.index_keys import (
    Judged,
    KeyOptions,
    judge_keys,
    key_text,
    written_keys,
)
from twinschema.evaluate.witness_fields import Written
from twinschema.model import Index, Table
from twinschema.model_shown import described_as
from twinschema.records import Difference, Side
from twinschema.records.dialects import SQLITE

_INDEX_KINDS = ("index", "unique")


def unpaired_unique(st: StageContext) -> None:
    """Settle or explain each pair of unique indexes on one side only (module docstring)."""
    lefts, rights = _candidates(st)
    # A witness is said once the pairs are settled: an index parted from one twin may still be
    # one rule with another (and a difference is dropped by identity, which a note replaces).
    notes: list[tuple[Difference, Written]] = []
    equal: list[tuple[Difference, Index, Difference, Index, int]] = []
    parted: list[tuple[Difference, Index, Difference, Index, Written]] = []
    for table, here in lefts.items():
        there = list(rights.get(table, ()))
        for ld, li in here:
            # The index of the same name (one difference holding both) is tried first.
            twins = [t for t in there if t[0] is ld] + [t for t in there if t[0] is not ld]
            for twin in [t for t in twins if _comparable(st, table, li, t[1])]:
                rd, ri = twin
                judged = _judge(st, table, li, ri)
                if judged is None or (judged.witness is None and judged.stored == 0):
                    continue  # not run, or no row both sides store: nothing shown either way
                if judged.witness is None:
                    there.remove(twin)
                    equal.append((ld, li, rd, ri, judged.stored))
                    break
                witness = judged.witness[0]
                if ld is rd:
                    notes.append((ld, witness))
                    continue
                parted.append((ld, li, rd, ri, witness))
    _settle(st, equal)
    notes += _parted(st, parted)
    noted: list[Difference] = []
    for d, note in notes:
        present = any(d is f for f in st.comparison.differences)
        if present and not any(d is n for n in noted):
            noted.append(d)
            st.annotate(note.text, d, witness=note.witness)


def _parted(
    st: StageContext, parted: list[tuple[Difference, Index, Difference, Index, Written]]
) -> list[tuple[Difference, Written]]:
    """Pairs a row parts: a rule on each side only that has no other candidate twin is one
    rule that differs, one difference in their place (not a ``unique`` and an ``index``
    difference with one witness, stranger49 121); the others each get a note naming the rule
    and the witness."""
    notes: list[tuple[Difference, Written]] = []
    for ld, li, rd, ri, witness in parted:
        alone = sum(ld is p[0] or rd is p[2] for p in parted) == 1
        present = [d for d in st.comparison.differences if d is ld or d is rd]
        if alone and len(present) == 2 and ld.right is None and rd.left is None:
            table = ld.table or ""
            # Each as its own side names its columns (``model_shown.own_described``).
            lrule, rrule = ld.left, rd.right
            st.merge(
                ld,
                rd,
                f"unique rule on {st.table_shown(table)} differs: {lrule} on "
                f"{st.side_name('left')}, {rrule} on {st.side_name('right')}; {witness.text}",
                kind="unique" if "unique" in (ld.kind, rd.kind) else ld.kind,
                witness=witness.witness,
            )
            continue
        for d, index, side in ((ld, ri, "right"), (rd, li, "left")):
            shown = f"against {st.side_name(side)}'s {index.describe()}: {witness.text}"
            notes.append((d, Written(shown, witness.witness)))
    return notes


def _settle(
    st: StageContext, equal: list[tuple[Difference, Index, Difference, Index, int]]
) -> None:
    """Each pair found equal on the probes is an equivalence; a difference is dropped once
    every index it holds found its twin (one index of a same-named pair that found its twin
    under another name leaves the difference standing, with a note saying so)."""
    paired: list[tuple[Difference, str]] = []
    for ld, _, rd, _, n in equal:
        st.probed_equivalence(ld, rd, n, None)
        paired += [(ld, "left"), (rd, "right")]
    for ld, li, rd, ri, n in equal:
        for d in (ld, rd):
            sides = [s for s, v in (("left", d.left), ("right", d.right)) if v is not None]
            if all(any(p is d and side == s for p, side in paired) for s in sides):
                st.drop(d)
            elif any(d is f for f in st.comparison.differences):
                st.annotate(
                    f"{st.side_name('left')}'s {li.describe()} and {st.side_name('right')}'s "
                    f"{ri.describe()} are one rule (equal on {probe_count(n)})",
                    d,
                )


def _candidates(
    st: StageContext,
) -> tuple[dict[str, list[tuple[Difference, Index]]], dict[str, list[tuple[Difference, Index]]]]:
    """The unique indexes each side has that the comparer left without a twin, by table: those
    on one side only, and each side of an index of one name whose elements differ (one
    difference holding both sides, ``compare.indexes.renamed_index``; one whose elements agree
    differs in WHERE, run by ``computed``, or in attributes no probe row shows)."""
    lefts: dict[str, list[tuple[Difference, Index]]] = {}
    rights: dict[str, list[tuple[Difference, Index]]] = {}
    for d in st.comparison.differences:
        if d.kind not in _INDEX_KINDS or d.table is None:
            continue
        shown = [
            unique_shown(find(side, d.table, "")[0], text) if text is not None else None
            for side, text in ((st.left, d.left), (st.right, d.right))
        ]
        left, right = shown
        if left is not None and right is not None and left.expressions == right.expressions:
            continue  # one index whose attributes or WHERE differ: not for this stage
        for index, found in zip(shown, (lefts, rights), strict=True):
            if index is not None and index.unique and not _blob_keyed(st, index):
                found.setdefault(d.table, []).append((d, index))
    return lefts, rights


def _blob_keyed(st: StageContext, index: Index) -> bool:
    """An element collation between two SQLite sources, not run: what parts ``UNIQUE (s COLLATE
    NOCASE)`` from ``UNIQUE (lower(s))`` there is a pair of blobs (X'41', X'61': one key under
    lower() only), and the probes of a unique rule hold no blob. PostgreSQL stores no blob in
    a text column."""
    return any(index.collations) and st.dialects == (SQLITE, SQLITE)


def unique_shown(table: Table | None, shown: str) -> Index | None:
    """The index a difference shows, or the UNIQUE constraint it shows as the unique index on
    its columns (``UNIQUE (x)`` against ``UNIQUE ((x + 1))``: one rule where x never reaches
    the integer's end)."""
    index = index_shown(table, shown)
    if index is not None or table is None:
        return index
    rule = next((u for u in table.uniques if described_as(table, u, shown)), None)
    if rule is None:
        return None
    # Run in the side's own names (domain.yaml may spell a column otherwise there: stranger48 016).
    own = tuple(table.own_name_of(n) for n in rule.columns)
    return Index(
        rule.columns,
        unique=True,
        name=rule.name,
        nulls_distinct=rule.nulls_distinct,
        raw_expressions=own,
    )


def _comparable(st: StageContext, table: str, left: Index, right: Index) -> bool:
    """Two unique indexes that may be one rule: the same method, reading the same columns (by
    their logical names: domain.yaml may spell one otherwise on each side, stranger46 013)."""
    if left.method != right.method:
        return False
    lreads = _reads(st.left, table, left)
    rreads = _reads(st.right, table, right)
    return lreads is not None and lreads == rreads


def _reads(side: Side, table: str, index: Index) -> frozenset[str] | None:
    """The logical columns (folded) an index of ``side`` reads (its elements and WHERE, as
    written); None when an element does not parse."""
    found = expression_reads.reads(side.schema.dialect, key_text(written_keys(index)))
    if found is None:
        return None
    return frozenset(logical_name(side, table, c) for c in found.columns)


def _judge(st: StageContext, table: str, left: Index, right: Index) -> Judged | None:
    found, _ = find(st.left, table, "")
    if found is None:
        return None
    options = KeyOptions(nulls_distinct=(left.nulls_distinct, right.nulls_distinct), itself=True)
    keys = written_keys(left), written_keys(right)
    return judge_keys(st, found.name, keys, (key_text(keys[0]), key_text(keys[1])), options)
