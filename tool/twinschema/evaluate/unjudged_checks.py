"""Why a CHECK pair was not evaluated, said in the differences it leaves (stranger59 021).

Two CHECKs that cannot be run on probe rows stay what the comparer found, two CHECKs on one
side each; the run's header counts them "not evaluated", but each difference read as a plain
one-sided CHECK. Each such difference that is still as the comparer left it (no stage merged,
dropped or witnessed it since) now ends with why: a CHECK that does not parse, no scratch
database of its dialect, a CHECK the scratch database cannot make (a function, type or
collation of the checked database it lacks, with the database's own error), columns whose
types share no kind (a text[] against SQLite's JSON text: no value is held by both), or no
probe value but NULL that both sides' columns hold (a type no probe value is made for).
"""

from __future__ import annotations

from twinschema.canonical import typemap
from twinschema.evaluate import expression_reads, side_checks
from twinschema.evaluate.context import StageContext
from twinschema.evaluate.probe_sets import probe_rows
from twinschema.evaluate.statements import type_sql


def explain(st: StageContext) -> None:
    """Append to each CHECK difference whose pair could not be run (``StageContext.unjudged``),
    still as it was, why not."""
    for found, table, ltext, rtext in st.unjudged:
        present = [d for d in found if any(d is c for c in st.comparison.differences)]
        if present:
            lshown = ", ".join(d.left for d in found if d.left and d.right is None)
            rshown = ", ".join(d.right for d in found if d.right and d.left is None)
            why = _why(st, table, (ltext, rtext), (lshown, rshown))
            st.annotate(f"not evaluated: {why} (the comparer's verdict stands)", *present)


def _why(st: StageContext, table: str, texts: tuple[str, str], shown: tuple[str, str]) -> str:
    """Why the CHECKs ``texts`` (left, right: as ``shown``) of ``table`` gave no verdict."""
    sides = (("left", shown[0]), ("right", shown[1]))
    for (side, text), dialect, raw in zip(sides, st.dialects, texts, strict=True):
        if expression_reads.reads(dialect, raw) is None:
            return f"{text} of {st.side_name(side)} could not be read"
        if st.ev.backend(dialect) is None:
            return st.ev.unavailable(dialect) or f"no scratch database of {st.side_name(side)}"
    run = side_checks.through_generated(st, table, texts)
    found = probe_rows(st, table, *run, counted=False)
    if found is None:
        return "a column they read is not on both sides"
    for (side, text), ran, columns, backend in zip(
        sides, run, (found.left, found.right), found.backends, strict=True
    ):
        backend.try_rows(columns, ran, found.rows[:1])
        if backend.refused is not None:
            return (
                f"the scratch database cannot make a table with {text} of "
                f"{st.side_name(side)}: {backend.refused}"
            )
    apart = [
        f"{name} {type_sql(lt)} / {type_sql(rt)}"
        for name, (_, lt), (_, rt) in zip(found.names, found.left, found.right, strict=True)
        if typemap.shared_kind(lt, rt) is None or lt.array != rt.array
    ]
    if apart:
        # stranger63 023: a text[] against SQLite's JSON text is no probe type missing; the two
        # columns hold no value alike, so no row can put both CHECKs to the test.
        return (
            f"the columns' types differ ({', '.join(apart)}: see the column_type difference), "
            "so no value but NULL is held by both sides' columns to test both CHECKs on"
        )
    types = ", ".join(
        f"{name} {type_sql(lt)}" + ("" if type_sql(lt) == type_sql(rt) else f" / {type_sql(rt)}")
        for name, (_, lt), (_, rt) in zip(found.names, found.left, found.right, strict=True)
    )
    return f"no probe value but NULL was held by both sides' columns ({types}) and judged"
