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
made, the clause stays too (it only says "may")."""

from __future__ import annotations

from dataclasses import replace

from twinschema.compare import compare
from twinschema.compare.context import behind_cause
from twinschema.records import Difference, Side
from twinschema.records.domain import Domain

# What such a difference's hint says in place of "migrating it may fix this".
UNTOUCHED = (
    " (the database is behind its chain, but no revision it has not applied yet changes this,"
    " so migrating it will not fix it: it was likely changed by hand; revert the hand edit, or"
    " write the change as a revision)"
)

Touched = frozenset[tuple[str | None, str | None]]


def touched(model: Side, at_revision: Side, domain: Domain | None) -> Touched:
    """The (table, column) pairs, column None for a table's own objects, on which the pending
    revisions change what the chain builds at the database's revision (``at_revision``) into
    what ``model``, the chain's head as its module says it, has."""
    found = compare(model, at_revision, layer="live", domain=domain).differences
    return frozenset((d.table, d.column) for d in found)


def retold(differences: list[Difference], changed: Touched, database: Side) -> list[Difference]:
    """``differences`` (a module against ``database``, behind its chain), each whose hint ends
    "migrating it may fix this" about an object the pending revisions leave as it is (none of
    ``changed`` on its column, or on its table where it names no column) told instead it is a
    hand edit to revert."""
    behind = behind_cause(database.blocked)
    tables = {table for table, _ in changed}
    out = []
    for d in differences:
        if d.ways is not None and d.ways.cause == behind and d.composed:
            hit = (
                d.table is None
                or (d.table, d.column) in changed
                or (d.table, None) in changed
                or (d.column is None and d.table in tables)
            )
            if not hit:
                # The database is named alone, as at head: its "(run: migrate)" is no fix here.
                ways = replace(
                    d.ways,
                    add_to=_alone(d.ways.add_to, database),
                    remove_from=_alone(d.ways.remove_from, database),
                    cause=UNTOUCHED,
                )
                d = d.reworded(ways)
        out.append(d)
    return out


def _alone(fix: str, database: Side) -> str:
    """``fix``, where it is ``database``'s (its name and the command that migrates it), as its
    name alone."""
    return database.named if fix == database.fix else fix
