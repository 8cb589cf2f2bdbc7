"""A unique rule's difference that one side's unique indexes, on that side only, may make up
for (``collated_unique``, ``nulls_idiom``): those indexes (``partners``), and where one does,
the rule and the index recorded as one equivalence (``settle``)."""

from __future__ import annotations

from collections.abc import Callable

from twinschema.evaluate import expression_reads
from twinschema.evaluate.context import StageContext, find, probe_count
from twinschema.evaluate.index_keys import key_text, written_keys
from twinschema.evaluate.unpaired_indexes import unique_shown
from twinschema.model import Index
from twinschema.records import Difference


def partners(
    st: StageContext, table: str, side: str, fits: Callable[[Index, set[str]], bool]
) -> list[tuple[Difference, Index]]:
    """The unique indexes on ``side`` only (``index`` differences) of ``table`` that ``fits``
    takes, given each index and the columns (folded) its key reads."""
    own = st.left if side == "left" else st.right
    found, _ = find(own, table, "")
    result = []
    for d in st.comparison.differences:
        shown, other = (d.left, d.right) if side == "left" else (d.right, d.left)
        if d.kind != "index" or d.table != table or shown is None or other is not None:
            continue
        index = unique_shown(found, shown)
        if index is None or not index.unique:
            continue
        reads = expression_reads.reads(own.schema.dialect, key_text(written_keys(index)))
        if reads is not None and fits(index, {c.lower() for c in reads.columns}):
            result.append((d, index))
    return result


def settle(
    st: StageContext, d: Difference, index_d: Difference, index: Index, side: str, n: int
) -> None:
    """The rule ``d`` shows on ``side`` and that side's ``index`` (``index_d``) are the other
    side's rule, on ``n`` probe rows: both differences become one equivalence."""
    st.drop(d, index_d)
    joined = f"{d.left if side == 'left' else d.right} + {index.describe()}"
    left, right = (joined, None) if side == "left" else (None, joined)
    st.equivalence(d, f"equal on {probe_count(n)}", left, right)
