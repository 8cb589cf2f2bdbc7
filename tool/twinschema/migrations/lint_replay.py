"""The column steps of a SQLite revision made on the lint's in-memory copy of the chain
(``lint_fts.ChainTables``) as Alembic makes them on a real file: a ``batch_alter_table`` block
run by Alembic itself (the copy from reflection, with the block's ``table_args`` and
``reflect_args``; a block of column adds only is ``ALTER TABLE ... ADD COLUMN``), and a plain
``op.add_column`` / ``op.drop_column`` likewise. Without them the copy kept a dropped column's
ON CONFLICT clause (every later batch copy of its table was refused for losing it) and lacked
an added one's (a later copy losing it went through): checked on SQLite 3.40."""

from __future__ import annotations

import warnings
from typing import Any

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations, ops as alembic_ops

from twinschema.migrations.lint_record import Batch

# The plain operations made here; the others are ``ChainTables._make``'s.
COLUMN_STEPS = (alembic_ops.AddColumnOp, alembic_ops.DropColumnOp)
_SAVEPOINT = "twinschema_lint_replay"


def run_batch(connection: sa.Connection, batch: Batch, operations: list[Any]) -> bool:
    """Run ``batch`` (its recorded ``operations``) on ``connection`` as Alembic does; False,
    with nothing changed, where it fails there (a step naming what the copy does not hold)."""

    def block(ops: Operations) -> None:
        with ops.batch_alter_table(
            batch.table,
            recreate=batch.recreate,  # type: ignore[arg-type]
            table_args=tuple(_copy(item) for item in batch.table_args),
            reflect_args=tuple(_copy(item) for item in batch.reflect_args),
        ) as batch_op:
            for operation in operations:
                batch_op.invoke(_copy(operation))

    return _atomic(connection, block)


def run_column_step(connection: sa.Connection, operation: Any) -> bool:
    """Run a plain ``op.add_column`` or ``op.drop_column`` on ``connection``; False, with
    nothing changed, where SQLite refuses it."""
    return _atomic(connection, lambda ops: ops.invoke(_copy(operation)))


def _atomic(connection: sa.Connection, work: Any) -> bool:
    """``work(operations)`` on ``connection`` inside a savepoint, rolled back if it fails."""
    connection.exec_driver_sql(f"SAVEPOINT {_SAVEPOINT}")
    try:
        with warnings.catch_warnings():  # Alembic's (an unnamed CHECK omitted) are the run's
            warnings.simplefilter("ignore")
            work(Operations(MigrationContext.configure(connection=connection)))
    except Exception:  # a step of the revision's own: whatever stops it, the copy stays as was
        connection.exec_driver_sql(f"ROLLBACK TO {_SAVEPOINT}")
        connection.exec_driver_sql(f"RELEASE {_SAVEPOINT}")
        return False
    connection.exec_driver_sql(f"RELEASE {_SAVEPOINT}")
    return True


def _copy(item: Any) -> Any:
    """A fresh copy of a recorded column, constraint or operation's column: one object joins
    only one table, and the recording is read again after the run (``_conflicts_given``)."""
    if isinstance(item, sa.Column) or isinstance(getattr(item, "parent", None), sa.Table):
        return item._copy()  # a constraint not on a table yet is the recording's own
    if isinstance(item, alembic_ops.AddColumnOp):
        return alembic_ops.AddColumnOp(
            item.table_name, item.column._copy(), schema=item.schema, **item.kw
        )
    return item
