"""A constant default the other side's column refuses (see ``defaults``): across dialects, when
two defaults differ and one side's is a constant, that value is stored in a column of the other
side's type. A refusal is named in the difference, as the rows it breaks: SQLite's ``DATETIME
DEFAULT '0000-00-00 00:00:00'`` against PostgreSQL's ``timestamptz DEFAULT now()`` (roundcube)
stores a value no PostgreSQL timestamp holds ("date/time field value out of range"), so every
row that takes SQLite's default fails to sync to PostgreSQL.

Only values a sync carries as they are run: text (what the other side's type reads, as it reads
SQLite's stored dates) and numbers into a number column. A driver's own value (SQLite's 1 for a
boolean, a JSON array, an interval) is converted by whatever syncs it, and is not judged."""

from __future__ import annotations

from decimal import Decimal

from twinschema.canonical import typemap
from twinschema.evaluate.backends import REJECTED
from twinschema.evaluate.context import StageContext
from twinschema.evaluate.values import CONSTANT, Verdict
from twinschema.model import Column
from twinschema.records.dialects import DIALECT_NAMES


def refusals(
    st: StageContext,
    left: tuple[str, Verdict, Column],
    right: tuple[str, Verdict, Column],
    kind: str | None,
) -> str:
    """``; <dialect> refuses <value>, the <other dialect> default ...`` for each side whose
        column type rejects the constant the other side's default gives (checks aside: only what
        the type holds); empty when none does or nothing could be run. ``kind`` is the logical kind
    the two columns share (None when they share none)."""
    said = ""
    for (dialect, verdict, _), (other, _, column) in ((left, right), (right, left)):
        if verdict.kind != CONSTANT or not _carried(verdict.value, kind):
            continue
        backend = st.ev.backend(other)
        stored = backend.store(column.name, column.type, [], [verdict.value]) if backend else None
        if stored is None or stored[0] is not REJECTED:
            continue
        said += (
            f"; {DIALECT_NAMES[other]} rejects {verdict.describe()}, {DIALECT_NAMES[dialect]}'s "
            f"default, in a {column.type.spelling()} column: rows that take it fail to sync to "
            f"{DIALECT_NAMES[other]}"
        )
    return said


def _carried(value: object, kind: str | None) -> bool:
    """True for a value a sync hands over as it is: text, or a number into a number column."""
    number = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
    return isinstance(value, str) or (number and kind in typemap.NUMBER_KINDS)
