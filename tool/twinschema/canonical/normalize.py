"""From a raw ``Schema`` (physical names, expressions as each dialect wrote them) to the canonical
one every comparison uses: logical names from the domain, canonical expressions, one form for a
uniqueness rule. The same for every source, so the comparer needs no dialect knowledge.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from twinschema.canonical import normalize_keys, typemap_storage
from twinschema.canonical.domains import domain_definition, unfolded
from twinschema.canonical.expressions import Scope, canonical, default_as_stored, is_null
from twinschema.canonical.normalize_checks import table_checks
from twinschema.canonical.unique_together import held_together
from twinschema.canonical.unknown_names import without_unknown
from twinschema.canonical.value_kinds import value_kind
from twinschema.model import (
    CheckConstraint,
    Column,
    ConflictClause,
    Index,
    Policy,
    Schema,
    Table,
    UniqueConstraint,
)
from twinschema.records.domain import IDENTITY, NameMap


def canonicalize(raw: Schema, names: NameMap = IDENTITY) -> Schema:
    """The comparable form of a raw schema: logical names, canonical expressions."""
    tables: dict[str, Table] = {}
    for physical, table in raw.tables.items():
        logical = names.table(physical)
        tables[logical] = _table(raw.dialect, table, logical, names)
    return replace(  # views, triggers... pass through (see model.Schema)
        raw,
        tables=normalize_keys.parents_checked(raw.dialect, tables),
        elsewhere={names.table(name): where for name, where in raw.elsewhere.items()},
    )


def _table(dialect: str, table: Table, logical: str, names: NameMap) -> Table:
    """``table`` in canonical form under its logical name: columns, CHECKs, unique rules,
    indexes and foreign keys, each step below."""
    renamed = names.renames(table.name)  # most tables have no renamed column: no lookups then

    def col(name: str) -> str:
        return renamed.get(name, name)

    table = without_unknown(dialect, table, names)  # what the database would refuse, aside
    if dialect == "postgresql":
        table = unfolded(table)
    checks, scope, forced = table_checks(dialect, table, col)
    # What needs no rewriting is kept as it is (the same objects): most of a schema.
    columns = normalize_keys.rowid_defaults(
        tuple(_column(dialect, c, col(c.name)) for c in table.columns)
    )
    if forced:  # CHECK (x IS NOT NULL) is NOT NULL on x: the column says it, not the CHECK
        columns = tuple(replace(c, nullable=False) if c.name in forced else c for c in columns)
    if any(c.expression == "TRUE" for c in checks):  # rejects nothing: no CHECK at all
        checks = tuple(c for c in checks if c.expression != "TRUE")
    not_null = frozenset(c.name for c in columns if not c.nullable)
    uniques = _uniques(table, col if renamed else None, not_null)
    indexes, uniques = _indexes(dialect, table, scope, col if renamed else None, not_null, uniques)
    columns = _columns_after(dialect, columns, checks, scope, logical, names)
    return Table(
        logical,
        columns,
        tuple(map(col, table.primary_key)) if renamed else table.primary_key,
        normalize_keys.match_moot(
            normalize_keys.set_default_without_default(
                normalize_keys.foreign_keys(table.foreign_keys, col, names, bool(renamed)), columns
            ),
            columns,
        ),
        uniques,
        indexes,
        checks,
        table.row_level_security,
        tuple(_policy(dialect, p, scope) for p in table.policies) if table.policies else (),
        table.options,
        conflict_clauses=normalize_keys.conflicts_moot(
            _renamed_conflicts(table.conflict_clauses, renamed), columns
        ),
        force_row_level_security=table.force_row_level_security,
        unlogged=table.unlogged,
        partitioned=table.partitioned,
        invalid_indexes=table.invalid_indexes,
        primary_key_deferrable=table.primary_key_deferrable,
        primary_key_initially_deferred=table.primary_key_initially_deferred,
        unknown_names=table.unknown_names,
        physical=table.name if table.name != logical else None,
    )


def _uniques(
    table: Table, col: Callable[[str], str] | None, not_null: frozenset[str]
) -> tuple[UniqueConstraint, ...]:
    """The table's UNIQUE constraints under logical column names; NULLS NOT DISTINCT only
    decides whether rows with NULLs in the same columns collide, so on columns that are all
    NOT NULL it is moot: the same rule as a plain UNIQUE."""
    uniques = table.uniques
    if col is not None:
        uniques = tuple(replace(u, columns=tuple(map(col, u.columns))) for u in uniques)
    if any(_nulls_moot(u.nulls_distinct, u.columns, not_null) for u in uniques):
        uniques = tuple(
            replace(u, nulls_distinct=True)
            if _nulls_moot(u.nulls_distinct, u.columns, not_null)
            else u
            for u in uniques
        )
    return uniques


def _nulls_moot(nulls_distinct: bool, columns: tuple[str, ...], not_null: frozenset[str]) -> bool:
    """True when a unique rule's NULLS NOT DISTINCT is moot: no row it holds has a NULL in its
    columns (each is NOT NULL, or the partial index's predicate is true only without one), so
    it is the same rule as a plain UNIQUE."""
    return not nulls_distinct and set(columns) <= not_null


def _indexes(
    dialect: str,
    table: Table,
    scope: Scope,
    col: Callable[[str], str] | None,
    not_null: frozenset[str],
    uniques: tuple[UniqueConstraint, ...],
) -> tuple[tuple[Index, ...], tuple[UniqueConstraint, ...]]:
    """The table's indexes in canonical form, and its unique rules with each full unique
    index of plain columns among them (one rule per set of columns: such an index is the same
    rule as a UNIQUE constraint)."""
    by_columns: dict[frozenset[str], UniqueConstraint] = {}

    def hold(rule: UniqueConstraint) -> None:
        kept = by_columns.get(key := frozenset(rule.columns))
        by_columns[key] = rule if kept is None else held_together(kept, rule)

    for unique in uniques:
        hold(unique)
    column_names = {c.name for c in table.columns}
    indexes: list[Index] = []
    for index in table.indexes:
        plain = all(e in column_names for e in index.expressions)
        raw = index.raw_expressions
        if plain and index.where is None and col is None:
            expressions, where, kept = index.expressions, None, not_null
        else:
            expressions = tuple(
                (col(e) if col else e) if e in column_names else canonical(dialect, e, scope).text
                for e in index.expressions
            )
            if raw is None:  # messages show each expression as the source wrote it
                raw = tuple(
                    made if given in column_names else given
                    for made, given in zip(expressions, index.expressions, strict=True)
                )
            where = None
            kept = not_null
            if index.where:
                read = canonical(dialect, index.where, Scope(scope.columns, predicate=True))
                where, kept = read.text, not_null | set(read.not_null)
        if index.unique and plain and _nulls_moot(index.nulls_distinct, expressions, kept):
            index = replace(index, nulls_distinct=True)
        if index.unique and where is None and plain and index.method == "btree" and index.plain():
            hold(UniqueConstraint(expressions, index.name, index.nulls_distinct))
            continue
        include = index.include
        if include:  # INCLUDE columns in any order are the same index
            include = tuple(sorted(map(col, include) if col else include))
        if expressions != index.expressions or where != index.where or include != index.include:
            index = replace(
                index,
                expressions=expressions,
                where=where,
                include=include,
                raw_where=index.raw_where or index.where,
                raw_expressions=raw,
            )
        indexes.append(index)
    return tuple(indexes), tuple(by_columns.values())


def _columns_after(
    dialect: str,
    columns: tuple[Column, ...],
    checks: tuple[CheckConstraint, ...],
    scope: Scope,
    logical: str,
    names: NameMap,
) -> tuple[Column, ...]:
    """The columns with what the rest of the table tells about them: generated expressions in
    canonical form, the logical types CHECKs encode, declared extension storage."""
    if any(c.generated is not None for c in columns):
        columns = tuple(_generated(dialect, c, scope) for c in columns)
    if any(c.column is not None or "json_valid(" in c.expression for c in checks):
        columns = _with_encodings(columns, checks)
    if names.storages:  # a declared extension type stored in a SQLite spelling is that type
        columns = tuple(
            typemap_storage.stored_as(c, names.storages.get((logical, c.name))) for c in columns
        )
    return columns


def _with_encodings(
    columns: tuple[Column, ...], checks: tuple[CheckConstraint, ...]
) -> tuple[Column, ...]:
    """The columns, each with the logical types its CHECK ... IN lists encode (an INTEGER in
    (0, 1) is a boolean, a TEXT in a list of strings an enum: ``typemap_storage.encodings_of``), so
    that the comparer sees logical types and needs no knowledge of how a dialect spells them."""
    # Only a column a CHECK lists values of can carry an encoding, or any where one calls
    # json_valid: most columns are looked at by no CHECK.
    listed = {c.column for c in checks if c.column is not None}
    if any("json_valid(" in c.expression for c in checks):
        listed = {c.name for c in columns}
    found = []
    for column in columns:
        encodings = typemap_storage.encodings_of(column, checks) if column.name in listed else ()
        found.append(replace(column, encodings=encodings) if encodings else column)
    return tuple(found)


def _renamed_conflicts(
    clauses: tuple[ConflictClause, ...], renamed: Mapping[str, str]
) -> tuple[ConflictClause, ...]:
    """SQLite's ON CONFLICT clauses with their columns in the domain's logical names."""
    if not clauses or not renamed:
        return clauses
    return tuple(
        sorted(replace(c, columns=tuple(renamed.get(n, n) for n in c.columns)) for c in clauses)
    )


def _generated(dialect: str, column: Column, scope: Scope) -> Column:
    """The column with its generating expression in canonical form, read in its table's scope
    (it names the table's columns)."""
    generated = column.generated
    if generated is None:
        return column
    text = canonical(dialect, generated.expression, scope).text
    return replace(column, generated=replace(generated, expression=text, raw=generated.raw or text))


def _column(dialect: str, column: Column, logical: str) -> Column:
    if column.type.definition is not None:  # a domain: its CHECKs as read, made canonical here
        definition = domain_definition(dialect, column.type.definition)
        if definition != column.type.definition:
            column = replace(column, type=replace(column.type, definition=definition))
    if column.default is None and logical == column.name:
        return column  # nothing to rename or rewrite: the raw column is already canonical
    raw_default = column.raw_default if column.raw_default is not None else column.default
    default = None
    if not is_null(column.default):
        # A default names no column: its meaning depends on its own column's kind only.
        own = Scope(own=value_kind(column.type))
        stored = default_as_stored(dialect, str(column.default))
        if stored != column.default:  # SQLite's DEFAULT "abc" is 'abc': that is what runs
            raw_default = stored
        default = canonical(dialect, stored, own).text
        if is_null(default):  # a default SQLite evaluates to NULL (1/0): no default
            default = None
    if (logical, default, raw_default) == (column.name, column.default, column.raw_default):
        return column  # already canonical (most of a SQLite schema's defaults)
    physical = column.name if logical != column.name else column.physical
    return replace(
        column, name=logical, default=default, raw_default=raw_default, physical=physical
    )


def _policy(dialect: str, policy: Policy, scope: Scope) -> Policy:
    def expr(text: str | None) -> str | None:
        return canonical(dialect, text, scope).text if text else None

    return replace(
        policy,
        command=policy.command.upper(),
        using=expr(policy.using),
        with_check=expr(policy.with_check),
        raw_using=policy.raw_using or policy.using,
        raw_with_check=policy.raw_with_check or policy.with_check,
    )
