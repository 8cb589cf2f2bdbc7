"""A unique partial index whose predicate compares two timestamptz, timestamp or date columns
(``CREATE UNIQUE INDEX ... (room) WHERE ends_at > starts_at``), both sides alike: SQLite keeps
the columns as text and compares the text, PostgreSQL the instants or days, so a row of one form
(``offset_rows.FAMILIES``: '2026-01-01T10:00:00+02:00' against '2026-01-01T09:30:00Z', hour 24,
a day without its zero) is in the index on one side only, and a second such row with the same
key is a duplicate there only: SQLite stores both, PostgreSQL refuses the second ("duplicate key
value violates unique constraint"), or the reverse (s79time, proved on SQLite 3.40.1 and
PostgreSQL). That is an ``index`` difference with the row as its witness, as a CHECK comparing
the two columns is (``offset_checks``); a non-unique index refuses nothing, and its predicate
stays a warning (``date_pairs``), as do the rows a side's CHECKs on one column refuse alone.
"""

from __future__ import annotations

from twinschema.evaluate.checks import witness_written
from twinschema.evaluate.context import StageContext, matched_tables
from twinschema.evaluate.date_text import in_index, partial_index_pairs
from twinschema.evaluate.offset_rows import compared_moments, one_form_parting
from twinschema.model import Index, Table

# Why such an index parts (a difference's reason, beside its witness).
WHY = (
    "SQLite compares the two columns of its predicate as text, PostgreSQL as moments or days, "
    "and text order is not their order in every form ('2026-01-01T10:00:00+02:00' is 08:00 UTC "
    "yet sorts after '2026-01-01T09:30:00Z'; '2026-01-01T24:00:00Z' is the next midnight; "
    "'2026-1-01' sorts after '2026-01-05'), so a row is in the index on one side only and a "
    "second one with the same key is a duplicate there only"
)


def offset_indexes(st: StageContext) -> None:
    """Across SQLite and PostgreSQL, each unique partial index pair whose predicates compare
    two columns of one kind of ``offset_rows.FAMILIES``: a row of that family inside the
    index on one side only makes it an ``index`` difference (module docstring). No scratch
    database is asked for where there is no such index."""
    if set(st.dialects) != {"sqlite", "postgresql"}:
        return
    for lt, rt in matched_tables(st):
        for li, ri in partial_index_pairs((lt, rt), lambda _side, _where: True):
            if li.unique:
                _judge(st, (lt, rt), (li, ri))


def _judge(st: StageContext, tables: tuple[Table, Table], indexes: tuple[Index, Index]) -> None:
    wheres = tuple(i.raw_where or i.where or "" for i in indexes)
    names = compared_moments(st.dialects, tables, wheres[0])
    table = tables[0].name
    if names is None or any(
        d.kind == "index" and d.table == table and d.name == indexes[0].name
        for d in st.comparison.differences
    ):
        return
    ready = st.ready_backends()
    if len(ready) < 2:
        return
    texts = (f"{in_index(wheres[0])} = 1", f"{in_index(wheres[1])} = 1")
    found = one_form_parting(ready, st.dialects, tables, names, texts)
    if found is None:
        return
    st.result.evaluated += 1
    row, inside = found  # the side whose index holds the row refuses a second one
    sides = ("left", "right")
    refuses, stores = st.side_name(sides[inside]), st.side_name(sides[1 - inside])
    said = (
        f"in the index on {refuses} only, so of two such rows with the same key {stores} "
        f"stores both, {refuses} refuses the second (a duplicate key)"
    )
    written = witness_written(st, names, row, said, (inside == 1, inside == 0))
    shown = (indexes[0].describe(), indexes[1].describe())
    st.dependent_difference(
        "index",
        table,
        None,
        *shown,
        (f"the unique index {indexes[0].name} on {st.table_shown(table)}", WHY, written.text),
        None,
        indexes[0].name if indexes[0].name == indexes[1].name else None,
        witness=written.witness,
    )
