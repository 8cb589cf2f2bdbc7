"""A unique rule NULLS NOT DISTINCT on one side only, against the idiom the other side spells it
with (see ``stage``): SQLite has no NULLS NOT DISTINCT, and keeps "at most one row with a NULL"
by a plain ``UNIQUE (a)`` beside a partial unique index on that side only (``((a IS NULL)) WHERE
a IS NULL``, ``((1)) WHERE a IS NULL``, ``(a) WHERE b IS NULL`` where a is NOT NULL; stranger58
005). The comparer reports the rule as NULLS NOT DISTINCT on one side only and the index as on
one side only, claiming a second NULL row goes in where it does not.

Two rows collide under ``UNIQUE NULLS NOT DISTINCT (k)`` exactly when the plain ``UNIQUE (k)``
takes them as a duplicate or both have a NULL in k and are equal with NULL equal to NULL, which is
``UNIQUE NULLS NOT DISTINCT (k) WHERE k1 IS NULL OR k2 IS NULL ...`` (the "NULL part"). So
the plain rule and the partial index are the rule with NULLS NOT DISTINCT where the index takes
the same pairs as duplicates as the NULL part: both are run over the same probe rows
(``index_keys.judge_keys``, each row also inserted twice), the index on its own side and the NULL
part on the side with NULLS NOT DISTINCT. A column NOT NULL on both sides is kept out of both
(``AND c IS NOT NULL``: no real row is changed by it). Equal on every row is "equal on N probes"
(never proven): both differences become that equivalence; a row that parts them is added to both
as the witness. Only an index that reads the rule's columns alone is tried.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from twinschema.evaluate.context import StageContext, find
from twinschema.evaluate.index_keys import Judged, KeyOptions, judge_keys, key_text, written_keys
from twinschema.evaluate.index_partners import partners, settle
from twinschema.evaluate.unpaired_indexes import unique_shown
from twinschema.evaluate.witness_fields import Written
from twinschema.model import Index, Table
from twinschema.records import Difference, Side


def nulls_idiom(st: StageContext) -> None:
    """Settle or explain each NULLS NOT DISTINCT difference that the other side's one-sided
    partial unique index may make up for (module docstring)."""
    for d in [d for d in st.comparison.differences if d.kind == "unique"]:
        found = _rules(st, d)
        if found is None:
            continue
        table, rule, side = found
        notes: list[tuple[Difference, Written]] = []
        columns = {c.lower() for c in rule.expressions}
        indexes = partners(st, table.name, side, partial(_reads_some, rule.method, columns))
        for index_d, index in indexes:
            judged = _judge(st, table, rule, index, side)
            if judged is None or (judged.witness is None and judged.stored == 0):
                continue
            if judged.witness is None:
                settle(st, d, index_d, index, side, judged.stored)
                break
            witness = judged.witness[0]
            shown = f"with {st.side_name(side)}'s {index.describe()}: {witness.text}"
            notes.append((index_d, Written(shown, witness.witness)))
        else:
            if notes:  # the claim that a second NULL goes in was not tried: the witness says
                st.swap(d, _unclaimed(d, side, notes))
                for index_d, note in notes:
                    st.annotate(note.text, index_d, witness=note.witness)


def _unclaimed(d: Difference, side: str, notes: list[tuple[Difference, Written]]) -> Difference:
    """``d`` without its claim that the NULLS DISTINCT side accepts a second NULL row (its
    one-sided unique index may refuse it), with the witnesses of those indexes instead."""
    source = d.left_source if side == "left" else d.right_source
    message = d.message.replace(
        f", {source} accepts it",
        f", where {source}'s rule takes NULLs as distinct",
    )
    named = replace(d, message=f"{message}; {'; '.join(note.text for _, note in notes)}")
    return named.given(next((n.witness for _, n in notes if n.witness is not None), None))


def _rules(st: StageContext, d: Difference) -> tuple[Table, Index, str] | None:
    """The table, the NULLS DISTINCT side's rule (as a unique index) and that side's name
    (``left``/``right``) of a ``unique`` difference that is NULLS NOT DISTINCT on one side only
    of two rules over the same columns, alike otherwise; else None."""
    if d.table is None or d.left is None or d.right is None:
        return None
    ltable, _ = find(st.left, d.table, "")
    rtable, _ = find(st.right, d.table, "")
    li, ri = unique_shown(ltable, d.left), unique_shown(rtable, d.right)
    if ltable is None or li is None or ri is None or li.nulls_distinct == ri.nulls_distinct:
        return None
    if li.where is not None or ri.where is not None or li.expressions != ri.expressions:
        return None
    if any(li.collations) or any(ri.collations) or li.method != ri.method:
        return None
    named = {c.name.lower() for c in ltable.columns}
    if not {e.lower() for e in li.expressions} <= named:
        return None  # a rule over an expression: not this idiom
    return (ltable, li, "left") if li.nulls_distinct else (ltable, ri, "right")


def _judge(st: StageContext, table: Table, rule: Index, index: Index, side: str) -> Judged | None:
    """``index`` on its own side against the NULL part of ``rule`` on the other."""
    own, other = (st.left, st.right) if side == "left" else (st.right, st.left)
    otable, _ = find(other, table.name, "")
    if otable is None:
        return None
    never_null = [c for c in rule.expressions if _not_null(own, otable, table.name, c)]
    nullable = [c for c in rule.expressions if c not in never_null]
    if not nullable:
        return None
    kept = " AND ".join(f"{_quoted(own, table.name, c)} IS NOT NULL" for c in never_null)
    elements, where = written_keys(index)
    if kept:
        where = f"({where}) AND {kept}" if where else kept
    ours = (elements, where)
    names = tuple(_quoted(other, table.name, c) for c in rule.expressions)
    part = " OR ".join(f"{_quoted(other, table.name, c)} IS NULL" for c in nullable)
    theirs = (names, part)
    keys = (ours, theirs) if side == "left" else (theirs, ours)
    distinct = (True, False) if side == "left" else (False, True)
    options = KeyOptions(nulls_distinct=distinct, itself=True)
    return judge_keys(st, table.name, keys, (key_text(keys[0]), key_text(keys[1])), options)


def _not_null(own: Side, other: Table, table: str, column: str) -> bool:
    """True when ``column`` is NOT NULL on both sides."""
    _, mine = find(own, table, column)
    theirs = next((c for c in other.columns if c.name.lower() == column.lower()), None)
    return mine is not None and theirs is not None and not mine.nullable and not theirs.nullable


def _quoted(side: Side, table: str, column: str) -> str:
    """``column`` (logical) as ``side`` names it, quoted."""
    _, found = find(side, table, column)
    name = found.own_name if found is not None else column
    return '"' + name.replace('"', '""') + '"'


def _reads_some(method: str, columns: set[str], index: Index, read: set[str]) -> bool:
    """An index of the rule's ``method`` whose key reads some of its ``columns``, and no other."""
    return index.method == method and bool(read) and read <= columns
