"""A column renamed through domain.yaml ``names:`` as one column renamed (stranger46 011).

A column keeps its logical name and gets another spelling on a dialect (``nickname: {names:
{postgresql: nick}}``): the metadata module, which spells every name through the domain, then
names ``nick``, and autogenerate, which knows nothing of the domain, sees ``nickname`` dropped and
``nick`` added. Written so, the revision loses every value (``migrate`` refuses it: the lint).
The domain says it is one column: in a table where the revision adds the column's name on the
dialect and drops one of the names it may have had before (its logical name, or its name on
another dialect), the two become ``op.alter_column(..., new_column_name=...)``: PostgreSQL's
and SQLite's own ``ALTER TABLE ... RENAME COLUMN`` (SQLite 3.25), which keeps the rows, and
the indexes, keys and CHECKs that name the column. The downgrade renames it back. A column
dropped and another added under logical names of their own stays a drop and an add. An index
autogenerate drops and makes again only because it names the column (the same name, columns and
options once the column is renamed) is left alone: the rename carries it. So is a foreign key or
UNIQUE dropped and made again only to follow a renamed column, its own or (a key) the parent
column it points at (stranger50 018): SQLite's ``RENAME COLUMN`` rewrites the ``REFERENCES`` of
the table and of the tables pointing at it, PostgreSQL's keys follow a column by number; written
after the rename, the SQLite batch reflected the key under the new name and failed to drop it by
the old one ("No such constraint"). The renames come first in the revision (a key made in another
table then finds the parent column by its new name), and a key that changes beyond the rename is
dropped, in the upgrade, by the columns it has once they are renamed (the name a SQLite batch
gives an unnamed key it reflects).

A name changed in ``names:`` (``names: {sqlite: fullName}``, as ``init`` writes for a camelCase
column, then ``names: {sqlite: displayName}``; stranger48 W2) is a rename too: the old name is in
no file any more, but a column the other dialect's chain already has at its head (so not a new
logical column) takes the one name the revision drops that no column of the domain's table has
on the dialect now. Two such names dropped, or two such columns added, and nothing is guessed.
"""

from __future__ import annotations

import io
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.operations import ops

from twinschema.config import Config
from twinschema.migrations.chain_renames import ColumnRenamed, Renamed as TableRenamed, names_had
from twinschema.migrations.migrate_chain import HEAD, Target, alembic_config
from twinschema.migrations.migrate_connect import connect
from twinschema.migrations.migrations_alembic import run_step
from twinschema.migrations.revision_renamed_indexes import keep_carried_indexes
from twinschema.records.domain import Domain
from twinschema.urls import parse_url

# dialect -> physical table -> its columns, in a database upgraded to the chain's head.
Heads = Mapping[str, Mapping[str, frozenset[str]]]


@dataclass(frozen=True)
class Before:
    """The names a column may have had on a dialect: ``names`` (its logical name, its names on
    other dialects); and, when another dialect's chain already has the column, any name no
    column of the table has on the dialect now (``taken``, else None)."""

    names: frozenset[str]
    taken: frozenset[str] | None = None

    def among(self, now: str, dropped: Iterable[str]) -> frozenset[str]:
        """The names in ``dropped`` (the revision's, on one side) the column may have had."""
        named = self.names.intersection(dropped)
        if named or self.taken is None:
            return named
        return frozenset(n for n in dropped if n != now and n not in self.taken)


# (physical table, the column's physical name now) -> the names it may have had before.
Renames = Mapping[tuple[str, str], Before]


def renames_of(
    domain: Domain,
    dialect: str,
    heads: Heads | None = None,
    tables: Sequence[TableRenamed] = (),
    columns: Sequence[ColumnRenamed] = (),
) -> Renames:
    """For each column of ``dialect`` the names it may have had before on ``dialect`` (see the
    module docstring): ``heads``, each dialect's tables at its chain's head, when known;
    ``tables`` and ``columns``, the chain's renames of tables and of columns (``history_of``)."""
    found: dict[tuple[str, str], Before] = {}
    for table in domain.tables.values():
        if dialect not in table.dialects:
            continue
        mine = [c for c in table.columns.values() if dialect in c.dialects]
        taken = frozenset(c.physical(dialect) for c in mine)
        table_had = names_had(frozenset({table.name, *table.names.values()}), tables)
        of_table = [(old, new) for t, old, new in columns if t in table_had]
        for column in mine:
            now = column.physical(dialect)
            named = frozenset({column.name, *column.names.values()})
            before = names_had(named, of_table) - {now}
            known = any(
                column.physical(other)
                in (heads or {}).get(other, {}).get(table.physical(other), ())
                for other in column.dialects
                if other != dialect and other in table.dialects
            )
            if before or known:
                found[(table.physical(dialect), now)] = Before(before, taken if known else None)
    return found


def chain_heads(config: Config, urls: Mapping[str, str]) -> Heads:
    """Each dialect's tables and columns at its chain's head: ``urls``' scratch databases
    (one each) upgraded to it."""
    heads: dict[str, dict[str, frozenset[str]]] = {}
    for dialect, url in urls.items():
        run_step(config, (dialect, url), "upgrade", "heads")  # as ``migrate`` does: enum labels
        with connect(Target(dialect, parse_url(url))) as connection:
            cfg = alembic_config(config, dialect, connection=connection, output=io.StringIO())
            command.upgrade(cfg, HEAD)
            inspector = sa.inspect(connection)
            with warnings.catch_warnings():  # only names are read: not a type SQLAlchemy lacks
                warnings.simplefilter("ignore", sa.exc.SAWarning)
                heads[dialect] = {
                    t: frozenset(str(c["name"]) for c in inspector.get_columns(t))
                    for t in inspector.get_table_names()
                }
    return heads


# A table's UNIQUE constraints in the database at the chain's head, each by its columns.
Uniques = Callable[[str], Iterable[tuple[str, ...]]]


def rename_columns(script: Any, renames: Renames, uniques: Uniques | None = None) -> None:
    """Make each add and drop of a MigrationScript's upgrade and downgrade that ``renames`` says
    is one column renamed an ``op.alter_column(..., new_column_name=...)``, written before the
    table's other operations (see the module docstring)."""
    if not renames:
        return
    upgrades = [(c, True) for c in script.upgrade_ops_list]
    for container, upgrade in (*upgrades, *((c, False) for c in script.downgrade_ops_list)):
        altered: list[ops.AlterColumnOp] = []
        for table_ops in container.ops:
            if isinstance(table_ops, ops.ModifyTableOps):
                mine = _renamed(table_ops, renames)
                if mine:
                    renamed = {a.column_name: a.modify_name or a.column_name for a in mine}
                    keep_carried_indexes(table_ops, renamed)
                altered += mine
        if not altered:
            continue
        columns = {(a.table_name, a.column_name): a.modify_name or a.column_name for a in altered}
        rest: list[Any] = []
        for table_ops in container.ops:
            if isinstance(table_ops, ops.ModifyTableOps):
                _keep_carried_keys(table_ops, columns, upgrade)
                if uniques is not None:
                    _keep_carried_uniques(table_ops, columns, uniques)
                if not table_ops.ops:
                    continue
            rest.append(table_ops)
        container.ops = [*altered, *rest]


def _renamed(table_ops: ops.ModifyTableOps, renames: Renames) -> list[ops.AlterColumnOp]:
    """The renames among ``table_ops``' adds and drops, taken out of it."""
    adds = {op.column.name: op for op in table_ops.ops if isinstance(op, ops.AddColumnOp)}
    drops = {op.column_name: op for op in table_ops.ops if isinstance(op, ops.DropColumnOp)}
    found: list[ops.AlterColumnOp] = []
    used: list[Any] = []
    olds: dict[str, frozenset[str]] = {}
    for (table, now), before in sorted(renames.items(), key=lambda item: item[0]):
        if table == table_ops.table_name and now in adds:  # upgrade: old dropped, new added
            olds[now] = before.among(now, drops.keys())
        elif table == table_ops.table_name and now in drops:  # downgrade: new dropped, old added
            olds[now] = before.among(now, adds.keys())
    claims = Counter(old for names in olds.values() for old in names)
    for now, names in olds.items():
        if len(names) != 1 or claims[next(iter(names))] != 1:
            continue  # no old name, or more than one, or one two columns may have had
        (old,) = names
        pair = (drops[old], adds[now]) if now in adds else (drops[now], adds[old])
        if any(op in used for op in pair):
            continue
        drop, add = pair
        used += pair
        found.append(
            ops.AlterColumnOp(
                table_ops.table_name,
                drop.column_name,
                schema=table_ops.schema,
                modify_name=add.column.name,
                existing_type=add.column.type,
                existing_nullable=add.column.nullable,
            )
        )
    table_ops.ops = [op for op in table_ops.ops if not any(op is u for u in used)]
    return found


# (table, column's old name) -> its new name: the renames of one upgrade or downgrade.
Renamed = Mapping[tuple[str, str], str]

# A foreign key's options that are its own, besides its columns, and their default.
_FK_OPTIONS = {"onupdate": "NO ACTION", "ondelete": "NO ACTION", "deferrable": False,
               "initially": "IMMEDIATE", "match": "SIMPLE"}  # fmt: skip


def _keep_carried_keys(table_ops: ops.ModifyTableOps, renamed: Renamed, upgrade: bool) -> None:
    """Leave out each foreign key or UNIQUE drop and make in ``table_ops`` that only follow a
    column renamed (``renamed``): the key made is the key dropped once its columns, and the
    parent columns it points at, are renamed, with the same options. In an ``upgrade``, a key
    dropped that changes beyond that is dropped by the columns it has after the renames: the
    name a SQLite batch gives the database's unnamed key then. (A downgrade drops the key the
    upgrade made, which has the name the upgrade gave it, by the module's columns.)"""
    table = table_ops.table_name
    drops = [op for op in table_ops.ops if isinstance(op, ops.DropConstraintOp)]
    made = [
        op
        for op in table_ops.ops
        if isinstance(op, ops.CreateForeignKeyOp | ops.CreateUniqueConstraintOp)
    ]
    carried: list[Any] = []
    for drop in drops:
        old = getattr(drop, "_reverse", None)  # the key as it was (autogenerate's own)
        if not isinstance(old, ops.CreateForeignKeyOp | ops.CreateUniqueConstraintOp):
            continue
        now = _key_renamed(old, table, renamed)
        if now is None:
            continue
        same = next((m for m in made if m not in carried and _key_of(m) == _key_of(now)), None)
        if same is not None:
            carried += [drop, same]
        elif upgrade:
            drop._reverse = now  # dropped after the renames: by the columns it has then
    table_ops.ops = [op for op in table_ops.ops if not any(op is c for c in carried)]


def _keep_carried_uniques(
    table_ops: ops.ModifyTableOps, renamed: Renamed, uniques: Uniques
) -> None:
    """Leave out a UNIQUE made (in an upgrade) or dropped (in a downgrade) alone, with no
    counterpart, that is a UNIQUE of the database at the chain's head (``uniques``) once its
    columns are renamed: Alembic neither drops nor reads back an unnamed SQLite UNIQUE, so it
    wrote the module's UNIQUE over the renamed column as new, beside the one the rename keeps."""
    table = table_ops.table_name
    held = {tuple(renamed.get((table, c), c) for c in cols) for cols in uniques(table)}
    before = {tuple(cols) for cols in uniques(table)}
    carried: list[Any] = []
    for op in table_ops.ops:
        if isinstance(op, ops.CreateUniqueConstraintOp) and tuple(op.columns) in held - before:
            carried.append(op)
        reverse = getattr(op, "_reverse", None)
        if isinstance(op, ops.DropConstraintOp) and isinstance(
            reverse, ops.CreateUniqueConstraintOp
        ):
            now = tuple(renamed.get((table, c), c) for c in reverse.columns)
            if now != tuple(reverse.columns) and now in before:
                carried.append(op)
    table_ops.ops = [op for op in table_ops.ops if not any(op is c for c in carried)]


def _key_renamed(old: Any, table: str, renamed: Renamed) -> Any:
    """The key ``old`` (an op that makes it) with its columns, and its parent columns, renamed
    as ``renamed`` says; None when no column of it is renamed."""
    if isinstance(old, ops.CreateForeignKeyOp):
        local = [renamed.get((table, c), c) for c in old.local_cols]
        remote = [renamed.get((old.referent_table, c), c) for c in old.remote_cols]
        if (local, remote) == (list(old.local_cols), list(old.remote_cols)):
            return None
        return ops.CreateForeignKeyOp(
            old.constraint_name, old.source_table, old.referent_table, local, remote, **old.kw
        )
    columns = [renamed.get((table, c), c) for c in old.columns]
    if columns == list(old.columns):
        return None
    return ops.CreateUniqueConstraintOp(old.constraint_name, old.table_name, columns, **old.kw)


def _key_of(op: Any) -> tuple[Any, ...]:
    """What a key op makes, but its name: its kind, columns, parent and options."""
    if isinstance(op, ops.CreateForeignKeyOp):
        options = tuple(str(op.kw.get(k) or default).upper() for k, default in _FK_OPTIONS.items())
        return ("fk", tuple(op.local_cols), op.referent_table, tuple(op.remote_cols), options)
    kw = {k: v for k, v in op.kw.items() if k not in ("schema",) and v}
    return ("uq", tuple(op.columns), tuple(sorted((k, str(v)) for k, v in kw.items())))


def uniques_at_head(context: Any) -> Callable[[str], list[tuple[str, ...]]]:
    """A table's UNIQUE constraints, by their columns, in ``context``'s database (the scratch
    database at the chain's head)."""
    inspector = sa.inspect(context.connection)

    def of(table: str) -> list[tuple[str, ...]]:
        if table not in inspector.get_table_names():
            return []
        return [tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)]

    return of


def unpaired_renames(context: Any, script: Any) -> list[str]:
    """What a person should hear at once of a MigrationScript's upgrade that, in one table,
    drops columns and adds others of the same type (stranger62 006): a rename ``revision``
    cannot know of, since the logical name changed too (``total_cents`` to ``amount_cents``),
    written as a drop, which loses every value, and an add. One line per table and type."""
    notes: list[str] = []
    for container in script.upgrade_ops_list:
        for table_ops in container.ops:
            if not isinstance(table_ops, ops.ModifyTableOps):
                continue
            by_type: dict[str, tuple[list[str], list[str]]] = {}
            for op in table_ops.ops:
                reverse = getattr(op, "_reverse", None)  # the column as it was
                if isinstance(op, ops.DropColumnOp) and isinstance(reverse, ops.AddColumnOp):
                    by_type.setdefault(_type_of(context, reverse.column), ([], []))[0].append(
                        op.column_name
                    )
                elif isinstance(op, ops.AddColumnOp):
                    by_type.setdefault(_type_of(context, op.column), ([], []))[1].append(
                        op.column.name
                    )
            for kind, (dropped, added) in by_type.items():
                if dropped and added:
                    notes.append(_unpaired(table_ops.table_name, kind, dropped, added))
    return notes


def _type_of(context: Any, column: sa.Column[Any]) -> str:
    """A column's type as the dialect of ``context`` writes it (``INTEGER``)."""
    try:
        return str(column.type.compile(dialect=context.dialect))
    except sa.exc.SQLAlchemyError:
        return repr(column.type)


def _unpaired(table: str, kind: str, dropped: list[str], added: list[str]) -> str:
    noun = "column" if len(dropped) == 1 else "columns"
    old, new = ", ".join(dropped), ", ".join(added)
    both = "both" if len(dropped) + len(added) == 2 else "all"
    example = f"op.alter_column({table!r}, {dropped[0]!r}, new_column_name={added[0]!r})"
    return (
        f"{table}: {noun} {old} dropped and {new} added in the same table, {both} {kind}: if "
        "this is a rename, keep the column's logical name in domain.yaml (its key there) and "
        "change only its name:/names: (`twinschema revision` then writes the rename; where "
        "the logical name was kept and it still did not, change one dialect's name per "
        f"revision), or edit the revision to {example}; as written, migrating drops every "
        f"value of {old}"
    )
