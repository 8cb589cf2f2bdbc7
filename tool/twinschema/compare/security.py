"""Row-level security and policies of a pair of tables."""

from __future__ import annotations

from twinschema.compare.common import (
    cols,
    ordered_keys,
)
from twinschema.compare.context import Context
from twinschema.model import (
    Policy,
    Table,
)
from twinschema.records import FixSide


def security(ctx: Context, left: Table, right: Table) -> None:
    """Row-level security, its FORCE flag where both sides state it, and the policies."""
    if left.row_level_security != right.row_level_security:
        ctx.diff(
            "dialect_object",
            left.name,
            None,
            "row_level_security",
            _on(left.row_level_security),
            _on(right.row_level_security),
            f"row-level security on {ctx.table_shown(left.name)} is "
            + ctx.each(_on(left.row_level_security), _on(right.row_level_security)),
            then=module_hint(ctx, left.row_level_security, '"row_level_security": True'),
            present=FixSide.LEFT if left.row_level_security else FixSide.RIGHT,
        )
    lforce, rforce = left.force_row_level_security, right.force_row_level_security
    if lforce is not None and rforce is not None and lforce != rforce:
        ctx.diff(
            "dialect_object",
            left.name,
            None,
            "force_row_level_security",
            _on(lforce),
            _on(rforce),
            f"FORCE ROW LEVEL SECURITY on {ctx.table_shown(left.name)} is "
            f"{ctx.each(_on(lforce), _on(rforce))}: "
            "where it is off, the table's owner bypasses its "
            "policies and reads and writes every row",
            present=FixSide.LEFT if lforce else FixSide.RIGHT,
        )
    policies(ctx, left, right)


def policies(ctx: Context, left: Table, right: Table) -> None:
    """Policies matched by name: one side only, or an attribute both sides state differs."""
    lp = {p.name: p for p in left.policies}
    rp = {p.name: p for p in right.policies}
    for name in ordered_keys(lp, rp):
        lpol, rpol = lp.get(name), rp.get(name)
        if lpol is None or rpol is None:
            on_left = lpol is not None
            ctx.diff(
                "dialect_object",
                left.name,
                None,
                name,
                f"policy {name}" if on_left else None,
                None if on_left else f"policy {name}",
                f"policy {name} on {ctx.table_shown(left.name)} exists only in "
                f"{ctx.label('left' if on_left else 'right')}",
                then=module_hint(
                    ctx, on_left, f'"row_level_security": True, "policies": ["{name}"]'
                ),
            )
            continue
        for attr in _POLICY_ATTRIBUTES:
            if not (_states(lpol, attr) and _states(rpol, attr)):
                continue  # e.g. a metadata module that names the policy only
            if _policy_attr(lpol, attr) != _policy_attr(rpol, attr):
                # Shown as each source wrote it (the canonical texts are what differ).
                a, b = _policy_shown(lpol, attr), _policy_shown(rpol, attr)
                label = _POLICY_LABEL.get(attr, attr)
                ctx.diff(
                    "dialect_object",
                    left.name,
                    None,
                    name,
                    f"{label} {a}",
                    f"{label} {b}",
                    f"policy {name} on {ctx.table_shown(left.name)}: {label} {a} vs {b}"
                    + _POLICY_MEANING.get(attr, ""),
                )


def module_hint(ctx: Context, on_left: bool, entry: str) -> str:
    """What the usual hint goes on to say where a metadata module lacks what its database has:
    how a module declares it, ``info={"twinschema": {...}}`` among its ``sa.Table``'s
    arguments (what ``sources.metadata`` reads; README "row-level security"); "" elsewhere."""
    lacking, present = (ctx.right, ctx.left) if on_left else (ctx.left, ctx.right)
    if (lacking.role, present.role) != ("model", "database"):
        return ""
    return (
        "; a metadata module declares it as a keyword argument of its sa.Table: "
        f'info={{"twinschema": {{{entry}}}}} (a policy is its name, or a mapping with "name" '
        'and any of "command", "permissive", "roles", "using", "with_check")'
    )


def _on(flag: bool) -> str:
    return "on" if flag else "off"


_POLICY_ATTRIBUTES = ("command", "permissive", "roles", "using", "with_check")
_POLICY_LABEL = {
    "command": "command",
    "permissive": "kind",
    "roles": "roles",
    "using": "USING",
    "with_check": "WITH CHECK",
}
_POLICY_MEANING = {
    "command": " (the statements it governs)",
    "permissive": ": a RESTRICTIVE policy must pass as well as a permissive one, a PERMISSIVE "
    "one is enough alone, so the two sides let different rows through",
    "roles": " (the roles it applies to)",
}


def _states(policy: Policy, attr: str) -> bool:
    return policy.declared is None or attr in policy.declared


def _policy_shown(policy: Policy, attr: str) -> str | None:
    """An attribute of ``policy`` as its source wrote it (USING and WITH CHECK uncanonical)."""
    raw = {"using": policy.raw_using, "with_check": policy.raw_with_check}.get(attr)
    return raw if raw is not None else _policy_attr(policy, attr)


def _policy_attr(policy: Policy, attr: str) -> str | None:
    value = getattr(policy, attr)
    if attr == "permissive":
        return "PERMISSIVE" if value else "RESTRICTIVE"
    if attr == "roles":
        return cols(value)
    return str(value) if value is not None else None
