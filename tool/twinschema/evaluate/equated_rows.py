"""Rows where a column a CHECK equates with an expression holds that expression's value.

A CHECK ``code = printf('%04d', n)`` against ``code = lpad(n::text, 4, '0')`` accepts only rows
whose ``code`` is what its own side computes from ``n``; the probe values of ``code`` are its
kind's and the literals', so the two sides reject the same probe rows ("equal on N probes"),
though at n = 12345 one side computes '12345' and the other '1234', and at n = -5 '-005'
against '00-5'. Here each side's expression is computed over the probe rows on its own
database, and each row is tried again with the column set to what it gave: a row one side
computed for itself that the other side's CHECK refuses is the witness. The expressions only
propose rows; both CHECKs, as written, still judge each one.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from twinschema.canonical.expressions import parse
from twinschema.evaluate.context import StageContext
from twinschema.evaluate.crossed_rows import distinct
from twinschema.evaluate.probe_sets import ProbeSet, accept_vectors
from twinschema.evaluate.stored_rows import (
    Parting,
    accepted_by_table,
    nulls_where_both_allow,
    partings,
)
from twinschema.sql_expression import columns_read

# At most this many rows are tried per equated column of a side.
ROWS = 2048


def witness(
    st: StageContext, table: str, found: ProbeSet, texts: tuple[str, str], errors_reject: bool
) -> tuple[ProbeSet, Parting] | None:
    """The first row on which the CHECKs ``texts`` part among ``found``'s rows with each
    equated column set to what its side's expression computes (``_equated``), with the rows
    it is one of; None when no CHECK equates a column or no such row parts them."""
    tried: list[tuple[Any, ...]] = []
    sides = ((st.left, found.left, found.backends[0]), (st.right, found.right, found.backends[1]))
    for text, (side, columns, backend) in zip(texts, sides, strict=True):
        names = [name.lower() for name, _ in columns]
        for column, expression in _equated(side.schema.dialect, text, set(names)):
            k = names.index(column)
            got = backend.computed(columns, expression, columns[k][1], found.rows, False)
            for row, value in zip(found.rows, got or [], strict=False):
                if value is not None and value[0] and value[1] is not None:
                    tried.append((*row[:k], value[1], *row[k + 1 :]))
    known = set(found.rows)
    rows = [row for row in distinct(tried) if row not in known][:ROWS]
    if not rows:
        return None
    more = nulls_where_both_allow(st, table, replace(found, rows=tuple(rows)))
    judged = accept_vectors(more, *texts, errors_reject)
    stored = accepted_by_table(st, table, more, judged, texts)
    parted = next(iter(partings(st, table, more, texts, stored)), None)
    return (more, parted) if parted is not None else None


def _equated(dialect: str, text: str, names: set[str]) -> list[tuple[str, str]]:
    """(column, expression) for each ``column = expression`` (either way round) among the
    top-level conjuncts of ``text`` where the column is one of ``names`` and the expression
    reads other columns only, at least one; the expression printed in ``dialect``."""
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    from twinschema.records import SQLGLOT_DIALECTS

    try:
        tree = parse(dialect, text)
    except (SqlglotError, ValueError):
        return []
    found: list[tuple[str, str]] = []
    for conjunct in tree.flatten() if isinstance(tree, exp.And) else [tree]:
        node = conjunct.unnest()
        if not isinstance(node, exp.EQ):
            continue
        for one, other in ((node.this, node.expression), (node.expression, node.this)):
            column = one.unnest()
            if not isinstance(column, exp.Column) or column.name.lower() not in names:
                continue
            read = {i.name.lower() for i in columns_read(other)}
            if read and column.name.lower() not in read and read <= names:
                found.append((column.name.lower(), other.sql(dialect=SQLGLOT_DIALECTS[dialect])))
    return found
