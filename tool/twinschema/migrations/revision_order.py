"""The order of a revision's operations where it drops a table: drops first, then creates.

Autogenerate writes, in an upgrade, every ``create_table`` (with its indexes) first, then each
table dropped (its ``drop_index`` then ``drop_table``), then the changes of the tables both
sides have (a foreign key moved from the dropped table to the new one); a downgrade is the
reverse. Where a table is dropped and another made with the same index names (``tags`` gone from
domain.yaml and ``labels`` made in its place, the module keeping ``ix_tags_color``,
``tags_pkey``), that order cannot run: the new table's index or key of the old one's name is made
while the old one still holds it ("index ix_tags_color already exists", "relation tags_pkey
already exists"), and on PostgreSQL ``DROP TABLE tags`` is refused while another table's
foreign key still points at it ("other objects depend on it"), which autogenerate drops only
after the table; the downgrade made the foreign key back to ``tags`` before ``tags`` was made
(stranger79 s79mig, exit 3 at ``revision``'s scratch run). Here, in each upgrade and downgrade
that drops a table, the dropped tables' indexes are dropped first; where the dialect refuses to
drop a table a key points at (PostgreSQL: ``DROP_TABLE_REFUSED_UNDER_KEYS``), the foreign keys
pointing at a dropped table go before them and the tables right after (which frees the names of
their keys' indexes, ``tags_pkey``), and elsewhere (SQLite, whose batch copy of a table reads
the tables its keys point at: "NoSuchTableError: tags") the tables are dropped last; then the
rest in autogenerate's order, with a table's changes that make a foreign key to a table the
same operations create moved after that table is made. A revision that drops no table is left
as it is.
"""

from __future__ import annotations

from typing import Any

from alembic.operations import ops

from twinschema.records.dialects import DROP_TABLE_REFUSED_UNDER_KEYS

Key = tuple[str | None, str]


def drops_before_creates(script: Any, dialect: str) -> None:
    """Reorder each upgrade and downgrade of ``script`` (a MigrationScript) that drops a table,
    as the module docstring says; ``dialect`` decides whether the foreign keys pointing at a
    dropped table must be dropped before it."""
    keys_first = DROP_TABLE_REFUSED_UNDER_KEYS[dialect]
    for container in (*script.upgrade_ops_list, *script.downgrade_ops_list):
        container.ops[:] = _ordered(list(container.ops), keys_first)


def _key(op: Any) -> Key:
    return getattr(op, "schema", None), str(getattr(op, "table_name", ""))


def _ordered(items: list[Any], keys_first: bool) -> list[Any]:
    dropped = {_key(op) for op in items if isinstance(op, ops.DropTableOp)}
    if not dropped:
        return items
    created = {_key(op) for op in items if isinstance(op, ops.CreateTableOp)}
    first: list[Any] = []
    drops: list[Any] = []
    tables: list[Any] = []  # the drop_table ops
    rest: list[Any] = []
    for op in items:
        if isinstance(op, ops.DropTableOp):
            tables.append(op)
            continue
        if isinstance(op, ops.ModifyTableOps) and _key(op) in dropped:
            drops.append(op)
            continue
        if keys_first and isinstance(op, ops.ModifyTableOps):
            early = [inner for inner in op.ops if _drops_key_to(inner, dropped)]
            if early:
                first.append(ops.ModifyTableOps(op.table_name, early, schema=op.schema))
                op.ops = [inner for inner in op.ops if not any(inner is e for e in early)]
                if op.is_empty():
                    continue
        rest.append(op)
    rest = _keys_after_their_tables(rest, created)
    if keys_first:
        return first + drops + tables + rest
    return drops + rest + tables


def _drops_key_to(op: Any, tables: set[Key]) -> bool:
    """Whether ``op`` drops a foreign key to one of ``tables``."""
    if not isinstance(op, ops.DropConstraintOp) or op.constraint_type != "foreignkey":
        return False
    made = op._reverse  # the key as autogenerate read it: its referent
    return isinstance(made, ops.CreateForeignKeyOp) and _referent(made) in tables


def _referent(op: ops.CreateForeignKeyOp) -> Key:
    return op.kw.get("referent_schema"), str(op.referent_table)


def _keys_after_their_tables(items: list[Any], created: set[Key]) -> list[Any]:
    """``items`` with each change of a table that makes a foreign key to a table created here
    moved after the last operation on that table, where it came before it."""
    result = list(items)
    for op in items:
        if not isinstance(op, ops.ModifyTableOps) or _key(op) in created:
            continue
        targets = {
            _referent(inner)
            for inner in op.ops
            if isinstance(inner, ops.CreateForeignKeyOp) and _referent(inner) in created
        }
        if not targets:
            continue
        last = max(
            i
            for i, other in enumerate(result)
            if isinstance(other, ops.CreateTableOp | ops.ModifyTableOps) and _key(other) in targets
        )
        at = next(i for i, other in enumerate(result) if other is op)
        if at < last:
            result.insert(last, result.pop(at))
    return result
