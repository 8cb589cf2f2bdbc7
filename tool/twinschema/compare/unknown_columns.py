"""Expressions that name a column their table does not have (``Table.unknown_names``).

Such a CHECK, index, generated column or default is one its database refuses: ``create_all`` of
the metadata module that holds it fails (a live database or a migration chain never holds one).
Each name is one difference of its own, on the side that holds it, whatever the other side
holds; a CHECK or index that holds one and matches none of the other side's is not reported on
one side only besides (``checks``, ``indexes``).
"""

from __future__ import annotations

from twinschema.compare.context import Context
from twinschema.definitions import visible_sql
from twinschema.model import UnknownName
from twinschema.records import FixSide

KIND = "unknown_column"


def unknown_columns(ctx: Context) -> None:
    """One ``unknown_column`` difference per name an expression of either side reads as a
    column its table does not have there."""
    for side in (FixSide.LEFT, FixSide.RIGHT):
        source = ctx.left if side is FixSide.LEFT else ctx.right
        for logical, table in sorted(source.schema.tables.items()):
            for unknown in table.unknown_names:
                _report(ctx, side, logical, unknown)


def _report(ctx: Context, side: FixSide, logical: str, u: UnknownName) -> None:
    label = ctx.label(side.value)
    shown = visible_sql(u.text)
    what = f"{u.what} {u.name} ({shown})" if u.name else f"{u.what} ({shown})"
    owner = u.table if u.table == logical else f"{u.table} ({logical} in domain.yaml)"
    message = (
        f"{what} on {owner} in {label} names column {u.column}, which {u.table} does not "
        "have there: creating the table fails"
    )
    if not u.what.startswith("DEFAULT"):  # a default fails for naming any column
        message += " (no such column)"
    fix = (ctx.left if side is FixSide.LEFT else ctx.right).fix
    if u.meant is not None:
        hint = f"write {u.meant} for {u.column} in {fix}"
        if u.meant.strip('"').lower() != u.column.strip('"').lower():
            hint += f" ({u.table}'s name there for the column domain.yaml calls {u.column})"
    else:
        hint = (
            f"name one of {u.table}'s columns ({', '.join(u.columns)}) in {fix}, or drop the "
            f"{u.what}"
        )
    text = u.text if u.what != "CHECK" else f"CHECK ({u.text})"
    ctx.diff(
        KIND,
        logical,
        u.column,
        u.name or u.text,
        text if side is FixSide.LEFT else None,
        None if side is FixSide.LEFT else text,
        message,
        hint=hint,
        drop_from=side,
    )
