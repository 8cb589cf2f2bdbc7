"""From a raw ``Schema`` (physical names, expressions as each dialect wrote them) to the canonical
one every comparison uses: logical names from the domain, canonical expressions, one form for a
uniqueness rule. The same for every source, so the comparer needs no dialect knowledge.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from twinschema import typemap
from twinschema.domain import IDENTITY, NameMap
from twinschema.expressions import Renames, canonical, is_null
from twinschema.gcpause import without_gc
from twinschema.model import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Policy,
    Schema,
    Table,
    UniqueConstraint,
)

# Kinds whose defaults are numbers, where the literal '0' means 0 and true means 1.
_NUMERIC_KINDS = frozenset({"integer", "bigint", "smallint", "boolean", "numeric", "float"})


@without_gc
def canonicalize(raw: Schema, names: NameMap = IDENTITY) -> Schema:
    """The comparable form of a raw schema: logical names, canonical expressions."""
    tables: dict[str, Table] = {}
    # Canonical columns by the identity of their raw column, for tables that rename nothing:
    # sources share equal columns between tables, so each is normalized once.
    shared: dict[int, Column] = {}
    for physical, table in raw.tables.items():
        logical = names.table(physical)
        tables[logical] = _table(raw.dialect, table, logical, names, shared)
    return replace(raw, tables=tables)  # views, triggers... pass through (see model.Schema)


def _table(
    dialect: str, table: Table, logical: str, names: NameMap, shared: dict[int, Column]
) -> Table:
    physical = table.name
    renamed = names.renames(physical)  # most tables have no renamed column: no lookups then
    # The renames go into the expression cache's key: only the renamed columns, so that tables
    # which rename nothing share their canonical expressions.
    renames: Renames = tuple(renamed.items())

    def col(name: str) -> str:
        return renamed.get(name, name)

    # What needs no rewriting is kept as it is (the same objects): most of a schema.
    if renamed:
        columns = tuple(_column(dialect, c, col(c.name), renames) for c in table.columns)
        uniques = tuple(UniqueConstraint(tuple(map(col, u.columns)), u.name) for u in table.uniques)
    else:
        columns = _shared_columns(dialect, table.columns, shared)
        uniques = table.uniques
    # One rule per set of columns: a full unique index is the same rule as a UNIQUE constraint.
    by_columns: dict[frozenset[str], UniqueConstraint] | None = None
    if len(uniques) > 1:
        by_columns = {}
        for unique in uniques:
            by_columns.setdefault(frozenset(unique.columns), unique)
    indexes: list[Index] = []
    if table.indexes:
        column_names = {c.name for c in table.columns}
    for index in table.indexes:
        plain = all(e in column_names for e in index.expressions)
        if plain and index.where is None and not renamed:
            expressions, where = index.expressions, None
        else:
            expressions = tuple(
                col(e) if e in column_names else canonical(dialect, e, renames).text
                for e in index.expressions
            )
            where = canonical(dialect, index.where, renames).text if index.where else None
        if index.unique and where is None and plain and index.method == "btree":
            if by_columns is None:
                by_columns = {frozenset(u.columns): u for u in uniques}
            by_columns.setdefault(frozenset(expressions), UniqueConstraint(expressions, index.name))
            continue
        if expressions != index.expressions or where != index.where:
            index = Index(expressions, index.unique, where, index.method, index.name)
        indexes.append(index)
    checks = tuple([_check(dialect, c, renames) for c in table.checks]) if table.checks else ()
    if any(c.column is not None for c in checks):
        columns = _with_encodings(columns, checks)
    foreign_keys = table.foreign_keys
    if renamed or (names.renames_any and any(_renamed_reference(fk, names) for fk in foreign_keys)):
        foreign_keys = tuple(_foreign_key(fk, col, names) for fk in foreign_keys)
    return Table(
        logical,
        columns,
        tuple(map(col, table.primary_key)) if renamed else table.primary_key,
        foreign_keys,
        uniques if by_columns is None else tuple(by_columns.values()),
        tuple(indexes),
        checks,
        table.row_level_security,
        tuple(_policy(dialect, p, renames) for p in table.policies) if table.policies else (),
        table.options,
    )


def _shared_columns(
    dialect: str, columns: tuple[Column, ...], shared: dict[int, Column]
) -> tuple[Column, ...]:
    """The canonical columns of a table that renames nothing, each raw column normalized once
    (see ``canonicalize``): after the first tables, every column is found in ``shared``."""
    try:
        return tuple(map(shared.__getitem__, map(id, columns)))
    except KeyError:
        for column in columns:
            if id(column) not in shared:
                shared[id(column)] = _column(dialect, column, column.name, ())
        return tuple(map(shared.__getitem__, map(id, columns)))


def _with_encodings(
    columns: tuple[Column, ...], checks: tuple[CheckConstraint, ...]
) -> tuple[Column, ...]:
    """The columns, each with the logical types its CHECK ... IN lists encode (an INTEGER in
    (0, 1) is a boolean, a TEXT in a list of strings an enum: ``typemap.encodings_of``), so
    that the comparer sees logical types and needs no knowledge of how a dialect spells them."""
    found = []
    for column in columns:
        encodings = typemap.encodings_of(column, checks)
        found.append(replace(column, encodings=encodings) if encodings else column)
    return tuple(found)


def _renamed_reference(fk: ForeignKey, names: NameMap) -> bool:
    """True when the domain gives the referenced table or columns other names."""
    ref = fk.ref_table
    renamed = names.renames(ref)
    return names.table(ref) != ref or any(c in renamed for c in fk.ref_columns)


def _column(dialect: str, column: Column, logical: str, renames: Renames) -> Column:
    if column.default is None and logical == column.name:
        return column  # nothing to rename or rewrite: the raw column is already canonical
    raw_default = column.raw_default if column.raw_default is not None else column.default
    default = None
    if not is_null(column.default):
        numeric = bool(typemap.kinds_of(column.type) & _NUMERIC_KINDS)
        default = canonical(dialect, str(column.default), renames, numeric).text
    return Column(
        name=logical,
        type=column.type,
        nullable=column.nullable,
        default=default,
        identity=column.identity,
        raw_default=raw_default,
    )


def _foreign_key(fk: ForeignKey, col: Callable[[str], str], names: NameMap) -> ForeignKey:
    return ForeignKey(
        columns=tuple(col(c) for c in fk.columns),
        ref_table=names.table(fk.ref_table),
        ref_columns=tuple(names.column(fk.ref_table, c) for c in fk.ref_columns),
        on_delete=fk.on_delete,
        on_update=fk.on_update,
        name=fk.name,
    )


def _check(dialect: str, check: CheckConstraint, renames: Renames) -> CheckConstraint:
    result = canonical(dialect, check.expression, renames)
    if result.text == check.expression and result.column is None and check.raw:
        return check  # already canonical, and not a column's list of values: kept as it is
    return CheckConstraint(
        expression=result.text,
        name=check.name,
        raw=check.raw or check.expression,
        column=result.column,
        values=result.values,
    )


def _policy(dialect: str, policy: Policy, renames: Renames) -> Policy:
    def expr(text: str | None) -> str | None:
        return canonical(dialect, text, renames).text if text else None

    return Policy(policy.name, policy.command.upper(), expr(policy.using), expr(policy.with_check))
