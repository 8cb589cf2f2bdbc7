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

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from twinschema.model import Table


@dataclass(frozen=True)
class Unique:
    """A unique key of one base table: its columns' places in the base's rows, and whether
    NULLs are distinct (a row with a NULL in them repeats no other)."""

    base: int
    at: tuple[int, ...]
    nulls_distinct: bool = True


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
            keys = [(table.primary_key, True)] if table.primary_key else []
            keys += [(u.columns, u.nulls_distinct) for u in table.uniques]
            keys += [
                (i.expressions, i.nulls_distinct)
                for i in table.indexes
                if i.unique and i.where is None
            ]
            for cols, distinct in keys:
                if cols and all(c in given for c in cols):
                    uniques.setdefault(Unique(b, tuple(given.index(c) for c in cols), distinct))
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
    kept: list[list[tuple[Any, ...]]] = []
    for b, given in enumerate(rows):
        seen: set[tuple[Unique, tuple[Any, ...]]] = set()
        mine = [u for u in keys.uniques if u.base == b]
        taken = []
        for row in given:
            found = [(u, _key(row, u.at)) for u in mine if _binds(row, u)]
            if any(f in seen for f in found):
                continue
            seen.update(found)
            taken.append(tuple(row))
        kept.append(taken)
    while True:
        cut = [[r for r in given if _referenced(keys, kept, b, r)] for b, given in enumerate(kept)]
        if cut == kept:
            return kept
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
