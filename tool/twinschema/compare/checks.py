"""CHECK constraints of a pair of tables, keyed by their canonical expression."""

from __future__ import annotations

from twinschema.canonical.check_groups import SPLIT_RULE, listed, regrouped, split_alike
from twinschema.canonical.expressions import across, local_clock_rule
from twinschema.canonical.folding import renamed_in
from twinschema.compare.common import (
    ordered_keys,
)
from twinschema.compare.context import Context
from twinschema.definitions import visible_sql
from twinschema.model import (
    CheckConstraint,
    Table,
)


def checks(ctx: Context, left: Table, right: Table, consumed: set[int]) -> None:
    """CHECKs on one side only (those a column's type accounts for, ``consumed``, aside);
    record two spellings of one CHECK as an equivalence."""
    # Keyed by the cross-dialect form when ``pairing.checks_across`` (see expressions.across).

    def keyed(checks: tuple[CheckConstraint, ...]) -> dict[str, CheckConstraint]:
        return {
            across(c.expression)[0] if ctx.pairing.checks_across else c.expression: c
            for c in checks
            if id(c) not in consumed
        }

    lc, rc = keyed(left.checks), keyed(right.checks)
    across_ = ctx.pairing.checks_across
    stale_left, stale_right = _stale(left, right, across_), _stale(right, left, across_)
    if split_alike(lc, rc):  # the same conjuncts, grouped into other CHECKs
        lgroup, rgroup = regrouped(lc, rc)
        shown = (listed(c.shown() for c in lgroup), listed(c.shown() for c in rgroup))
        ctx.same(left.name, None, SPLIT_RULE, *shown)
        lc = rc = {k: c for k, c in lc.items() if k in rc}
    for expression in ordered_keys(lc, rc):
        if expression in lc and expression in rc:
            lraw, rraw = lc[expression].shown(), rc[expression].shown()
            rule = across(expression)[1] if ctx.pairing.checks_across else None
            # Written alike, a local clock is one only in a UTC session (as a default's is).
            local = local_clock_rule(expression) if ctx.pairing.checks_across else None
            rule = rule or local
            if rule is not None or lraw != rraw:  # one meaning, spelled two ways
                ctx.same(left.name, None, rule or "check", lraw, rraw, utc_only=local is not None)
            continue
        check = lc.get(expression) or rc[expression]
        on_left = expression in lc
        if _unknown(left if on_left else right, check):
            continue  # its table cannot be made: an unknown_column difference says so
        if expression in (stale_right if on_left else stale_left):
            continue  # the other side's CHECK on a stale name: that unknown_column says it
        text = f"CHECK ({check.written or check.raw or expression})"
        held, hint = _domain_held(check)
        ctx.diff(
            "check",
            left.name,
            None,
            check.name,
            text if on_left else None,
            None if on_left else text,
            f"{visible_sql(text)} on {ctx.table_shown(left.name)} exists only in "
            f"{ctx.label('left' if on_left else 'right')}{held}",
            then=hint,
        )


def _domain_held(check: CheckConstraint) -> tuple[str, str]:
    """What a message and its hint add for a CHECK of a domain read as its column's: which
    domain's CHECK it is (a base of the column's domain named so: stranger68 012, no message
    named it), and the statement that drops it; ("", "") for a table's own CHECK."""
    held = check.domain
    if held is None:
        return "", ""
    return f", as {held.said()}", f"; it is {held.said()}" + (
        f": {held.drop} drops it" if held.drop else ""
    )


def _unknown(table: Table, check: CheckConstraint) -> bool:
    """True when ``check`` names a column ``table`` does not have (``Table.unknown_names``)."""
    raw = check.raw or check.expression
    return any(u.what == "CHECK" and u.text == raw for u in table.unknown_names)


def _stale(table: Table, other: Table, across_dialects: bool) -> frozenset[str]:
    """The keys of ``table``'s CHECKs that name a column it does not have (an
    ``unknown_column``) read with each such name as the column of ``other`` its own
    expressions call so (``Table.named``): a CHECK left on a column's old name after a rename
    (``length(caption) <= 40`` where the column is now blurb) is, so read, the CHECK ``other``
    holds on that column, which cannot be compared with it (its table cannot be made) and is
    not one-sided either (stranger76 011: "exists only in the database" with a witness the
    module was said to accept). Near miss: a name no column of ``other`` has (a typo)
    stays unread, and ``other``'s CHECK one-sided."""
    keys: set[str] = set()
    for u in table.unknown_names:
        if u.what != "CHECK":
            continue
        column = other.named(u.column)
        check = next((c for c in table.checks if (c.raw or c.expression) == u.text), None)
        if column is None or check is None:
            continue
        text = renamed_in(check.expression, {u.column: column.name})
        keys.add(across(text)[0] if across_dialects else text)
    return frozenset(keys)
