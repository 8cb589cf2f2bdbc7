"""A table renamed through domain.yaml ``names:`` or ``name:`` as one table renamed (stranger61 024).

A table keeps its logical name and gets another spelling on a dialect (``tags: {names: {sqlite:
labels}}``): the metadata module, which spells every name through the domain, then names
``labels``, and autogenerate, which knows nothing of the domain, saw ``tags`` dropped and
``labels`` created (and, on SQLite, a batch re-pointing each key of another table). Written so,
the revision lost every row (``migrate`` refused it: the lint) and could not run at all (the
batch met no ``tags``). The domain says it is one table: where the database at the chain's head
lacks the table's name on the dialect and holds one of the names it may have had before (its
logical name, its name on the other dialect; or, for a table the other dialect's chain already
has, the one table at head no table of domain.yaml names on the dialect now), the scratch
database at head is renamed first (``ALTER TABLE ... RENAME TO``, as the revision will do), so
that autogenerate writes only what changes beyond the rename; the revision then starts with
``op.rename_table(old, new)`` and its downgrade ends with the rename back. Both databases keep
the rows, indexes, keys and CHECKs; SQLite's rename rewrites the ``REFERENCES`` of the tables
pointing at it (and the triggers and views naming it), PostgreSQL's keys follow the table.
Two candidates for one table, or one name two tables may have had, and nothing is guessed: a
table removed from the domain and another added under a logical name of its own stays a drop
and a create. A table renamed again (stranger64 009: ``{sqlite: labels}`` -> ``{sqlite:
categories}``, ``name: accounts`` -> ``name: members``) had, besides those names, each name an
``op.rename_table`` of the chain gave it (``history``): its logical name renamed to ``accounts``
in one revision makes ``accounts`` a name it had, however many tables no file names (an FTS5
table's shadow tables) the database at head holds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import renderers
from alembic.operations import ops

from twinschema.alembic_virtual import virtual_tables
from twinschema.migrations.chain_renames import Renamed as Renamed, names_had
from twinschema.migrations.revision_renames import Before, Heads
from twinschema.records.dialects import name_key
from twinschema.records.domain import Domain

# Alembic's own table, never a user's table renamed.
_VERSION_TABLE = "alembic_version"


def tables_renamed(
    domain: Domain | None,
    dialect: str,
    at_head: Sequence[str],
    heads: Heads | None = None,
    history: Sequence[Renamed] = (),
) -> list[Renamed]:
    """The tables of ``dialect`` renamed in domain.yaml since the chain's head (whose tables
    are ``at_head``): (old name, new name) each; see the module docstring. ``heads``, each
    dialect's tables at its chain's head, when known; ``history``, the chain's table renames
    (``chain_renames``)."""
    if domain is None:
        return []
    key = name_key(dialect)
    held = {key(name): name for name in at_head if name != _VERSION_TABLE}
    named = {key(t.physical(dialect)) for t in domain.tables.values()}
    dropped = [name for k, name in held.items() if k not in named]
    if not dropped:
        return []
    olds: dict[str, frozenset[str]] = {}
    for table in domain.tables.values():
        now = table.physical(dialect)
        if dialect not in table.dialects or key(now) in held:
            continue
        named_once = frozenset(key(n) for n in {table.name, *table.names.values()})
        before = names_had(named_once, history, key) - {key(now)}
        known = any(
            table.physical(other) in (heads or {}).get(other, {})
            for other in table.dialects
            if other != dialect
        )
        taken = frozenset(named) if known else None
        found = Before(before, taken).among(key(now), [key(n) for n in dropped])
        olds[now] = frozenset(held[k] for k in found)
    claims = Counter(old for names in olds.values() for old in names)
    renamed: list[Renamed] = []
    for now, names in sorted(olds.items()):
        if len(names) == 1 and claims[next(iter(names))] == 1:
            renamed.append((next(iter(names)), now))
    return renamed


def rename_at_head(
    connection: sa.Connection,
    domain: Domain | None,
    dialect: str,
    heads: Heads | None,
    history: Sequence[Renamed] = (),
) -> list[Renamed]:
    """Rename each table ``tables_renamed`` finds in the scratch database at the chain's head
    (the ``connection``'s), as the revision's ``op.rename_table`` will: autogenerate then
    compares the module with the tables under their new names. The tables so renamed."""
    # A virtual table and its shadow tables are no table a rename can be of: counted, a first
    # rename whose old name is in no file had several candidates (stranger64).
    virtual = virtual_tables(connection)
    at_head = [t for t in sa.inspect(connection).get_table_names() if t.lower() not in virtual]
    renamed = tables_renamed(domain, dialect, at_head, heads, history)
    quote = connection.dialect.identifier_preparer.quote
    for old, new in renamed:
        connection.exec_driver_sql(f"ALTER TABLE {quote(old)} RENAME TO {quote(new)}")
    return renamed


class RenameTable(ops.RenameTableOp):
    """``op.rename_table``, as a revision writes it (Alembic's autogenerate renders none)."""


@renderers.dispatch_for(RenameTable)
def _render_rename_table(autogen_context: Any, op: RenameTable) -> str:
    prefix = autogen_context.opts.get("alembic_module_prefix") or "op."
    return f"{prefix}rename_table({op.table_name!r}, {op.new_table_name!r})"


def write_renames(script: Any, renamed: Sequence[Renamed]) -> None:
    """Start each upgrade of a MigrationScript with ``op.rename_table(old, new)`` for each table
    of ``renamed``, and end each downgrade with the renames back."""
    if not renamed:
        return
    for container in script.upgrade_ops_list:
        container.ops = [*(RenameTable(old, new) for old, new in renamed), *container.ops]
    for container in script.downgrade_ops_list:
        back = [RenameTable(new, old) for old, new in reversed(renamed)]
        container.ops = [*container.ops, *back]


def unpaired_tables(context: Any, script: Any) -> list[str]:
    """What a person should hear at once of a MigrationScript's upgrade that drops a table and
    creates another with the same columns (names and types): a rename ``revision`` cannot know
    of, since the logical name changed too, written as a drop, which loses every row."""
    notes: list[str] = []
    for container in script.upgrade_ops_list:
        made = {
            _columns_of(context, op.columns): op.table_name
            for op in container.ops
            if isinstance(op, ops.CreateTableOp)
        }
        for op in container.ops:
            reverse = getattr(op, "_reverse", None)  # the table as it was
            if not isinstance(op, ops.DropTableOp) or not isinstance(reverse, ops.CreateTableOp):
                continue
            new = made.get(_columns_of(context, reverse.columns))
            if new is not None:
                notes.append(
                    f"table {op.table_name} dropped and {new} created with the same columns: if "
                    "this is a rename, keep the logical name in domain.yaml and change only its "
                    "name:/names: (`twinschema revision` then writes the rename), or edit the "
                    f"revision to op.rename_table({op.table_name!r}, {new!r}) alone; as written, "
                    f"migrating drops every row of {op.table_name}"
                )
    return notes


def _columns_of(context: Any, items: Sequence[Any]) -> tuple[tuple[str, str], ...]:
    """A table's columns, by name and type as the dialect of ``context`` writes it."""
    found = []
    for column in items:
        if isinstance(column, sa.Column):
            try:
                kind = str(column.type.compile(dialect=context.dialect))
            except sa.exc.SQLAlchemyError:
                kind = repr(column.type)
            found.append((str(column.name), kind))
    return tuple(sorted(found))
