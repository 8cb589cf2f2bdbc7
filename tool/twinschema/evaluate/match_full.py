"""MATCH FULL written as a CHECK: SQLite has no MATCH FULL (it parses the clause and enforces
MATCH SIMPLE), so a schema that wants PostgreSQL's rule on both sides writes a MATCH SIMPLE key
and a CHECK that refuses a key with some but not all of its columns NULL (``CHECK ((a IS NULL)
= (b IS NULL))``). A foreign key that differs in MATCH alone, and a CHECK on its SIMPLE side
only that reads only the key's columns, are run on probe rows: the CHECK against what MATCH
FULL refuses (``side_checks.matched_in_full``, beside the FULL side's own CHECKs over those
columns). Where no row parts them, both differences are one equivalence, "MATCH FULL as a
CHECK: equal on N probes"; a CHECK that refuses more (``... AND a > 0``: witness a = -1) or
less leaves both differences standing.
"""

from __future__ import annotations

from dataclasses import replace

from twinschema.evaluate import expression_reads
from twinschema.evaluate.checks import check_text, one_sided_checks, run_on_probes
from twinschema.evaluate.context import StageContext, find, probe_count
from twinschema.evaluate.side_checks import checks_within
from twinschema.model import MATCH_FULL, ForeignKey
from twinschema.records import Difference

RULE = "MATCH FULL as a CHECK"


def as_checks(st: StageContext) -> None:
    """Settle each foreign key that differs in MATCH alone against a CHECK on its SIMPLE side
    only that refuses what MATCH FULL refuses, on probe rows."""
    for d in [d for d in st.comparison.differences if d.kind == "foreign_key"]:
        if d.table is None or d.left is None or d.right is None:
            continue
        lfk, rfk = _key(st, "left", d), _key(st, "right", d)
        if lfk is None or rfk is None or not _match_alone(lfk, rfk):
            continue
        simple_side = "right" if lfk.match == MATCH_FULL else "left"
        columns = frozenset(c.lower() for c in lfk.columns)
        for cd in one_sided_checks(st, d.table, simple_side):
            if _settled(st, d, cd, simple_side, columns):
                break


def _key(st: StageContext, side: str, d: Difference) -> ForeignKey | None:
    """The foreign key of ``side`` that ``d`` shows on that side."""
    assert d.table is not None
    table, _ = find(st.left if side == "left" else st.right, d.table, "")
    shown = d.left if side == "left" else d.right
    return (
        next((fk for fk in table.foreign_keys if fk.describe() == shown), None) if table else None
    )


def _match_alone(lfk: ForeignKey, rfk: ForeignKey) -> bool:
    """True when the two keys differ in MATCH only, one of them FULL over several columns."""
    full = lfk if lfk.match == MATCH_FULL else rfk
    return len(full.columns) > 1 and lfk != rfk and replace(lfk, match=rfk.match) == rfk


def _settled(
    st: StageContext, d: Difference, cd: Difference, simple_side: str, columns: frozenset[str]
) -> bool:
    """Run the CHECK ``cd`` against what the other side's MATCH FULL refuses; where no probe row
    parts them, drop ``d`` and ``cd`` for one equivalence."""
    assert d.table is not None
    own = st.left if simple_side == "left" else st.right
    table, _ = find(own, d.table, "")
    text = check_text(table, cd.left if simple_side == "left" else cd.right)
    reads = expression_reads.reads(own.schema.dialect, text) if text is not None else None
    if table is None or text is None or reads is None:
        return False
    if frozenset(c.lower() for c in reads.columns) != columns:
        return False
    # The FULL side's CHECKs over these columns and its MATCH FULL, as one CHECK.
    full = checks_within(st.right if simple_side == "left" else st.left, d.table, set(columns))
    ltext, rtext = (text, full) if simple_side == "left" else (full, text)
    run = run_on_probes(st, table.name, ltext, rtext, errors_reject=True)
    if run is None or run.witness is not None:
        return False
    st.drop(d, cd)
    left, right = d.left, d.right
    if simple_side == "left":
        left = f"{left} + {cd.left}"
    else:
        right = f"{right} + {cd.right}"
    st.equivalence(d, f"{RULE}: equal on {probe_count(run.judged)}", left, right)
    return True
