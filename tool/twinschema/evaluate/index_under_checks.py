"""A partial index whose WHERE differs as written within one dialect but is equal on every row
the table's CHECKs let in (stranger89 005): a warning, not a difference.

A module against its own database: the server's ``booking_active_seat`` was dropped and made
again by hand ``WHERE status <> 'cancelled'`` where the module and its chain say ``WHERE status
= 'active'``. Under today's ``CHECK (status IN ('active', 'cancelled'))`` the two hold the same
rows (README: predicates are judged on the rows the table's CHECKs take), so the verdict "in
sync" is right, and it stays so. But the edit was silent until a later revision added a status,
when the index became a difference that seemed to come from that revision. So, between two
sides of one dialect, where a row the CHECKs refuse parts the two predicates, the equivalence
is kept and a warning (the exit code ignores it) names the index, both texts and that row:
drift a person can revert today. Across dialects the texts are each dialect's own (no
warning). Near miss: two predicates equal on every row, the CHECKs' or not (``status =
'active'`` against ``'active' = status``), give no warning.
"""

from __future__ import annotations

from twinschema.evaluate.context import StageContext
from twinschema.records import Difference
from twinschema.records.differences import Severity


def warn_held_by_checks(
    st: StageContext, ld: Difference, rd: Difference, texts: tuple[str, str], refused: str
) -> None:
    """Add the warning of an index ``ld``/``rd`` (one index of one name, or the two one-sided
    differences the comparer found) whose predicates ``texts`` agree on every probe row the
    table's CHECKs take, where ``refused`` (a witness text) is a row they keep out that parts
    the predicates; between two sides of one dialect only."""
    if st.cross or ld.table is None:
        return
    name = ld.name or rd.name or ""
    st.comparison.warnings.append(
        Difference(
            layer=ld.layer,
            kind=ld.kind,
            table=ld.table,
            column=None,
            name=name,
            left=ld.left,
            right=rd.right,
            message=(
                f"index {name} on {st.table_shown(ld.table)}: its WHERE differs as written, "
                f"{texts[0]} in {st.side_name('left')}, {texts[1]} in {st.side_name('right')}; "
                "equal only under the table's CHECKs today, which keep out the row that parts "
                f"them ({refused}): a change to those CHECKs makes it a difference"
            ),
            hint=(
                f"make {st.left.fix} and {st.right.fix} agree on the WHERE now (a hand edit or "
                "an unrecorded change), before a CHECK change makes it a failure"
            ),
            severity=Severity.WARNING,
            left_source=ld.left_source,
            right_source=rd.right_source,
        )
    )
