"""A literal default written alike on two columns whose types differ (see ``defaults``):
``INTEGER DEFAULT 0`` against ``REAL DEFAULT 0`` store 0 and 0.0, a difference of the values
that is the types' own, reported once as ``column_type`` (stranger58 009: "0 vs 0 (by
evaluation: 0 vs 0.0)" beside it read as nonsense, and went away with it). Made the same type,
one literal stores one value. Only where each side gives a constant (a failure is said as
one)."""

from __future__ import annotations

import re

from twinschema.evaluate.context import StageContext
from twinschema.evaluate.values import CONSTANT
from twinschema.model import Column
from twinschema.records import Difference

# A number, a quoted text, NULL or a boolean, in parentheses or not (no cast: a cast is a type
# of its own, which may differ from the column's).
_LITERAL = re.compile(
    r"\(*\s*(?:[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?|'(?:[^']|'')*'|null|true|false)\s*\)*",
    re.I,
)
RULE = "the same literal: its stored values differ by the columns' types only (column_type)"


def type_made(
    st: StageContext, d: Difference, left: tuple[str, str, Column], right: tuple[str, str, Column]
) -> bool:
    """True (recorded as an equivalence) when default difference ``d`` is of one literal, written
    alike, giving a constant on each side, on columns whose types a ``column_type`` difference
    already parts."""
    (ld, ltext, lc), (rd, rtext, rc) = left, right
    if ltext.strip() != rtext.strip() or not _LITERAL.fullmatch(ltext.strip()):
        return False
    typed = any(
        t.kind == "column_type" and (t.table, t.column) == (d.table, d.column)
        for t in st.comparison.differences
    )
    if not typed:
        return False
    verdicts = (st.ev.single(ld, ltext, lc), st.ev.single(rd, rtext, rc))
    st.note(ld, rd)
    if any(v.kind != CONSTANT for v in verdicts):
        return False
    st.result.evaluated += 1
    st.equivalence(d, RULE)
    return True
