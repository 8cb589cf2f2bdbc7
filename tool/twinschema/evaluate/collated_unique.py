"""A unique rule with an element collation on one side (SQLite's ``UNIQUE (code COLLATE
NOCASE)``) against the plain rule on the other side beside a unique index there that folds the
values itself (PostgreSQL's ``UNIQUE (code)`` and ``UNIQUE (lower(code COLLATE "C"))``, where a
foreign key needs the plain rule; stranger58 005's sibling 001). The comparer pairs the two rules
by their columns (a difference of collation) and leaves the folding index on one side only.

Two equal values are equal under every collation, so the collated rule refuses every pair of rows
the plain one refuses: where the one-sided index refuses the same rows as the collated rule (run
over the same probe rows, each also inserted twice, ``index_keys.judge_keys``), the plain rule
and the index together are the collated rule. Equal on every row is "equal on N probes" (never
proven): both differences become that equivalence; a row that parts them is added to both as the
witness. Between two SQLite sources a collation is not run (``unpaired_indexes``: the probes hold
no blob, where NOCASE and lower() part).
"""

from __future__ import annotations

from functools import partial

from twinschema.evaluate.context import StageContext, find
from twinschema.evaluate.index_keys import KeyOptions, judge_keys, key_text, written_keys
from twinschema.evaluate.index_partners import partners, settle
from twinschema.evaluate.unpaired_indexes import unique_shown
from twinschema.evaluate.witness_fields import Written
from twinschema.model import Index, Table
from twinschema.records import Difference
from twinschema.records.dialects import SQLITE


def collated_unique(st: StageContext) -> None:
    """Settle or explain each collation difference of a unique rule that the plain side's
    one-sided unique index may make up for (module docstring)."""
    if st.dialects == (SQLITE, SQLITE):
        return
    for d in [d for d in st.comparison.differences if d.kind == "unique"]:
        found = _rules(st, d)
        if found is None:
            continue
        table, collated, plain_side = found
        notes: list[tuple[Difference, Written]] = []
        columns = {c.lower() for c in collated.expressions}
        full = partners(st, table.name, plain_side, partial(_full_over, columns))
        for index_d, index in full:
            keys = (written_keys(collated), written_keys(index))
            nulls = (collated.nulls_distinct, index.nulls_distinct)
            if plain_side == "left":
                keys, nulls = (keys[1], keys[0]), (nulls[1], nulls[0])
            options = KeyOptions(nulls_distinct=nulls, itself=True)
            texts = (key_text(keys[0]), key_text(keys[1]))
            judged = judge_keys(st, table.name, keys, texts, options)
            if judged is None or (judged.witness is None and judged.stored == 0):
                continue
            if judged.witness is None:
                settle(st, d, index_d, index, plain_side, judged.stored)
                break
            shown = f"with {st.side_name(plain_side)}'s {index.describe()}"
            said = judged.witness[0]
            notes.append((index_d, Written(f"{shown}: {said.text}", said.witness)))
        else:
            if notes:
                first = next((n.witness for _, n in notes if n.witness is not None), None)
                st.annotate("; ".join(note.text for _, note in notes), d, witness=first)
                for index_d, note in notes:
                    st.annotate(note.text, index_d, witness=note.witness)


def _rules(st: StageContext, d: Difference) -> tuple[Table, Index, str] | None:
    """The table, the collated side's rule (as a unique index) and the plain side's name of a
    ``unique`` difference of two rules over the same columns, one with element collations and
    the other with none; else None."""
    if d.table is None or d.left is None or d.right is None:
        return None
    ltable, _ = find(st.left, d.table, "")
    rtable, _ = find(st.right, d.table, "")
    li, ri = unique_shown(ltable, d.left), unique_shown(rtable, d.right)
    if ltable is None or li is None or ri is None or not (li.unique and ri.unique):
        return None
    if li.expressions != ri.expressions or li.where is not None or ri.where is not None:
        return None
    if li.nulls_distinct != ri.nulls_distinct or li.method != ri.method:
        return None
    if any(li.collations) == any(ri.collations):
        return None
    return (ltable, li, "right") if any(li.collations) else (ltable, ri, "left")


def _full_over(columns: set[str], index: Index, read: set[str]) -> bool:
    """A full index whose key reads the rule's ``columns``, and no other."""
    return index.where is None and read == columns
