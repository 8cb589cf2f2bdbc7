"""Rows that part two CHECKs, completed so that the table's other CHECKs let them in.

Two CHECKs are run on the cross product of the probe values of every column their table's
other CHECKs share with them (``side_checks.with_sharing``), cut to a size. Where those other
CHECKs let few rows in, the cut may leave no row that both parts the pair and is stored:
``c1 IN ('1', ' a') AND c2`` against ``(' a ')`` beside ``c0 > 99 OR (c3 AND c2)`` parts on
c1 = ' a' only with c3 true, and the cross product of four columns holds no such row. So the
pair is run on the probe rows of its own columns first, and each row it parts on is completed
with every combination of the other columns' probe values (``rows``): the accepting side's
table then judges each completion (``accepted_by_table``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from twinschema.evaluate.context import StageContext
from twinschema.evaluate.crossed_rows import cross, distinct
from twinschema.evaluate.probe_sets import ProbeSet, accept_vectors, probe_rows
from twinschema.evaluate.side_checks import checks_within
from twinschema.evaluate.stored_rows import (
    Parting,
    accepted_by_table,
    nulls_where_both_allow,
    partings,
)


def witness(
    st: StageContext, table: str, wide: ProbeSet, texts: tuple[str, str], errors_reject: bool
) -> tuple[ProbeSet, Parting] | None:
    """The first row on which the CHECKs ``texts`` part, completed (``rows``) so that the
    accepting side's table stores it, with the rows it is one of; None when there is none."""
    narrow = probe_rows(st, table, *texts, counted=False)
    judged = accept_vectors(narrow, *texts, errors_reject) if narrow else []
    parted = [row for row, a, b in judged if a != b]
    more = rows(st, table, wide, narrow, parted) if narrow else None
    if more is None:
        return None
    more = nulls_where_both_allow(st, table, more)
    judged = accept_vectors(more, *texts, errors_reject)
    stored = accepted_by_table(st, table, more, judged, texts)
    found = next(iter(partings(st, table, more, texts, stored)), None)
    return (more, found) if found is not None else None


# At most this many rows the pair parts on are completed, each with at most this many
# combinations of the other columns' values.
PARTED = 4
FILLS = 512


def rows(
    st: StageContext, table: str, wide: ProbeSet, narrow: ProbeSet, parted: list[tuple[Any, ...]]
) -> ProbeSet | None:
    """``wide``'s columns over ``parted`` (rows of ``narrow``'s columns), each completed with
    the other columns' values from ``wide``'s rows that a side's table lets in (``_fills``);
    None when ``wide`` adds no column or nothing parts."""
    extra = [n for n in wide.names if n not in narrow.names]
    if not extra or not parted:
        return None
    at = {n: k for k, n in enumerate(wide.names)}
    fills = _fills(st, table, wide, [at[n] for n in extra])
    completed: list[tuple[Any, ...]] = []
    for row in parted[:PARTED]:
        for fill in fills:
            full: list[Any] = [None] * len(wide.names)
            for name, value in (
                *zip(narrow.names, row, strict=True),
                *zip(extra, fill, strict=True),
            ):
                full[at[name]] = value
            completed.append(tuple(full))
    return replace(wide, rows=tuple(completed))


def _fills(st: StageContext, table: str, wide: ProbeSet, at: list[int]) -> list[tuple[Any, ...]]:
    """Values of the columns at ``at``: as in ``wide``'s rows that either side's table lets in
    (its CHECKs over ``wide``'s columns), first (where a table lets few rows in, their other
    columns are the ones a witness needs); then the cross product of those columns' values
    alone, which the cut of ``wide``'s rows thinned (``c0 LIKE '%b' AND c0 <= c1`` needs two
    text values ending in b, in order)."""
    names = {n.lower() for n in wide.names}
    let_in: list[tuple[Any, ...]] = []
    for side_of, columns, backend in zip(
        (st.left, st.right), (wide.left, wide.right), wide.backends, strict=True
    ):
        text = checks_within(side_of, table, names)
        verdicts = backend.try_rows(columns, text, wide.rows, True)
        let_in += [row for row, ok in zip(wide.rows, verdicts, strict=True) if ok]
    values = [[v for (v,) in distinct((row[k],) for row in wide.rows)] for k in at]
    return distinct([*(tuple(row[k] for k in at) for row in let_in), *cross(values, FILLS)])[:FILLS]
