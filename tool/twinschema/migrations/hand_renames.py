"""A rename domain.yaml makes that no revision makes yet, already made by hand on a live database
at its chain's head (stranger75 012).

domain.yaml renames a column (``battery_v: {name: battery_volts}``), the modules follow, no
revision is written yet, and someone runs ``ALTER TABLE chip RENAME battery_v TO
battery_volts`` on the server. The module and the database then agree (the live layer is in
sync), the chain's head is one rename behind its module (``rename_pending``, write a revision),
and the database's tables were compared with nothing else: the database-vs-chain line said in
sync, and the revision the hints ask for then fails there (``column "battery_v" does not
exist``).

The rule is narrow, so that a database's own names are never taken for drift: it looks only at
the renames pending between the chain's head and its module (``chain_read_through``: the chain
builds the old name, domain.yaml gives the new one), and only at a database whose
alembic_version is that head, so the chain at the database's own revision is the head the
scratch run built. Such a rename is reported where that database holds the new name and not
the old one, as its dialect matches names (SQLite whatever their case). Near misses: the rename
made by a revision and migrated (nothing pending: nothing said); the rename pending and the
database untouched (the live layer's ``rename_pending``); an adopted file whose names are its
own, ``placedAt`` against a domain's ``placed_at`` (nothing pending)."""

from __future__ import annotations

from collections.abc import Callable

from twinschema.hints import REVISION_COMMAND
from twinschema.layers.pending_renames import KIND as PENDING, History, chain_read_through
from twinschema.layers.renamed_ahead import has_column, table_named
from twinschema.migrations.migrations_chain import LAYER, STATE
from twinschema.model import Schema
from twinschema.records import Difference, Side
from twinschema.records.dialects import name_key
from twinschema.records.domain import Domain
from twinschema.sources import make_canonical
from twinschema.sql_names import sql_name

__all__ = ["renamed_by_hand"]


def renamed_by_hand(
    live: Side,
    head: tuple[Schema, str],
    model: Side,
    domain: Domain,
    history: Callable[[], History],
) -> list[Difference]:
    """Each table or column that ``live`` (a database at its chain's head, as read) holds under
    the name domain.yaml gives it where ``head`` (the chain's head as its scratch database was
    read, and how reports name it) still builds the old one, a rename no revision makes yet:
    a ``migration_state`` difference under that database against its chain, since the revision
    that renames it will fail there. ``model``: the dialect's metadata module; ``history``:
    the chain's renames."""
    raw, label = head
    if _names(live.schema) == _names(raw):
        return []  # (the database has every name its chain builds: nothing renamed by hand)
    built = Side(make_canonical(raw, domain), label, label, role="chain")
    _, _, pending = chain_read_through(built, model, raw, domain, history)
    dialect = live.schema.dialect
    found: list[Difference] = []
    moved = {d.table: d.left for d in pending if d.kind == PENDING and d.column is None}
    for d in pending:
        if d.kind != PENDING or d.left is None or d.right is None:
            continue
        old, now = d.left, d.right  # the chain's name, the module's
        if d.column is None:
            held = table_named(live.schema, now, dialect) is not None
            held = held and table_named(live.schema, old, dialect) is None
            where = None
        else:
            table = domain.tables[d.table or ""].physical(dialect)
            mine = table_named(live.schema, table, dialect) or table_named(
                live.schema, moved.get(d.table) or table, dialect
            )
            held = (
                mine is not None
                and has_column(mine, now, dialect)
                and not has_column(mine, old, dialect)
            )
            where = mine.name if mine is not None else None
        if held:
            found.append(_difference(d, live, label, where))
    return found


def _difference(pending: Difference, live: Side, chain: str, table: str | None) -> Difference:
    """The hand rename of ``pending`` (the chain's rename_pending against its module: ``left``
    the chain's name, ``right`` the module's) on ``live``; ``chain``: how reports name the
    chain's head; ``table``: the database's name of
    the column's table (None for a table)."""
    old, now = pending.left or "", pending.right or ""
    if table is None:
        what, back = f"table {now}", f"ALTER TABLE {sql_name(now)} RENAME TO {sql_name(old)}"
    else:
        what = f"column {table}.{now}"
        back = f"ALTER TABLE {sql_name(table)} RENAME COLUMN {sql_name(now)} TO {sql_name(old)}"
    database = live.short or live.label
    return Difference(
        layer=LAYER,
        kind=STATE,
        table=pending.table,
        column=pending.column,
        name=pending.name,
        left=now,
        right=old,
        message=(
            f"{what} of {database} is {old} in what its chain builds at the revision the "
            f"database is at ({chain}): renamed by hand to the name domain.yaml gives it, "
            f"before a revision renames it, so that revision will fail there (no {old} to rename)"
        ),
        hint=(
            f"rename it back on the database (`{back}`), write the revision with "
            f"`{REVISION_COMMAND}` and migrate with it; or, once that revision exists and does "
            "nothing else, record it as applied there with `twinschema stamp`"
        ),
        left_source=live.label,
        right_source=chain,
    )


def _names(schema: Schema) -> frozenset[tuple[str, str]]:
    """Every (table, column) name pair of ``schema`` (``(table, "")`` for the table), as its
    dialect matches names."""
    key = name_key(schema.dialect)
    out = {(key(t.name), "") for t in schema.tables.values()}
    out |= {(key(t.name), key(c.name)) for t in schema.tables.values() for c in t.columns}
    return frozenset(out)
