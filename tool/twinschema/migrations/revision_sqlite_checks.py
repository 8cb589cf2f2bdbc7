"""An unnamed CHECK added to, changed in or removed from a table of the SQLite metadata module
written as a batch copy of that table with every unnamed CHECK the module
gives it (stranger64; changed and removed: stranger66 008).

Alembic's autogenerate compares no CHECK, and its named-CHECK plugin (``alembic_env``) only those
with a name: an unnamed one added to the module made an empty revision, and ``revision`` warned
that the chain's head lacks it. SQLite cannot add a CHECK to a table in place, and a batch can
make a constraint only by name (``Constraint must have a name``); a batch copy leaves out every
unnamed CHECK it reflects, unless ``table_args`` lists CHECKs, which are then the new table's
(Alembic, ``ApplyBatchImpl``). So the revision copies the table (``recreate="always"``) with
``table_args`` listing each unnamed CHECK of the module's table, the new one and the others it
keeps (a list of the new one alone would drop them: fix-batchchecks); its downgrade copies it
back with the unnamed CHECKs the table has at the chain's head. CHECKs are matched by their
text as ``domain.yaml`` allowances match them (``check_key``: whitespace, quotes and case
outside literals aside). A table's first unnamed CHECK,
and its last one removed, make a copy that is to have none (the downgrade's, the upgrade's): a
batch copy whose ``table_args`` lists no CHECK keeps the table's unnamed ones
(``alembic_declared``), so that copy says it with ``table_kwargs={'info':
{NO_UNNAMED_CHECKS: True}}`` instead. A CHECK changed (``length(code) = 4`` made
``length(code) BETWEEN 3 AND 4``) is the old one removed and the new one added: the upgrade's
``table_args`` list the new one and the others the table keeps, the downgrade's the old ones.
A row the new CHECK refuses makes the copy, and so ``migrate``, fail and roll back.
A column the revision renames (``revision_renames``) is renamed in the CHECKs that name it by
SQLite's ``RENAME COLUMN`` itself (3.25 and later): CHECKs that differ only by it are the same,
and no copy is made (stranger68 005: the downgrade's copy, written before the rename back, named
a column the table did not have yet, and failed). A copy made for another change is written in
the downgrade after the renames back, its CHECKs naming the columns as they were."""

from __future__ import annotations

from typing import Any, Literal, overload

import sqlalchemy as sa
from alembic.autogenerate import renderers
from alembic.operations import ops

from twinschema.alembic_declared import NO_UNNAMED_CHECKS
from twinschema.alembic_type_checks import made_on
from twinschema.canonical.folding import renamed_in
from twinschema.migrations.revision_renamed_columns import after_renames, columns_renamed
from twinschema.migrations.revision_sqlite import NamedKeysBatch
from twinschema.records.domain import check_key


class ChecksBatch(ops.ModifyTableOps):
    """A batch block that copies its table (``recreate="always"``) with ``checks`` (their SQL)
    as its unnamed CHECKs, around the table's other operations, if any."""

    def __init__(self, table_name: str, table_ops: list[Any], checks: tuple[str, ...]) -> None:
        super().__init__(table_name, table_ops)
        self.checks = checks


def checks_args(checks: tuple[str, ...]) -> str:
    """The arguments of a batch copy that make ``checks`` (their SQL) the copy's unnamed
    CHECKs: ``table_args`` listing them, and ``table_kwargs`` whose info says they are all
    (``NO_UNNAMED_CHECKS``: a copy listing none would keep the table's; one listing some would
    say each CHECK the revision removes on purpose as the database's loss, stranger66 009)."""
    kwargs = f"table_kwargs={{'info': {{{NO_UNNAMED_CHECKS!r}: True}}}}"
    if not checks:
        return kwargs
    args = " ".join(f"sa.CheckConstraint({check!r})," for check in checks)
    return f"table_args=({args}), {kwargs}"


@renderers.dispatch_for(ChecksBatch)
def _render_checks_batch(autogen_context: Any, op: ChecksBatch) -> list[str]:
    head = (
        f"with op.batch_alter_table({op.table_name!r}, recreate='always', "
        f"{checks_args(op.checks)}) as batch_op:"
    )
    if not op.ops:
        return [head, "pass", ""]
    plain = ops.ModifyTableOps(op.table_name, op.ops)
    lines: list[str] = list(renderers.dispatch(plain)(autogen_context, plain))
    return [head, *lines[1:]]


def unnamed_checks(context: Any, script: Any) -> None:
    """For each table of the module (``context``'s target metadata) whose unnamed CHECKs differ
    from those the table has at the chain's head (``context``'s database; one at least on each
    side), copy it in the upgrade with the module's unnamed CHECKs and back in the downgrade
    with the database's (see the module docstring); a batch block of that table already
    written takes them instead."""
    metadata = context.opts.get("target_metadata")
    if not isinstance(metadata, sa.MetaData) or "ck" in metadata.naming_convention:
        return
    inspector = sa.inspect(context.connection)
    present = set(inspector.get_table_names())
    dialect = context.connection.dialect
    for table in metadata.sorted_tables:
        if table.schema is not None or table.name not in present:
            continue
        module = _module_checks(table, dialect)
        database = tuple(
            str(check["sqltext"])
            for check in inspector.get_check_constraints(table.name)
            if not check.get("name")
        )
        for upgrade, downgrade in zip(
            script.upgrade_ops_list, script.downgrade_ops_list, strict=True
        ):
            renamed = columns_renamed(upgrade, table.name)
            kept = {check_key(renamed_in(c, renamed)) for c in database}
            if {check_key(c) for c in module} == kept:  # whitespace, quotes and case aside
                continue  # the same once RENAME COLUMN has rewritten them (stranger68 005)
            _with_checks(upgrade, table.name, module, at_end=True)
            _with_checks(downgrade, table.name, database, at_end=False)


def changed_named_checks(context: Any, script: Any) -> None:
    """For each named CHECK of the module's tables whose text differs from the one the table
    has under that name at the chain's head (``context``'s database; a column the revision
    renames renamed in it first, as ``RENAME COLUMN`` does), drop it and make the module's in
    the table's batch block of each upgrade, and the reverse in each downgrade (stranger68
    014: Alembic's named-CHECK plugin compares names only, so ``revision`` wrote nothing)."""
    metadata = context.opts.get("target_metadata")
    if not isinstance(metadata, sa.MetaData):
        return
    inspector = sa.inspect(context.connection)
    present = set(inspector.get_table_names())
    for table in metadata.sorted_tables:
        if table.schema is not None or table.name not in present:
            continue
        module = _module_checks(table, context.connection.dialect, named=True)
        if not module:
            continue
        database = {
            str(check["name"]): str(check["sqltext"])
            for check in inspector.get_check_constraints(table.name)
            if check.get("name")
        }
        for upgrade, downgrade in zip(
            script.upgrade_ops_list, script.downgrade_ops_list, strict=True
        ):
            renamed = columns_renamed(upgrade, table.name)
            changed = {
                name: database[name]
                for name, sql in module
                if name in database
                and check_key(renamed_in(database[name], renamed)) != check_key(sql)
            }
            made = dict(module)
            for name, was in sorted(changed.items()):
                _in_block(upgrade, table.name, _remade(table.name, name, made[name]), True)
                _in_block(downgrade, table.name, _remade(table.name, name, was), False)


def _remade(table: str, name: str, sql: str) -> list[Any]:
    """The CHECK ``name`` of ``table`` dropped and made again as ``sql``."""
    return [
        ops.DropConstraintOp(name, table, type_="check"),
        ops.CreateCheckConstraintOp(name, table, sql),
    ]


def _in_block(container: Any, table: str, steps: list[Any], at_end: bool) -> None:
    """``steps`` at the end of ``container``'s block of ``table``, or in a new block: at the
    end of an upgrade, in a downgrade first after the renames of columns back."""
    for table_ops in container.ops:
        if isinstance(table_ops, ops.ModifyTableOps) and table_ops.table_name == table:
            table_ops.ops.extend(steps)
            return
    block = ops.ModifyTableOps(table, steps)
    container.ops.insert(len(container.ops) if at_end else after_renames(container), block)


@overload
def _module_checks(
    table: sa.Table, dialect: sa.engine.Dialect, *, named: Literal[False] = False
) -> tuple[str, ...]: ...
@overload
def _module_checks(
    table: sa.Table, dialect: sa.engine.Dialect, *, named: Literal[True]
) -> tuple[tuple[str, str], ...]: ...
def _module_checks(table: sa.Table, dialect: sa.engine.Dialect, *, named: bool = False) -> Any:
    """The SQL of each unnamed CHECK of the module's ``table`` as SQLite stores it (a CHECK of
    a column's type, ``flag IN (0, 1)``, too: a batch copy of the reflected table makes none);
    with ``named``, each named CHECK's (name, SQL) instead."""
    found: list[Any] = []
    declared = [*table.constraints, *(c for col in table.columns for c in col.constraints)]
    for constraint in dict.fromkeys(declared):  # a type's own unnamed CHECK: a marker for name
        if not isinstance(constraint, sa.CheckConstraint):
            continue
        if isinstance(constraint.name, str) != named:
            continue
        if made_on(constraint, dialect):
            sql = constraint.sqltext.compile(
                dialect=dialect, compile_kwargs={"literal_binds": True, "include_table": False}
            )
            found.append((constraint.name, str(sql)) if named else str(sql))
    return tuple(sorted(found))  # a table's constraints are a set: one order every run


def _with_checks(container: Any, table: str, checks: tuple[str, ...], *, at_end: bool) -> None:
    """``container``'s block of ``table`` given ``checks``, or a new block copying it: at the
    end of an upgrade; in a downgrade first, but after the renames of columns back (which
    ``revision_renames`` writes first), since ``checks`` name the columns as they were."""
    for at, table_ops in enumerate(container.ops):
        if not isinstance(table_ops, ops.ModifyTableOps) or table_ops.table_name != table:
            continue
        if isinstance(table_ops, ChecksBatch):
            table_ops.checks = checks
        elif isinstance(table_ops, NamedKeysBatch):
            table_ops.checks = checks
            table_ops.none_kept = not checks
        else:
            container.ops[at] = ChecksBatch(table, list(table_ops.ops), checks)
        return
    block = ChecksBatch(table, [], checks)
    if at_end:
        container.ops.append(block)
        return
    container.ops.insert(after_renames(container), block)
