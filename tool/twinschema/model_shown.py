"""Tables and columns as a message names them after domain.yaml renamed them (stranger65 003,
s66msg): by the name both databases have where the two sides share one and it is not the
logical name, the logical name after it (``people (domain: patients)``), since that is what a
person queries; by the logical name where each side has its own or nothing was renamed. The
report's ``table`` and ``column`` fields and a witness's ``columns`` stay logical (allowances
and consumers name them so)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from twinschema.model import Table


def table_shown(logical: str, left: Table | None, right: Table | None) -> str:
    """Table ``logical`` as a message names it, from the two sides' tables (None where a side
    lacks it: the other side's name alone)."""
    own = {t.physical or t.name for t in (left, right) if t is not None}
    if len(own) != 1 or own == {logical}:
        return logical
    return f"{own.pop()} (domain: {logical})"


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


def rule_shown(left: Table | None, right: Table | None, text: str) -> str:
    """A UNIQUE rule's ``describe()`` text (by logical names, as a difference holds it) as a
    message names it: its columns by the names both databases give them; any other text (an
    index as its source wrote it) as it is."""
    for table in (left, right):
        for rule in table.uniques if table is not None else ():
            if rule.describe() == text:
                own = tuple(columns_shown(left, right, rule.columns))
                return replace(rule, columns=own).describe()
    return text


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
