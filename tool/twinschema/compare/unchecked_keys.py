"""Foreign keys a database holds but does not check (``ForeignKey.off_child``, ``off_parent``:
the triggers that enforce the key are disabled, or do not fire in its sessions): such a key
takes the rows no key would, which a checked twin on the other side refuses."""

from __future__ import annotations

from twinschema.compare.context import Context
from twinschema.model import ForeignKey, Table


def unchecked_keys(ctx: Context, left: Table, right: Table) -> None:
    """A ``foreign_key`` difference for each key that one side checks and the other does not
    (on writes to the child, or to the parent), with the row that parts them. A key on one
    side only is reported as missing, not here; two keys left unchecked alike behave alike."""
    for own, other, side in ((left, right, "left"), (right, left, "right")):
        for fk in own.foreign_keys:
            if fk.off_child is None and fk.off_parent is None:
                continue
            twin = next((o for o in other.foreign_keys if _same_key(o, fk)), None)
            if twin is None or _off(twin) == _off(fk):
                continue
            if side == "right" and _off(twin) != (None, None):
                continue  # told from the left, with both sides' states
            lfk, rfk = (fk, twin) if side == "left" else (twin, fk)
            _report(ctx, left.name, lfk, rfk)


def _same_key(a: ForeignKey, b: ForeignKey) -> bool:
    return (a.columns, a.ref_table, a.ref_columns) == (b.columns, b.ref_table, b.ref_columns)


def _off(fk: ForeignKey) -> tuple[str | None, str | None]:
    return fk.off_child, fk.off_parent


def _report(ctx: Context, table: str, lfk: ForeignKey, rfk: ForeignKey) -> None:
    """One difference for a pair of keys checked differently: what each side lets through.
    The tables are named as both databases name them, the logical name in brackets where
    domain.yaml renamed one (stranger69 006: ``-> docks``, a table neither database has)."""
    told = [
        f"in {ctx.label(side)}, {what}"
        for fk, side in ((lfk, "left"), (rfk, "right"))
        for what in _passes(ctx, table, fk)
    ]
    ctx.diff(
        "foreign_key",
        table,
        None,
        lfk.name or rfk.name,
        lfk.describe() + _shown(lfk),
        rfk.describe() + _shown(rfk),
        f"foreign key {ctx.key_shown(table, lfk.columns)} -> {ctx.table_shown(lfk.ref_table)} "
        "is not checked on one side: " + "; ".join(told),
    )


def _shown(fk: ForeignKey) -> str:
    return " (not checked)" if _off(fk) != (None, None) else ""


def _passes(ctx: Context, table: str, fk: ForeignKey) -> list[str]:
    """What a key left unchecked lets through, with why: an orphan row of the child, a delete
    of a referenced parent row that skips the key's action; each table and column by the name
    both databases give it."""
    own, parent_table = ctx.own_table(table), ctx.own_table(fk.ref_table)
    child = (
        f"a row of {own} whose {ctx.key_shown(table, fk.columns)[len(own) :]} matches no row "
        f"of {ctx.key_shown(fk.ref_table, fk.ref_columns)} is stored"
    )
    parent = (
        f"a row of {parent_table} that a row of {own} references is deleted without "
        f"ON DELETE {fk.on_delete_shown()}"
    )
    if fk.off_child is not None and fk.off_child == fk.off_parent:
        return [f"{child}, and {parent} ({fk.off_child})"]
    return [
        f"{what} ({why})"
        for what, why in ((child, fk.off_child), (parent, fk.off_parent))
        if why is not None
    ]
