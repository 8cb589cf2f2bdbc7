"""The native PostgreSQL enum types a PostgreSQL revision's new columns need, made and dropped.

Alembic's ``op.create_table`` makes the enum type of a column (SQLAlchemy's table events run
``CREATE TYPE``), but ``op.add_column`` does not: a module's ``sa.Column('kind', sa.Enum('a',
'b', name='items_kind'))`` added to an existing table was written as the ``add_column`` alone,
and ``migrate remote`` failed with ``type "items_kind" does not exist``. And ``op.drop_table``
leaves the type behind (the rendered ``op.drop_table('tags')`` names no column), so a revision
that created a table with a new enum went down and could not come up again (``type
"items_kind" already exists``).

``make_enum_types`` rewrites a PostgreSQL revision: each native enum type that the scratch
database at head does not hold and that the upgrade's columns use (an ``add_column``'s or a
``create_table``'s, an array of one too) is created by ``op.execute("CREATE TYPE ...")`` before
the first ``add_column`` that needs it, unless a ``create_table`` before it makes it; the
downgrade drops it (``DROP TYPE IF EXISTS``) after the last ``drop_column`` or ``drop_table``
that uses it. A type the database holds already (another column uses it) is neither made nor
dropped, and a ``create_table`` whose column reuses it (or one the revision made before) writes
that column's type as ``postgresql.ENUM(..., create_type=False)``: ``create_table`` made it
again (``type "items_kind" already exists``). Plain SQL text, not
``sa.Enum(...).create(op.get_bind())``: ``twinschema lint`` and ``migrate``'s lint run an
upgrade without a database, where there is no bind, and read a ``CREATE``/``DROP`` statement
as a schema change that moves no row. An enum whose labels change
is not written by Alembic (its type comparison does not read labels); ``revision``'s "not
written" warning says so (README).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa
from alembic.operations import ops
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import CreateEnumType, DropEnumType

from twinschema.records.dialects import as_read

# A colon ``sa.text`` reads as a bind parameter (``op.execute`` of a string is ``sa.text``): one
# not after a word character, a colon or a backslash, before a word character. Escaped ``\:``.
_BIND = re.compile(r"(?<![:\w\\]):(?=\w)")

Key = tuple[str | None, str]


def make_enum_types(context: Any, script: Any) -> None:
    """Create, in each upgrade of ``script`` (a MigrationScript), the native enum types its new
    columns need, and drop them in its downgrade (see the module docstring). ``context``: the
    MigrationContext on the scratch database at head."""
    connection = context.connection
    dialect = as_read(connection.dialect)
    for upgrade, downgrade in zip(script.upgrade_ops_list, script.downgrade_ops_list, strict=True):
        new: dict[Key, sa.Enum] = {}
        kept: list[Any] = []
        for op in upgrade.ops:
            held = {
                key
                for key, _ in _enums(op)
                if key in new or connection.dialect.has_type(connection, key[1], schema=key[0])
            }
            if isinstance(op, ops.CreateTableOp):
                op.columns = [_not_made(c, held) for c in op.columns]
            for key, type_ in _enums(op):
                if key in held or key in new:
                    continue
                new[key] = type_
                if not isinstance(op, ops.CreateTableOp):
                    kept.append(ops.ExecuteSQLOp(_sql(CreateEnumType(type_), dialect)))
            kept.append(op)
        upgrade.ops = kept
        if new:
            downgrade.ops = _dropped(downgrade.ops, new, dialect)


def _not_made(column: Any, held: set[Key]) -> Any:
    """``column`` (of a ``create_table``), or where its enum type is one of ``held`` (the
    database holds it, or the revision made it before), a copy whose type is
    ``postgresql.ENUM(..., create_type=False)``: ``create_table`` would make it again (``type
    ... already exists``). The module's own column is left as it is."""
    found = dict(_enums_of([column])) if isinstance(column, sa.Column) else {}
    if not found.keys() & held:
        return column
    ((key, type_),) = found.items()
    copy = column._copy()
    kept = postgresql.ENUM(*type_.enums, name=key[1], schema=key[0], create_type=False)
    if isinstance(copy.type, sa.ARRAY):
        array: Any = copy.type.copy()
        array.item_type = kept
        copy.type = array
    else:
        copy.type = kept
    return copy


def _dropped(operations: list[Any], new: dict[Key, sa.Enum], dialect: sa.Dialect) -> list[Any]:
    """``operations`` (a downgrade's) with a ``DROP TYPE IF EXISTS`` of each type of ``new``
    after the last operation that uses it."""
    last: dict[Key, int] = {}
    for at, op in enumerate(operations):
        for key, _ in _enums(op):
            if key in new:
                last[key] = at
    result: list[Any] = []
    for at, op in enumerate(operations):
        result.append(op)
        for key in sorted((k for k, i in last.items() if i == at), key=str):
            drop = _sql(DropEnumType(new[key]), dialect)
            result.append(ops.ExecuteSQLOp(drop.replace("DROP TYPE", "DROP TYPE IF EXISTS", 1)))
    return result


def _sql(statement: sa.schema.ExecutableDDLElement, dialect: sa.Dialect) -> str:
    """``statement`` as ``op.execute`` sends it to the server (``sa.text``'s colons escaped)."""
    return escape_binds(str(statement.compile(dialect=dialect)))


def escape_binds(sql: str) -> str:
    """``sql`` as ``op.execute`` is to send it to the server: each colon ``sa.text`` would read
    as a bind parameter escaped (``\\:``); a cast's ``::`` is left as it is."""
    return _BIND.sub(r"\\:", sql)


def _enums(op: Any) -> Iterator[tuple[Key, sa.Enum]]:
    """The native enum types with a name that the columns ``op`` adds, creates or drops use
    (a table's, a column's, those of a ``ModifyTableOps``), by ``(schema, name)``."""
    return _enums_of(_columns(op))


def _enums_of(columns: Iterable[sa.Column[Any]]) -> Iterator[tuple[Key, sa.Enum]]:
    """The native enum types with a name (made by SQLAlchemy: not ``create_type=False``) of
    ``columns``, an array's items' too."""
    for column in columns:
        type_ = column.type
        if isinstance(type_, sa.ARRAY):
            type_ = type_.item_type
        if (
            isinstance(type_, sa.Enum)
            and type_.native_enum
            and isinstance(type_.name, str)
            and getattr(type_, "create_type", True)
        ):
            yield (type_.schema, type_.name), type_


def _columns(op: Any) -> Iterator[sa.Column[Any]]:
    if isinstance(op, ops.ModifyTableOps):
        for inner in op.ops:
            yield from _columns(inner)
    elif isinstance(op, ops.AddColumnOp):
        yield op.column
    elif isinstance(op, ops.DropColumnOp) and op._reverse is not None:
        yield op._reverse.column
    elif isinstance(op, ops.CreateTableOp):
        yield from (c for c in op.columns if isinstance(c, sa.Column))
    elif isinstance(op, ops.DropTableOp) and op._reverse is not None:
        yield from (c for c in op._reverse.columns if isinstance(c, sa.Column))
