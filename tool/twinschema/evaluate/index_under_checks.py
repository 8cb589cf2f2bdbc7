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
            hint=_hint(st, texts),
            severity=Severity.WARNING,
            left_source=ld.left_source,
            right_source=rd.right_source,
        )
    )


def _hint(st: StageContext, texts: tuple[str, str]) -> str:
    """What to do about the warning: between a module and its database, revert the database's
    WHERE to the module's (a hand edit: its chain, at head or not, never wrote it, so no
    migration does; recheck89 said "run: make migrate-remote" to a database at head), or
    write the database's WHERE in the module and a revision; else make the two agree."""
    roles = (st.left.role, st.right.role)
    if set(roles) != {"model", "database"}:
        return (
            f"make {st.left.fix} and {st.right.fix} agree on the WHERE now (a hand edit or "
            "an unrecorded change), before a CHECK change makes it a failure"
        )
    model, database = (0, 1) if roles[0] == "model" else (1, 0)
    sides = (st.left, st.right)
    named, module = sides[database].named, sides[model].label
    return (
        f"revert the hand edit on {named}: drop the index there and create it again WHERE "
        f"{texts[model]}, as {module} has it; or, if {texts[database]} is meant, write it in "
        f"{module} and in a revision; before a CHECK change makes it a failure"
    )
