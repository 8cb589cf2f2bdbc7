"""A key sequence a live database's hand edit set back short of its START (``setval`` or
``ALTER SEQUENCE ... RESTART WITH`` below it), where the options of the two sides' sequences are
the same: the next insert that omits the key gets an id a database made from the same DDL never
hands out. Where a sequence stands past START (moved on by use) is data and is not compared."""

from __future__ import annotations

from twinschema.canonical import key_sequences
from twinschema.compare.context import Context
from twinschema.model import Column


def set_back(lc: Column, rc: Column) -> bool:
    """Whether one of two keys' sequences stands short of its START and the other not (where
    a sequence stands is no part of a column's equality: two equal columns are compared on)."""
    return key_sequences.short_of_start(lc.generator, lc.next_id) != key_sequences.short_of_start(
        rc.generator, rc.next_id
    )


def sequence_set_back(ctx: Context, table: str, lc: Column, rc: Column) -> None:
    """Two keys whose sequences have the same options, one of which a live database's hand edit
    set back short of its START (``key_sequences.short_of_start``) and the other not: the next
    insert that omits the key gets an id below START on that side only. A sequence moved on by
    use stands past START and is not reported (where a sequence stands is data)."""
    if not set_back(lc, rc):
        return
    lshort = key_sequences.short_of_start(lc.generator, lc.next_id)
    start = key_sequences.first_id(lc.generator)
    lnext, rnext = (key_sequences.first_id(c.generator, c.next_id) for c in (lc, rc))
    side = ctx.label("left" if lshort else "right")
    where = ctx.shown(table, lc, rc)
    ctx.diff(
        "column_default",
        table,
        lc.name,
        lc.name,
        f"next id {lnext}",
        f"next id {rnext}",
        f"the sequence of {where} was set back short of its START ({start}) in {side}: the next "
        f"insert that omits it gets {lnext} vs {rnext}, an id a database made from the same DDL "
        "never hands out (set by hand: setval or ALTER SEQUENCE ... RESTART WITH)",
        hint=(
            f"set the sequence of {where} in {side} back to its START, never below an id in "
            f"use: to the greater of {start} and the largest {lc.name} + 1"
        ),
    )
