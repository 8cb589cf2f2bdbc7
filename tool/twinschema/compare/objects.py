"""The comparator of views, triggers, functions, sequences, rules and virtual tables
(``model.SchemaObject``).

Their definitions are each dialect's own SQL, made canonical by its adapter, so two sources of
the same dialect that both hold such objects (live databases, SQL files) are compared object by
object: one side only, or a different definition, is a difference of the object's kind. Between
dialects, or against a source that cannot hold them (a metadata module), only what
``domain.yaml`` declares is checked: a declared view or trigger must exist on each dialect it
names; a rule (which one dialect only has) between two sources that both hold objects is a
difference of its own; a view both hold has the same columns (``view_columns``). Everything
else is counted as not compared, per source, so silence is never sameness.

Pure and dialect-free: ``pairing.objects_pairwise`` says when objects pair one by one
(``objects_paired``); what domain.yaml declares is found by ``objects_declared``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from twinschema.compare.context import Context
from twinschema.compare.objects_alone import (
    ObjectDifference,
    alone_on,
    broken,
    exclusions_present as _exclusions_present,
    exclusions_stated,
)
from twinschema.compare.objects_declared import declared_missing_on
from twinschema.compare.objects_paired import ObjectEquivalence, pairwise, table_names
from twinschema.compare.pairing import Pairing
from twinschema.compare.view_columns import view_columns
from twinschema.model import (
    OBJECT_KINDS,
    Schema,
    SchemaObject,
)
from twinschema.records import FixSide
from twinschema.records.domain import DeclaredObject, Domain
from twinschema.records.hint_ways import Uncomment

Key = tuple[str, str, str]  # ``SchemaObject.key``

# The ``not_compared`` key of each object kind (the keys the adapters used to count them under).
COUNT_KEYS = {
    "view": "views",
    "trigger": "triggers",
    "function": "functions",
    "sequence": "sequences",
    "rule": "rules",
    "virtual_table": "virtual_tables",
    "exclusion": "exclusion_constraints",
}


@dataclass
class ObjectComparison:
    """The differences found, the spellings accepted as the same, and per side the objects
    that could not be compared."""

    differences: list[ObjectDifference]
    not_compared: tuple[dict[str, int], dict[str, int]]  # left's, right's: count key -> n
    equivalences: list[ObjectEquivalence] = field(default_factory=list)
    # Per side, the keys of the objects counted in ``not_compared``.
    counted: tuple[set[Key], set[Key]] = field(default_factory=lambda: (set(), set()))


def objects(ctx: Context) -> None:
    """Compare the two sides' views, triggers, functions and sequences into ``ctx``."""
    left, right = ctx.left, ctx.right
    labels = (left.label, right.label)
    # Sides a chain built (its scratch database, a downgrade and upgrade again, its head
    # against a database to stamp) hold its broken objects alike: that is no difference.
    alike = "chain" not in (left.role, right.role)
    found = compare_objects(left.schema, right.schema, labels, ctx.domain, ctx.pairing, alike)
    for d in found.differences:
        hint, declaration, uncomment = d.hint, None, None
        if d.declared is not None and ctx.domain is not None:
            hint, declaration = None, _declaration(d.declared, ctx.domain)
            uncomment = _uncomment(ctx, d, d.declared, ctx.domain)
        drop_from = None
        if d.dropped:
            drop_from = FixSide.LEFT if d.left is not None else FixSide.RIGHT
        ctx.diff(
            d.kind,
            d.table,
            None,
            d.name,
            d.left,
            d.right,
            d.message,
            hint,
            drop_from=drop_from,
            declaration=declaration,
            uncomment=uncomment,
        )
    for e in found.equivalences:
        ctx.same(e.table, None, f"{e.kind} definition", e.left, e.right)
    for side, counts, keys in zip((left, right), found.not_compared, found.counted, strict=True):
        if counts:
            ctx.result.not_compared[side.label], ctx.result.counted[side.label] = counts, keys


def _declaration(declared: DeclaredObject, domain: Domain) -> str:
    """Where ``domain.yaml`` declares an object one side lacks (``domain.yaml:12 (triggers:
    t)``): the way out on the side that has it, which no metadata module holds (stranger54
    U3), as its hint names it (``HintWays.declaration``)."""
    where = f"{domain.path}:{declared.line}" if declared.line else domain.path
    return f"{where} ({declared.kind}s: {declared.name})"


def _uncomment(
    ctx: Context, d: ObjectDifference, declared: DeclaredObject, domain: Domain
) -> Uncomment | None:
    """The ``dialects:`` line commented out in the declaration of an object one side lacks,
    where uncommenting it leaves that side out (``DeclaredObject.commented``), else None: no
    such line, or it names the lacking side's dialect too."""
    missing = ctx.left if d.left is None else ctx.right
    if not declared.commented_line or missing.schema.dialect in declared.commented:
        return None
    what = f"{declared.kind} {declared.name}"
    return Uncomment(", ".join(declared.commented), domain.path, declared.commented_line, what)


def compare_objects(
    left: Schema,
    right: Schema,
    labels: tuple[str, str],
    domain: Domain | None,
    pairing: Pairing,
    alike: bool = True,
) -> ObjectComparison:
    """Compare the objects of two schemas (see the module); ``labels`` name the two sides;
    ``alike``: report an object broken alike on both sides (``broken``)."""
    result = ObjectComparison([], ({}, {}))
    result.differences.extend(broken(left, right, labels, alike))
    if left.objects_read and right.objects_read and pairing.objects_pairwise:
        named = {**table_names(right, domain), **table_names(left, domain)}
        physical = {n: t.physical for s in (right, left) for n, t in s.tables.items() if t.physical}
        for finding in pairwise(left.objects, right.objects, labels, named, physical):
            if isinstance(finding, ObjectDifference):
                result.differences.append(finding)
            else:
                result.equivalences.append(finding)
        return result
    declared = domain.objects if domain is not None else ()
    # A metadata module states its exclusion constraints (ExcludeConstraint) and nothing else
    # of these kinds: against a database or chain of its dialect they pair by table and name.
    stated = (exclusions_stated(left), exclusions_stated(right))
    done: tuple[set[tuple[str, str, str]], set[tuple[str, str, str]]] = (set(), set())
    if pairing.objects_pairwise and all(stated):
        result.differences.extend(_exclusions_present(left, right, labels, done))
    if not pairing.objects_pairwise and left.objects_read and right.objects_read:
        result.differences.extend(view_columns(left, right, labels))
    both_read = left.objects_read and right.objects_read
    for index, (schema, label) in enumerate(((left, labels[0]), (right, labels[1]))):
        if not stated[index]:
            continue
        checked: set[tuple[str, str, str]] = set(done[index])
        side = (schema, label, index)
        if schema.objects_read:
            result.differences.extend(declared_missing_on(side, declared, domain, checked))
        if not pairing.objects_pairwise:
            result.differences.extend(alone_on(side, domain, checked, (both_read, all(stated))))
        if schema.objects_read:
            result.counted[index].update(o.key for o in schema.objects if o.key not in checked)
            result.not_compared[index].update(
                _counts(o for o in schema.objects if o.key not in checked)
            )
    return result


def _counts(objects: Iterable[SchemaObject]) -> dict[str, int]:
    return dict(Counter(COUNT_KEYS[obj.kind] for obj in objects))


assert set(COUNT_KEYS) == set(OBJECT_KINDS)
