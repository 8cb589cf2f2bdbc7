"""A CHECK on one side only whose expression calls a function the other dialect lacks: "add it
to the PostgreSQL database" cannot be done for SQLite's ``typeof(x) = 'integer'`` (stranger79
008). The CHECK is made, as written, on the other side's scratch database over that side's
column types; where the scratch database refuses it for a function it has no such function
(``MISSING_FUNCTION``: the error each dialect gives), the hint says so and asks for the same
rule in that dialect's own terms. A CHECK that is made there (``x > 0``), or refused for
another reason (a column named otherwise there), or over an array against a column that is
none (TEXT against text[]: ``unjudged_checks`` says why), keeps its hint.
"""

from __future__ import annotations

import re
from dataclasses import replace

from twinschema.evaluate import expression_reads
from twinschema.evaluate.checks import check_text
from twinschema.evaluate.context import StageContext, find, logical_name
from twinschema.evaluate.statements import probe_column
from twinschema.model import ColumnType
from twinschema.records import Difference
from twinschema.records.dialects import DIALECT_NAMES

# The error each dialect gives for a CHECK calling a function it has not, the function as the
# hint names it in group 1: PostgreSQL 16's with its argument types, as it has none of that
# signature (``function typeof(integer) does not exist``; ``length(integer)``, where it has
# ``length(text)``); SQLite 3.40's by name (``no such function: char_length``).
MISSING_FUNCTION: dict[str, re.Pattern[str]] = {
    "postgresql": re.compile(r"function ([\w.]+\(.*\)) does not exist"),
    "sqlite": re.compile(r"no such function: ([\w.]+)", re.IGNORECASE),
}


def retold(st: StageContext, d: Difference, side: str) -> Difference:
    """``d``, a CHECK on ``side`` only, as the comparison now holds it: its hint retold
    (``retell``) where the other side's dialect lacks a function it calls."""
    own = st.left if side == "left" else st.right
    table = find(own, d.table, "")[0] if d.table is not None else None
    text = check_text(table, d.left if side == "left" else d.right) if table else None
    found = expression_reads.reads(own.schema.dialect, text) if text is not None else None
    if text is None or found is None or not found.columns:
        return d
    function = lacked_function(st, d, side, text, set(found.columns))
    return d if function is None else retell(st, d, side, function)


def lacked_function(
    st: StageContext, d: Difference, side: str, text: str, columns: set[str]
) -> str | None:
    """The function ``text`` (the CHECK of ``d``, on ``side`` only, over its own ``columns``)
    calls that the other side's dialect lacks, learnt by making the CHECK on that side's
    scratch database; None where it is made there, or refused for another reason."""
    assert d.table is not None
    own, other = (st.left, st.right) if side == "left" else (st.right, st.left)
    pattern = MISSING_FUNCTION.get(other.schema.dialect)
    backend = st.ev.backend(other.schema.dialect)
    if pattern is None or backend is None or not st.cross:
        return None
    typed = []
    for name in sorted(columns):
        mine = find(own, d.table, name)[1]
        column = find(other, d.table, logical_name(own, d.table, name))[1]
        if column is None or mine is None or _apart(mine.type, column.type):
            return None  # another column, or an array against none: no lack
        typed.append((name, probe_column(column)[1]))
    backend.try_rows(typed, text, [])
    found = pattern.search(backend.refused or "")
    if found is None:
        return None
    return found.group(1) if found.group(1).endswith(")") else f"{found.group(1)}()"


def _apart(mine: ColumnType, theirs: ColumnType) -> bool:
    """An array against a column that is none (PostgreSQL's text[] against SQLite's JSON text
    list): a CHECK refused there for ``json_array_length(text[])`` lacks no function of that
    dialect (PostgreSQL has ``json_array_length(json)``), its column holds another kind, which
    ``unjudged_checks`` says (the column_type difference; through an allowed list mapping
    ``json_list_rules`` pairs the two CHECKs)."""
    return mine.array != theirs.array


def retell(st: StageContext, d: Difference, side: str, function: str) -> Difference:
    """Give ``d`` (a CHECK on ``side`` only) the hint that the other side has no
    ``function``: write the same rule in that dialect's terms there, or remove it. The hint
    is composed again from its parts (``Difference.ways``, the way out on the other side
    worded so), and keeps what a comparator added after them; a hint made otherwise is kept."""
    other = st.right if side == "left" else st.left
    ways = d.ways
    if ways is None or ways.agree:
        return d
    return st.swap(
        d, d.reworded(replace(ways, lacked=function, lacked_in=DIALECT_NAMES[other.schema.dialect]))
    )
