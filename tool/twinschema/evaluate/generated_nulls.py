"""NOT NULL on one side only of a column both sides generate (see ``stage``). It refuses a row
only where the side's own expression computes NULL: run over probe rows of the columns it reads
(NULL only where both sides allow it, no row a CHECK keeps out), an expression that is never
NULL there makes the NOT NULL "never NULL: equal on N probes" (never proven: ``qty * price`` over
NOT NULL columns; stranger36); a row it computes NULL on (``a / b`` at b = 0 on SQLite), which
the other side stores, is the witness."""

from __future__ import annotations

from twinschema.evaluate.checks import witness_written
from twinschema.evaluate.context import StageContext, find, probe_count
from twinschema.evaluate.generated import computed_outcomes, without_column
from twinschema.evaluate.probe_sets import probe_rows
from twinschema.evaluate.stored_rows import checks_accept, nulls_where_both_allow
from twinschema.model import Column
from twinschema.records import Difference


def generated_nulls(st: StageContext) -> None:
    """Settle or explain each nullability difference of a column generated on both sides."""
    for d in [d for d in st.comparison.differences if d.kind == "column_nullable"]:
        if d.table is None or d.column is None:
            continue
        lc, rc = find(st.left, d.table, d.column)[1], find(st.right, d.table, d.column)[1]
        if lc is None or rc is None or lc.generated is None or rc.generated is None:
            continue
        if lc.nullable != rc.nullable:
            _judge(st, d, (lc, rc))


def _judge(st: StageContext, d: Difference, columns: tuple[Column, Column]) -> None:
    assert d.table is not None
    texts = tuple(c.generated.raw or c.generated.expression for c in columns if c.generated)
    found = probe_rows(st, d.table, texts[0], texts[1], counted=False)
    if found is None or len(texts) != 2:
        return
    tried = nulls_where_both_allow(st, d.table, found)
    strict = 0 if not columns[0].nullable else 1  # the side with the NOT NULL
    inputs = (without_column(found.left, columns[0]), without_column(found.right, columns[1]))
    got = computed_outcomes(found.backends, inputs, columns, (texts[0], texts[1]), tried.rows)
    if got is None:
        return
    both = [(row, a, b) for row, a, b in got if a[0] and b[0]]
    both = checks_accept(st, d.table, tried, both)
    if not both:
        return
    nulls = [(row, a, b) for row, a, b in both if (a, b)[strict][1] is None]
    if not nulls:
        st.drop(d)
        st.equivalence(d, f"a generated column never NULL: equal on {probe_count(len(both))}")
        return
    row = nulls[0][0]
    said = (
        f"{st.side_name('left' if strict == 0 else 'right')} computes NULL there and refuses "
        f"the row, {st.side_name('right' if strict == 0 else 'left')} stores it"
    )
    # No verdicts: the JSON's ``accepts`` has been None here, though one side refuses the row.
    written = witness_written(st, tried, row, said, None)
    st.annotate(written.text, d, witness=written.witness)
