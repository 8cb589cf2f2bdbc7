"""An index autogenerate drops and makes again only because it names a column the revision
renames (``revision_renames``): left out, as the database's ``RENAME COLUMN`` carries it.

PostgreSQL's indexes follow a column by number; SQLite's ``ALTER TABLE ... RENAME COLUMN``
rewrites each index's SQL with the new name, ``(nick COLLATE NOCASE)`` becoming ``(handle
COLLATE NOCASE)`` (stranger76 004: such an index was dropped and made again in the upgrade and
the downgrade, needlessly). Carried: an index of one name whose elements (a column, or a column
with a ``COLLATE``) and options are the same once the columns are renamed; an index whose
collation, columns, uniqueness or options change beyond that is dropped and made.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from alembic.operations import ops
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BinaryExpression, CollationClause, ColumnClause

# ``nick COLLATE "NOCASE"``, ``"Nick" COLLATE nocase``: a column compared with a collation.
_COLLATED = re.compile(r'\s*("?)([^"\s]+)\1\s+COLLATE\s+("?)(\w+)\3\s*', re.IGNORECASE)


def keep_carried_indexes(table_ops: ops.ModifyTableOps, renamed: Mapping[str, str]) -> None:
    """Leave out of ``table_ops`` each index drop and make that only follow the columns renamed
    (``renamed``: old name to new; see the module docstring)."""
    drops = {str(op.index_name): op for op in table_ops.ops if isinstance(op, ops.DropIndexOp)}
    made = {str(op.index_name): op for op in table_ops.ops if isinstance(op, ops.CreateIndexOp)}
    carried: list[Any] = []
    for name, create in made.items():
        drop = drops.get(name)
        old = getattr(drop, "_reverse", None)  # the index as it was (autogenerate's own)
        if drop is None or not isinstance(old, ops.CreateIndexOp):
            continue
        before = [_element(c) for c in old.columns]
        after = [_element(c) for c in create.columns]
        if (
            None not in before
            and None not in after
            and [(renamed.get(e[0], e[0]), e[1]) for e in before if e] == after
            and bool(old.unique) == bool(create.unique)
            and _options(old.kw, renamed) == _options(create.kw, {})
        ):
            carried += [drop, create]
    table_ops.ops = [op for op in table_ops.ops if not any(op is c for c in carried)]


def _element(column: Any) -> tuple[str, str | None] | None:
    """An index element as (column name, collation upper-cased or None): a column, a column
    ``sa.collate``'d, or the text ``<column> COLLATE <name>`` (as autogenerate reflects it); None
    for any other expression."""
    if isinstance(column, str):
        return column, None
    if isinstance(column, sa.Column):
        return column.name, None
    if isinstance(column, BinaryExpression) and column.operator is operators.collate:
        left, right = column.left, column.right  # ``sa.column(t.nick).collate('NOCASE')``
        named = isinstance(left, ColumnClause) and not left.is_literal
        if named and isinstance(right, CollationClause):
            return left.name, str(right.collation).strip('"').upper()
        return None
    text = getattr(column, "text", None)
    if text is None and isinstance(column, ColumnClause) and column.is_literal:
        text = column.name
    found = _COLLATED.fullmatch(text) if isinstance(text, str) else None
    return (found.group(2), found.group(4).upper()) if found else None


def _options(kw: Mapping[str, Any], renamed: Mapping[str, str]) -> dict[str, Any]:
    """An index's dialect options (``kw``) with the columns they name renamed (``renamed``:
    old name to new): a per-column option such as ``postgresql_ops={'target':
    'text_pattern_ops'}`` by each column's name, ``postgresql_include`` by its columns; any
    other option by its text. The database's ``RENAME COLUMN`` carries an operator class, as
    it does the column (stranger74 004: ``(target text_pattern_ops)`` is ``(object_name
    text_pattern_ops)`` after it, on PostgreSQL)."""
    found: dict[str, Any] = {}
    for key, value in kw.items():
        if isinstance(value, Mapping):
            found[key] = {renamed.get(str(k), str(k)): str(v) for k, v in value.items()}
        elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            found[key] = [renamed.get(v, v) for v in value]
        elif value is not None:
            found[key] = str(value)
    return found
