"""Tables and columns as a message names them after domain.yaml renamed them (stranger65 003,
s66msg): by the name both databases have where the two sides share one and it is not the
logical name, the logical name after it (``people (domain: patients)``), since that is what a
person queries; by the logical name where each side has its own or nothing was renamed. The
report's ``table`` and ``column`` fields and a witness's ``columns`` stay logical (allowances
and consumers name them so)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from twinschema.model import Index, Table, UniqueConstraint


def table_shown(logical: str, left: Table | None, right: Table | None) -> str:
    """Table ``logical`` as a message names it, from the two sides' tables (None where a side
    lacks it: the other side's name alone)."""
    own = {t.physical or t.name for t in (left, right) if t is not None}
    if len(own) != 1 or own == {logical}:
        return logical
    return f"{own.pop()} (domain: {logical})"


def table_each(
    logical: str, left: Table | None, right: Table | None, labels: tuple[str, str]
) -> str:
    """Table ``logical`` as ``table_shown`` names it, or where the two sides' databases name it
    apart (a rename a database has not migrated yet) each side's name with the side's label
    (``labels``, left then right) and the logical name after them: ``reservations in
    schemas/postgres.py, bookings in the PostgreSQL database (domain: bookings)``, as the
    ``rename_pending`` beside it names the module's (recheck75 010 (b))."""
    if left is None or right is None:
        return table_shown(logical, left, right)
    lname, rname = left.physical or left.name, right.physical or right.name
    if lname == rname:
        return table_shown(logical, left, right)
    return f"{lname} in {labels[0]}, {rname} in {labels[1]} (domain: {logical})"


def own_table(logical: str, left: Table | None, right: Table | None) -> str:
    """Table ``logical`` by the name both sides' databases give it, the logical name where
    they name it apart or nothing renamed it (no ``(domain: ...)``: for a message that names
    the table inside SQL, ``DELETE FROM people``)."""
    own = {t.physical or t.name for t in (left, right) if t is not None}
    return own.pop() if len(own) == 1 else logical


def columns_shown(left: Table | None, right: Table | None, names: Sequence[str]) -> list[str]:
    """Columns ``names`` (logical) as a message names them: each by the name both sides' tables
    give it where they share one, else by its logical name."""
    shown = []
    for name in names:
        own = {c.own_name for c in (t.named(name) if t else None for t in (left, right)) if c}
        shown.append(own.pop() if len(own) == 1 else name)
    return shown


def column_shown(left: Table, right: Table | None, column: str) -> str:
    """``table.column`` (logical) of the tables ``left`` and ``right`` as a difference's message
    names it (``Context.shown``): by the names both databases give them, the logical names in
    brackets, ``draws.whole_ml (domain: donations.volume_ml)``; by the logical names where the
    sides name them apart or nothing renamed them. For the evaluation stage's warnings, which
    named the logical column where the differences beside them name the physical one
    (stranger70 012-5)."""
    logical = f"{left.name}.{column}"
    own = {t.physical or t.name for t in (left, right) if t is not None}
    columns = {c.own_name for c in (t.named(column) for t in (left, right) if t) if c}
    if len(own) != 1 or len(columns) != 1:
        return logical
    physical = f"{own.pop()}.{columns.pop()}"
    return logical if physical == logical else f"{physical} (domain: {logical})"


def own_described(table: Table | None, item: Index | UniqueConstraint) -> str:
    """``item`` (an index or a UNIQUE rule of ``table``) as its ``describe()`` writes it, each
    plain column by the name ``table``'s own database gives it where domain.yaml renames it
    (``UNIQUE (headline)``, not the logical ``UNIQUE (title)``): how a difference shows an object
    on one side only, in its message and its ``left``/``right`` alike (stranger71: the message
    named ``headline``, the bracket ``title``). Its ``describe()`` where nothing is renamed."""
    if table is None:
        return item.describe()
    if isinstance(item, UniqueConstraint):
        return replace(item, columns=tuple(table.own_name_of(c) for c in item.columns)).describe()
    return own_index(table, item).describe()


def own_index(table: Table | None, index: Index) -> Index:
    """``index`` of ``table`` with each plain column shown (``element``, ``describe``) by the name
    ``table``'s own database gives it where domain.yaml renames it, for a message to name what
    its side calls it (``caption``, not the logical ``label``: stranger76 009); ``index`` itself
    where nothing is renamed. What it means (its canonical elements and attributes) is kept."""
    if table is None:
        return index
    elements = [index.element(n) for n in range(len(index.expressions))]
    renamed = False
    for n, expression in enumerate(index.expressions):
        column = table.named(expression)
        if column is not None and column.own_name != expression:
            elements[n], renamed = column.own_name, True
    include = index.include and tuple(table.own_name_of(c) for c in index.include)
    if not renamed and include == index.include:
        return index
    return replace(
        index, raw_expressions=tuple(elements), written_expressions=None, include=include
    )


def described_as(table: Table | None, item: Index | UniqueConstraint, shown: str) -> bool:
    """Whether a difference showing ``shown`` shows ``item`` of ``table``: by its ``describe()``
    (logical names) or as ``own_described`` writes it (its own database's names)."""
    return shown in (item.describe(), own_described(table, item))
