"""Number defaults past a PostgreSQL type's range (see ``stage``): across dialects, a number
default the comparer found equal is run on both sides when its magnitude may be past what a
PostgreSQL column holds. SQLite stores ``1e400`` in a REAL column as Inf and
``9223372036854775808`` in an INTEGER one as a REAL; PostgreSQL fails every insert that omits
the column ("value out of range", "bigint out of range")."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from twinschema.canonical import typemap
from twinschema.evaluate.context import StageContext, matched_columns
from twinschema.evaluate.default_findings import difference
from twinschema.evaluate.default_texts import default_text, same_constant, shown_default
from twinschema.evaluate.values import CONSTANT, FAILED, same_class
from twinschema.model_shown import column_shown
from twinschema.records.dialects import DIALECT_NAMES

# A number default as written, or as PostgreSQL's catalog holds it: 1e400, -5, '1e400'::numeric.
_NUMBER = re.compile(
    r"^\(*\s*'?([-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)'?(?:::\w+)?\s*\)*$"
)
# smallint's range, the narrowest: a number at or past it may be past a column's range.
_WIDEST_SAFE = Decimal(2**15)
# float4's smallest normal number: a number closer to 0 may underflow (an error on PostgreSQL).
_NARROWEST_SAFE = Decimal("1e-37")


def may_be_out_of_range(text: str | None) -> bool:
    """Whether a default's text is a number some PostgreSQL number type cannot
    hold (its magnitude at or past smallint's range, or a non-zero one below float4's)."""
    match = _NUMBER.match((text or "").strip())
    if match is None:
        return False
    try:
        value = abs(Decimal(match[1]))
    except InvalidOperation:
        return False
    return value >= _WIDEST_SAFE or (value != 0 and value < _NARROWEST_SAFE)


def out_of_range(st: StageContext) -> None:
    """Across dialects, run a large (or tiny) number default the comparer found equal on both
    sides: one side failing, or the two storing different numbers, is a ``column_default``
    difference (the comparer's ``default`` equivalence is withdrawn)."""
    if not st.cross or not st.ev.postgresql_at_hand():
        return
    judged = {(d.table, d.column) for d in st.comparison.differences if d.kind == "column_default"}
    ld, rd = st.left.schema.dialect, st.right.schema.dialect
    for lt, lc, rc in matched_columns(st):
        key = (lt.name, lc.name)
        if key in judged or key in st.failed or lc.default != rc.default:
            continue
        ltext, rtext = default_text(lc), default_text(rc)
        if ltext is None or rtext is None:
            continue
        # As written (the canonical form holds a float's value: 1e400 is inf, 1e-400 is 0.0).
        if not (may_be_out_of_range(ltext) or may_be_out_of_range(rtext)):
            continue
        kind = typemap.shared_kind(lc.type, rc.type)
        if kind not in typemap.NUMBER_KINDS:
            continue
        lv, rv = st.ev.single(ld, ltext, lc), st.ev.single(rd, rtext, rc)
        st.note(ld, rd)
        failed = next(((d, v) for d, v in ((ld, lv), (rd, rv)) if v.kind == FAILED), None)
        if failed is None and not lv.kind == rv.kind == CONSTANT:
            continue  # not run (a missing function, a server at hand for nothing): no verdict
        st.result.evaluated += 1
        if failed is not None:
            shown = column_shown(lt, st.right.schema.tables.get(lt.name), lc.name)
            said = f"inserts that omit {shown} fail on {DIALECT_NAMES[failed[0]]}: "
            said += failed[1].error or ""
        elif not same_class(lv, rv, kind):
            said = (
                f"{same_constant(st, lt.name, lc, rc)} is stored differently "
                f"(by evaluation: {DIALECT_NAMES[ld]} stores {lv.describe()}, "
                f"{DIALECT_NAMES[rd]} stores {rv.describe()})"
            )
        else:
            continue
        st.comparison.equivalences = [
            e
            for e in st.comparison.equivalences
            if not (e.rule == "default" and (e.table, e.column) == key)
        ]
        st.comparison.differences.append(
            difference(st, lt.name, lc.name, shown_default(lc), shown_default(rc), said)
        )
