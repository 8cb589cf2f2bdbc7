"""Literal defaults the two column types store differently (see ``stage``): across dialects,
a number default the comparer found equal is run on both sides when the column's kind may
change it on one of them (SQLite keeps ``2.5`` in an INTEGER column and ``1.005`` in a
NUMERIC(10,2) one; PostgreSQL stores 3 and 1.01)."""

from __future__ import annotations

import re

from twinschema import typemap
from twinschema.evaluate.context import (
    DIALECT_NAMES,
    StageContext,
    default_text,
    matched_columns,
    shown_default,
)
from twinschema.evaluate.defaults import difference
from twinschema.evaluate.values import CONSTANT, same_class

# A number literal with a fraction or an exponent, as a default is written (parentheses and
# a sign allowed): what an INTEGER or NUMERIC(p, s) column may store otherwise on each dialect.
_FRACTIONAL = re.compile(r"^\(*\s*[-+]?(\d*\.\d+|\d+\.\d*|\d+(\.\d*)?[eE][-+]?\d+)\s*\)*$")
_STORING_KINDS = frozenset({"integer", "bigint", "smallint", "numeric"})


def literals(st: StageContext) -> None:
    """Across dialects, a fractional number default the comparer found equal on an integer or
    numeric column is run on both sides: SQLite keeps ``2.5`` in an INTEGER column and
    ``1.005`` in a NUMERIC(10,2) one, PostgreSQL stores 3 and 1.01. Different stored values
    make a ``column_default`` difference."""
    if not st.cross:
        return
    judged = {(d.table, d.column) for d in st.comparison.differences if d.kind == "column_default"}
    ld, rd = st.left.schema.dialect, st.right.schema.dialect
    for lt, lc, rc in matched_columns(st):
        if (lt.name, lc.name) in judged or (lt.name, lc.name) in st.failed:
            continue
        ltext, rtext = default_text(lc), default_text(rc)
        if ltext is None or rtext is None or lc.default != rc.default:
            continue
        # The canonical form, equal on both sides: PostgreSQL keeps a negative number as
        # '-2.5'::numeric, which its own spelling would hide.
        if lc.default is None or not _FRACTIONAL.match(lc.default.strip()):
            continue
        kind = typemap.shared_kind(lc.type, rc.type)
        if kind not in _STORING_KINDS:
            continue
        lv, rv = st.ev.single(ld, ltext, lc), st.ev.single(rd, rtext, rc)
        st.note(ld, rd)
        if CONSTANT not in (lv.kind, rv.kind) or lv.kind != rv.kind:
            continue  # a failure is reported by ``failures``; not run: nothing to say
        st.result.evaluated += 1
        if same_class(lv, rv, kind):
            continue
        st.comparison.differences.append(
            difference(
                st,
                lt.name,
                lc.name,
                shown_default(lc),
                shown_default(rc),
                f"default of {lt.name}.{lc.name} is spelled alike but stored differently "
                f"(by evaluation: {DIALECT_NAMES[ld]} stores {lv.describe()}, "
                f"{DIALECT_NAMES[rd]} stores {rv.describe()})",
            )
        )
