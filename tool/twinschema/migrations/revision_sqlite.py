"""A plain column dropped in a SQLite revision, as SQLite's own ``ALTER TABLE ... DROP COLUMN``.

With ``render_as_batch``, Alembic writes every SQLite change in ``batch_alter_table``, and a
dropped column makes the batch recreate the table (copy, drop, rename) from its reflection,
which leaves out what SQLAlchemy cannot reflect: an unnamed CHECK and an index on an
expression (Alembic warns, once, at migrate time). So the downgrade of a revision adding one
nullable column lost them, and the chain failed its own round trip (a new user's round 23). SQLite
3.35 (2021) drops a column in place, keeping everything else. A batch block whose operations all
drop plain columns is written as ``op.drop_column`` instead: a column that no key, index, CHECK,
foreign key or generated column of the module's table names (any of which SQLite refuses to
drop in place; a batch block with anything else keeps the batch)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import renderers
from alembic.operations import ops

from twinschema.alembic_batch_fts import rebuild_statement, rowid_readers
from twinschema.alembic_batch_indexes import mentions
from twinschema.alembic_declared import NO_UNNAMED_CHECKS
from twinschema.alembic_indexes import is_expression_index
from twinschema.errors import UsageError


def native_drop_columns(context: Any, script: Any) -> None:
    """Rewrite, in a MigrationScript's upgrade and downgrade, each batch block that only drops
    plain columns into ``op.drop_column`` (see the module docstring)."""
    metadata = context.opts.get("target_metadata")
    if not isinstance(metadata, sa.MetaData):
        return
    for container in (*script.upgrade_ops_list, *script.downgrade_ops_list):
        rewritten: list[Any] = []
        for table_ops in container.ops:
            if _plain_drops(table_ops, metadata):
                rewritten.extend(table_ops.ops)
            else:
                rewritten.append(table_ops)
        container.ops = rewritten


def _plain_drops(table_ops: Any, metadata: sa.MetaData) -> bool:
    if not isinstance(table_ops, ops.ModifyTableOps) or not table_ops.ops:
        return False
    key = f"{table_ops.schema}.{table_ops.table_name}" if table_ops.schema else table_ops.table_name
    table = metadata.tables.get(key)
    return all(
        isinstance(op, ops.DropColumnOp) and not _named_by_anything(table, op.column_name)
        for op in table_ops.ops
    )


def _named_by_anything(table: sa.Table | None, column: str) -> bool:
    """True when a key, index, constraint or generated column of ``table`` names ``column``
    (as a column or as a word of an expression: an unknown table counts as naming it)."""
    if table is None:
        return True
    texts: list[str] = []
    for constraint in table.constraints:
        texts.extend(c.name for c in getattr(constraint, "columns", ()))
        if isinstance(constraint, sa.ForeignKeyConstraint):
            texts.extend(str(e.target_fullname) for e in constraint.elements)
        if isinstance(constraint, sa.CheckConstraint):
            texts.append(str(constraint.sqltext))
    for index in table.indexes:
        texts.extend(str(e) for e in index.expressions)
        texts.extend(str(v) for v in index.dialect_kwargs.values() if v is not None)
    for other in table.columns:
        computed = other.computed
        if computed is not None:
            texts.append(str(computed.sqltext))
        texts.extend(fk.target_fullname for fk in other.foreign_keys)
    return any(mentions(text, column) for text in texts)


# Names for the keys a SQLite batch reflects without one (stranger32 case 055). SQLite keeps a
# foreign key or UNIQUE without a name (``init`` writes one so), and a batch can drop or make
# a constraint only by name: Alembic renders a changed key as ``drop_constraint(None, ...)``
# and ``create_foreign_key(None, ...)``, which fail at migrate ("Constraint must have a
# name"). Alembic's way out is a naming convention for the batch's reflection: each unnamed
# key of the copied table is named by it, so the old key is dropped, and the new one made, by
# that name. Names are not compared (``ForeignKey.name``), so the module may keep its keys
# unnamed. The batch copies the table from its reflection, which leaves out its unnamed CHECKs:
# those the table holds at the chain's head are passed back in ``table_args``.
CONVENTION = {
    "foreignkey": ("fk", "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s"),
    "unique": ("uq", "uq_%(table_name)s_%(column_0_N_name)s"),
}


class NamedKeysBatch(ops.ModifyTableOps):
    """A batch block rendered with ``naming_convention=`` (``convention``), and the table's
    unnamed CHECKs (``checks``, their SQL) in ``table_args=``: see CONVENTION."""

    def __init__(
        self, table_ops: ops.ModifyTableOps, convention: dict[str, str], checks: tuple[str, ...]
    ) -> None:
        super().__init__(table_ops.table_name, table_ops.ops, schema=table_ops.schema)
        self.convention = convention
        self.checks = checks
        self.none_kept = False  # no unnamed CHECK in the copy, though the table has some


@renderers.dispatch_for(NamedKeysBatch)
def _render_named_keys_batch(autogen_context: Any, op: NamedKeysBatch) -> list[str]:
    plain = ops.ModifyTableOps(op.table_name, op.ops, schema=op.schema)
    lines: list[str] = list(renderers.dispatch(plain)(autogen_context, plain))
    tail = ") as batch_op:"
    assert lines and lines[0].endswith(tail), lines
    args = "".join(f"sa.CheckConstraint({check!r}), " for check in op.checks)
    table_args = f", table_args=({args.rstrip()})" if op.checks else ""
    if op.none_kept:
        table_args = f", table_kwargs={{'info': {{{NO_UNNAMED_CHECKS!r}: True}}}}"
    lines[0] = f"{lines[0][: -len(tail)]}, naming_convention={op.convention!r}{table_args}{tail}"
    return lines


def name_unnamed_keys(context: Any, script: Any) -> None:
    """Give each unnamed foreign key or UNIQUE a SQLite batch block drops or makes, in a
    MigrationScript's upgrade and downgrade, the name CONVENTION gives it, and render the block
    with that convention and the table's unnamed CHECKs at the chain's head (``context``'s
    database; see CONVENTION). Any other constraint without a name is refused."""
    inspector = sa.inspect(context.connection)
    for container in (*script.upgrade_ops_list, *script.downgrade_ops_list):
        container.ops = [_named(table_ops, inspector) for table_ops in container.ops]


def made_by(op: Any) -> Any:
    """The op that makes the constraint of an unnamed constraint op: itself for an add, the
    add a drop reverses (public: ``reverse()``) for a drop; None for a drop Alembic knows
    nothing more of."""
    try:
        return op.reverse() if isinstance(op, ops.DropConstraintOp) else op
    except ValueError:
        return None


def _named(table_ops: Any, inspector: Any) -> Any:
    if not isinstance(table_ops, ops.ModifyTableOps):
        return table_ops
    convention: dict[str, str] = {}
    for op in table_ops.ops:
        if not isinstance(op, ops.DropConstraintOp | ops.AddConstraintOp):
            continue
        if getattr(op, "constraint_name", None):
            continue
        made = made_by(op)
        kind = op.constraint_type
        name = _convention_name(table_ops.table_name, made)
        if kind not in CONVENTION or name is None:
            raise UsageError(
                f"sqlite: table {table_ops.table_name}: the revision would drop or make an "
                f"unnamed {kind or 'constraint'}, which a SQLite batch cannot do; give it a "
                "name in the SQLite metadata module, or write this step of the revision by hand"
            )
        token, pattern = CONVENTION[kind]
        convention[token] = pattern
        setattr(op, "constraint_name", name)  # noqa: B010 (AddConstraintOp declares none)
    if not convention:
        return table_ops
    checks = tuple(
        str(check["sqltext"])
        for check in inspector.get_check_constraints(table_ops.table_name, table_ops.schema)
        if not check.get("name")
    )
    return NamedKeysBatch(table_ops, convention, checks)


def _convention_name(table: str, made: Any) -> str | None:
    """The name CONVENTION gives the key ``made`` (the op that makes it) on ``table``."""
    if isinstance(made, ops.CreateForeignKeyOp):
        return f"fk_{table}_{'_'.join(made.local_cols)}_{made.referent_table}"
    if isinstance(made, ops.CreateUniqueConstraintOp):
        return f"uq_{table}_{'_'.join(made.columns)}"
    return None


def rebuild_renumbered_fts(context: Any, script: Any) -> None:
    """After each batch block, in a MigrationScript's upgrade and downgrade, that copies a table
    an external content FTS table reads by a rowid the copy renumbers (``alembic_batch_fts``;
    stranger61 005), the statement rebuilding that FTS table (``op.execute``), so that its
    index maps to the copied rows: unless the block drops or renames a column the FTS table
    reads, which cannot be rebuilt then (``check`` reports it broken)."""
    connection = context.connection

    def rebuilds(table: str, gone: set[str]) -> list[str]:
        return [
            rebuild_statement(fts)
            for fts, columns in rowid_readers(connection, table)
            if not gone & {c.lower() for c in columns}
        ]

    after_each_copy(script, rebuilds)


def after_each_copy(script: Any, statements: Callable[[str, set[str]], list[str]]) -> None:
    """After each batch block, in a MigrationScript's upgrade and downgrade, that copies a table,
    an ``op.execute`` of each of ``statements(table, gone)``: ``gone``, the lower-case names of
    the columns the block drops or renames (what the copy then lacks)."""
    for container in (*script.upgrade_ops_list, *script.downgrade_ops_list):
        rewritten: list[Any] = []
        for table_ops in container.ops:
            rewritten.append(table_ops)
            if not isinstance(table_ops, ops.ModifyTableOps) or table_ops.schema:
                continue
            copied = getattr(table_ops, "checks", None) is not None  # a CHECKs batch copies
            if not copied and not any(batch_copies(op) for op in table_ops.ops):
                continue
            gone = {
                op.column_name.lower()
                for op in table_ops.ops
                if isinstance(op, ops.DropColumnOp)
                or (isinstance(op, ops.AlterColumnOp) and op.modify_name is not None)
            }
            sql = statements(table_ops.table_name, gone)
            rewritten.extend(ops.ExecuteSQLOp(statement) for statement in sql)
        container.ops = rewritten


def batch_copies(op: Any) -> bool:
    """Whether a batch operation makes SQLite's batch copy the table, as Alembic decides it
    (``SQLiteImpl.requires_recreate_in_batch``): all but an index made or dropped and a column
    added without an expression default or a stored generated expression."""
    if isinstance(op, ops.CreateIndexOp | ops.DropIndexOp):
        return False
    if not isinstance(op, ops.AddColumnOp):
        return True
    default = op.column.server_default
    if isinstance(default, sa.DefaultClause):
        return isinstance(default.arg, sa.ClauseElement)
    return isinstance(default, sa.Computed) and bool(default.persisted)


def expression_indexes_after_copy(context: Any, script: Any) -> None:
    """Each index on an expression that a batch block which copies its table makes, in a
    MigrationScript's upgrade and downgrade, made after the block instead (``op.create_index``):
    Alembic's batch makes the indexes it is given over the copy's columns by name, so
    ``batch_op.create_index(..., [sa.literal_column('lower(label)')])`` failed with
    ``KeyError: 'lower(label)'`` (stranger74 009). After the block, the index is made by its own
    statement on the copied table, as ``migrate`` would make it outside a batch."""
    del context  # the same signature as every step of ``sqlite_directives``
    for container in (*script.upgrade_ops_list, *script.downgrade_ops_list):
        rewritten: list[Any] = []
        for table_ops in container.ops:
            rewritten.append(table_ops)
            if not isinstance(table_ops, ops.ModifyTableOps):
                continue
            copied = getattr(table_ops, "checks", None) is not None
            if not copied and not any(batch_copies(op) for op in table_ops.ops):
                continue
            moved = [op for op in table_ops.ops if _makes_expression_index(op)]
            table_ops.ops[:] = [op for op in table_ops.ops if op not in moved]
            rewritten.extend(moved)
        container.ops = rewritten


def _makes_expression_index(op: Any) -> bool:
    """True for an ``op`` that makes an index with an element that is no plain column."""
    return isinstance(op, ops.CreateIndexOp) and is_expression_index(op.to_index())
