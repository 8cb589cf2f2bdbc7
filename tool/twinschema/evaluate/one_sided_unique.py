"""The witness of a UNIQUE rule on one side only, as ``one_sided`` gives one for a CHECK: two rows
equal on the rule's columns and apart on every other, which the side without the rule stores
both of and the side with it refuses the second of. The value is the first of the columns' own
probe values (``probes.values_for``, NULL left out: NULLs are distinct under most rules) that
both sides' columns store and both sides' CHECKs over those columns accept, run on the scratch
databases. No witness where a key of the side without the rule lies within the rule's columns
(a UNIQUE over a superset of the primary key: the key refuses such rows on both sides). The
difference stands whether or not a value is found; only the witness is added.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from twinschema.evaluate import expression_reads, generated_unique, probes
from twinschema.evaluate.context import StageContext, find
from twinschema.evaluate.shown_probes import probe_text
from twinschema.evaluate.side_checks import checks_within
from twinschema.evaluate.statements import probe_column
from twinschema.evaluate.witness_rows import look_alikes, per_dialect, row_text
from twinschema.model import Table, UniqueConstraint
from twinschema.model_shown import columns_shown, described_as, own_table
from twinschema.records import Difference

# At most this many candidate rows are tried.
_TRIED = 60


def witnesses(st: StageContext) -> None:
    """Add a witness to each ``unique`` difference that only one side has, where one is found."""
    for d in [d for d in st.comparison.differences if d.kind == "unique"]:
        if d.table is not None and (d.left is None) != (d.right is None):
            _witness(st, d, "left" if d.left is not None else "right")


def _witness(st: StageContext, d: Difference, side: str) -> None:
    assert d.table is not None
    own = st.left if side == "left" else st.right
    table, _ = find(own, d.table, "")
    unique = _rule(table, d.left if side == "left" else d.right)
    other_table, _ = find(st.right if side == "left" else st.left, d.table, "")
    if table is None or unique is None or other_table is None:
        return
    columns = {c.lower() for c in unique.columns}
    if any(keys <= columns for keys in _keys(st, other_table, side == "left")):
        return  # the side without the rule refuses such two rows too (a key within its columns)
    tables = (table, other_table)
    if generated_unique.involved(st, tables if side == "left" else tables[::-1], columns):
        made = generated_unique.witness(st, side, tables, unique)
        if made is not None:
            found, pair = made[0], (made[1], made[2])
            parents = _parents(st, tables, found.names, pair[0])
            st.annotate(generated_unique.said(st, side, found, pair, parents), d)
        return  # no row sets a generated column: rows are made through its expression
    pairs = [(find(st.left, d.table, c)[1], find(st.right, d.table, c)[1]) for c in unique.columns]
    lb = st.ev.backend(st.left.schema.dialect)
    rb = st.ev.backend(st.right.schema.dialect)
    if lb is None or rb is None:
        return
    values = []
    for lc, rc in pairs:
        if lc is None or rc is None:
            return  # a column missing on one side is a difference of its own
        labels = (*(lc.type.values or ()), *(rc.type.values or ()))
        kind = probes.kind_of(lc, rc)
        values.append([v for v in probes.values_for(kind, (), labels) if v is not None])
    rows = list(itertools.islice(itertools.product(*values), _TRIED))
    lcols = tuple(probe_column(c) for c, _ in pairs if c is not None)
    rcols = tuple(probe_column(c) for _, c in pairs if c is not None)
    lcheck = checks_within(st.left, d.table, columns)
    rcheck = checks_within(st.right, d.table, columns)
    lgot = lb.try_rows(lcols, lcheck, rows)
    rgot = rb.try_rows(rcols, rcheck, rows)
    row = next((r for r, a, b in zip(rows, lgot, rgot, strict=True) if a and b), None)
    if row is None:
        return
    other = "right" if side == "left" else "left"
    tables = (table, other_table) if side == "left" else (other_table, table)
    names = ", ".join(columns_shown(*tables, unique.columns))
    shown = row_text(st.dialects, row)
    parents = _parents(st, (table, other_table), unique.columns, row)
    st.annotate(
        f"witness: two rows with ({names}) = {shown}{look_alikes(row)} and every other "
        f"column apart{parents}: "
        f"{st.side_name(other)} stores both, {st.side_name(side)} rejects the second as a "
        "duplicate",
        d,
    )


def _parents(
    st: StageContext, tables: tuple[Table, Table], columns: Sequence[str], row: Sequence[Any]
) -> str:
    """``, after a users row with user_id = 0 (user_id references it)``: the parent rows a
    foreign key of either side needs before the witness rows are stored (stranger49 013: a
    key over the rule's columns, with their values; else rows for the columns set apart); ""
    where none does. A key of the table to itself is left out. Tables and columns by the
    names both databases give them (``model_shown``; s66msg)."""
    dialects = st.dialects
    at = {c.lower(): n for n, c in enumerate(columns)}
    said: dict[tuple[str, tuple[str, ...]], str] = {}
    table, other = tables
    for key in (*table.foreign_keys, *other.foreign_keys):
        if key.ref_table.lower() == table.name.lower():
            continue
        if not key.columns:
            continue
        parent = st.left.schema.tables.get(key.ref_table), st.right.schema.tables.get(key.ref_table)
        ref_table = own_table(key.ref_table, *parent)
        refs = ", ".join(columns_shown(*parent, key.ref_columns))
        cols = ", ".join(columns_shown(*tables, key.columns))
        if any(c.lower() not in at for c in key.columns):  # among the columns set apart
            said.setdefault(
                (key.ref_table.lower(), key.columns),
                f"{ref_table} rows that each row's {cols} references",
            )
            continue
        values = tuple(row[at[c.lower()]] for c in key.columns)
        if None in values:
            continue
        shown = _values(dialects, values)
        shown = f"({shown})" if len(values) > 1 else shown
        spelled = f"({refs}) = {shown}" if len(values) > 1 else f"{refs} = {shown}"
        spelled = spelled if key.ref_columns else f"the key {shown}"
        said.setdefault(
            (key.ref_table.lower(), key.columns),
            f"a {ref_table} row with {spelled} ({cols} references it)",
        )
    return f", after {' and '.join(said.values())}" if said else ""


def _values(dialects: Sequence[str], values: Sequence[Any]) -> str:
    return per_dialect(dialects, lambda d: ", ".join(probe_text(v, d) for v in values))


def _keys(st: StageContext, table: Table, right_side: bool) -> list[set[str]]:
    """The columns of each rule of ``table`` (a side's) that refuses rows equal on them: its
    primary key, its UNIQUE rules, the columns its unique indexes read (partial ones too)."""
    dialect = (st.right if right_side else st.left).schema.dialect
    found = [{c.lower() for c in table.primary_key}] if table.primary_key else []
    found += [{c.lower() for c in u.columns} for u in table.uniques]
    for index in table.indexes:
        if not index.unique:
            continue
        read: set[str] = set()
        for text in index.expressions:
            reads = expression_reads.reads(dialect, text)
            read |= {c.lower() for c in reads.columns} if reads is not None else {text.lower()}
        found.append(read)
    return found


def _rule(table: Table | None, shown: str | None) -> UniqueConstraint | None:
    """The UNIQUE rule of ``table`` a difference shows as ``shown`` (its ``describe()``)."""
    if table is None or shown is None:
        return None
    return next((u for u in table.uniques if described_as(table, u, shown)), None)
