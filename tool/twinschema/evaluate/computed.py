"""Partial-index predicates judged on probe rows (see ``stage``; generated columns, run the same
way, are ``generated``'s).

Two indexes alike but for their WHERE are reported by the comparer as one index on each side
only; here both predicates are run over the same probe rows (``probe_sets.probe_rows``) as STORED
generated columns ``CASE WHEN (predicate) THEN 1 ELSE 0 END``, and the in-the-index vectors
compared. Equal vectors: "equal on N probes", never proven; else one witness row.
"""

from __future__ import annotations

import re
from typing import Any

from twinschema.evaluate import expression_reads, index_under_checks
from twinschema.evaluate.backends import Computed
from twinschema.evaluate.checks import (
    dependent,
    telling,
    why_dependent,
    witness_written,
)
from twinschema.evaluate.context import (
    StageContext,
    both_named,
    find,
    matched_tables,
)
from twinschema.evaluate.probe_sets import ProbeSet, probe_rows
from twinschema.evaluate.reasons import (
    Parted,
)
from twinschema.evaluate.side_checks import through_generated, with_sharing
from twinschema.evaluate.stored_rows import checks_accept
from twinschema.evaluate.witness_fields import Written, few_probes
from twinschema.model import ColumnType, Index, Table
from twinschema.model_shown import described_as
from twinschema.records import Difference

IN_INDEX = ColumnType("any", "integer", raw="integer")
_INDEX_KINDS = ("index", "unique")


# -- partial-index predicates ---------------------------------------------------------------


def predicates(st: StageContext) -> None:
    """Settle or explain each pair of indexes that differ only in their WHERE."""
    for ld, rd, li, ri in _predicate_pairs(st):
        _probe_predicate(st, ld, rd, li, ri)


def _predicate_pairs(
    st: StageContext,
) -> list[tuple[Difference, Difference, Index, Index]]:
    """(left difference, right difference, left index, right index) for each index
    present on one side only that has a twin on the other side but for its predicate, and
    (the difference twice, ...) for two indexes of one name alike but for it."""
    lefts: dict[str, list[tuple[Difference, Index]]] = {}
    rights: dict[str, list[tuple[Difference, Index]]] = {}
    pairs = []
    for d in st.comparison.differences:
        if d.kind not in _INDEX_KINDS or d.table is None:
            continue
        if d.left is not None and d.right is not None:
            # One index of one name on each side (``compare.indexes.renamed_index``).
            li = index_shown(find(st.left, d.table, "")[0], d.left)
            ri = index_shown(find(st.right, d.table, "")[0], d.right)
            if li is None or ri is None or li.where is None or ri.where is None:
                continue
            if li.where != ri.where and alike_but_where(li, ri):
                pairs.append((d, d, li, ri))
            continue
        if d.left is None and d.right is None:
            continue
        side, found = (st.left, lefts) if d.left is not None else (st.right, rights)
        found_table, _ = find(side, d.table, "")
        index = index_shown(found_table, d.left if d.left is not None else d.right)
        if index is not None and index.where is not None:
            found.setdefault(d.table, []).append((d, index))
    for table, here in lefts.items():
        there = list(rights.get(table, ()))
        for ld, li in here:
            twin = next(((rd, ri) for rd, ri in there if alike_but_where(li, ri)), None)
            if twin is None:
                continue
            there.remove(twin)
            rd, ri = twin
            pairs.append((ld, rd, li, ri))
    return pairs


def index_shown(table: Table | None, shown: str | None) -> Index | None:
    if table is None or shown is None:
        return None
    return next((i for i in table.indexes if described_as(table, i, shown)), None)


def raw_where(index: Index) -> str:
    """The index's predicate as its source wrote it (the canonical one when none was kept)."""
    return index.raw_where or index.where or ""


def judged_wheres(st: StageContext, li: Index, ri: Index) -> tuple[str, str]:
    """The predicates two partial indexes alike but for them are judged by. For unique ones
    whose NULLs are distinct, the rows each holds whose key has no NULL: a row whose key has
    one is never refused, in the index or not (``WHERE deleted_at IS NULL`` against ``WHERE
    deleted_at IS NULL AND email IS NOT NULL`` on (email) part on no row; stranger36, fuzz37).
    Only the key elements over columns a predicate reads are tested (the others get no probe
    values of their own); CASE keeps a key from being computed for a row the predicate keeps
    out, as storing does."""
    wheres = (raw_where(li), raw_where(ri))
    if not li.unique or not li.nulls_distinct:
        return wheres
    sides = ((st.left.schema.dialect, li, wheres[0]), (st.right.schema.dialect, ri, wheres[1]))
    read = {
        c.lower() for d, _, w in sides if (r := expression_reads.reads(d, w)) for c in r.columns
    }
    judged = []
    for dialect, index, where in sides:
        keys = []
        for n in range(len(index.expressions)):
            element = expression_reads.reads(dialect, index.element(n))
            if element is not None and {c.lower() for c in element.columns} <= read:
                keys.append(f"({index.element(n)}) IS NOT NULL")
        judged.append(
            f"CASE WHEN ({where}) THEN {' AND '.join(keys)} ELSE FALSE END" if keys else where
        )
    return judged[0], judged[1]


def alike_but_where(left: Index, right: Index) -> bool:
    """The same index but for its predicate: expressions, uniqueness, method, directions,
    collations, NULLS [NOT] DISTINCT, and the attributes both sides can declare."""
    same = (
        left.expressions == right.expressions
        and left.unique == right.unique
        and left.method == right.method
        and left.descending == right.descending
        and left.collations == right.collations
        and left.nulls_distinct == right.nulls_distinct
    )
    for a, b in ((left.nulls, right.nulls), (left.opclasses, right.opclasses)):
        same = same and (a is None or b is None or a == b)
    return same and (left.include or ()) == (right.include or ())


def left_table(st: StageContext, d: Difference) -> Table:
    """The left side's table of ``d``, a difference the comparer found on a table both sides
    have (what ``_probe_predicate`` and ``_probe_generated`` run their probes on)."""
    assert d.table is not None
    table, _ = find(st.left, d.table, "")
    assert table is not None
    return table


def _probe_predicate(
    st: StageContext, ld: Difference, rd: Difference, li: Index, ri: Index
) -> None:
    table = left_table(st, ld)
    lwhere, rwhere = raw_where(li), raw_where(ri)
    judged = _run_predicates(st, table, *judged_wheres(st, li, ri))
    if judged is None:
        return
    witness, n, parted, refused = judged
    if witness is None:
        st.equal_on_probes(ld, rd, n, None, few_probes(st, parted.rows if parted else ()))
        if refused is not None:  # equal only on the rows the CHECKs take (stranger89 005)
            texts = (one_line(lwhere), one_line(rwhere))
            index_under_checks.warn_held_by_checks(st, ld, rd, texts, refused)
        return
    # One index on each side, alike but for a WHERE that a row parts: one difference.
    st.merge(
        ld,
        rd,
        f"index {ld.name or rd.name or ''} on {st.table_shown(table.name)} differs in its WHERE: "
        f"{one_line(lwhere)} on "
        f"{st.side_name('left')}, {one_line(rwhere)} on {st.side_name('right')}; {witness.text}",
        witness=witness.witness,
    )


def _run_predicates(
    st: StageContext, table: Table, lwhere: str, rwhere: str
) -> tuple[Written | None, int, Parted | None, str | None] | None:
    """Both predicates over the same probe rows: (the witness of a row they part on, or None;
    how many rows both judged; the witness row, else the rows judged; where there is no
    witness, a row they part on that a CHECK keeps out, as a witness writes it). A row whose
    predicate fails on one side only (x / 0 is NULL on SQLite, an error on PostgreSQL) parts
    them: a real insert of it fails there; a row a CHECK of either side keeps out parts
    nothing (``checks_accept``). None when not evaluated (counted)."""
    # A generated column a predicate reads is its side's expression (no INSERT gives it a
    # value): ``WHERE title_key LIKE 'é%'`` beside ``title_key AS (lower(title))`` holds
    # 'École' on PostgreSQL only (stranger73 004).
    lwhere, rwhere = through_generated(st, table.name, (lwhere, rwhere))
    # The table's CHECKs over the predicates' columns give values too: status <> 'archived'
    # against status IN ('active', 'pending') parts on 'closed', a value only the CHECK's list
    # names (stranger34).
    found = probe_rows(st, table.name, *with_sharing(st, table.name, (lwhere, rwhere)))
    if found is None:
        return None
    lb, rb = found.backends
    lgot = lb.computed(found.left, in_index(lwhere), IN_INDEX, found.rows)
    rgot = rb.computed(found.right, in_index(rwhere), IN_INDEX, found.rows)
    both = _both(found, lgot, rgot)
    if not telling(both):
        st.result.not_evaluated += 1
        return None
    st.result.evaluated += 1
    parting = [(row, a, b) for row, a, b in both if not _same_place(a, b)]
    witness = next(iter(checks_accept(st, table.name, found, parting)), None)
    if witness is None:  # the rows it judged, for the equivalence to name a few
        judged = tuple(row for row, _, _ in both)
        kept_out = None
        if parting:  # parted only on rows the CHECKs keep out: equal under them
            said = "kept out by the CHECKs, in one index only were it let in"
            kept_out = witness_written(st, found, parting[0][0], said, None).text
        return None, len(both), Parted((found.left, found.right), found.backends, judged), kept_out
    row, a, b = witness
    parted = Parted((found.left, found.right), found.backends, (row,))
    if not a[0] or not b[0]:
        failing, other = ("left", b) if not a[0] else ("right", a)
        where = "in" if other[1] else "outside"
        said = (
            f"the insert fails on {st.side_name(failing)} ({(a if not a[0] else b)[1]}), "
            f"{st.side_name('right' if failing == 'left' else 'left')} stores the row {where} "
            "the partial index"
        )
        # No verdicts: the JSON's ``accepts`` has been None here, though one side refuses.
        return witness_written(st, found, row, said, None), len(both), parted, None
    inside, outside = ("left", "right") if a[1] else ("right", "left")
    said = (
        f"the row is in the partial index on {st.side_name(inside)}, not on {st.side_name(outside)}"
    )
    # Both sides store the row; it is in one side's index only.
    return witness_written(st, found, row, said, None), len(both), parted, None


def _same_place(a: Computed, b: Computed) -> bool:
    """Two predicate outcomes agree: both fail, or both put the row in (or out of) the index."""
    if not a[0] or not b[0]:
        return a[0] == b[0]
    return bool(a[1]) == bool(b[1])


def matched_predicates(st: StageContext) -> None:
    """Across dialects, run the partial-index predicates of indexes the comparer matched
    whose operators depend on the dialect: a row they part on makes the index a difference."""
    if not st.cross:
        return
    for lt, rt in matched_tables(st):
        for li in lt.indexes:
            if li.where is None:
                continue
            ri = next(
                (i for i in rt.indexes if i.where == li.where and alike_but_where(li, i)), None
            )
            if ri is None:
                continue
            lwhere, rwhere = through_generated(st, lt.name, (raw_where(li), raw_where(ri)))
            if not dependent(st, lwhere, rwhere, lt.name):
                continue
            judged = _run_predicates(st, lt, *judged_wheres(st, li, ri))
            if judged is None or judged[0] is None:
                continue
            st.dependent_difference(
                "index",
                lt.name,
                None,
                li.describe(),
                ri.describe(),
                (
                    f"the WHERE of index {li.name or ri.name or ''} on {lt.name}",
                    why_dependent(st, lwhere, rwhere, lt.name, judged[2]),
                    judged[0].text,
                ),
                name=both_named(li.name, ri.name),
                witness=judged[0].witness,
            )


def one_line(text: str) -> str:
    """A predicate as a message shows it: PostgreSQL's pretty-printed line breaks and their
    indentation as one space (fuzz37 F8)."""
    return re.sub(r"\s*\n\s*", " ", text).strip()


def in_index(predicate: str) -> str:
    return f"CASE WHEN ({predicate}) THEN 1 ELSE 0 END"


def _both(
    found: ProbeSet, left: list[Computed | None] | None, right: list[Computed | None] | None
) -> list[tuple[tuple[Any, ...], Computed, Computed]]:
    """The rows both sides could store, with what each computed (a predicate that fails on
    both sides gives no verdict on the row; on one side only, it is the witness)."""
    if left is None or right is None:
        return []
    return [
        (row, a, b)
        for row, a, b in zip(found.rows, left, right, strict=True)
        if a is not None and b is not None and (a[0] or b[0])
    ]
