"""An index's elements as metadata-module code, with the modifiers the database has.

SQLAlchemy's reflection loses what follows an index element on SQLite (``placed_at DESC``,
``name COLLATE NOCASE``) and the collation on PostgreSQL, and gives PostgreSQL's DESC and NULLS
LAST as expressions ``init`` wrote as text a server refuses (``sa.text('orders.placed_at
DESC')``: stranger60 002, 015). The dialect adapter's reading of the same index has them all: each
element is written from it, a column as ``sa.column(t.placed_at).desc().nulls_last()`` (the
domain loader's ``t.placed_at`` is a name, a string), an expression as its text with the
modifiers after it (``sa.text('lower(name) DESC')``), which is what ``create_all`` makes on
either database and what the checker reads back (``sources.metadata_parts.index_element``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from twinschema.model import Index, Table
from twinschema.sources.metadata_parts import NULLS_ORDER, index_element

_NULLS_CODE = {"NULLS FIRST": ".nulls_first()", "NULLS LAST": ".nulls_last()"}


def read_index(found: Table | None, name: Any) -> Index | None:
    """The adapter's reading of the index ``name`` of a table, if it has one of that name."""
    if found is None or not isinstance(name, str):
        return None
    return next((i for i in found.indexes if i.name == name), None)


def index_elements(
    index: sa.Index,
    read: Index | None,
    column_code: Callable[[str], str],
    sql: Callable[[Any], str],
) -> list[str]:
    """The code of each element of the reflected ``index``: ``column_code`` spells a column's
    name (``t.placed_at``), ``sql`` an expression's SQL text; modifiers from ``read`` (the
    adapter's reading) where it has as many elements, else from SQLAlchemy's own."""
    expressions = list(index.expressions)
    aligned = read is not None and len(read.expressions) == len(expressions)
    found = []
    for n, element in enumerate(expressions):
        inner, descending, first, collation = index_element(element)
        nulls = NULLS_ORDER.get((descending, first), "")
        if aligned:
            assert read is not None
            descending = bool(read.descending and read.descending[n])
            chosen = read.collations[n] if read.collations else None
            collation = None if chosen is None else chosen.name
            nulls = read.nulls[n] if read.nulls else ""
        if isinstance(inner, sa.Column):
            found.append(_column(column_code(inner.name), descending, collation, nulls))
        else:
            text = sql(inner)
            if collation:  # quoted: PostgreSQL's "C" is no c (SQLite takes either)
                text += ' COLLATE "' + collation.replace('"', '""') + '"'
            text += (" DESC" if descending else "") + (f" {nulls}" if nulls else "")
            found.append(f"sa.text({text!r})")
    return found


def _column(code: str, descending: bool, collation: str | None, nulls: str) -> str:
    """A column element: its name's code alone, or ``sa.column(...)`` with its modifiers."""
    if not (descending or collation or nulls):
        return code
    code = f"sa.column({code})"
    if collation:
        code += f".collate({collation!r})"
    if descending:
        code += ".desc()"
    return code + _NULLS_CODE.get(nulls, "")
