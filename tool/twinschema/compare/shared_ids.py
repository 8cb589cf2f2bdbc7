"""Keys whose ids another table's inserts move: a key drawing from a sequence another table's
column draws from too (``Column.shares_ids_with``; stranger75 010). One insert into stage, then
one into mat gives mat the id 2 where mat.id takes stage's sequence, 1 where it has ids of its
own."""

from __future__ import annotations

from twinschema.compare.context import Context
from twinschema.model import Column


def sharers(ctx: Context, column: Column) -> tuple[str, ...]:
    """The tables both sides have whose inserts move ``column``'s ids (a table one side lacks is
    a difference of its own: Sakila's INHERITS children of payment). Each table is looked up
    in both sides' tables: intersecting their names for every key compared made the live layer
    quadratic in the tables (``make bench`` at N = 2,000: 1.1 s of a 2.6 s run)."""
    left, right = ctx.left.schema.tables, ctx.right.schema.tables
    return tuple(t for t in column.shares_ids_with if t in left and t in right)


def compared(ctx: Context, lc: Column, rc: Column) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The tables each side's column shares its ids with, as compared: none on either side
    where the column owns the sequence wherever it shares it (stage.id's serial, which a hand
    edit made mat.id's default draw from): the difference is then the borrower's, reported on
    mat.id, the column whose default changed (recheck75 010), not again on stage.id."""
    left, right = sharers(ctx, lc), sharers(ctx, rc)
    lends = all(not c.borrows_ids for c, shared in ((lc, left), (rc, right)) if shared)
    return ((), ()) if left != right and lends else (left, right)


def _ids(tables: tuple[str, ...]) -> str:
    """Where a column's ids come from, as far as other tables' inserts move them."""
    return f"ids from a sequence shared with {', '.join(tables)}" if tables else "ids of its own"


def report(ctx: Context, kind: str, table: str, where: str, lc: Column, rc: Column) -> None:
    """The difference of two keys of which one shares its ids with a table the other does not."""
    left, right = sharers(ctx, lc), sharers(ctx, rc)
    lids, rids = _ids(left), _ids(right)
    ctx.diff(
        kind,
        table,
        lc.name,
        lc.name,
        lids,
        rids,
        f"{where} takes {ctx.each(lids, rids)}: after an insert into {(left or right)[0]}, the "
        "next row's id differs (2 against 1 on new databases)",
    )
