"""The triggers ``init`` declares under ``triggers:``, paired across the dialects and named.

A trigger is compared across dialects only where ``triggers:`` declares it, so one init leaves
out is never reported, even on one side only (stranger79 006: a device-only trigger refusing a
loan, in sync). Two triggers pair by name (case aside, as the check finds a declared one) and
table; where names do not pair, a trigger one side alone has pairs with the other side's on
the same table that fires at the same time, on the same events, at the same level, where each
is the only such one of its side (SQLite's ``trg_stock_after_insert`` and PostgreSQL's
``stock_after_insert_trg``, both AFTER INSERT on stock, row by row): declared once, under
the PostgreSQL name with the SQLite one in ``names:``. Triggers on other events stay two
one-sided declarations. A name on several tables (PostgreSQL's ``last_updated`` on each of
Sakila's; SQLite allows a name once) is declared once per table, its key the table's name and
the trigger's (``actor_last_updated``), its own name in ``names:``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from twinschema.adopt.proposal import InitTrigger, Proposal, unique_name
from twinschema.dialects.trigger_firing import Firing, firing
from twinschema.domain_yaml import identifier_problem
from twinschema.model import OBJECT_TRIGGER, OBJECT_VIRTUAL_TABLE, Schema, SchemaObject
from twinschema.records import DIALECTS

SQLITE, POSTGRESQL = DIALECTS


def add_triggers(proposal: Proposal, sides: Mapping[str, Schema]) -> None:
    """Each trigger on a table the proposal declares into ``proposal.triggers`` (see the
    module), in name order; one it cannot declare is said in ``proposal.unpaired``."""
    tables = {
        (d, physical.lower()): t.name
        for t in proposal.tables
        for d, physical in t.names.items()
        if d in t.dialects
    }
    found: dict[tuple[str, str], InitTrigger] = {}
    fires: dict[tuple[str, str], Firing | None] = {}
    for dialect in DIALECTS:
        for obj in sides[dialect].objects:
            if obj.kind != OBJECT_TRIGGER or obj.table is None:
                continue
            table = tables.get((dialect, obj.table.lower()))
            if table is None or identifier_problem(obj.name, "") is not None:
                why = "its table is not declared" if table is None else "not a name it can hold"
                proposal.unpaired.append(
                    f"{dialect} trigger {obj.name!r} on {obj.table}: not in domain.yaml ({why})"
                )
                continue
            key = (obj.name.lower(), table)
            fires[(dialect, obj.name.lower())] = firing(dialect, obj.raw or obj.definition)
            if key in found:
                found[key].found += (dialect,)
                found[key].names[dialect] = obj.name
                found[key].virtual = ""
            else:
                virtual = _virtual(obj, sides)
                found[key] = InitTrigger(obj.name, table, (dialect,), virtual, {dialect: obj.name})
    triggers = _paired_by_firing(list(found.values()), fires)
    proposal.triggers = _named(triggers)


def _virtual(obj: SchemaObject, sides: Mapping[str, Schema]) -> str:
    """The SQLite virtual table a SQLite trigger's definition names (``INSERT INTO notes_fts``),
    "" where none: such a trigger keeps that table in step and has no PostgreSQL twin."""
    if sides[SQLITE].dialect != SQLITE:
        return ""
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_$]*", (obj.raw or obj.definition).lower()))
    names = (o.name for o in sides[SQLITE].objects if o.kind == OBJECT_VIRTUAL_TABLE)
    return next((n for n in sorted(names) if n.lower() in words), "")


def _paired_by_firing(
    triggers: list[InitTrigger], fires: Mapping[tuple[str, str], Firing | None]
) -> list[InitTrigger]:
    """``triggers`` with each SQLite-only one and PostgreSQL-only one of a table that fire
    alike made one, where each is the only one-sided trigger of its side firing so there."""
    alone: dict[tuple[str, str, Firing], list[InitTrigger]] = {}
    for t in triggers:
        if len(t.found) != 1 or t.virtual:
            continue
        when = fires.get((t.found[0], t.name.lower()))
        if when is not None:
            alone.setdefault((t.found[0], t.table, when), []).append(t)
    merged: list[InitTrigger] = []
    for (dialect, table, when), mine in sorted(alone.items()):
        theirs = alone.get((POSTGRESQL, table, when), [])
        if dialect != SQLITE or len(mine) != 1 or len(theirs) != 1:
            continue
        lite, pg = mine[0], theirs[0]
        names = {SQLITE: lite.name, POSTGRESQL: pg.name}
        merged.append(InitTrigger(pg.name, table, DIALECTS, "", names))
        triggers = [t for t in triggers if t is not lite and t is not pg]
    return triggers + merged


def _named(triggers: list[InitTrigger]) -> list[InitTrigger]:
    """Each trigger under a key no other takes: its name (the PostgreSQL one where a pair's
    sides differ), or, for a name on several tables, its table's name and its own; its
    spelling on each side where it differs goes in ``names``."""
    tables: dict[str, set[str]] = {}
    for t in triggers:
        for name in {t.name, *t.names.values()}:
            tables.setdefault(name.lower(), set()).add(t.table)
    taken: set[str] = set()
    for t in sorted(triggers, key=lambda t: (t.name.lower(), t.table)):
        shared = any(len(tables[n.lower()]) > 1 for n in {t.name, *t.names.values()})
        wanted = f"{t.table}_{t.name}" if shared else t.name
        if identifier_problem(wanted, "") is not None:
            wanted = t.name
        t.name = unique_name(wanted.lower(), taken) if wanted.lower() in taken else wanted
        taken.add(t.name.lower())
        t.names = {d: n for d, n in t.names.items() if n.lower() != t.name.lower()}
    return sorted(triggers, key=lambda t: (t.name.lower(), t.table))
