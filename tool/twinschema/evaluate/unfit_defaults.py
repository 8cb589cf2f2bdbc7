"""A default one side's type cannot hold, under a type difference (see ``stage``): PostgreSQL
``smallint DEFAULT 40000`` against ``integer DEFAULT 40000``, or ``varchar(2) DEFAULT 'abc'``
against ``varchar(3)``, or a SQLite STRICT ``INTEGER DEFAULT 'abc'`` against ``TEXT``, is one
cause, the type, reported once as ``column_type`` (``typed_defaults``); but every insert that
omits the column fails on the narrower side, which the type's message alone hides (stranger59
022). Where no ``column_default`` difference of the column says so already, and the default
fails (or its column refuses it) on one side only, the ``column_type`` difference says it."""

from __future__ import annotations

from twinschema.evaluate.context import StageContext, find
from twinschema.evaluate.crossing import column_checks
from twinschema.evaluate.default_texts import default_text
from twinschema.evaluate.failing_defaults import omitting_fails
from twinschema.evaluate.values import CONSTANT, FAILED
from twinschema.model import Column, Table
from twinschema.records import Difference, Side
from twinschema.records.dialects import DIALECT_NAMES


def unfit_defaults(st: StageContext) -> None:
    """Append to each ``column_type`` difference whose column's default one side alone cannot
    store that inserts omitting the column fail there, and why."""
    said = {
        (d.table, d.column)
        for d in st.comparison.differences
        if d.kind == "column_default" and d.column is not None
    }
    for d in list(st.comparison.differences):
        if d.kind != "column_type" or d.table is None or d.column is None:
            continue
        if (d.table, d.column) in said or (d.table, d.column) in st.failed:
            continue
        refused = _refused_on_one_side(st, d)
        if refused is not None:
            st.annotate(refused, d)


def _refused_on_one_side(st: StageContext, d: Difference) -> str | None:
    """What to say of ``d``'s column where its default is refused on one side only; None
    where it fits both, fails on both, or a side has no default."""
    assert d.table is not None and d.column is not None
    lt, lc = find(st.left, d.table, d.column)
    rt, rc = find(st.right, d.table, d.column)
    if lt is None or lc is None or rt is None or rc is None:
        return None
    if default_text(lc) is None or default_text(rc) is None:
        return None
    found = [
        _refusal(st, side, table, column, where)
        for side, table, column, where in ((st.left, lt, lc, "left"), (st.right, rt, rc, "right"))
    ]
    refused = [f for f in found if f is not None]
    if len(refused) != 1:
        return None
    st.result.evaluated += 1
    return refused[0]


def _refusal(st: StageContext, side: Side, table: Table, column: Column, where: str) -> str | None:
    """Why every insert that omits ``column`` fails on ``side`` for want of a default its column
    can store; None where the default is stored (or cannot be run here)."""
    text = default_text(column)
    if text is None:
        return None
    dialect = side.schema.dialect
    verdict = st.ev.single(dialect, text, column)
    st.note(dialect)
    if verdict.kind == FAILED:
        why = verdict.error or "an error"
    elif verdict.kind == CONSTANT and omitting_fails(st, side, table, column):
        refuser = "its type or CHECK" if column_checks(side, table, column) else "its type"
        why = f"{refuser} refuses {verdict.describe()}"
    else:
        return None
    named = st.side_name(where)
    if not st.cross:
        named = f"{named} ({DIALECT_NAMES[dialect]})"
    return (
        f"its default {text.strip()} does not fit the column on {named}: inserts that omit "
        f"{table.name}.{column.name} fail there ({why})"
    )
