"""The differences ``domain.yaml`` allows, and the allowances that match nothing (stale)."""

from __future__ import annotations

from twinschema.compare.context import Context
from twinschema.records import Difference, FixSide, FixSite, Severity
from twinschema.records.domain import Allowance, Domain


def apply_allowances(ctx: Context) -> None:
    """Drop the differences ``domain.yaml`` allows; warn of each allowance that matches none."""
    assert ctx.domain is not None
    used: set[Allowance] = set()
    kept: list[Difference] = []
    sides = {ctx.left.schema.dialect: FixSide.LEFT, ctx.right.schema.dialect: FixSide.RIGHT}
    for difference in ctx.result.differences:
        allowance = matching_allowance(ctx.domain, difference, sides)
        if allowance is None:
            kept.append(difference)
        else:
            used.add(allowance)
    for allowance in ctx.domain.allowances():
        if allowance in used or not _visible(ctx, allowance):
            continue
        kept.append(
            stale_allowance(ctx.domain, allowance, ctx.layer, ctx.left.label, ctx.right.label)
        )
    ctx.result.differences = kept


def stale_allowance(
    domain: Domain, allowance: Allowance, layer: str, left: str, right: str
) -> Difference:
    """The warning for an allowance that matched nothing between sources ``left`` and
    ``right``: the two sides agree now, or the object is gone (also used for the evaluation
    stage's ``value_compatibility`` allowances)."""
    return Difference(
        layer=layer,
        kind="stale_allowance",
        table=allowance.table,
        column=allowance.column,
        name=allowance.name,
        left=None,
        right=None,
        message=f"allowance {allowance.describe()} matches nothing here",
        hint=f"{domain.path}:{allowance.line}: remove this allowance, or restore the "
        "difference it declares",
        severity=Severity.WARNING,
        left_source=left,
        right_source=right,
        fix=FixSite(file=domain.path, line=allowance.line),
    )


def _visible(ctx: Context, allowance: Allowance) -> bool:
    return all(allowance.table in side.schema.tables for side in (ctx.left, ctx.right))


def matching_allowance(
    domain: Domain, difference: Difference, sides: dict[str, FixSide]
) -> Allowance | None:
    """The allowance of ``domain.yaml`` that accepts ``difference`` (``sides``: dialect -> left
    or right), None when none does; the evaluation stage applies it to its warnings too."""
    table = domain.tables.get(difference.table or "")
    if table is None:
        return None
    for allowance in table.allow:
        if allowance.kind != difference.kind:
            continue
        if allowance.column is not None and allowance.column != difference.column:
            continue
        if allowance.name is not None and allowance.name != difference.name:
            continue
        if allowance.dialect is not None:
            side = sides.get(allowance.dialect)
            if side is None or not difference.holds(side):
                continue
        return allowance
    return None
