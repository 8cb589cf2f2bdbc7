"""A column NULL on one side only, where that side has a CHECK the other lacks that rejects
exactly the rows with a NULL in it: the two differences are one equivalence, "NOT NULL as a
CHECK: equal on N probes", when the CHECK and ``x IS NOT NULL`` agree on every probe row
(fractions too, where an integer column keeps them: ``typeof(x) = 'integer'`` rejects 1.5,
which PostgreSQL stores as 2, so it is no NOT NULL there).
"""

from __future__ import annotations

from twinschema.evaluate.checks import check_text, run_on_probes
from twinschema.evaluate.context import StageContext, find, probe_count
from twinschema.records import Difference, Equivalence


def not_null_checks(st: StageContext) -> None:
    """A column NULL on one side only, where that side has a CHECK the other lacks that rejects
    exactly the rows with a NULL in it (``CASE WHEN x IS NULL THEN 0 ELSE 1 END = 1``, ``x IS
    NOT NULL OR false``): run against ``x IS NOT NULL`` on the other side's probe rows, equal
    verdicts on every row make the two differences one equivalence, "equal on N probes"."""
    nullables = [d for d in st.comparison.differences if d.kind == "column_nullable"]
    for nd in nullables:
        if nd.table is None or nd.column is None:
            continue
        lt, lc = find(st.left, nd.table, nd.column)
        rt, rc = find(st.right, nd.table, nd.column)
        if lt is None or rt is None or lc is None or rc is None:
            continue
        left_null = lc.nullable
        table, other = (lt, rc) if left_null else (rt, lc)
        for cd in _one_sided_checks(st, nd.table, "left" if left_null else "right"):
            text = check_text(table, cd.left if left_null else cd.right)
            if text is None:
                continue
            test = f"{other.name} IS NOT NULL"
            ltext, rtext = (text, test) if left_null else (test, text)
            run = run_on_probes(st, lt.name, ltext, rtext, errors_reject=False)
            if run is None or run.witness is not None:
                continue
            st.drop(nd, cd)
            shown = f"CHECK ({text})"
            st.comparison.equivalences.append(
                Equivalence(
                    nd.layer,
                    nd.table,
                    nd.column,
                    f"NOT NULL as a CHECK: equal on {probe_count(run.judged)}",
                    shown if left_null else "NOT NULL",
                    "NOT NULL" if left_null else shown,
                    nd.left_source,
                    nd.right_source,
                )
            )
            break


def _one_sided_checks(st: StageContext, table: str, side: str) -> list[Difference]:
    """The ``check`` differences on ``table`` that only ``side`` has."""
    return [
        d
        for d in st.comparison.differences
        if d.kind == "check"
        and d.table == table
        and (d.left if side == "left" else d.right) is not None
        and (d.right if side == "left" else d.left) is None
    ]
