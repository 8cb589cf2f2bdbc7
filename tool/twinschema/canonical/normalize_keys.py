"""Foreign keys in canonical form (part of ``normalize``): under the domain's logical names, each
with its (column, referenced column) pairs in column order, SET DEFAULT that can only set
NULL written as SET NULL, MATCH FULL that refuses no more than SIMPLE written as SIMPLE, and
SQLite's ON CONFLICT clauses that no row reaches left out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from twinschema.model import (
    IDENTITY_AUTOINCREMENT,
    IDENTITY_ROWID,
    MATCH_FULL,
    MATCH_SIMPLE,
    Column,
    ConflictClause,
    ForeignKey,
    Table,
)
from twinschema.records.dialects import (
    PARENT_KEY_OWN_COLLATION,
    PARENT_KEY_REFUSED,
    PARENT_KEY_REFUSED_DEFERRED,
    PARENT_TABLE_MISSING,
)
from twinschema.records.domain import NameMap

# The identities of a SQLite rowid alias (``k INTEGER PRIMARY KEY [AUTOINCREMENT]``).
ROWID_ALIASES = (IDENTITY_ROWID, IDENTITY_AUTOINCREMENT)


def foreign_keys(
    foreign_keys: tuple[ForeignKey, ...], col: Callable[[str], str], names: NameMap, renamed: bool
) -> tuple[ForeignKey, ...]:
    """The foreign keys under logical names, each with its column pairs in column order."""
    if renamed or (names.renames_any and any(_renamed_reference(fk, names) for fk in foreign_keys)):
        foreign_keys = tuple(_foreign_key(fk, col, names) for fk in foreign_keys)
    if any(_out_of_order(fk) for fk in foreign_keys):
        foreign_keys = tuple(map(_pairs_in_order, foreign_keys))
    return foreign_keys


def set_default_without_default(
    foreign_keys: tuple[ForeignKey, ...], columns: tuple[Column, ...]
) -> tuple[ForeignKey, ...]:
    """ON DELETE / ON UPDATE SET DEFAULT where none of the columns it sets has a default (nor an
    identity) sets them to NULL on both dialects: the same rule as SET NULL, written so (a
    default added later parts them again, and is compared then)."""
    if not any("SET DEFAULT" in (fk.on_delete, fk.on_update) for fk in foreign_keys):
        return foreign_keys
    defaulted = {c.name for c in columns if c.default is not None or c.identity is not None}

    def action(done: str, sets: tuple[str, ...]) -> str:
        return "SET NULL" if done == "SET DEFAULT" and not defaulted & set(sets) else done

    return tuple(
        replace(
            fk,
            on_delete=action(fk.on_delete, fk.on_delete_columns or fk.columns),
            on_update=action(fk.on_update, fk.columns),
        )
        for fk in foreign_keys
    )


def match_moot(
    foreign_keys: tuple[ForeignKey, ...], columns: tuple[Column, ...]
) -> tuple[ForeignKey, ...]:
    """MATCH FULL where no row can hold some but not all of the key's columns NULL (one column,
    or every column NOT NULL) refuses the rows MATCH SIMPLE refuses: written so. Two columns
    of which one may be NULL stay FULL ((1, NULL) is refused by FULL only)."""
    if all(fk.match == MATCH_SIMPLE for fk in foreign_keys):
        return foreign_keys
    nullable = {c.name for c in columns if c.nullable}

    def moot(fk: ForeignKey) -> bool:
        return fk.match == MATCH_FULL and (
            len(fk.columns) == 1 or not nullable.intersection(fk.columns)
        )

    return tuple(replace(fk, match=MATCH_SIMPLE) if moot(fk) else fk for fk in foreign_keys)


def conflicts_moot(
    clauses: tuple[ConflictClause, ...], columns: tuple[Column, ...]
) -> tuple[ConflictClause, ...]:
    """SQLite's ON CONFLICT clauses less those no row ever reaches (each checked on SQLite 3.40:
    INSERT, multi-row VALUES, UPDATE, in a transaction):

    - a UNIQUE's over a rowid alias (``k INTEGER PRIMARY KEY``) whose key SQLite checks first
      (``rowid_checked_first``): ``UNIQUE (k) ON CONFLICT IGNORE`` (or REPLACE, FAIL, ROLLBACK)
      drops or replaces nothing;
    - a NOT NULL's on a rowid alias: a NULL inserted there becomes the next rowid, and an UPDATE
      to NULL fails as "datatype mismatch", which no clause settles (stranger58 008);
    - NOT NULL ON CONFLICT REPLACE on a column with no default (or DEFAULT NULL): SQLite then
      falls back to ABORT, the plain NOT NULL (stranger58 002).

    On any other column or key the clause acts, and stays."""
    if not clauses:
        return clauses
    rowid = {c.name for c in columns if c.identity == IDENTITY_ROWID}
    no_default = {c.name for c in columns if c.default is None or c.default.upper() == "NULL"}
    unique_moot = bool(rowid) and rowid_checked_first(clauses)
    return tuple(
        c
        for c in clauses
        if not (c.constraint == "UNIQUE" and unique_moot and rowid & set(c.columns))
        and not (c.constraint == "NOT NULL" and rowid & set(c.columns))
        and not (
            c.constraint == "NOT NULL" and c.algorithm == "REPLACE" and no_default >= set(c.columns)
        )
    )


def rowid_defaults(columns: tuple[Column, ...]) -> tuple[Column, ...]:
    """The columns less a DEFAULT on a SQLite rowid alias (``id INTEGER PRIMARY KEY DEFAULT
    5``), which SQLite never uses: an insert that omits the column, or gives it NULL, gets the
    next rowid (checked on SQLite 3.40: two inserts and DEFAULT VALUES give 1, 2, 3; stranger58
    004). A WITHOUT ROWID table's key is no alias, and uses its default."""
    if not any(c.identity in ROWID_ALIASES and c.default is not None for c in columns):
        return columns
    return tuple(
        replace(c, default=None, raw_default=None) if c.identity in ROWID_ALIASES else c
        for c in columns
    )


def rowid_alias(table: Table) -> bool:
    """True when ``table``'s primary key is one column that aliases SQLite's rowid."""
    return len(table.primary_key) == 1 and any(
        c.name == table.primary_key[0] and c.identity == IDENTITY_ROWID for c in table.columns
    )


def rowid_checked_first(clauses: tuple[ConflictClause, ...]) -> bool:
    """True when SQLite settles a duplicate rowid alias by the key's own clause before any
    other unique rule over it sees the row: every clause but REPLACE (then SQLite checks the
    other unique indexes first, and theirs act)."""
    return not any(c.constraint == "PRIMARY KEY" and c.algorithm == "REPLACE" for c in clauses)


def _renamed_reference(fk: ForeignKey, names: NameMap) -> bool:
    """True when the domain gives the referenced table or columns other names."""
    ref = fk.ref_table
    renamed = names.renames(ref)
    return names.table(ref) != ref or any(c in renamed for c in fk.ref_columns)


def _foreign_key(fk: ForeignKey, col: Callable[[str], str], names: NameMap) -> ForeignKey:
    return replace(
        fk,
        columns=tuple(col(c) for c in fk.columns),
        ref_table=names.table(fk.ref_table),
        ref_columns=tuple(names.column(fk.ref_table, c) for c in fk.ref_columns),
        on_delete_columns=tuple(col(c) for c in fk.on_delete_columns),
    )


def _out_of_order(fk: ForeignKey) -> bool:
    return list(fk.columns) != sorted(fk.columns) or list(fk.on_delete_columns) != sorted(
        fk.on_delete_columns
    )


def _pairs_in_order(fk: ForeignKey) -> ForeignKey:
    """The foreign key with its (column, referenced column) pairs in the order of the columns:
    (a, b) -> p(k1, k2) and (b, a) -> p(k2, k1) are one rule (each row's a must equal k1 and its
    b k2), while (a, b) -> p(k2, k1) stays another."""
    if not _out_of_order(fk):
        return fk
    pairs = sorted(zip(fk.columns, fk.ref_columns, strict=True))
    return replace(
        fk,
        columns=tuple(c for c, _ in pairs),
        ref_columns=tuple(r for _, r in pairs),
        on_delete_columns=tuple(sorted(fk.on_delete_columns)),
    )


def parents_checked(dialect: str, tables: dict[str, Table]) -> dict[str, Table]:
    """``tables`` with each foreign key whose referenced columns hold no key ``dialect`` takes
    as a parent key marked (``ForeignKey.parent_refused``): no PRIMARY KEY, UNIQUE constraint
    or full unique index on exactly those columns, in any order (a partial one, one over more
    columns or an expression, and, where ``PARENT_KEY_OWN_COLLATION`` says so, one compared
    with another collation than its column's, does not count; nor a DEFERRABLE one). The mark
    says what the key does: an INITIALLY DEFERRED one may fail inserts into the parent too
    (``PARENT_KEY_REFUSED_DEFERRED``). A key to a table not in ``tables`` is marked where
    ``dialect`` creates such a key (``PARENT_TABLE_MISSING``), else left as it is."""
    found = dict(tables)
    for name, table in tables.items():
        effects = [_refused_effect(dialect, name, fk, tables) for fk in table.foreign_keys]
        if not any(effects):
            continue
        keys = tuple(
            replace(fk, parent_refused=effect) if effect else fk
            for fk, effect in zip(table.foreign_keys, effects, strict=True)
        )
        found[name] = replace(table, foreign_keys=keys)
    return found


def _refused_effect(
    dialect: str, child: str, fk: ForeignKey, tables: dict[str, Table]
) -> str | None:
    """What ``dialect`` does with ``fk`` of table ``child`` because it holds no parent key (or
    references no table), None where it holds one."""
    if fk.ref_table not in tables:
        missing = PARENT_TABLE_MISSING.get(dialect)
        return missing.format(child=child) if missing else None
    if not _parent_refused(dialect, fk, tables):
        return None
    effect = PARENT_KEY_REFUSED[dialect].format(child=child)
    deferred = PARENT_KEY_REFUSED_DEFERRED.get(dialect)
    if fk.initially_deferred and deferred:
        effect += ", and " + deferred.format(parent=fk.ref_table)
    return effect


def _parent_refused(dialect: str, fk: ForeignKey, tables: dict[str, Table]) -> bool:
    parent = tables.get(fk.ref_table)
    if parent is None:
        return False
    wanted = frozenset(c.casefold() for c in fk.ref_columns)
    if not wanted or len(wanted) != len(fk.ref_columns):
        return True

    def on(columns: tuple[str, ...]) -> bool:
        return len(columns) == len(wanted) and frozenset(c.casefold() for c in columns) == wanted

    if on(parent.primary_key) and not parent.primary_key_deferrable:
        return False
    if any(on(u.columns) and not u.deferrable for u in parent.uniques):
        return False
    own = PARENT_KEY_OWN_COLLATION[dialect]
    names = {c.name for c in parent.columns}
    return not any(
        i.unique
        and i.where is None
        and on(i.expressions)
        and all(e in names for e in i.expressions)
        and not (own and any(i.collations))
        for i in parent.indexes
    )
