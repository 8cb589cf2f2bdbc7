"""The keys the probe rows of a view's base tables must keep (``view_answers``).

The scratch copies ``view_runs`` makes hold each table's columns, types, NOT NULL and CHECKs,
not its UNIQUEs and foreign keys (a copy with them would refuse the witness search's row
alone, an order without its user). But a probe set a real database refuses is no data any
application holds: two users with one e-mail under ``UNIQUE (email)`` parted ``SELECT DISTINCT
email`` from ``SELECT email``, an order whose user is absent parted a join on a NOT NULL key
from the orders alone, on rows neither real database keeps together. So the rows both copies
took are cut to those both sides' keys allow together (a later row repeating a unique key is
dropped; a row whose foreign key names no row kept in its parent is dropped, until none is),
and a witness is only a set of rows they allow (the order beside its user).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from twinschema.model import (
    EQUALITY_ASCII_CASE,
    EQUALITY_CASE,
    EQUALITY_CASE_ACCENT,
    EQUALITY_EXACT,
    EQUALITY_TRAILING_SPACE,
    Collation,
    Table,
)


@dataclass(frozen=True)
class Unique:
    """A unique key of one base table: its columns' places in the base's rows, and whether
    NULLs are distinct (a row with a NULL in them repeats no other)."""

    base: int
    at: tuple[int, ...]
    nulls_distinct: bool = True
    # What each element's collation makes equal (``EQUALITY_*``; a column's own, or the
    # index element's): under NOCASE 'a' repeats 'A' (no SQLite table with a UNIQUE NOCASE
    # email holds both, yet the two rows parted ``SELECT DISTINCT email`` from PostgreSQL's).
    equalities: tuple[str | None, ...] = ()


@dataclass(frozen=True)
class Reference:
    """A foreign key between two base tables: the child's columns' places and the parent's
    (MATCH SIMPLE: a row with a NULL in its columns references nothing)."""

    child: int
    at: tuple[int, ...]
    parent: int
    to: tuple[int, ...]


@dataclass(frozen=True)
class Keys:
    """The unique keys and foreign keys probe rows must keep, from both sides' tables."""

    uniques: tuple[Unique, ...] = ()
    references: tuple[Reference, ...] = ()


def keys_of(tables: Sequence[tuple[Table, Table]], columns: Sequence[Sequence[str]]) -> Keys:
    """The keys of the base tables ``tables`` (each side's, in the bases' order) whose rows give
    ``columns`` (logical names): every primary key, UNIQUE and full unique index of either
    side over columns the rows give, and every foreign key to another base table (one to a
    table the view does not read binds nothing the probe rows hold)."""
    names = {pair[0].name: b for b, pair in enumerate(tables)}
    uniques: dict[Unique, None] = {}
    references: dict[Reference, None] = {}
    for b, (given, pair) in enumerate(zip(columns, tables, strict=True)):
        for table in pair:
            plain: tuple[Collation | None, ...] = ()  # each column's own collation
            keys = [(table.primary_key, True, plain)] if table.primary_key else []
            keys += [(u.columns, u.nulls_distinct, plain) for u in table.uniques]
            keys += [
                (i.expressions, i.nulls_distinct, i.collations)
                for i in table.indexes
                if i.unique and i.where is None
            ]
            for cols, distinct, collations in keys:
                if cols and all(c in given for c in cols):
                    at = tuple(given.index(c) for c in cols)
                    equal = _equalities(table, cols, collations)
                    uniques.setdefault(Unique(b, at, distinct, equal))
            for fk in table.foreign_keys:
                parent = names.get(fk.ref_table)
                if parent is None or not all(c in given for c in fk.columns):
                    continue
                if not all(c in columns[parent] for c in fk.ref_columns):
                    continue
                at = tuple(given.index(c) for c in fk.columns)
                to = tuple(columns[parent].index(c) for c in fk.ref_columns)
                references.setdefault(Reference(b, at, parent, to))
    return Keys(tuple(uniques), tuple(references))


def fitting(keys: Keys, rows: Sequence[Sequence[tuple[Any, ...]]]) -> list[list[tuple[Any, ...]]]:
    """``rows`` (per base table) cut to those the keys allow together: the first row of each
    unique key's values kept, then, until nothing changes, each row whose foreign key names
    no row kept in its parent dropped."""
    return _fit(keys, rows)[0]


def apart(keys: Keys, rows: Sequence[Sequence[tuple[Any, ...]]]) -> list[list[tuple[Any, ...]]]:
    """The rows ``fitting`` leaves out only for repeating an earlier row's unique key under a
    collation (NOCASE: 'BOB' after 'bob'), not as written: each is a set of its own a real
    database holds, which ``view_answers`` tries alone (a filter ``= 'bob'`` under NOCASE
    parts on 'BOB')."""
    return _fit(keys, rows)[1]


Fitted = tuple[list[list[tuple[Any, ...]]], list[list[tuple[Any, ...]]]]


def _fit(keys: Keys, rows: Sequence[Sequence[tuple[Any, ...]]]) -> Fitted:
    """``fitting``'s rows, and ``apart``'s."""
    kept: list[list[tuple[Any, ...]]] = []
    left: list[list[tuple[Any, ...]]] = []
    for b, given in enumerate(rows):
        seen: set[tuple[Unique, tuple[Any, ...]]] = set()
        written: set[tuple[Unique, tuple[Any, ...]]] = set()
        mine = [u for u in keys.uniques if u.base == b]
        taken, out = [], []
        for row in given:
            bound = [u for u in mine if _binds(row, u)]
            found = [(u, _folded(row, u)) for u in bound]
            if any(f in seen for f in found):
                if not any((u, _key(row, u.at)) in written for u in bound):
                    out.append(tuple(row))
                continue
            seen.update(found)
            written.update((u, _key(row, u.at)) for u in bound)
            taken.append(tuple(row))
        kept.append(taken)
        left.append(out)
    while True:
        cut = [[r for r in given if _referenced(keys, kept, b, r)] for b, given in enumerate(kept)]
        if cut == kept:
            return kept, left
        kept = cut


def fits(keys: Keys, rows: Sequence[Sequence[tuple[Any, ...]]]) -> bool:
    """True when the rows (a few of those ``fitting`` kept) hold each row's parent: a set a
    real database takes as it is."""
    return all(_referenced(keys, rows, b, r) for b, given in enumerate(rows) for r in given)


def _referenced(
    keys: Keys, rows: Sequence[Sequence[tuple[Any, ...]]], base: int, row: Sequence[Any]
) -> bool:
    """True when each foreign key of ``row`` (of base ``base``) is NULL or names a row of its
    parent among ``rows``."""
    for ref in keys.references:
        if ref.child != base or any(row[i] is None for i in ref.at):
            continue
        wanted = _key(row, ref.at)
        if not any(_key(parent, ref.to) == wanted for parent in rows[ref.parent]):
            return False
    return True


def _binds(row: Sequence[Any], unique: Unique) -> bool:
    """True when ``row``'s values in ``unique`` may repeat another's: none NULL, or NULLs not
    distinct."""
    return not unique.nulls_distinct or all(row[i] is not None for i in unique.at)


def _key(row: Sequence[Any], at: tuple[int, ...]) -> tuple[Any, ...]:
    """``row``'s values at ``at``, compared as a database would (True is 1, 1.0 is 1)."""
    return tuple(row[i] for i in at)


def _equalities(
    table: Table, columns: Sequence[str], collations: Sequence[Collation | None]
) -> tuple[str | None, ...]:
    """What each of ``columns`` of a unique key of ``table`` is compared with: the index
    element's collation (``collations``, where given), else the column's own."""
    found = []
    for n, name in enumerate(columns):
        collation = collations[n] if n < len(collations) else None
        if collation is None:
            column = table.column(name)
            collation = column.collation if column is not None else None
        found.append(collation.equality if collation is not None else EQUALITY_EXACT)
    return tuple(found)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _folded(row: Sequence[Any], unique: Unique) -> tuple[Any, ...]:
    """``row``'s values in ``unique``, each as its collation compares it: two values a
    collation makes equal are one (NOCASE: 'A' and 'a'; RTRIM: 'a ' and 'a')."""
    values = []
    for n, i in enumerate(unique.at):
        value = row[i]
        equality = unique.equalities[n] if n < len(unique.equalities) else EQUALITY_EXACT
        if isinstance(value, str):
            value = _fold(value, equality)
        values.append(value)
    return tuple(values)


def _fold(value: str, equality: str | None) -> str:
    """``value`` as a collation of ``equality`` holds it for equality."""
    if equality == EQUALITY_ASCII_CASE:
        return value.translate(_ASCII_LOWER)
    if equality == EQUALITY_CASE:
        return value.casefold()
    if equality == EQUALITY_CASE_ACCENT:
        bare = unicodedata.normalize("NFD", value)
        return "".join(c for c in bare if not unicodedata.combining(c)).casefold()
    if equality == EQUALITY_TRAILING_SPACE:
        return value.rstrip(" ")
    return value
