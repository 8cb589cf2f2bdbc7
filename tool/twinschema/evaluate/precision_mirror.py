"""A CHECK on one side only that keeps exactly the range the other side's ``numeric(p,s)`` holds
(recheck of stranger85): SQLite's ``price_band NUMERIC(6,2) CHECK (abs(price_band) < 10000)``
against PostgreSQL's ``price_band numeric(6,2)`` without it refuses 10000 and -10000, which
numeric(6,2) refuses too (numeric field overflow), and accepts 9999.99 and -9999.99, the
largest values it holds, so it refuses no value PostgreSQL stores: the numeric analogue of an
integer type's range as a CHECK (``one_sided._type_range``), as the precision warning's own
hint (``crossing_hints.HINT_PRECISION``) writes it. It was a difference with no witness.

The rounding edge stays the column pair's, with or without the CHECK (on SQLite 3.40 and
PostgreSQL 16): 9999.995 is stored by SQLite, CHECK or not, and refused by PostgreSQL, which
rounds it to 10000.00 before it checks the precision; that is the column's scale warning.

Near misses that stay differences: ``abs(x) < 1000`` (it refuses 1000.00, which numeric(6,2)
holds: its witness), ``abs(x) <= 10000`` (it accepts 10000, which numeric(6,2) refuses: not
the type's range), a CHECK on a column whose other side has no precision.
"""

from __future__ import annotations

from decimal import Decimal

from twinschema.canonical import typemap
from twinschema.evaluate.context import StageContext, find, logical_name, probe_count
from twinschema.evaluate.statements import probe_column
from twinschema.model import ColumnType
from twinschema.records import Difference


def settle(st: StageContext, d: Difference, side: str, text: str, n: int, name: str) -> bool:
    """Record the one-sided CHECK ``text`` of ``d`` (on ``side``, over the one column
    ``name``; ``n`` probe rows judged, none parting the sides) as one equivalence where the
    other side's column is a numeric with a precision and the CHECK refuses the first value
    past it either way and accepts the largest it holds either way, run on the CHECK's own
    database; True when settled."""
    own, other = (st.left, st.right) if side == "left" else (st.right, st.left)
    if not st.cross or d.table is None:
        return False
    logical = logical_name(own, d.table, name)
    theirs = find(other, d.table, logical)[1]
    mine = find(own, d.table, logical)[1]
    backend = st.ev.backend(own.schema.dialect)
    if theirs is None or mine is None or backend is None:
        return False
    held = _held(theirs.type)
    if held is None:
        return False
    past, top = held
    ends = [(past,), (-past,), (top,), (-top,)]
    if backend.try_rows([probe_column(mine)], text, ends, True) != [False, False, True, True]:
        return False
    shown = theirs.type.spelling()
    rule = (
        f"{shown}'s range as a CHECK (it refuses {past} and -{past}, which {shown} refuses, "
        f"and accepts {top} and -{top}, the largest it holds): equal on {probe_count(n)}"
    )
    st.settle_one_sided(d, side, rule, shown, counted=False)
    return True


def _held(ctype: ColumnType) -> tuple[Decimal, Decimal] | None:
    """The first value past a ``numeric(p,s)`` (10^(p-s)) and the largest it holds
    (10^(p-s) - 10^-s), or None for a type with no precision or a negative scale."""
    scale = ctype.scale or 0
    if ctype.precision is None or scale < 0 or "numeric" not in typemap.kinds_of(ctype):
        return None
    past = Decimal(10) ** (ctype.precision - scale)
    return past, past - Decimal(1).scaleb(-scale)
