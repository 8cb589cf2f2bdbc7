"""A CHECK on one side only whose every conjunct is a conjunct of the other side's CHECKs is no
difference of its own (``check_groups.held_by_other``): the other side refuses every row it
refuses. ``CHECK (qty > 0)``, ``CHECK (total < 1000)`` against ``CHECK (qty > 0 AND total <=
1000)`` is one difference, the last against ``CHECK (total < 1000)``, run on probe rows; the
first is listed as an equivalence (stranger48 019 named it a CHECK on one side only, which no row
parts). Used only where a table's one-sided CHECKs do not pair one to one already.
"""

from __future__ import annotations

from twinschema.canonical.check_groups import HELD_RULE, held_by_other, listed
from twinschema.canonical.expr_tree import conjuncts
from twinschema.canonical.expressions import across
from twinschema.evaluate.context import StageContext, find
from twinschema.model import CheckConstraint, Table
from twinschema.records import Difference


def without_held(
    st: StageContext, table: str, lefts: list[Difference], rights: list[Difference]
) -> tuple[list[Difference], list[Difference]]:
    """``lefts`` and ``rights`` (a table's one-sided CHECK differences) less those whose every
    conjunct the other side's CHECKs hold, each recorded as an equivalence and dropped."""
    lt, rt = find(st.left, table, "")[0], find(st.right, table, "")[0]
    if lt is None or rt is None:
        return lefts, rights
    lkeys, rkeys = _keyed(st, lt), _keyed(st, rt)
    lheld, rheld = held_by_other(lkeys, rkeys)
    kept: tuple[list[Difference], list[Difference]] = ([], [])
    for n, (found, own, other, held) in enumerate(
        ((lefts, lkeys, rkeys, lheld), (rights, rkeys, lkeys, rheld))
    ):
        for d in found:
            shown = d.left if n == 0 else d.right
            key = next((k for k, c in own.items() if f"CHECK ({c.shown()})" == shown), None)
            if key is None or key not in held:
                kept[n].append(d)
                continue
            holding = _holding(other, key)
            st.equivalence(d, HELD_RULE, *((shown, holding) if n == 0 else (holding, shown)))
            st.drop(d)
    return kept


def _keyed(st: StageContext, table: Table) -> dict[str, CheckConstraint]:
    """A table's CHECKs by canonical text, across dialects by their cross-dialect form (as the
    comparer keys them)."""
    return {across(c.expression)[0] if st.cross else c.expression: c for c in table.checks}


def _holding(checks: dict[str, CheckConstraint], key: str) -> str:
    """The CHECKs of ``checks`` that hold a conjunct of ``key``, as messages show them."""
    wanted = set(conjuncts(key))
    return listed(c.shown() for k, c in checks.items() if wanted & set(conjuncts(k)))
