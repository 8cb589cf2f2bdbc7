"""A difference between a module and its database behind its chain that no pending revision
changes (stranger89 006): its hint said "migrating it may fix this" for a default changed by
hand on the server, while the one pending revision added a column to another table; after
migrating, the difference was still there. The pending revisions change what the chain builds
at the revision the database is at (built on a scratch database, ``Sources.at_revision``) into
what the module says: where the module and that build agree on the object (its table and
column, or its table where it names no column), migrating leaves it as it is, and the hint says
it is a hand edit to revert, and names the database without the command that migrates it, as
at the chain's head. Near miss: where a pending revision does
change it (the module and the build differ there), the clause stays. Where the build cannot be
made, the clause stays too (it only says "may").

What the pending revisions change is read against the chain's head as built (fix94a), not the
module: a module ahead of its chain (an index added to it, no revision written yet) differed
from the build at the database's revision as a pending revision would, and its difference kept
"migrating it may fix this", which no migration does. Where the module and the chain's head
differ on the object itself (its column, or its kind and name), the hint says no revision makes
what the module says: write one (``twinschema revision``), or make the module what the chain
builds (a module behind its chain); where the head cannot be built, the module stands in for it
as before."""

from __future__ import annotations

from dataclasses import replace

from twinschema.compare import compare
from twinschema.compare.context import behind_cause
from twinschema.hints import REVISION_COMMAND
from twinschema.records import Difference, Side
from twinschema.records.domain import Domain

# What such a difference's hint says in place of "migrating it may fix this".
UNTOUCHED = (
    " (the database is behind its chain, but no revision it has not applied yet changes this,"
    " so migrating it will not fix it: it was likely changed by hand; revert the hand edit, or"
    " write the change as a revision)"
)


def off_chain(module: str) -> str:
    """What a difference's hint says in place of "migrating it may fix this" where ``module``
    and its chain's head differ on the object: no revision makes what the module says."""
    return (
        " (the database is behind its chain, but no revision makes what "
        f"{module} says here, so migrating it will not fix it: write the revision (run: "
        f"{REVISION_COMMAND}), or make {module} what the chain builds)"
    )


# What two schemas differ on: (table, column, kind, name) of each difference.
Touched = frozenset[tuple[str | None, str | None, str, str | None]]


def touched(model: Side, at_revision: Side, domain: Domain | None) -> Touched:
    """What ``model`` and ``at_revision`` differ on, each difference's (table, column, kind,
    name), column None for a table's own objects: of the chain's head (``model``) and its build
    at the database's revision, what the pending revisions change; of a module and its chain's
    head, what no revision makes."""
    found = compare(model, at_revision, layer="live", domain=domain).differences
    return frozenset((d.table, d.column, d.kind, d.name) for d in found)


def retold(
    differences: list[Difference],
    changed: Touched,
    database: Side,
    off: Touched = frozenset(),
    model: Side | None = None,
) -> list[Difference]:
    """``differences`` (a module, ``model``, against ``database``, behind its chain), each whose
    hint ends "migrating it may fix this" told instead: where the module and its chain's head
    differ on the object itself (``off``), that no revision makes what the module says;
    else, where the pending revisions leave it as it is (none of ``changed`` on its column, or
    on its table where it names no column), that it is a hand edit to revert."""
    behind = behind_cause(database.blocked)
    tables = {table for table, *_ in changed}
    pairs = {(table, column) for table, column, *_ in changed}
    out = []
    for d in differences:
        if d.ways is not None and d.ways.cause == behind and d.composed:
            hit = (
                d.table is None
                or (d.table, d.column) in pairs
                or (d.table, None) in pairs
                or (d.column is None and d.table in tables)
            )
            cause = None
            if model is not None and _itself(d, off):
                cause = off_chain(model.named)
            elif not hit:
                cause = UNTOUCHED
            if cause is not None:
                # The database is named alone, as at head: its "(run: migrate)" is no fix here.
                ways = replace(
                    d.ways,
                    add_to=_alone(d.ways.add_to, database),
                    remove_from=_alone(d.ways.remove_from, database),
                    cause=cause,
                )
                d = d.reworded(ways)
        out.append(d)
    return out


def _itself(d: Difference, found: Touched) -> bool:
    """True when ``found`` holds a difference on ``d``'s object itself: on its table, its
    column where it names one, else its kind and name (not merely another object of its table,
    which a pending revision may change while migrating fixes this one)."""
    for table, column, kind, name in found:
        if table != d.table:
            continue
        if d.column is not None and column == d.column:
            return True
        if d.column is None and d.name is not None and (kind, name) == (d.kind, d.name):
            return True
    return False


def _alone(fix: str, database: Side) -> str:
    """``fix``, where it is ``database``'s (its name and the command that migrates it), as its
    name alone."""
    return database.named if fix == database.fix else fix
