"""Where ``init --allow-existing`` writes the allowance of each difference the two adopted
databases already had, and which it cannot allow (``placed``): a difference of a table in the
table's ``allow:``, a view's in ``views: {v: {allow: [...]}}`` (stranger85 004: the live
layer's view differences were neither allowed nor listed, and the first ``check`` was red).
Decided from the records' data (kind, layer, table, column, which side holds the object),
never from a hint's words."""

from __future__ import annotations

from collections import Counter
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
    # How many differences of each (kind, table, column, name) each comparison found: the n-th
    # of a comparison is the same difference as another comparison's n-th. Within one
    # comparison they are distinct: two unnamed CHECKs of a table differing each (the second
    # got no entry and the first check after adoption was red, stranger94a 010).
    seen: dict[tuple[str | None, ...], Counter[str]] = {}
    for d in across:
        where = _where(d, domain)
        if where is None:
            continue
        found = seen.setdefault((d.kind, d.table, d.column, d.name), Counter())
        found[d.layer] += 1
        if any(n >= found[d.layer] for layer, n in found.items() if layer != d.layer):
            continue
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
