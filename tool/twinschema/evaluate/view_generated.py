"""The generated columns of a view's base tables in its runs (``view_pair``, ``view_fits``).

Rows never give a generated column: a scratch copy computes it with its side's own expression
as the catalog holds it (``view_runs.base_of`` with ``computed``) where a view reads it, or a
CHECK does, so that the view reads what the database computes (stranger94b 005: SQLite's
``CAST(julianday(check_out) - julianday(check_in) AS INTEGER)`` against PostgreSQL's
``check_out - check_in`` under ``SUM(total_price) / SUM(nights)``). A CHECK reading one
(``nights > 0``) reads the columns its expression reads: those are crossed as for a CHECK
naming them (``check_out > check_in``), or no probe row meets it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from twinschema.evaluate import view_reads
from twinschema.model import Column, Table


def made(table: Table) -> list[Column]:
    """The generated columns of ``table``."""
    return [c for c in table.columns if c.generated is not None]


def both(left: Table, right: Table, name: str) -> bool:
    """Whether column ``name`` is a generated column of both tables."""
    return all((c := t.column(name)) is not None and c.generated is not None for t in (left, right))


def checked(table: Table) -> bool:
    """Whether a CHECK of ``table`` reads one of its generated columns (its copy must make
    them: the CHECK names them)."""
    words = [view_reads.word(c.own_name) for c in made(table)]
    return any(w.search(c.raw or c.expression) for c in table.checks for w in words)


def check_reads(table: Table, said: str) -> str:
    """``said`` (a CHECK of ``table``) with the expression of each generated column it reads
    beside it: what the CHECK reads of the columns rows give."""
    found = [
        c.generated.raw or c.generated.expression
        for c in made(table)
        if c.generated is not None and view_reads.word(c.own_name).search(said)
    ]
    return " ".join([said, *found])


def expressions(columns: list[Column]) -> str:
    """The expressions of generated ``columns`` (each side's), as one text the words of the
    columns they read are found in."""
    return " ".join(c.generated.raw or c.generated.expression for c in columns if c.generated)


# Rows of a group ``spread`` makes at most, and the rows it copies.
_SPREAD = 6
_TEMPLATES = 2


def spread(
    rows: list[Any],
    values: Sequence[Sequence[Any]],
    keys: Sequence[int],
    inputs: Sequence[int],
) -> list[Any]:
    """``rows`` and, for each of the first ``_TEMPLATES`` rows, copies of it (new keys) that
    vary only ``inputs``, the columns a generated column the views read reads and the views
    do not name (``nights`` = ``check_out - check_in`` under ``AVG(nights) ... GROUP BY
    strftime('%Y-%m', check_in)``): one group, its generated values apart, so that an average
    of them needs more digits than a double keeps (1, 3 and 3 nights: 2.3333333333333335 on
    SQLite, 2.3333333333333333 on PostgreSQL); the diagonals give each group one row or two."""
    if not rows or not inputs:
        return rows
    free = {k: [v for v in dict.fromkeys(values[k]) if v not in {r[k] for r in rows}] for k in keys}
    found = list(rows)
    for template in rows[:_TEMPLATES]:
        for n in range(_SPREAD):
            if any(not free[k] for k in keys):
                return found
            copy = list(template)
            for j in inputs:
                offered = list(dict.fromkeys(values[j]))
                copy[j] = offered[n % len(offered)] if offered else copy[j]
            for k in keys:
                copy[k] = free[k].pop(0)
            found.append(tuple(copy))
    return found


def unnamed_inputs(
    table: Table, columns: Sequence[str], read_made: Sequence[Column], texts: str
) -> list[int]:
    """The indexes in ``columns`` of the columns the generated ``read_made`` read (either
    side's expression) that ``texts`` (the views) do not name."""
    said = expressions(list(read_made))
    found = []
    for j, name in enumerate(columns):
        column = table.column(name)
        if column is None:
            continue
        word = view_reads.word(column.own_name)
        if word.search(said) and not word.search(texts):
            found.append(j)
    return found
