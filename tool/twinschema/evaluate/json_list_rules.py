"""The rules of a list kept as JSON array text on SQLite and as an array on PostgreSQL
(``json_lists``) that are judged through that mapping outside the probe rows (stranger71 014).

Defaults (``judged``): each side's default is run on its own dialect and read back as the list
it keeps, and two that give the same list are one default ('[]' and '{}': the empty list;
'["a"]' and '{a}'). One that gives no list (SQLite's '{}', a JSON object; NULL) or another
list stays a difference that says what each gives. A CHECK on SQLite only that refuses no
probe list (``settle_one_sided``: ``json_valid(tags) AND json_type(tags) = 'array'``) is the
device's half of the mapping, one equivalence; one that refuses a list (or NULL) keeps its
witness (``one_sided``).
"""

from __future__ import annotations

from dataclasses import replace

from twinschema.evaluate.context import StageContext, find, probe_count
from twinschema.evaluate.json_lists import JsonList, as_list, mapped
from twinschema.evaluate.shown_probes import quoted
from twinschema.evaluate.values import CONSTANT
from twinschema.model import Column
from twinschema.records import Difference
from twinschema.records.dialects import DIALECT_NAMES, SQLITE


def judged(
    st: StageContext, d: Difference, left: tuple[str, str, Column], right: tuple[str, str, Column]
) -> tuple[bool, Difference | None]:
    """Whether default difference ``d`` (each side: dialect, default text, column) is judged
    through the list mapping, and then the difference it leaves (None: recorded as an
    equivalence). Not judged where the columns are not such a pair or a side gives no
    constant (a failure, a clock): the plain judgement says that."""
    (ld, ltext, lc), (rd, rtext, rc) = left, right
    kind = mapped(st.comparison, d.table or "", lc, rc)
    if kind is None:
        return False, d
    verdicts = (st.ev.single(ld, ltext, lc), st.ev.single(rd, rtext, rc))
    st.note(ld, rd)
    if any(v.kind != CONSTANT for v in verdicts):
        return False, d
    st.result.evaluated += 1
    lists = [as_list(dialect, kind, v.value) for dialect, v in zip((ld, rd), verdicts, strict=True)]
    said = ", ".join(
        f"{DIALECT_NAMES[dialect]} {_said(dialect, found, v.value)}"
        for dialect, found, v in zip((ld, rd), lists, verdicts, strict=True)
    )
    if lists[0] is not None and lists[0] == lists[1]:
        what = "the empty list" if not lists[0].items else "the same list"
        st.equivalence(d, f"equal by evaluation through the JSON array mapping: {what} ({said})")
        return True, None
    return True, replace(
        d, message=f"{d.message} (by evaluation through the JSON array mapping: {said})"
    )


def _said(dialect: str, found: JsonList | None, value: object) -> str:
    """What one side's default gives: the list as its column keeps it, or the value that is
    no list of the element kind."""
    if found is not None:
        return f"gives {quoted(found.text(dialect))}"
    if value is None:
        return "gives NULL, no list"
    text = value if isinstance(value, str) else str(value)
    return f"gives {quoted(text)}, no JSON array of the element type"


def settle_one_sided(
    st: StageContext, d: Difference, side: str, names: frozenset[str], n: int
) -> bool:
    """Settle the CHECK of ``d``, on SQLite only, over the one JSON list column ``names``
    holds, that accepted each probe list the other side stores (``n`` judged): through the
    mapping it refuses no list (``json_valid(tags) AND json_type(tags) = 'array'``), only text
    that is no JSON array, which the array column holds no counterpart of. One equivalence;
    False (nothing done) for any other CHECK."""
    own = st.left if side == "left" else st.right
    if d.table is None or len(names) != 1 or own.schema.dialect != SQLITE:
        return False
    (name,) = names
    lc, rc = find(st.left, d.table, name)[1], find(st.right, d.table, name)[1]
    if lc is None or rc is None or mapped(st.comparison, d.table, lc, rc) is None:
        return False
    rule = (
        "a CHECK the JSON array mapping keeps: it refuses no list (what it refuses is text "
        f"that is no JSON array, which the array holds no counterpart of): equal on "
        f"{probe_count(n)}"
    )
    st.settle_one_sided(d, side, rule)
    return True
