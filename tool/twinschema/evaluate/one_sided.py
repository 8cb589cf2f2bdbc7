"""The witness of a CHECK on one side only: the CHECK is run on probe rows (``probe_sets.probe_rows``)
against the other side's own CHECKs over the same columns, or sharing one with them (none:
every row its columns hold),
and the first row the CHECK rejects that the other side stores is named in the difference
(``x INTEGER CHECK (typeof(x) = 'integer')`` against ``x integer``: NULL, which the CHECK
rejects). A NULL is tried only in a column both sides leave nullable: elsewhere NULL is the
column's own difference, not the CHECK's; a row the other side stores changed is a witness only
if the CHECK rejects what it stored too (``stored_rows.partings``: PostgreSQL's 0.00 for 0.001
passes ``n = round(n, 2)``). The difference stands whether or not a row is found;
only the witness is added, and the counts of evaluated pairs stay those of the stage's own
judgements.
"""

from __future__ import annotations

from twinschema.evaluate import probes
from twinschema.evaluate.checks import check_text, witness_text
from twinschema.evaluate.context import StageContext, find
from twinschema.evaluate.probe_sets import accept_vectors, probe_rows
from twinschema.evaluate.stored_rows import (
    checks_within,
    nulls_where_both_allow,
    partings,
    sharing,
)
from twinschema.records import Difference


def witnesses(st: StageContext) -> None:
    """Add a witness row to each CHECK difference that only one side has, where one is found."""
    for d in [d for d in st.comparison.differences if d.kind == "check"]:
        if d.table is not None and (d.left is None) != (d.right is None):
            _witness(st, d, "left" if d.left is not None else "right")


def _witness(st: StageContext, d: Difference, side: str) -> None:
    assert d.table is not None
    own, other = (st.left, st.right) if side == "left" else (st.right, st.left)
    table, _ = find(own, d.table, "")
    text = check_text(table, d.left if side == "left" else d.right)
    found = probes.reads(own.schema.dialect, text) if text is not None else None
    if table is None or text is None or found is None or not found.columns:
        return
    columns = {c.lower() for c in found.columns}
    if any(find(other, d.table, c)[1] is None for c in columns):
        return  # a column missing on the other side is a difference of its own
    # The other side's CHECKs that share a column with these, and theirs in turn, are run too
    # (their columns probed): a row CHECK (a > 0 AND b > 0) refuses there is no witness of a
    # CHECK (a > 0) here, whatever b holds.
    columns = sharing(other, d.table, columns)
    others = checks_within(other, d.table, columns)
    ltext, rtext = (text, others) if side == "left" else (others, text)
    rows = probe_rows(st, table.name, ltext, rtext, counted=False)
    if rows is None:
        return
    tried = nulls_where_both_allow(st, d.table, rows)
    verdicts = accept_vectors(tried, ltext, rtext, True)
    for parted in partings(st, d.table, tried, (ltext, rtext), verdicts):
        if parted.right == (side == "left"):  # the CHECK's own side rejects it
            st.annotate(witness_text(st, rows.names, parted.row, parted.said(st)), d)
            return
