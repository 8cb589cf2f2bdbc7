"""Rows a table refuses through a generated column: storing what the column computes fails
(PostgreSQL's ``area smallint AS (a * b)`` at (200, 200): "smallint out of range"; ``g
varchar(5) AS (upper(s))`` at 'xxxxxx': "value too long"), so a real INSERT of the row fails
there whatever its CHECKs say. A witness must be a row one side stores (stranger57 110, 145: a
row both sides refuse was named as one that parts them).

Each generated column computed from the probe row's columns alone (``computed_from``) is run as
the column it is, on the side's own scratch database (``Backend.computed``): the column's own
type decides, as storing it does (a varchar's trailing spaces are cut, longer text refused).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from twinschema.canonical.identifiers import catalog_key
from twinschema.evaluate.context import StageContext, find
from twinschema.evaluate.generated_inline import computed_from
from twinschema.evaluate.probe_sets import ProbeSet

# A row both sides judged: the row, the left verdict, the right verdict (True: accepted).
Judged = tuple[tuple[Any, ...], bool, bool]


def refused(
    st: StageContext, side: str, table: str, found: ProbeSet, rows: Sequence[tuple[Any, ...]]
) -> list[bool]:
    """For each of ``rows`` (of ``found``'s columns): True where a generated column of
    ``side``'s table computed from those columns alone fails to store what it computes."""
    flags = [False] * len(rows)
    own = st.left if side == "left" else st.right
    found_table = find(own, table, "")[0]
    if not rows or found_table is None:
        return flags
    at = 0 if side == "left" else 1
    columns = (found.left, found.right)[at]
    dialect = own.schema.dialect
    names = {catalog_key(dialect, name) for name, _ in columns}
    texts = computed_from(dialect, found_table, names)
    backend = found.backends[at]
    for column in found_table.columns:
        text = texts.get(catalog_key(dialect, column.own_name))
        if text is None:
            continue
        got = backend.computed(columns, text, column.type, rows)
        for n, outcome in enumerate(got or ()):
            if outcome is not None and not outcome[0]:
                flags[n] = True
    return flags


def stored_only(
    st: StageContext, table: str, found: ProbeSet, judged: Sequence[Judged]
) -> list[Judged]:
    """``judged`` with each side's acceptance turned into a refusal where one of its generated
    columns fails on the row (``refused``). Only the rows a side accepts are run."""
    verdicts = [[a, b] for _, a, b in judged]
    for n, side in enumerate(("left", "right")):
        picked = [k for k, (_, *v) in enumerate(judged) if v[n]]
        flags = refused(st, side, table, found, [judged[k][0] for k in picked])
        for k, flag in zip(picked, flags, strict=True):
            if flag:
                verdicts[k][n] = False
    return [(row, a, b) for (row, _, _), (a, b) in zip(judged, verdicts, strict=True)]
