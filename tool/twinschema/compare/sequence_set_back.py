"""A key sequence a live database's hand edit set back short of its START (``setval`` or
``ALTER SEQUENCE ... RESTART WITH`` below it), where the options of the two sides' sequences are
the same: the next insert that omits the key gets an id a database made from the same DDL never
hands out; and one standing at or below the largest id its key holds (``key_sequences.behind``),
whatever the options: the next insert gets an id in use (stranger76 008). Where a sequence
stands past START and past the ids in use (moved on by use, gaps) is data and is not compared."""

from __future__ import annotations

from twinschema.canonical import key_sequences
from twinschema.compare.context import Context
from twinschema.model import Column


def _behind(column: Column) -> bool:
    return key_sequences.behind(column.generator, column.next_id, column.largest_id)


def set_back(lc: Column, rc: Column) -> bool:
    """Whether one of two keys' sequences stands short of its START, or at or below its largest
    id in use, and the other not (where a sequence stands is no part of a column's equality:
    two equal columns are compared on)."""
    short = key_sequences.short_of_start(lc.generator, lc.next_id) != key_sequences.short_of_start(
        rc.generator, rc.next_id
    )
    return short or _behind(lc) != _behind(rc)


def sequence_set_back(
    ctx: Context, table: str, lc: Column, rc: Column, same_options: bool = True
) -> None:
    """Two keys of which one's sequence stands at or below its largest id in use and the other's
    not (``sequence_behind``); else, where their sequences have the same options
    (``same_options``), one of which a live database's hand edit set back short of its START
    (``key_sequences.short_of_start``) and the other not: the next insert that omits the key
    gets an id below START on that side only. A sequence moved on by use stands past START and
    is not reported (where a sequence stands is data)."""
    if _behind(lc) != _behind(rc):
        sequence_behind(ctx, table, lc, rc)
        return
    if not same_options or not set_back(lc, rc):
        return
    lshort = key_sequences.short_of_start(lc.generator, lc.next_id)
    start = key_sequences.first_id(lc.generator)
    lnext, rnext = _next_ids(lc, rc)
    side = ctx.label("left" if lshort else "right")
    where = ctx.shown(table, lc, rc)
    _next_id_differs(
        ctx,
        table,
        lc,
        rc,
        f"the sequence of {where} was set back short of its START ({start}) in {side}: the next "
        f"insert that omits it gets {lnext} vs {rnext}, an id a database made from the same DDL "
        "never hands out (set by hand: setval or ALTER SEQUENCE ... RESTART WITH)",
        hint=(
            f"set the sequence of {where} in {side} back to its START, never below an id in "
            f"use: to the greater of {start} and the largest {lc.name} + 1"
        ),
    )


def sequence_behind(ctx: Context, table: str, lc: Column, rc: Column) -> None:
    """The difference of a key whose live sequence stands at or below the largest id it holds on
    one side only: the next id each side's insert that omits it gets (a side not read, a
    metadata module, gives what a new database gives), and the statement that moves it on."""
    late, other, side = (lc, rc, "right") if _behind(lc) else (rc, lc, "left")
    late_side = "left" if side == "right" else "right"
    assert late.largest_id is not None and late.next_id is not None  # _behind
    down = key_sequences.descending(late.generator)  # largest_id: the smallest id then
    fresh = "" if other.next_id is not None else " (a new database)"
    said = f"{key_sequences.first_id(other.generator, other.next_id)}{fresh}"
    where = ctx.shown(table, lc, rc)
    _next_id_differs(
        ctx,
        table,
        lc,
        rc,
        key_sequences.behind_parting(
            where,
            late.own_name,
            late.largest_id,
            (ctx.label(late_side), late.next_id),
            (ctx.label(side), said),
            down,
        ),
        hint=f"in {ctx.label(late_side)}, "
        + key_sequences.behind_hint(
            ctx.sql_table(table, late_side),
            late.own_name,
            late.sequence,
            late.shares_ids_with,
            down,
        ),
    )


def _next_ids(lc: Column, rc: Column) -> tuple[int, int]:
    """The id each side's next insert that omits the key gets."""
    return key_sequences.first_id(lc.generator, lc.next_id), key_sequences.first_id(
        rc.generator, rc.next_id
    )


def _next_id_differs(
    ctx: Context, table: str, lc: Column, rc: Column, message: str, hint: str
) -> None:
    """A ``column_default`` difference of two keys by the next id each side hands out."""
    lnext, rnext = _next_ids(lc, rc)
    ctx.diff(
        "column_default",
        table,
        lc.name,
        lc.name,
        f"next id {lnext}",
        f"next id {rnext}",
        message,
        hint=hint,
    )
