"""The differences ``domain.yaml`` allows, and the allowances that match nothing (stale).

An allowance names the difference it allows by its kind, table and, where given, its column
and name; ``dialect:`` says which of two differences of one object it is. Without it, the
object both sides have, differing between them (a CHECK or an index that means other things on
each side); with ``dialect: D``, the object on D only (a GIN index only the server dialect
has, row-level security on there only). Where a kind's difference has one shape only, an old
allowance cannot mean another and keeps matching as before: a table or a column on one side
only (``table_missing``, ``column_missing``), with or without ``dialect:``; a type, a
nullability, a default, an enum's values or a value warning, which both sides have, with
``dialect:`` too.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass

from twinschema.compare.allowance_entries import (
    BROAD,
    allowance_entry,
    broad_allowances,
    offers,
    one_sided,
    place,
)
from twinschema.compare.allowance_match import (
    columns_unallowed,
    copies,
    matching_allowance,
    repeated,
    rows_unjudged,
    view_unjudged,
)
from twinschema.compare.allowance_types import KIND as UNPINNED, unpinned_allowances
from twinschema.compare.context import Context
from twinschema.compare.pairing import Pairing
from twinschema.model import OBJECT_RULE, OBJECT_VIEW, Schema
from twinschema.records import (
    Comparison,
    Difference,
    Disowned,
    FixSide,
    FixSite,
    Severity,
    Side,
)
from twinschema.records.accepted import accepted_by
from twinschema.records.domain import Allowance, Domain


@dataclass(frozen=True)
class Held:
    """What the comparer leaves for ``allow_evaluated`` to allow once the evaluation stage has
    judged it: the differences of ``kinds``. A CHECK on one side only that an allowance with
    ``dialect:`` and ``check:`` names is allowed at once: the stage then judges the other
    side's CHECK beside it as a CHECK on one side only (``evaluate.one_sided``), never pairs
    the two into one difference the allowance would allow (stranger70 007)."""

    kinds: frozenset[str] = frozenset()


# Nothing held: every allowance applied at once (no evaluation stage to wait for).
NOTHING_HELD = Held()


def apply_allowances(ctx: Context, held: Held = NOTHING_HELD) -> None:
    """Drop the differences ``domain.yaml`` allows; warn of each allowance that matches none.
    A difference ``held`` is kept (an allowance matching only such is warned of):
    ``allow_evaluated`` allows it, and takes the warning back, if evaluation leaves it."""
    assert ctx.domain is not None
    used: dict[Allowance, list[Difference]] = {}
    kept: list[Difference] = []
    sides = {ctx.left.schema.dialect: FixSide.LEFT, ctx.right.schema.dialect: FixSide.RIGHT}
    halves = split_objects(ctx.result.differences)
    schemas = {FixSide.LEFT: ctx.left.schema, FixSide.RIGHT: ctx.right.schema}
    for difference in ctx.result.differences:
        held_back = difference.kind in held.kinds
        allowance = (
            None
            if held_back
            else matching_allowance(ctx.domain, difference, sides, halves, schemas)
        )
        if allowance is None:
            kept.append(difference if held_back else columns_unallowed(ctx.domain, difference))
        else:
            used.setdefault(allowance, []).append(difference)
    kept += broad_allowances(ctx.domain, used, sides, ctx.left.label, ctx.right.label)
    ctx.result.warnings += unpinned_allowances(
        ctx.domain, used, sides, ctx.left.label, ctx.right.label
    )
    ctx.result.allowed = used
    ctx.result.accepted += accepted_by(used.items(), ctx.domain.path)
    stale = [
        stale_allowance(ctx.domain, allowance, ctx.layer, ctx.left.label, ctx.right.label)
        for allowance in ctx.domain.allowances()
        if allowance not in used
        and _visible(ctx, allowance)
        # A view's rows are compared by the evaluation stage: its allowance is judged once
        # that ran (held), never called stale where no one compared them (--no-evaluate).
        and (allowance.kind != OBJECT_VIEW or OBJECT_VIEW in held.kinds)
        and not needs_a_zone(ctx.result, ctx.left.schema, ctx.right.schema, allowance)
        and not rows_unjudged(allowance, kept)
    ]
    twice = copies(ctx.domain, used, sides, schemas, halves)
    ctx.result.differences = kept + _pointed(ctx.domain, stale, kept, sides, twice, used, schemas)


def stale_allowance(
    domain: Domain,
    allowance: Allowance,
    layer: str,
    left: str,
    right: str,
    first: Allowance | None = None,
    instead: str | None = None,
) -> Difference:
    """The warning for an allowance that matched nothing between sources ``left`` and
    ``right``: the two sides agree now, or the object is gone (also used for the evaluation
    stage's ``value_compatibility`` allowances); or it is a copy of the allowance ``first``
    (``allowance_match.copies``: one CHECK written in two spellings), or of one written alike.
    ``instead``: what an allowance written once says it matches in place of "nothing here"
    (no difference as written: not the one of its kind on its table)."""
    return Difference(
        layer=layer,
        kind="stale_allowance",
        table=allowance.table,
        column=allowance.column,
        name=allowance.name,
        left=None,
        right=None,
        message=_stale_message(domain, allowance, first, instead),
        hint=_stale_hint(domain, allowance, first),
        severity=Severity.WARNING,
        left_source=left,
        right_source=right,
        fix=FixSite(file=domain.path, line=allowance.line),
    )


def _stale_message(
    domain: Domain, allowance: Allowance, first: Allowance | None, instead: str | None
) -> str:
    alike = repeated(domain, allowance)
    if alike is None and first is None:
        return f"allowance {allowance.describe()} {instead or 'matches nothing here'}"
    if alike is not None:
        return (
            f"allowance {allowance.describe()} is written twice: this entry repeats the one at "
            f"{domain.path}:{alike.line}{place(domain, alike)}; only the first of the two can "
            "match, so this one matches nothing"
        )
    assert first is not None and first.check is not None
    return (
        f"allowance {allowance.describe()} is written twice: this entry allows the same CHECK "
        f"as the one at {domain.path}:{first.line}{place(domain, first)}, spelled "
        f"{first.check}; only the first of the two can match, so this one matches nothing"
    )


def _stale_hint(domain: Domain, allowance: Allowance, first: Allowance | None) -> str:
    where = f"{domain.path}:{allowance.line}: remove this allowance{place(domain, allowance)}"
    if first is not None or repeated(domain, allowance) is not None:
        return f"{where}: it is a copy; keep the first"
    return f"{where}, or restore the difference it declares"


def needs_a_zone(
    comparison: Comparison, left: Schema, right: Schema, allowance: Allowance | None
) -> bool:
    """Whether ``allowance`` allows a default that two sides with no server's TimeZone (the
    metadata modules) give alike in a UTC zone only (``CURRENT_DATE + 30`` against
    ``date('now', '+30 days')``): a live database in another zone differs there and needs it,
    so it is not stale here (stranger49 042)."""
    if allowance is None or allowance.kind != "column_default":
        return False
    if left.timezone or right.timezone:
        return False
    return any(
        e.table == allowance.table
        and (allowance.column is None or e.column == allowance.column)
        and e.utc_only
        for e in comparison.equivalences
    )


def _visible(ctx: Context, allowance: Allowance) -> bool:
    """Whether both sides hold what ``allowance`` is on (its table; a view's, its view, on
    sides that read their objects; a rule's, its table on sides that read their objects: a
    metadata module holds no rule, so the models layer called the allowance the rule's hint
    offers stale, sakila's six after ``init --allow-existing``): else it is not judged here,
    neither used nor stale."""
    if allowance.kind == OBJECT_RULE and not all(
        side.schema.objects_read for side in (ctx.left, ctx.right)
    ):
        return False
    if allowance.kind == OBJECT_VIEW:
        return all(
            side.schema.objects_read
            and any(
                o.kind == OBJECT_VIEW and o.name == allowance.table for o in side.schema.objects
            )
            for side in (ctx.left, ctx.right)
        )
    return all(allowance.table in side.schema.tables for side in (ctx.left, ctx.right))


def split_objects(differences: list[Difference]) -> set[tuple[str, str | None, str | None]]:
    """(kind, table, name) of each named object reported on each side only (a CHECK ``ck_n``
    that says ``n > 0`` on one side and ``n >= 0`` on the other, before the evaluation stage
    pairs the two): the object both sides have, differing (stranger46 012)."""

    def named(side_none: str) -> set[tuple[str, str | None, str | None]]:
        return {
            (d.kind, d.table, d.name)
            for d in differences
            if d.name and getattr(d, side_none) is None
        }

    return named("right") & named("left")


def allow_evaluated(comparison: Comparison, left: Side, right: Side, domain: Domain | None) -> None:
    """After the evaluation stage: drop the differences it made (a CHECK pair parted by a
    witness row, an index whose elements mean other things) that ``domain.yaml`` allows, as
    ``compare`` drops its own; the allowance that accepts one is no longer stale."""
    if domain is None or not Pairing.of(left.schema.dialect, right.schema.dialect).allowances_apply:
        return
    sides = {left.schema.dialect: FixSide.LEFT, right.schema.dialect: FixSide.RIGHT}
    used: dict[Allowance, list[Difference]] = {}
    kept: list[Difference] = []
    halves = split_objects(comparison.differences)
    schemas = {FixSide.LEFT: left.schema, FixSide.RIGHT: right.schema}
    for d in comparison.differences:
        warned = d.kind in ("stale_allowance", BROAD)
        allowance = None if warned else matching_allowance(domain, d, sides, halves, schemas)
        if allowance is None:
            kept.append(d if warned else columns_unallowed(domain, d))
        else:
            used.setdefault(allowance, []).append(d)
    comparison.accepted += accepted_by(used.items(), domain.path)
    # A broad allowance counts what it allowed at both stages: one difference at each is two
    # (the comparer's warning, made of its own stage's alone, is made again here).
    before = comparison.allowed
    if any(before.get(a) for a in used):
        kept = [d for d in kept if d.kind != BROAD]
        both = {a: [*found, *used.get(a, [])] for a, found in before.items()}
        used = {**both, **{a: found for a, found in used.items() if a not in before}}
    kept += broad_allowances(domain, used, sides, left.label, right.label)
    # The pairs this stage made (a CHECK of each side), allowed by an allowance that pins
    # neither side; one the comparer warned of is not warned of twice.
    said = {(w.fix.line if w.fix else None, w.message) for w in comparison.warnings}
    comparison.warnings += [
        w
        for w in unpinned_allowances(domain, used, sides, left.label, right.label)
        if (w.fix.line if w.fix else None, w.message) not in said
    ]
    kept = [
        d
        for d in kept
        if _allowance_of(domain, d, used) not in used
        and not needs_a_zone(comparison, left.schema, right.schema, _allowance_of(domain, d, used))
    ]
    kept = [d for d in kept if not rows_unjudged(_allowance_of(domain, d, used), kept)]
    kept = [
        d
        for d in kept
        if not view_unjudged(_allowance_of(domain, d, used), comparison.warnings, sides, schemas)
    ]
    found = [d for d in kept if d.kind != "stale_allowance"]
    stale = [d for d in kept if _allowance_of(domain, d, used) is not None]
    twice = copies(domain, {**before, **used}, sides, schemas, halves)
    comparison.differences = [d for d in kept if d not in stale] + _pointed(
        domain, stale, found, sides, twice, {**before, **used}, schemas
    )
    false = {f.allowance for f in comparison.disowned if f.allowance not in used}
    false -= set(before)
    # An allowance that allows nothing is pinned to nothing: no unpinned warning beside it.
    comparison.warnings = [
        w
        for w in comparison.warnings
        if w.kind != UNPINNED or not any(w.fix and w.fix.line == a.line for a in false)
    ]
    comparison.differences += [
        stale_allowance(
            domain, f.allowance, f.allowed.layer, left.label, right.label, instead=_false(f)
        )
        for f in comparison.disowned
        if f.allowance in false
    ]


def _false(found: Disowned) -> str:
    """What a false allowance (``evaluate.false_allowances``) says it matches instead."""
    return (
        f"matches nothing here: the CHECK is on both sides ({found.twin_source} has "
        f"{found.twin}, which means the same: {found.rule})"
    )


def _allowance_of(
    domain: Domain, d: Difference, used: Container[Allowance] = ()
) -> Allowance | None:
    """The allowance ``d`` is the stale warning of (None: ``d`` is no such warning): of its
    line, and the one its message describes; of two a line holds that read alike (one CHECK in
    two spellings, ``check:``), one not in ``used`` (the other allowed something)."""
    if d.kind != "stale_allowance" or d.fix is None or d.fix.file != domain.path:
        return None
    found = [
        a
        for a in domain.allowances()
        if a.line == d.fix.line and d.message.startswith(f"allowance {a.describe()} ")
    ]
    return next((a for a in found if a not in used), found[0] if found else None)


def _pointed(
    domain: Domain,
    stale: list[Difference],
    found: list[Difference],
    sides: dict[str, FixSide],
    twice: Mapping[Allowance, Allowance],
    used: Container[Allowance],
    schemas: Mapping[FixSide, Schema] | None = None,
) -> list[Difference]:
    """The ``stale`` warnings (each a copy's, of the allowance ``twice`` maps it to, says so),
    each whose allowance has the kind of a difference ``found`` on
    its table that offers an allowance (the one it was likely written for) saying the
    allowance that allows that difference: a CHECK is named by ``name:``, never by a column,
    and an object on one side only needs ``dialect:`` (stranger44 cases 002 and 015);
    ``schemas`` read an index's columns by logical name (``allowance_entry``)."""
    dialects = {side: dialect for dialect, side in sides.items()}
    result = []
    for d in stale:
        allowance = _allowance_of(domain, d, used)
        base = d
        if allowance is not None:
            near = next(
                (
                    f
                    for f in found
                    if (f.table, f.kind) == (allowance.table, allowance.kind)
                    # a view's and a rule's hints give their own entries (views: V: allow:;
                    # the rule's table's), said otherwise: known by kind, not by their words
                    and (offers(f) or f.kind in (OBJECT_VIEW, OBJECT_RULE))
                ),
                None,
            )
            instead = None
            if near is not None:
                # Beside a difference of its kind on its table, it is no "difference gone":
                # as written it names another (stranger71 012: {kind: unique} for a UNIQUE on
                # one side only, which needs dialect:).
                why = (
                    " (an object on one side only: dialect: names that side)"
                    if (one_sided(near) and allowance.dialect is None)
                    else ""
                )
                # Only where it could be the allowance of that difference (its column, name
                # and dialect, where it gives them, are the difference's); else it names
                # another object, and "matches nothing here" is what is true.
                side = sides.get(allowance.dialect or "")
                meant = (
                    allowance.column in (None, near.column)
                    and (allowance.name is None or near.named(allowance.name))
                    and (allowance.dialect is None or (side is not None and near.holds(side)))
                )
                if meant:
                    instead = (
                        f"matches no difference here as written: not the {near.kind} "
                        f"difference left on {near.table}{why}"
                    )
            base = stale_allowance(
                domain,
                allowance,
                d.layer,
                d.left_source,
                d.right_source,
                twice.get(allowance),
                instead,
            )
            if near is not None:
                entry = allowance_entry(near, dialects, schemas)
                base = base.said_after(
                    f"; the {near.kind} difference left on {near.table} is allowed by {entry}"
                )
        result.append(base)
    return result
