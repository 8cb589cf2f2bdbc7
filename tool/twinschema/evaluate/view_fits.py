"""The probe values of a view's base table kept where both sides' tables take them
(``view_answers``; stranger77 004, 005, 006, 007).

A probe row both sides' copies of a table refuse is lost to the comparison, and a column no
view reads took one value of its kind: a level CHECKed BETWEEN 1 AND 5 (a PostgreSQL domain)
took 0, a timestamp text pinned to one strftime() form took none in that form, a list kept as
JSON text against ``text[]`` took text no array is. Every row was refused and the view was "not
compared" with a reason that was false. Here each column's candidate values are tried alone on
each side's scratch database, in a one-column table with the column's type, NOT NULL and the
CHECKs (a domain's among them) that read it alone; a value is kept where both sides store it
(alike, where a view reads the column). CHECKs over several columns still refuse rows; a column
no value of which fits both sides is the reason given for not running the view.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from twinschema.evaluate import view_probes, view_runs, view_values
from twinschema.evaluate.backends import Backend
from twinschema.evaluate.statements import probe_column, type_sql
from twinschema.evaluate.view_runs import Base, quoted
from twinschema.model import Schema, Table

# Values of many types, tried in a column no view reads where none of its own probe values fits.
_ANY = (
    0,
    1,
    "",
    "a",
    "{}",
    "[]",
    "0",
    "2024-01-01",
    "2024-01-01 00:00:00+00:00",
    "12:00:00",
    "127.0.0.1",
)


def fitted(
    schemas: tuple[Schema, Schema],
    tables: tuple[Table, Table],
    columns: Sequence[str],
    values: Sequence[Sequence[Any]],
    read: Sequence[bool],
    backends: tuple[Backend | None, Backend | None],
    fallback: bool = True,
) -> list[list[Any]] | None:
    """``values`` (per column of ``columns``, logical names) with only those both sides'
    columns take alone, in order; None where a scratch database cannot make the columns (the
    view's own run then says why). With ``fallback``, a column no view reads that keeps no
    value gets the first of ``_ANY`` both take."""
    bases: tuple[list[Base], list[Base]] = ([], [])
    for j, name in enumerate(columns):
        for side, table in enumerate(tables):
            column = table.column(name)
            assert column is not None
            own, ctype = probe_column(column)
            parts = [f"{quoted(own)} {type_sql(ctype)}" + ("" if column.nullable else " NOT NULL")]
            parts += [f"CHECK ({c})" for c in view_probes.alone(table, column)]
            made = f"twinschema_fit_{j}"
            create = f"CREATE TABLE {quoted(made)} ({', '.join(parts)})"
            bases[side].append(Base(made, ((own, ctype),), create, ((own, ctype),)))
    rows = [[(v,) for v in given] for given in values]
    answers = []
    for side, schema in enumerate(schemas):
        plan = replace(view_runs.plan_of(schema, bases[side], [], ""), select="SELECT 1")
        answers.append(view_runs.run(plan, rows, backends[side], tried=True))
    if any(a.setup is not None or len(a.stored) != len(values) for a in answers):
        return None
    found = [
        [
            v
            for v, a, b in zip(given, answers[0].stored[j], answers[1].stored[j], strict=True)
            if view_values.alike(a, b, (read[j],))
        ]
        for j, given in enumerate(values)
    ]
    # A column no view reads and none of whose values both take: any value both hold will do,
    # it never blocks the view (stranger79 003: an unread JSON NOT NULL column, '{}' held by both).
    bare = [j for j, f in enumerate(found) if not f and not read[j]]
    if bare and fallback:
        anything = [list(_ANY) if j in bare else [] for j in range(len(columns))]
        tried = fitted(schemas, tables, columns, anything, read, backends, fallback=False)
        for j in bare:
            found[j] = tried[j][:1] if tried is not None else []
    return found
