"""A column's default as it runs and as messages show it, and how a message names a default
both sides write alike."""

from __future__ import annotations

from twinschema.evaluate.clock_fixed import reads_clock
from twinschema.evaluate.context import StageContext
from twinschema.model import Column


def default_text(column: Column) -> str | None:
    """The default as its source wrote it (what runs), None when the column has none."""
    if column.default is None:
        return None
    return column.raw_default if column.raw_default is not None else column.default


def shown_default(column: Column | None) -> str | None:
    """A column's default as reports show it ("none" when it has none)."""
    if column is None:
        return None
    return column.raw_default or column.default or "none"


def same_constant(st: StageContext, table: str, lc: Column, rc: Column) -> str:
    """How a message names a default both sides write alike (their canonical forms are
    equal): ``default of t.n, the same constant on both sides (SQLite: 2.5; PostgreSQL:
    '2.5'::numeric),`` each as its source wrote it; a clock read (``CURRENT_TIME``) is
    ``written alike on both sides``, being no constant."""
    text, dialect = default_text(lc), st.left.schema.dialect
    clock = text is not None and reads_clock(dialect, text)
    what = "written alike" if clock else "the same constant"
    return (
        f"default of {table}.{lc.name}, {what} on both sides "
        f"({st.side_name('left')}: {shown_default(lc)}; {st.side_name('right')}: "
        f"{shown_default(rc)}),"
    )
