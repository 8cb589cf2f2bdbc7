"""Where ``init --allow-existing`` writes the allowance of each difference the two adopted
databases already had, and which it cannot allow (``placed``): a difference of a table in the
table's ``allow:``, a view's in ``views: {v: {allow: [...]}}`` (stranger85 004: the live
layer's view differences were neither allowed nor listed, and the first ``check`` was red).
Decided from the records' data (kind, layer, table, column, which side holds the object),
never from a hint's words."""

from __future__ import annotations

from collections.abc import Iterable

from twinschema.compare.allowance_entries import Schemas, allowance_entry, offers
from twinschema.model import OBJECT_VIEW
from twinschema.records import Difference, FixSide
from twinschema.records.domain import Domain

__all__ = ["Entries", "placed"]

# Each cross-dialect comparison init allows in compares the SQLite side (left) with the
# PostgreSQL one (right): the two modules, and the two databases.
DIALECTS = {FixSide.LEFT: "sqlite", FixSide.RIGHT: "postgresql"}
# A rule (PostgreSQL's ``CREATE RULE``) on one side only: allowed in its table's ``allow:``
# by its kind, name and the dialect that has it (``objects_alone``' hint offers that entry).
_RULE = "rule"
_TABLE_SECTION = "tables"
_VIEW_SECTION = "views"

# (section, its key) -> the entries to append to that entry's ``allow:``, in the order found.
Entries = dict[tuple[str, str], list[str]]


def placed(across: Iterable[Difference], domain: Domain, schemas: Schemas, reason: str) -> Entries:
    """The allowance of each difference of ``across`` (the two modules' and the two
    databases' comparisons: SQLite left, PostgreSQL right) that one allowance can hold, by
    where it goes in ``domain``'s file, its reason ``reason``, an index or UNIQUE pinned by
    its columns' logical names read in ``schemas`` (the two modules' canonical schemas), as
    its hint offers it, so that a rename keeps it (fix84c: init pinned SQLite's ``(FullName)``,
    which renaming the column to domain.yaml's ``full_name`` made a difference again); one entry for the same
    difference found by both comparisons, the first's (the modules', whose texts the live
    pair's allowances match too: PostgreSQL shows a CHECK the module reads as ``a >= 1::numeric``
    as ``a >= (1)::numeric``, and an entry pinned to each was stale in the other layer). What
    is left out stays a difference, which
    ``check`` reports and init lists."""
    entries: Entries = {}
    seen: set[tuple[str | None, ...]] = set()
    for d in across:
        where = _where(d, domain)
        key = (d.kind, d.table, d.column, d.name)
        if where is None or key in seen:
            continue
        seen.add(key)
        entry = allowance_entry(d, DIALECTS, schemas, reason=reason)
        listed = entries.setdefault(where, [])
        if entry not in listed:
            listed.append(entry)
    return entries


def _where(d: Difference, domain: Domain) -> tuple[str, str] | None:
    """Where ``d``'s allowance goes (``("tables", t)``, ``("views", v)``), or None where no
    allowance of init's can hold it: one naming a table or column domain.yaml does not declare
    (init wrote it commented out: its way out is to uncomment its ``dialects:`` line), a view
    on one side only (declared for one dialect instead), a difference whose hint offers none."""
    if d.kind == OBJECT_VIEW and d.name and d.left and d.right:
        return (_VIEW_SECTION, d.name)
    if d.kind == _RULE and d.name and (d.left is None) != (d.right is None):
        return _table(d, domain)
    if d.table is not None and offers(d):
        return _table(d, domain)
    return None


def _table(d: Difference, domain: Domain) -> tuple[str, str] | None:
    """``d``'s table's place, where domain.yaml declares the table and the column it names."""
    table = domain.tables.get(d.table or "")
    if table is None or (d.column is not None and d.column not in table.columns):
        return None
    return (_TABLE_SECTION, table.name)
