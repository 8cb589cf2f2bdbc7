"""Two plain (not unique) indexes of one name whose elements, written alike, mean other things
on each side (SQLite's ``lower()`` folds ASCII letters only, PostgreSQL's every letter): a plain
index refuses no row, unless computing its key fails (``x * 2`` overflows PostgreSQL's int4),
so the two are run on probe rows for such a row (``index_keys.judge_keys``, not unique). One
is the witness; none makes the two one index, "refuses the same rows: equal on N probes"
(never proven), as a plain index on a NUMERIC column whose keys differ is no difference.
Elements are written alike when they read alike but for the casts PostgreSQL adds to a
column where an operator needs another type: ``water_g * 1.0 / flour_g`` on integer columns
reads back as ``(water_g)::numeric * 1.0 / (flour_g)::numeric`` (stranger44 case 020).
"""

from __future__ import annotations

import re
from dataclasses import replace

from twinschema.canonical import folding
from twinschema.evaluate.computed import index_shown
from twinschema.evaluate.context import StageContext, find, probe_count
from twinschema.evaluate.index_keys import KeyOptions, judge_keys, key_text, written_keys
from twinschema.model import SHOWN_FUNCTION, Index

RULE = "a plain index refuses the same rows"

# A column cast to NUMERIC, as PostgreSQL reads back the cast it adds to an integer column that
# meets a numeric operand (``water_g * 1.0``): the canonical form's ``CAST(water_g AS DECIMAL)``.
_NUMERIC_CAST = re.compile(r'\bCAST\(("[^"]+"|[A-Za-z_][\w$]*) AS DECIMAL\)')


def plain_indexes(st: StageContext) -> None:
    """Settle or explain each index difference of the comparer's that is such a pair (module
    docstring); run before the stages that add index differences of their own (a predicate or
    element whose meaning depends on the dialect, already judged on probe rows)."""
    found = [d for d in st.comparison.differences if d.kind == "index"]
    if not found:
        return
    # The right side's names as the left spells them where one dialect folds case (SQLite's
    # Email is PostgreSQL's email), as the comparer read them.
    aligned, _ = folding.align(st.left.schema, st.right.schema)
    for d in found:
        if d.table is None or d.left is None or d.right is None:
            continue
        left = index_shown(find(st.left, d.table, "")[0], d.left)
        right = index_shown(find(replace(st.right, schema=aligned), d.table, "")[0], d.right)
        if left is None or right is None or not _written_alike(left, right):
            continue
        keys = (written_keys(left), written_keys(right))
        texts = (key_text(keys[0]), key_text(keys[1]))
        judged = judge_keys(st, d.table, keys, texts, KeyOptions(unique=False))
        if judged is None or judged.stored == 0:
            continue
        if judged.witness is not None:
            st.annotate(judged.witness[0].text, d, witness=judged.witness[0].witness)
            continue
        st.drop(d)
        st.equivalence(d, f"{RULE}: equal on {probe_count(judged.stored)}")


def _written_alike(left: Index, right: Index) -> bool:
    """Two plain indexes of one name, the same elements as read (``_read``), WHERE and method, and
    nothing else declared, that the comparer still told apart (what the elements mean)."""
    if left.unique or right.unique or not (left.plain() and right.plain()):
        return False
    if (left.where, left.method, left.name) != (right.where, right.method, right.name):
        return False
    count = len(left.expressions)
    if count != len(right.expressions):
        return False
    return [_read(left, n) for n in range(count)] == [_read(right, n) for n in range(count)]


def _read(index: Index, n: int) -> str:
    """Element ``n`` as the canonical form reads it (logical column names, PostgreSQL's
    ``(email)::text`` on a varchar as ``email``), a function renamed for its SQLite meaning by
    its own name: ``lower(Email)`` on SQLite and ``lower((email)::text)`` on PostgreSQL read
    alike, what each means is the probes' to judge; so do ``water_g`` and PostgreSQL's
    ``CAST(water_g AS DECIMAL)`` (``_NUMERIC_CAST``)."""
    return _NUMERIC_CAST.sub(r"\1", SHOWN_FUNCTION.sub(r"\1(", index.expressions[n]))
