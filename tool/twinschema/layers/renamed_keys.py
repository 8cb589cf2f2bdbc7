"""A table whose logical key domain.yaml changed, said as the rename it likely is (stranger72 013).

Renaming a table by its key in domain.yaml (``jar:`` made ``honey_jar:``, the modules following
it) is what a new user tries first. domain.yaml then cannot tell it from a table dropped and
another made (``pending_renames`` pairs only a table whose logical key was kept), so a module
against its database (or its chain's head) shows ``honey_jar`` only in the module and ``jar``
only in the database, hinted "add honey_jar to the database" and "remove jar from the
database": the latter loses every row. ``revision`` already says "if this is a rename, keep the
logical name ...". Where the two one-sided tables have the same columns (by the names and types
their own databases give them), one of each and no other table alike, each of the two keeps its
difference (nothing is guessed: it may be a drop and an add) but its hint names the rename and
how to write it (the key kept, ``name:``/``names:``, then ``twinschema revision``), and says not
to remove the old table. Near miss: tables whose columns differ keep the add/remove hints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from twinschema.hints import REVISION_COMMAND
from twinschema.model import Schema, Table
from twinschema.records import Difference, Side
from twinschema.records.domain import Domain, logical_spelled


def key_renamed(
    found: Sequence[Difference], module: Side, stale: Side, domain: Domain | None
) -> list[Difference]:
    """``found`` (``module`` against ``stale``: its database or its chain's head) with each
    table only the module has and the one table only ``stale`` has under a name domain.yaml
    no longer knows, with the same columns, hinted as a rename of its logical key (see the
    module docstring); the rest as they are."""
    if domain is None:
        return list(found)
    module_left = _side_of(found, module)
    if module_left is None:
        return list(found)
    mine = [d for d in found if _alone(d, module_left)]
    theirs = [
        d for d in found if _alone(d, not module_left) and (d.table or "") not in domain.tables
    ]
    shape = {id(d): _columns(module.schema, d.table) for d in mine}
    held = {id(d): _columns(stale.schema, d.table) for d in theirs}
    hinted: dict[int, Difference] = {}
    for new in mine:
        alike = [old for old in theirs if shape[id(new)] and held[id(old)] == shape[id(new)]]
        if len(alike) != 1:
            continue
        old = alike[0]
        if sum(1 for d in mine if shape[id(d)] == held[id(old)]) != 1:
            continue  # two of the module's tables are alike: nothing is guessed
        now = _own(module.schema, new.table)
        was = logical_spelled(old.table or "") or old.table or ""
        hinted[id(new)], hinted[id(old)] = _said((new, old), (now, was), module, stale)
    return [hinted.get(id(d), d) for d in found]


def _said(
    found: tuple[Difference, Difference], names: tuple[str, str], module: Side, stale: Side
) -> tuple[Difference, Difference]:
    """The module's one-sided table and the stale side's (``found``), named ``names`` (the
    module's, the stale side's) there, hinted as the rename of the latter to the former."""
    (new, old), (now, was) = found, names
    dialect = stale.schema.dialect
    hint = (
        f"if {now} is {was} renamed (they have the same columns): domain.yaml changed the "
        f"table's logical key, which reads as {was} dropped and {now} made, losing its rows. "
        f"Keep the key it had and give it the new name (`name: {now}`, or `names: {{{dialect}: "
        f"{now}}}` for {dialect} alone), the modules naming it by that key; then "
        f"`{REVISION_COMMAND}` writes op.rename_table({was!r}, {now!r}), which keeps the rows"
    )
    hint += (
        f"; do not remove {was} from {stale.named}, nor add {now} to it: {was} holds the rows"
        if stale.role == "database"
        else f"; not a revision that drops {was} and creates {now}"
    )
    alike = f" ({was} in {stale.named} has the same columns: a rename?)"
    twin = f" ({now} in {module.label} has the same columns: a rename?)"
    return (
        replace(new, message=new.message.rstrip(".") + alike, hint=hint),
        replace(old, message=old.message.rstrip(".") + twin, hint=hint),
    )


def _side_of(found: Sequence[Difference], module: Side) -> bool | None:
    """True when ``module`` is the left side of ``found``'s comparison, False when the right,
    None when ``found`` names neither source as it."""
    for d in found:
        if d.left_source == module.label:
            return True
        if d.right_source == module.label:
            return False
    return None


def _alone(d: Difference, on_left: bool) -> bool:
    """Whether ``d`` is a table only the side ``on_left`` says has."""
    if d.kind != "table_missing":
        return False
    if on_left:
        return d.left is not None and d.right is None
    return d.left is None and d.right is not None


def _columns(schema: Schema, key: str | None) -> frozenset[tuple[str, object]]:
    """The columns of ``schema``'s table ``key``, by the name its own database gives each and
    its type (empty where there is no such table)."""
    table: Table | None = schema.tables.get(key or "")
    if table is None:
        return frozenset()
    return frozenset((c.own_name, c.type) for c in table.columns)


def _own(schema: Schema, key: str | None) -> str:
    """The name ``schema``'s table ``key`` has in its own database."""
    table = schema.tables.get(key or "")
    return (table.physical or table.name) if table is not None else key or ""
