"""Recording mode: a revision's upgrade() or downgrade() run against an Operations that
records each operation instead of running it, on an offline MigrationContext of the chain's
dialect: no database is touched."""

from __future__ import annotations

import inspect
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType, TracebackType
from typing import Any

from alembic.operations import BatchOperations, Operations, ops as alembic_ops
from alembic.runtime.migration import MigrationContext
from alembic.script import Script

from twinschema.migrations.migrate_chain import UPGRADE

# The dialect names Alembic uses for each of ours.
_ALEMBIC_DIALECT = {"sqlite": "sqlite", "postgresql": "postgresql"}


@dataclass
class _BatchTarget:
    """What ``BatchOperations`` needs of its impl to build operations: the table it alters."""

    table_name: str
    schema: str | None


@dataclass(frozen=True)
class Batch:
    """A ``batch_alter_table`` block: its table, its ``recreate`` argument, the operations it
    recorded (``Recording.operations[start:end]``) and the line of the block."""

    table: str
    recreate: str
    start: int
    end: int
    line: int
    table_args: tuple[Any, ...] = ()  # the constraints the block gives the copy (table_args=)
    # The columns and constraints that stand in for the reflected ones (reflect_args=).
    reflect_args: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Recording:
    """What a revision's ``upgrade()`` invoked, with the line of each call in the revision."""

    operations: list[tuple[Any, int]]
    error: BaseException | None = None  # what stopped upgrade() early, if anything
    error_line: int = 1
    batches: tuple[Batch, ...] = ()  # its batch_alter_table blocks, in order


def record_upgrade(script: Script, dialect: str) -> Recording:
    """The operations ``script``'s ``upgrade()`` invokes, recorded without running them; and the
    exception that stopped it early, if any (operations up to that point are kept)."""
    return record(script, dialect, UPGRADE)


def record(script: Script, dialect: str, direction: str) -> Recording:
    """The operations ``script``'s ``upgrade()`` or ``downgrade()`` (``direction``) invokes,
    recorded as ``record_upgrade`` does."""
    context = MigrationContext.configure(
        dialect_name=_ALEMBIC_DIALECT[dialect],
        opts={"as_sql": True, "output_buffer": io.StringIO()},
    )
    recorded: list[tuple[Any, int]] = []
    batches: list[Batch] = []
    source = os.path.realpath(script.path)

    def line_in_revision(frame: FrameType | None) -> int:
        found = 1
        while frame is not None:
            if os.path.realpath(frame.f_code.co_filename) == source:
                return frame.f_lineno
            frame = frame.f_back
        return found

    def invoke(operation: Any) -> Any:
        recorded.append((operation, line_in_revision(inspect.currentframe())))
        if isinstance(operation, alembic_ops.CreateTableOp):
            return operation.to_table(context)  # for op.bulk_insert(op.create_table(...), rows)
        return None

    @contextmanager
    def batch_alter_table(
        table_name: str, schema: str | None = None, recreate: str = "auto", **kw: Any
    ) -> Iterator[BatchOperations]:
        batch = BatchOperations(context, impl=_BatchTarget(table_name, schema))  # type: ignore[arg-type]
        batch.invoke = invoke  # type: ignore[method-assign]
        start, line = len(recorded), line_in_revision(inspect.currentframe())
        yield batch
        if schema is None:
            args = tuple(kw.get("table_args") or ())
            reflected = tuple(kw.get("reflect_args") or ())
            batches.append(Batch(table_name, recreate, start, len(recorded), line, args, reflected))

    # Operations.context installs ``alembic.op`` as a proxy to the Operations it yields (and
    # removes it when the block ends); instance attributes shadow its methods.
    with Operations.context(context) as operations:
        operations.invoke = invoke  # type: ignore[method-assign]
        operations.batch_alter_table = batch_alter_table  # type: ignore[method-assign,assignment]
        try:
            getattr(script.module, direction)()
        except Exception as exc:  # the revision's own code: whatever it raises, report it
            lines = [
                tb.tb_lineno
                for tb in _tracebacks(exc.__traceback__)
                if os.path.realpath(tb.tb_frame.f_code.co_filename) == source
            ]
            return Recording(recorded, exc, lines[-1] if lines else 1, tuple(batches))
    return Recording(recorded, batches=tuple(batches))


def _tracebacks(tb: TracebackType | None) -> Iterator[TracebackType]:
    while tb is not None:
        yield tb
        tb = tb.tb_next
