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

A CHECK wider than that range, ``abs(x) <= 10000`` or ``abs(x) < 20000``, is no difference
either (fix89b; it was one with no witness named): it accepts 9999.99 and -9999.99, and each
value it refuses (20000, 1e5, '20000abc') numeric(6,2) refuses too, so no row it refuses is one
PostgreSQL stores; the rows that part the two tables (10000, 9999.995, 'free') part them as
much without it (SQLite 3.40 stores each with or without the CHECK, PostgreSQL 16 refuses
each): the column pair's precision and text warnings. Its rule says it is wider, not the
range.

Near misses that stay differences: ``abs(x) < 1000`` (it refuses 1000.00, which numeric(6,2)
holds: its witness), ``x <= 100000`` and ``x < 10000`` (each refuses the text 'NaN', which
PostgreSQL stores as the number NaN: their witness), a CHECK on a column whose
other side has no precision.
"""

from __future__ import annotations

from decimal import Decimal

from twinschema.canonical import typemap
from twinschema.evaluate.context import StageContext, find, logical_name, probe_count
from twinschema.evaluate.statements import probe_column
from twinschema.model import ColumnType
from twinschema.records import Difference
from twinschema.records.dialects import POSTGRESQL


def settle(st: StageContext, d: Difference, side: str, text: str, n: int, name: str) -> bool:
    """Record the one-sided CHECK ``text`` of ``d`` (on ``side``, over the one column
    ``name``; ``n`` probe rows judged, none parting the sides) as one equivalence where the
    other side's column is a numeric with a precision and the CHECK accepts the largest value
    it holds either way, run on the CHECK's own database: the type's range where it refuses
    the first value past it either way, else a CHECK wider than it; True when settled."""
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
    # PostgreSQL's numeric(p,s) stores NaN too: a wider CHECK must take its text ('NaN', which
    # SQLite keeps as text: ``x <= 100000`` refuses it, its witness, ``abs(x) <= 10000`` not).
    nan = [("NaN",)] if other.schema.dialect == POSTGRESQL else []
    found = backend.try_rows(
        [probe_column(mine)], text, [(past,), (-past,), (top,), (-top,), *nan], True
    )
    if found[2:4] != [True, True]:
        return False
    exact = found[:2] == [False, False]
    # Wider is judged against PostgreSQL's numeric only, which refuses what is past it.
    if not exact and (not nan or False in found[4:]):
        return False
    shown = theirs.type.spelling()
    kept = past if found[0] else -past  # a value past the type that it lets in
    rule = (
        f"{shown}'s range as a CHECK (it refuses {past} and -{past}, which {shown} refuses, "
        f"and accepts {top} and -{top}, the largest it holds): equal on {probe_count(n)}"
        if exact
        else f"a CHECK wider than {shown}'s range (it accepts {top} and -{top}, the largest "
        f"{shown} holds, and each value it refuses {shown} refuses too; {kept} is stored by "
        f"SQLite with or without it: the column's own warning): equal on {probe_count(n)}"
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
