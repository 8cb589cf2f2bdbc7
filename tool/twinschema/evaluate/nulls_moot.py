"""NULLS NOT DISTINCT on one side of two partial unique indexes, judged by running the
predicate (see ``stage``). The rule decides only whether two rows with a NULL in the indexed
columns collide, so where the predicate keeps every such row out of the index it is moot: the
same rule as a plain UNIQUE. The canonical form proves it for ``a IS NOT NULL`` and ``a > 0``
in the predicate's top AND (``normalize``); any other predicate (``coalesce(a, 0) > 0``) is run
here, on the side that has the rule, over probe rows with a NULL in an indexed column: never
true on any of them is "moot on N probes" (never proven); a row it puts in the index is the
witness that the rule counts there."""

from __future__ import annotations

from dataclasses import replace

from twinschema.evaluate.checks import witness_written
from twinschema.evaluate.computed import IN_INDEX, alike_but_where, in_index, index_shown, raw_where
from twinschema.evaluate.context import StageContext, find, probe_count
from twinschema.evaluate.probe_sets import probe_rows
from twinschema.model import Index, Table
from twinschema.records import Difference, Equivalence


def moot_nulls(st: StageContext) -> None:
    """Settle or explain each ``unique`` difference of two unique indexes alike but for NULLS
    NOT DISTINCT: partial ones on plain columns by their WHERE (``_judge``), expression ones by
    their keys (``_judge_keys``)."""
    for d in list(st.comparison.differences):
        pair = _pair(st, d)
        if pair is None:
            continue
        table, li, ri = pair
        if not set(li.expressions) <= {c.name for c in table.columns}:
            _judge_keys(st, d, table, li, ri)
        elif li.where is not None:
            _judge(st, d, table, li, ri)


def _pair(st: StageContext, d: Difference) -> tuple[Table, Index, Index] | None:
    """The table and the two indexes of a ``unique`` difference that is NULLS NOT DISTINCT on
    one side only of two unique indexes with one WHERE, alike otherwise; else None."""
    if d.kind != "unique" or d.table is None or d.left is None or d.right is None:
        return None
    ltable, _ = find(st.left, d.table, "")
    rtable, _ = find(st.right, d.table, "")
    li, ri = index_shown(ltable, d.left), index_shown(rtable, d.right)
    if ltable is None or li is None or ri is None or li.where != ri.where:
        return None
    if not (li.unique and ri.unique) or li.nulls_distinct == ri.nulls_distinct:
        return None
    if not alike_but_where(li, replace(ri, nulls_distinct=li.nulls_distinct)):
        return None
    return ltable, li, ri


def _judge_keys(st: StageContext, d: Difference, table: Table, li: Index, ri: Index) -> None:
    """Two unique expression indexes alike but for NULLS NOT DISTINCT, run on probe rows, each
    also inserted twice: where no key is ever NULL (``coalesce(a, '')``) the rule is moot; a
    row whose key is NULL, which one side takes twice and the other once, is the witness."""
    from twinschema.evaluate.index_keys import KeyOptions, judge_keys, key_text, written_keys

    options = KeyOptions(nulls_distinct=(li.nulls_distinct, ri.nulls_distinct), itself=True)
    texts = tuple(key_text((i.expressions, i.where)) for i in (li, ri))
    keys = tuple(written_keys(i) for i in (li, ri))
    judged = judge_keys(st, table.name, (keys[0], keys[1]), (texts[0], texts[1]), options)
    if judged is None or judged.stored == 0:
        return
    if judged.witness is not None:
        st.annotate(judged.witness[0].text, d, witness=judged.witness[0].witness)
        return
    keys_text = ", ".join(li.expressions)
    _moot(st, d, table, f"no key of ({keys_text}) is NULL (on {probe_count(judged.stored)})")


def _moot(st: StageContext, d: Difference, table: Table, why: str) -> None:
    """The difference goes: NULLS NOT DISTINCT changes no row accepted, for ``why``."""
    st.drop(d)
    st.comparison.equivalences.append(
        Equivalence(
            d.layer,
            d.table or table.name,
            None,
            f"NULLS NOT DISTINCT moot: {why}",
            d.left or "",
            d.right or "",
            d.left_source,
            d.right_source,
        )
    )


def _judge(st: StageContext, d: Difference, table: Table, li: Index, ri: Index) -> None:
    """Run the predicate of the side with NULLS NOT DISTINCT on the probe rows with a NULL in
    an indexed column: the difference goes when none is in the index."""
    side = "left" if not li.nulls_distinct else "right"
    found = probe_rows(st, table.name, raw_where(li), raw_where(ri))
    if found is None:
        return
    indexed = [found.names.index(e) for e in li.expressions if e in found.names]
    if len(indexed) < len(li.expressions):  # the predicate does not read an indexed column
        return
    rows = [r for r in found.rows if any(r[k] is None for k in indexed)]
    backend = found.backends[0 if side == "left" else 1]
    columns = found.left if side == "left" else found.right
    where = raw_where(li if side == "left" else ri)
    got = backend.computed(columns, in_index(where), IN_INDEX, rows) if rows else None
    judged = [(row, g) for row, g in zip(rows, got or (), strict=True) if g and g[0]]
    if not judged:
        st.result.not_evaluated += 1
        return
    st.result.evaluated += 1
    inside = next((row for row, g in judged if g[1]), None)
    if inside is not None:
        said = (
            f"the row is in the partial index on {st.side_name(side)}, whose NULLS NOT "
            "DISTINCT makes a second such row collide"
        )
        # Both sides store the row; a second such row parts them.
        written = witness_written(st, found, inside, said, None)
        st.annotate(written.text, d, witness=written.witness)
        return
    keys_text = ", ".join(li.expressions)
    _moot(
        st,
        d,
        table,
        f"the WHERE keeps every row with a NULL in ({keys_text}) out of the index "
        f"(on {probe_count(len(judged), 'probe row')})",
    )
