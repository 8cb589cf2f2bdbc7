"""Whether SQLite's integer division is what parts two views on their witness (recheck86 (3)).

A view that divides and reads a column SQLite keeps whole values of as integers (NUMERIC
affinity: 15.00 is 15) may divide two integers on SQLite only: ``round(sum(price) / count(*),
2)`` is 15 against 15.50 (stranger83 001). The hint then says to make SQLite's a division of
doubles. But such a view may part for another reason: stranger85's quarter, ``(CAST(strftime(
'%m', played_at) AS INTEGER) + 2) / 3``, an integer division meant as one over a view that
also sums a NUMERIC royalty, parts only on a time written with second 60 (SQLite's strftime
gives NULL); following the division hint would break its quarter. So the witness is run
again with those columns declared REAL in SQLite's scratch tables (a REAL column keeps 15.00
as the double 15.0, so its ``/`` divides doubles): where the views then return the same rows
(or rows that part only past a double's digits), the division is what parts them.
"""

from __future__ import annotations

import dataclasses

from twinschema.evaluate import view_reads
from twinschema.evaluate.statements import probe_column, type_sql
from twinschema.evaluate.view_pair import Pair
from twinschema.evaluate.view_runs import Base, Plan, quoted
from twinschema.evaluate.view_sums import divided_columns
from twinschema.model import Schema, Table

# The dialect whose scratch tables are changed, and the type its divided columns get there.
_WHOLE_SIDE = "sqlite"
_DOUBLE = "REAL"


def doubled(schemas: tuple[Schema, Schema], name: str, pair: Pair) -> Pair | None:
    """``pair`` with each column of SQLite's scratch tables that view ``name`` divides and
    SQLite keeps whole values of as integers (``view_sums.divided_columns``) declared REAL;
    None where no such column (nothing to run again)."""
    texts = " ".join(v.raw for s in schemas for v in view_reads.needed(s, name))
    plans = list(pair.plans)
    changed = False
    for i, plan in enumerate(plans):
        if plan.dialect != _WHOLE_SIDE:
            continue
        bases = tuple(_base(b, schemas, i, texts) for b in plan.bases)
        if bases != plan.bases:
            plans[i], changed = dataclasses.replace(plan, bases=bases), True
    if not changed:
        return None
    made: tuple[Plan, Plan] = (plans[0], plans[1])
    return dataclasses.replace(pair, plans=made)


def _base(base: Base, schemas: tuple[Schema, Schema], side: int, texts: str) -> Base:
    """``base`` (of side ``side``) with its divided columns declared REAL."""
    tables = _tables(schemas, side, base.name)
    if tables is None or not view_reads.reads(texts, tables[side]):
        return base
    names = [c.name for c in tables[side].columns]
    create = base.create
    for j in divided_columns(texts, tables, names, summed=False):
        column = tables[side].columns[j]
        own, ctype = probe_column(column)
        create = create.replace(f"{quoted(own)} {type_sql(ctype)}", f"{quoted(own)} {_DOUBLE}", 1)
    return base if create == base.create else dataclasses.replace(base, create=create)


def _tables(schemas: tuple[Schema, Schema], side: int, physical: str) -> tuple[Table, Table] | None:
    """Both schemas' tables of the logical name whose side ``side`` table is ``physical``."""
    for name, table in schemas[side].tables.items():
        other = schemas[1 - side].tables.get(name)
        if (table.physical or table.name) == physical and other is not None:
            return (table, other) if side == 0 else (other, table)
    return None
