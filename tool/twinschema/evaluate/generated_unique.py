"""The witness of a UNIQUE rule on one side only where a generated column stands in it, or is
computed from its columns (``one_sided_unique`` gives the others): two rows equal on the rule's
columns "and every other column apart" cannot be written then, for no insert sets a generated
column and one computed from the rule's columns follows them (stranger75 011: ``UNIQUE
(race_id, bib_norm)``, ``bib_norm AS (upper(bib))``, against ``UNIQUE (race_id, bib)`` on the
other side was shown with two rows of bib_norm '' (both bib '', which the other side's rule
refuses too), and that rule with two rows of bib '' (which the first side's refuses too)).

Here the rows are made of the stored columns the rule reads, each generated column read as its
expression (``side_checks.generated_inlined``), and run on the scratch databases: the rule's
own side with the rule as a unique index, the other side with each of its unique rules that
reads only those columns (one that reads another stored column is kept apart by that column),
both sides' CHECKs over them. Two rows that the rule takes as a duplicate and that no rule of
the other side does, both sides' columns storing them and their CHECKs accepting them, are the
witness (bib 'a1' then 'A1'); where none is found, no witness is given (the rule over bib is
implied by the one over upper(bib): every two rows it refuses, the other side refuses too).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from twinschema.canonical.identifiers import quoted
from twinschema.evaluate import expression_reads
from twinschema.evaluate.backends import KeyRun
from twinschema.evaluate.context import StageContext, logical_name
from twinschema.evaluate.probe_sets import ProbeSet, probe_rows
from twinschema.evaluate.side_checks import checks_within, generated_inlined
from twinschema.evaluate.statements import Keys
from twinschema.evaluate.witness_fields import own_names
from twinschema.evaluate.witness_rows import look_alikes, magnitude, row_text
from twinschema.model import Table, UniqueConstraint


def involved(st: StageContext, tables: tuple[Table, Table], columns: set[str]) -> bool:
    """True when a column of ``columns`` (logical names, folded) is generated on either side's
    table, or a generated column of either reads one: two rows cannot then be set apart on
    every other column, and the witness is made here (``witness``)."""
    for side, table in zip((st.left, st.right), tables, strict=True):
        dialect = side.schema.dialect
        for column in table.columns:
            if column.generated is None:
                continue
            if table.logical_name_of(column.name).lower() in columns:
                return True
            text = column.generated.raw or column.generated.expression
            reads = expression_reads.reads(dialect, text)
            read = (
                set()
                if reads is None
                else {logical_name(side, table.name, c) for c in reads.columns}
            )
            if read & columns:
                return True
    return False


def witness(
    st: StageContext, side: str, tables: tuple[Table, Table], unique: UniqueConstraint
) -> tuple[ProbeSet, tuple[Any, ...], tuple[Any, ...]] | None:
    """Two rows of the stored columns ``unique`` (of ``side``'s table, ``tables`` being that
    table and the other side's) reads that ``side`` refuses the second of as a duplicate and
    the other side stores both of, with the probe set they belong to; None where no probe rows
    show one (or they cannot be run)."""
    own_side, other_side = (st.left, st.right) if side == "left" else (st.right, st.left)
    table, other = tables
    own_key = _inlined(own_side.schema.dialect, table, unique)
    same_key = _inlined(other_side.schema.dialect, other, unique)
    texts = (_text(own_key), _text(same_key))
    ltext, rtext = texts if side == "left" else (texts[1], texts[0])
    found = probe_rows(st, table.name, ltext, rtext, counted=False)
    if found is None:
        return None
    own_at, other_at = (0, 1) if side == "left" else (1, 0)
    columns = (found.left, found.right)
    names = {n.lower() for n in found.names}
    own_run = found.backends[own_at].keys(
        columns[own_at], own_key, found.rows, unique.nulls_distinct, itself=True
    )
    # The rule on the other side too: which rows its columns store (its pairs say nothing).
    stored_run = found.backends[other_at].keys(columns[other_at], same_key, found.rows)
    if own_run is None or stored_run is None:
        return None
    refusing: list[KeyRun] = []
    for keys, nulls in _rules(other_side.schema.dialect, other):
        reads = expression_reads.reads(other_side.schema.dialect, _text(keys))
        if reads is None:
            return None
        if {logical_name(other_side, other.name, c) for c in reads.columns} <= names:
            run = found.backends[other_at].keys(
                columns[other_at], keys, found.rows, nulls, itself=True
            )
            if run is None:
                return None
            refusing.append(run)
    passed = _passing(st, table.name, found, names)
    stored = {
        k
        for k, (a, b) in enumerate(zip(own_run[0], stored_run[0], strict=True))
        if a is not None and a[0] and b is not None and b[0] and k in passed
    }
    pairs = sorted(
        (p for p in own_run[1] if {*p} <= stored and not any(p in r[1] for r in refusing)),
        key=lambda p: (
            p[0] == p[1],  # two rows before one inserted twice, text before bytes in it
            any(isinstance(v, bytes) for v in (*found.rows[p[0]], *found.rows[p[1]])),
            _size(found.rows[p[0]]) + _size(found.rows[p[1]]),
            magnitude([*found.rows[p[0]], *found.rows[p[1]]]),
            p,
        ),
    )
    if not pairs:
        return None
    first, second = pairs[0]
    return found, found.rows[first], found.rows[second]


def said(
    st: StageContext, side: str, found: ProbeSet, rows: tuple[tuple[Any, ...], tuple[Any, ...]],
    parents: str = "",
) -> str:  # fmt: skip
    """``witness: two rows with (bib, race_id) = ('a', 0) then ('A', 0) ...``: the two rows of
    ``witness`` as a message says them, ``parents`` (the rows a foreign key needs first) after
    them."""
    other = "right" if side == "left" else "left"
    names = ", ".join(own_names(found))
    first, second = (row_text(st.dialects, r) for r in rows)
    shown = f"{first} then {second}" if rows[0] != rows[1] else first
    return (
        f"witness: two rows with ({names}) = {shown}{look_alikes([*rows[0], *rows[1]])}, each "
        f"generated column computed from them, every other column apart{parents}: "
        f"{st.side_name(other)} stores both, {st.side_name(side)} rejects the second as a "
        "duplicate"
    )


def _inlined(dialect: str, table: Table, unique: UniqueConstraint) -> Keys:
    """``unique``'s columns as ``table`` (of ``dialect``) names them, each generated one read as
    its expression over the stored columns."""
    elements = (quoted(table.own_name_of(c)) for c in unique.columns)
    return tuple(generated_inlined(dialect, table, e) for e in elements), None


def _rules(dialect: str, table: Table) -> list[tuple[Keys, bool]]:
    """Each rule of ``table`` that refuses two rows equal on its keys (its primary key, UNIQUE
    rules, unique indexes with their WHERE), generated columns read as their expressions, with
    whether NULLs are distinct under it."""
    found: list[tuple[Keys, bool]] = []
    if table.primary_key:
        key = [quoted(table.own_name_of(c)) for c in table.primary_key]
        found.append((_keys(dialect, table, key, None), True))
    for unique in table.uniques:
        found.append((_inlined(dialect, table, unique), unique.nulls_distinct))
    for index in table.indexes:
        if index.unique:
            elements = index.raw_expressions or index.expressions
            where = index.raw_where or index.where
            found.append((_keys(dialect, table, elements, where), index.nulls_distinct))
    return found


def _keys(dialect: str, table: Table, elements: Sequence[str], where: str | None) -> Keys:
    inline = [generated_inlined(dialect, table, e) for e in elements]
    return tuple(inline), None if where is None else generated_inlined(dialect, table, where)


def _text(keys: Keys) -> str:
    elements, where = keys
    return f"({', '.join([*elements, *([where] if where else [])])})"


def _passing(st: StageContext, table: str, found: ProbeSet, names: set[str]) -> set[int]:
    """The positions of the rows both sides' CHECKs over ``names`` of ``table`` accept (the
    rows a side's CHECKs give no verdict on are left out)."""
    passed = set(range(len(found.rows)))
    for side, backend, columns in zip(
        (st.left, st.right), found.backends, (found.left, found.right), strict=True
    ):
        text = checks_within(side, table, names)
        if text != "TRUE":
            got = backend.try_rows(columns, text, found.rows, errors_reject=True)
            passed &= {k for k, v in enumerate(got) if v}
    return passed


def _size(row: Sequence[Any]) -> int:
    return sum(len(v) for v in row if isinstance(v, str))
