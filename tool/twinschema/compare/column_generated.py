"""A pair of columns of which one or both are generated: the expressions, and the storage."""

from __future__ import annotations

from twinschema.compare.context import Context
from twinschema.model import Column
from twinschema.records import FixSide


def column_generated(ctx: Context, table: str, lc: Column, rc: Column) -> None:
    """A generated column against a plain one, or two generating expressions; the storage
    (STORED, VIRTUAL) counts only between sources of one dialect."""
    lgen, rgen = lc.generated, rc.generated
    where = ctx.shown(table, lc, rc)
    ltext = lgen.describe() if lgen is not None else "not generated"
    rtext = rgen.describe() if rgen is not None else "not generated"
    if lgen is None or rgen is None:
        side, other = ("left", "right") if lgen is not None else ("right", "left")
        side, other = ctx.label(side), ctx.label(other)
        message = (
            f"{where} is generated in {side} ({ltext if lgen else rtext}), a plain column in "
            f"{other}: a row that sets {where} is rejected by {side} and stored as given by "
            + other
        )
    elif lgen.expression != rgen.expression and lgen.shown() == rgen.shown():
        message = (  # written alike, read otherwise (a cast one database adds of its own)
            f"the generating expression of {where}, {lgen.shown()} on both sides, is read "
            f"otherwise by each side's database ({lgen.raw or lgen.expression} vs "
            f"{rgen.raw or rgen.expression}): the two sides may compute different values"
        )
    elif lgen.expression != rgen.expression:
        message = (
            f"the generating expression of {where} differs: {lgen.shown()} vs "
            f"{rgen.shown()}: the two sides compute different values"
        )
    elif not ctx.pairing.storage_counts:  # only the storage differs, each dialect's own choice
        ctx.same(table, lc.name, "generated-storage", ltext, rtext)
        return
    else:
        message = (
            f"{where} is generated {ctx.each(lgen.storage.upper(), rgen.storage.upper())}: "
            "the values are the same, but a STORED "
            "one is computed on write and takes space, a VIRTUAL one is computed on read"
        )
    present = None if (lgen is None) == (rgen is None) else _present_side(lgen is not None)
    ctx.diff("column_generated", table, lc.name, lc.name, ltext, rtext, message, present=present)


def _present_side(left: bool) -> FixSide:
    """The side a generated column is on, where the other has a plain one: what an allowance
    with ``dialect:`` allows (an allowance without it allows two expressions differing)."""
    return FixSide.LEFT if left else FixSide.RIGHT
