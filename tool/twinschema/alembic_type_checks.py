"""A type's own CHECK in a revision only where SQLAlchemy makes it, and once (stranger53 050).

A ``sa.Boolean(create_constraint=True, name=...)`` or an ``sa.Enum(..., create_constraint=True)``
attaches a named CHECK to its column's table, with a rule saying on which dialects it is made:
a Boolean's on a dialect without a native boolean (SQLite, not PostgreSQL), an Enum's where the
enum is not native (``native_enum=False``, or SQLite). Alembic's named-CHECK plugin
(``alembic.ext.checkconstraint_byname``) reads every CHECK of the module's table and ignores
that rule: on PostgreSQL each ``revision`` wrote ``op.create_check_constraint('ck_items_active',
'items', 'active IN (0, 1)')``, which PostgreSQL refuses (``operator does not exist: boolean =
integer``), and wrote it again in every later revision, since the database never has it. And
where the column is new, ``op.add_column`` already makes the type's CHECK (Alembic's
``add_column`` adds the constraints of the column's table), so the plugin's second
``create_check_constraint`` failed with ``constraint ... already exists``.

``drop_type_checks_not_made`` runs after the plugin and takes those operations out of the
revision: the CHECK whose rule says this dialect makes none, and, outside SQLite's batch mode,
the CHECK of a column the same revision adds. SQLite keeps the latter: there ``add_column``
cannot add a constraint, and the batch's ``create_check_constraint`` is what puts the CHECK into
the table it copies (once).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from alembic.operations import ops
from alembic.util import PriorityDispatchResult


def drop_type_checks_not_made(
    autogen_context: Any,
    modify_table_ops: Any,
    schema: str | None,
    tname: str,
    conn_table: sa.Table | None,
    metadata_table: sa.Table | None,
) -> PriorityDispatchResult:
    """Autogenerate's table comparator, run last: remove from ``modify_table_ops`` each CHECK
    added for a type of the module's table that the revision must not create (see the module
    docstring)."""
    if metadata_table is None:
        return PriorityDispatchResult.CONTINUE
    dialect = autogen_context.dialect
    batch = bool(autogen_context.migration_context.opts.get("render_as_batch"))
    added = {op.column.name for op in modify_table_ops.ops if isinstance(op, ops.AddColumnOp)}
    bound = _type_checks(metadata_table)
    kept: list[Any] = []
    for op in modify_table_ops.ops:
        check = bound.get(op.constraint_name) if _adds_a_check(op) else None
        if check is not None and (
            not made_on(check, dialect) or (not batch and _columns(check) & added)
        ):
            continue
        kept.append(op)
    modify_table_ops.ops = kept
    return PriorityDispatchResult.CONTINUE


def made_on(check: sa.CheckConstraint, dialect: sa.Dialect) -> bool:
    """Whether SQLAlchemy creates ``check`` on ``dialect`` (its ``_create_rule``, which a type's
    own CHECK has and reads the ``dialect`` of what it is given; True without one)."""
    rule = check._create_rule
    return rule is None or bool(rule(SimpleNamespace(dialect=dialect)))


def _adds_a_check(op: Any) -> bool:
    return isinstance(op, ops.CreateCheckConstraintOp) and isinstance(op.constraint_name, str)


def _type_checks(table: sa.Table) -> dict[str, sa.CheckConstraint]:
    """The named CHECKs of ``table`` that a column's type made, by name."""
    found = [*table.constraints, *(c for col in table.columns for c in col.constraints)]
    return {
        str(c.name): c
        for c in found
        if isinstance(c, sa.CheckConstraint)
        and getattr(c, "_type_bound", False)
        and isinstance(c.name, str)
    }


def _columns(check: sa.CheckConstraint) -> set[str]:
    """The names of the columns a type's CHECK is about (the column whose type made it)."""
    return {c.name for c in check.columns}
