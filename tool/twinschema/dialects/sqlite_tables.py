"""One SQLite table built from the catalog's rows grouped per table (``sqlite_grouped``) and
its stored SQL: what only the SQL says (CHECKs, COLLATE, GENERATED, DEFERRABLE, MATCH, the names
of named constraints, expression indexes' text) read by ``sqlite_ddl`` and ``sqlite_clauses``."""

from __future__ import annotations

from twinschema.dialects.sqlite_catalog import CatalogRow
from twinschema.dialects.sqlite_clauses import (
    conflict_clauses,
    fk_clauses,
    table_options,
    with_clauses,
)
from twinschema.dialects.sqlite_ddl import EMPTY_TABLE_SQL, TableSql, scan_index, scan_table
from twinschema.dialects.sqlite_grouped import Grouped
from twinschema.dialects.sqlite_types import COLLATE_SUFFIX, element_collations, fk_action
from twinschema.model import (
    IDENTITY_AUTOINCREMENT,
    IDENTITY_ROWID,
    Column,
    ForeignKey,
    Index,
    Table,
    UniqueConstraint,
    element_flags,
)
from twinschema.records.dialects import ascii_lower


def table(table: str, grouped: Grouped) -> Table:
    """The table ``table`` of the grouped catalog rows, its SQL read for what no PRAGMA reports
    (its CHECKs, table options, conflict clauses, and those below)."""
    sql = grouped.listed.table_sql[table]
    low = ascii_lower(sql)
    scanned = scan_table(sql, low) if "check" in low or "constraint" in low else EMPTY_TABLE_SQL
    kept_options, autoincrement = table_options(sql, low)
    table_columns = _table_columns(table, sql, low, autoincrement, grouped)
    uniques, indexes = _table_indexes(table, table_columns, scanned, grouped)
    return Table(
        name=table,
        columns=tuple(table_columns),
        primary_key=grouped.columns.primary.get(table, ()),
        foreign_keys=_foreign_keys(table, sql, low, scanned, grouped),
        uniques=tuple(uniques),
        indexes=tuple(sorted(indexes, key=lambda ix: ix.name or "")),
        checks=tuple(scanned.checks),
        options=kept_options,
        conflict_clauses=conflict_clauses(sql, low),
    )


def _table_columns(
    table: str, sql: str, low: str, autoincrement: bool, grouped: Grouped
) -> list[Column]:
    """A table's columns with what only its SQL says (COLLATE, GENERATED) and its rowid alias."""
    columns = grouped.columns
    pk = columns.primary.get(table, ())
    table_columns = columns.columns.get(table, [])
    if "collate" in low or table in columns.generated_of:
        table_columns = with_clauses(table_columns, sql, columns.generated_of.get(table, {}))
    if len(pk) == 1 and table not in grouped.has_pk_index:
        # A rowid alias: a one-column INTEGER primary key that got no index of its own (a
        # WITHOUT ROWID table and the INTEGER PRIMARY KEY DESC quirk both get one). It can
        # never be NULL, whatever its declaration says. AUTOINCREMENT (allowed only here)
        # makes it never reuse the ids of deleted rows, and fail once the largest is taken.
        position = columns.pk_parts[table][0][1]
        alias = table_columns[position]
        if alias.type.raw.upper() == "INTEGER":
            table_columns = list(table_columns)
            identity = IDENTITY_AUTOINCREMENT if autoincrement else IDENTITY_ROWID
            table_columns[position] = Column(
                alias.name, alias.type, False, alias.default, identity, alias.default
            )
    return table_columns


def _table_indexes(
    table: str, table_columns: list[Column], scanned: TableSql, grouped: Grouped
) -> tuple[list[UniqueConstraint], list[Index]]:
    """A table's UNIQUE constraints (those SQLite made an index for and that say no more than
    a UNIQUE constraint can) and its indexes."""
    uniques: list[UniqueConstraint] = []
    indexes: list[Index] = []
    own = {c.name: c.collation for c in table_columns}
    for index, entry in grouped.indexes_of.get(table, {}).items():
        unique, origin, partial, names, cids, descs, colls = entry
        texts: list[str] = []
        where = None
        if partial or min(cids) < 0:  # expressions or a predicate: read in its SQL
            texts, where = scan_index(grouped.listed.index_sql.get(index, ""))
        descending = element_flags(descs, False)
        collations = element_collations(names, cids, colls, own, texts)
        if origin == "u" and not descending and not collations:
            key = tuple(names)
            uniques.append(UniqueConstraint(key, name=scanned.unique_names.get(key)))
            continue
        expressions = tuple(
            col if cid >= 0 else (COLLATE_SUFFIX.sub("", texts[n]) if n < len(texts) else "")
            for n, (cid, col) in enumerate(zip(cids, names, strict=True))
        )
        indexes.append(
            Index(
                expressions,
                unique=unique,
                where=where,
                name=scanned.unique_names.get(expressions) if origin == "u" else index,
                descending=descending,
                collations=collations,
            )
        )
    return uniques, indexes


def _foreign_keys(
    table: str, sql: str, low: str, scanned: TableSql, grouped: Grouped
) -> tuple[ForeignKey, ...]:
    """A table's foreign keys, in the order it declares them; what no PRAGMA reports
    (DEFERRABLE, MATCH) read from its SQL."""
    groups = grouped.fk_groups.get(table, {})
    clauses = fk_clauses(sql, len(groups)) if "deferr" in low or "match" in low else None
    foreign_keys: list[ForeignKey] = []
    for n, fk_id in enumerate(sorted(groups, reverse=True)):  # the last-declared FK is 0
        rows = groups[fk_id]
        first = rows[0]
        written: str = first[2]
        ref_table = grouped.by_lower.get(written.lower(), written)
        fk_columns, ref_columns = _fk_columns(rows, grouped.columns.primary.get(ref_table, ()))
        deferred, match = clauses[n] if clauses is not None else (False, None)
        foreign_keys.append(
            ForeignKey(
                fk_columns,
                ref_table,
                ref_columns,
                fk_action(first[6]),
                fk_action(first[5]),
                scanned.fk_names.get(fk_columns),
                deferrable=deferred,
                initially_deferred=deferred,
                match_declared=match,
                fires=(fk_id, fk_id),  # SQLite runs the actions of the last-declared key first
            )
        )
    return tuple(foreign_keys)


def _fk_columns(
    rows: list[CatalogRow], ref_primary: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A foreign key's columns and the columns it references (the referenced table's primary
    key where the key names none)."""
    first = rows[0]
    if len(rows) == 1:
        return (first[3],), (ref_primary if first[4] is None else (first[4],))
    fk_columns = tuple(r[3] for r in rows)
    if any(r[4] is None for r in rows):
        return fk_columns, ref_primary
    return fk_columns, tuple(r[4] for r in rows)
