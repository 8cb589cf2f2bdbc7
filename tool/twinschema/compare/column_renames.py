"""Columns that look renamed by hand: a column only one side has, at the position where the
other side has a column only it has, of the same type, nullability and default (stranger79 010:
``ALTER TABLE harvest_note RENAME COLUMN body TO note_text`` on one database was two unrelated
``column_missing`` differences whose hints said to add one column and remove the other, which
loses the column's data). Both differences stay (the names do differ); their messages say the
two look like one column renamed and their hints say how to mend it keeping the data, as the
hints of an index renamed by hand do. Near miss: another type, nullability or default, or
another position, and nothing is suggested."""

from __future__ import annotations

from dataclasses import replace

from twinschema.compare.context import Context
from twinschema.compare.types import same_type
from twinschema.model import Column, Table


def looks_renamed(left: Table, right: Table) -> list[tuple[Column, Column]]:
    """The pairs (left column, right column), each only its side has, at the same position and
    alike in type (as the comparer pairs types: ``types.same_type``, so an integer a CHECK
    keeps to (0, 1) is the other dialect's boolean), nullability and default: one column each
    side names its own way."""
    left_names = {c.name for c in left.columns}
    right_names = {c.name for c in right.columns}
    found: list[tuple[Column, Column]] = []
    if left_names == right_names:
        return found
    for lc, rc in zip(left.columns, right.columns, strict=False):
        if lc.name in right_names or rc.name in left_names:
            continue
        if same_type(lc, rc) and (lc.nullable, lc.default) == (rc.nullable, rc.default):
            found.append((lc, rc))
    return found


def note_renames(ctx: Context, left: Table, right: Table) -> None:
    """Rewrite the two ``column_missing`` differences of each pair ``looks_renamed`` finds on
    ``left`` and ``right`` (already recorded): the message says the rename, the hint keeps the
    data."""
    pairs = looks_renamed(left, right)
    if not pairs:
        return
    names = {side: ctx.label(side) for side in ("left", "right")}
    by_column = {}
    for lc, rc in pairs:
        said = (
            f"; it looks renamed: {names['left']} has {lc.name} where {names['right']} has "
            f"{rc.name}, at the same position, of the same type, nullability and default"
        )
        ways = " or ".join(
            (
                _rename(ctx, "right", left.name, rc.name, lc.name),
                _rename(ctx, "left", left.name, lc.name, rc.name),
            )
        )
        hint = (
            f"if it is one column renamed, rename it where its name is wrong: {ways}; where "
            f"the new name is meant and domain.yaml names the column, give it there ({lc.name}: "
            f"{{name: {rc.name}}}) and write the revision with `twinschema revision`, which "
            "renames it. A rename keeps the column's data; dropping one column and adding the "
            "other loses it"
        )
        by_column[lc.name] = by_column[rc.name] = (said, hint)
    differences = ctx.result.differences
    for i, d in enumerate(differences):
        if d.kind != "column_missing" or d.table != left.name or d.column not in by_column:
            continue
        said, hint = by_column[d.column]
        differences[i] = replace(d, message=d.message + said, hint=hint)


def _rename(ctx: Context, side: str, table: str, old: str, new: str) -> str:
    """How ``side`` renames column ``old`` to ``new``: a database by ALTER TABLE, a metadata
    module or a file by its own text."""
    where = ctx.left if side == "left" else ctx.right
    if where.role == "database":
        return f"ALTER TABLE {table} RENAME COLUMN {old} TO {new} on {ctx.label(side)}"
    return f"{old} named {new} in {where.fix}"
