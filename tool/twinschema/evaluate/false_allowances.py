"""Allowances that claim a CHECK on one side only where the other side has it too (fix89b).

An allowance with ``dialect:`` (and ``check:`` or ``name:``) allows that side's CHECK at once,
before CHECKs are paired (``compare.allowances.Held``, stranger70 007), so it never hides a
pair that differs. Nor may it hide that it is false: where the other side has a CHECK on one
side only, on the same table, that the allowed one means (no probe row parts the two taken
alone), the CHECK is on both sides and the allowance matches no difference. The allowed
CHECK is taken back from the allowance, the two are one equivalence, "equal on N probes", and
``allow_evaluated`` calls the allowance stale (``Comparison.disowned``). A pair a probe row
parts (``n > 0`` allowed on SQLite beside PostgreSQL's ``n >= 0``: 0) keeps the allowance.
"""

from __future__ import annotations

from twinschema.evaluate import check_pairs
from twinschema.evaluate.checks import one_sided_checks
from twinschema.evaluate.context import StageContext
from twinschema.records import Difference, Disowned
from twinschema.records.domain import Allowance


def false_allowances(st: StageContext) -> None:
    """Take back each CHECK an allowance with ``dialect:`` allowed on that side only whose
    meaning a one-sided CHECK of the other side on its table has (see the module docstring)."""
    for allowance, allowed in list(st.comparison.allowed.items()):
        if allowance.kind != "check" or allowance.dialect is None:
            continue
        for d in list(allowed):
            twin = _twin(st, d)
            if twin is not None:
                _disown(st, allowance, d, twin)


def _twin(st: StageContext, d: Difference) -> Difference | None:
    """The other side's one-sided CHECK on ``d``'s table that means what ``d``'s CHECK (on one
    side only) means, recorded with it as one equivalence; None where there is none."""
    if d.kind != "check" or d.table is None or (d.left is None) == (d.right is None):
        return None
    on_left = d.left is not None
    for other in one_sided_checks(st, d.table, "right" if on_left else "left"):
        lds, rds = ([d], [other]) if on_left else ([other], [d])
        st.comparison.differences.append(d)
        unjudged = len(st.unjudged)
        if check_pairs.probe(st, lds, rds, alone=True, merge=False) is True:
            return other
        st.drop(d)
        # A pair not run is no finding of the other side's CHECK (``unjudged_checks``).
        del st.unjudged[unjudged:]
    return None


def _disown(st: StageContext, allowance: Allowance, d: Difference, twin: Difference) -> None:
    """``d`` no longer allowed by ``allowance`` (nor listed as accepted by it); the allowance
    recorded as false, with ``twin``, the other side's CHECK of the same meaning."""
    rest = [a for a in st.comparison.allowed[allowance] if a is not d]
    if rest:
        st.comparison.allowed[allowance] = rest
    else:
        del st.comparison.allowed[allowance]
    st.comparison.accepted = [
        a
        for a in st.comparison.accepted
        if not (
            a.line == allowance.line
            and (a.kind, a.table, a.left, a.right, a.message)
            == (d.kind, d.table, d.left, d.right, d.message)
        )
    ]
    found = st.comparison.equivalences[-1]
    on_left = twin.left is not None
    st.comparison.disowned.append(
        Disowned(
            allowance=allowance,
            allowed=d,
            twin=(twin.left if on_left else twin.right) or "",
            twin_source=twin.left_source if on_left else twin.right_source,
            rule=found.rule,
        )
    )
