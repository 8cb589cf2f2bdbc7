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

Pure and dialect-free: ``pairing.objects_pairwise`` says when objects pair one by one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from twinschema.compare.context import Context
from twinschema.compare.objects_alone import (
    ObjectDifference,
    alone_on,
    broken,
    exclusions_present as _exclusions_present,
    exclusions_stated,
    table_shown_own,
    what,
)
from twinschema.compare.pairing import Pairing
from twinschema.compare.view_columns import view_columns
from twinschema.model import (
    OBJECT_FUNCTION,
    OBJECT_KINDS,
    OBJECT_VIRTUAL_TABLE,
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


@dataclass(frozen=True, slots=True)
class ObjectEquivalence:
    """Two objects written differently whose canonical definitions are the same."""

    kind: str
    table: str  # a trigger's table; a view's, function's or sequence's own name
    left: str
    right: str


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
        named = {**_table_names(right, domain), **_table_names(left, domain)}
        physical = {n: t.physical for s in (right, left) for n, t in s.tables.items() if t.physical}
        for finding in _pairwise(left.objects, right.objects, labels, named, physical):
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
            result.differences.extend(_declared_missing_on(side, declared, domain, checked))
        if not pairing.objects_pairwise:
            result.differences.extend(alone_on(side, domain, checked, (both_read, all(stated))))
        if schema.objects_read:
            result.counted[index].update(o.key for o in schema.objects if o.key not in checked)
            result.not_compared[index].update(
                _counts(o for o in schema.objects if o.key not in checked)
            )
    return result


def _declared_missing_on(
    side: tuple[Schema, str, int],
    declared: Sequence[DeclaredObject],
    domain: Domain | None,
    checked: set[tuple[str, str, str]],
) -> list[ObjectDifference]:
    """Each object domain.yaml declares for the dialect of ``side`` (schema, label, index)
    that it lacks; the key of each one it holds goes into ``checked``."""
    schema, label, index = side
    missing = []
    for wanted in declared:
        if schema.dialect not in wanted.dialects:
            continue
        found = _find(schema, wanted, domain)
        if found is None:
            missing.append(_declared_missing(wanted, schema, label, index))
        else:
            checked.add(found.key)
    return missing


def _table_names(schema: Schema, domain: Domain | None) -> dict[str, str]:
    """A table's name as the reports give it (logical, else as the schema spells it), by the
    name an object gives it folded to lower case (a reader may fold a trigger's table:
    ``invoiceline`` for the logical ``invoice_line``, spelled ``InvoiceLine`` by its schema)."""
    named = {name.lower(): name for name in schema.tables}
    for logical, table in (domain.tables if domain is not None else {}).items():
        named[table.names.get(schema.dialect, logical).lower()] = logical
    named.update({name: name for name in schema.tables})  # an exact name first ("T" and "t")
    return named


def _pairwise(
    left: Sequence[SchemaObject],
    right: Sequence[SchemaObject],
    labels: tuple[str, str],
    named: dict[str, str],
    physical: dict[str, str],
) -> Iterable[ObjectDifference | ObjectEquivalence]:
    """Each object of one side only, each pair whose definitions differ, and each pair spelled
    differently with the same definition, in key order (``named``: ``_table_names``;
    ``physical``: a table's name in its database by its logical name, where domain.yaml
    renamed it)."""
    lk = {o.key: o for o in left}
    rk = {o.key: o for o in right}

    def table(obj: SchemaObject) -> str | None:
        if obj.table is None:
            return None
        return named.get(obj.table) or named.get(obj.table.lower(), obj.table)

    def shown(obj: SchemaObject, own: bool = False) -> str | None:
        """The table a message names: as its database has it, the logical name after it where
        renamed (s66msg); ``own``: of one side only, as that side names it (stranger74 010)."""
        logical = table(obj)
        if logical is not None and logical in physical:
            return f"{physical[logical]} (domain: {logical})"
        return table_shown_own(obj.table, logical) if own else logical

    def grouped(obj: SchemaObject) -> str | None:
        """The table a difference is reported under: a virtual table is one (stranger59 009:
        it was listed under no table, JSON ``table: null``)."""
        return obj.name if obj.kind == OBJECT_VIRTUAL_TABLE else table(obj)

    for key in sorted(lk.keys() | rk.keys()):
        lo, ro = lk.get(key), rk.get(key)
        if lo is not None and ro is not None:
            if lo.definition == ro.definition and lo.raw != ro.raw:
                yield ObjectEquivalence(lo.kind, table(lo) or lo.name, lo.raw, ro.raw)
            elif lo.definition != ro.definition:
                yield ObjectDifference(
                    lo.kind,
                    grouped(lo),
                    lo.name,
                    lo.raw or lo.definition,
                    ro.raw or ro.definition,
                    f"{what(lo, shown(lo))} differs: " + _told_apart(lo, ro, labels),
                )
            continue
        only = lo if lo is not None else ro
        assert only is not None
        side = labels[0] if lo is not None else labels[1]
        text = only.raw or only.definition
        yield ObjectDifference(
            only.kind,
            grouped(only),
            only.name,
            text if lo is not None else None,
            text if ro is not None else None,
            f"{what(only, shown(only, own=True))} exists only in {side}",
        )


def _told_apart(lo: SchemaObject, ro: SchemaObject, labels: tuple[str, str]) -> str:
    """How two definitions of one object differ: by the parts the adapter named
    (``SchemaObject.parts``) that differ, each with each side's value (``tokenize
    remove_diacritics is 0 in a.db, 2 in b.db``; "not set" where a side lacks the part); where
    a side has no parts or none differs, where the canonical texts part (``parting``)."""
    if lo.unstated and lo.unstated == ro.unstated and lo.state != ro.state:
        return _switched(lo, ro, labels)
    lparts, rparts = dict(lo.parts), dict(ro.parts)
    keys = dict.fromkeys([*lparts, *rparts])
    apart = [k for k in keys if lparts.get(k) != rparts.get(k)]
    if not (lparts and rparts and apart):
        return " vs ".join(_readable(lo, ro))
    return "; ".join(
        f"{k} is {lparts.get(k, 'not set')} in {labels[0]}, {rparts.get(k, 'not set')} in "
        f"{labels[1]}"
        for k in apart
    )


def _switched(lo: SchemaObject, ro: SchemaObject, labels: tuple[str, str]) -> str:
    """Two objects alike but for whether they fire (s71live, stranger71 008: two identical
    CREATE TRIGGER texts and a bare "disabled" token): how each is, in a sentence, and the
    statement that makes the odd one fire as usual."""
    said = [
        f"{o.state or 'enabled (it fires as usual)'} in {label}"
        for o, label in zip((lo, ro), labels, strict=True)
    ]
    usual = [o.usual for o in (lo, ro) if o.usual]
    to_usual = f"; to make it fire as usual there: {usual[0]}" if len(usual) == 1 else ""
    return f"it is {said[0]}, {said[1]}{to_usual}"


def _readable(lo: SchemaObject, ro: SchemaObject) -> tuple[str, str]:
    """Where two definitions part: for a function, in the words the catalog prints its body (a
    body changed by hand read ``begin if new . price_cents = 0`` from the canonical text,
    stranger71 008) where those part about where the canonical texts do; else, and for other
    objects (whose canonical text is close to the statement), the canonical texts'."""
    canonical = parting(lo.definition, ro.definition)
    if lo.kind != OBJECT_FUNCTION or not (lo.raw and ro.raw):
        return canonical
    printed = parting(lo.raw, ro.raw)
    if len(printed[0]) + len(printed[1]) <= 2 * (len(canonical[0]) + len(canonical[1])) + 40:
        return printed
    return canonical


# Words of context shown either side of where two definitions part.
_CONTEXT = 3
# A word of a canonical definition: a quoted string or name whole (its spaces are its own:
# 'a b' is not 'a  b'), else a run of non-space characters.
_WORD = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\S+")


def parting(left: str, right: str) -> tuple[str, str]:
    """Where two canonical definitions part: the words that differ with ``_CONTEXT`` words
    either side, ``...`` where a side is cut. The whole definitions, as each database prints
    them, are the difference's left and right; the canonical texts (case, spacing and the
    schema name made uniform) can be long, and differ in one word."""
    a, b = _WORD.findall(left), _WORD.findall(right)
    shortest = min(len(a), len(b))
    start = 0
    while start < shortest and a[start] == b[start]:
        start += 1
    end = 0
    while end < shortest - start and a[-1 - end] == b[-1 - end]:
        end += 1

    def cut(words: list[str]) -> str:
        first = max(0, start - _CONTEXT)
        last = min(len(words), len(words) - end + _CONTEXT)
        text = " ".join(words[first:last])
        return ("... " if first else "") + text + (" ..." if last < len(words) else "")

    return cut(a), cut(b)


def _find(schema: Schema, wanted: DeclaredObject, domain: Domain | None) -> SchemaObject | None:
    """The object of ``schema`` a declaration names (names compared case-insensitively: both
    dialects fold unquoted names, each its own way: see ``typemap.CASE_INSENSITIVE_NAMES``)."""
    table = None
    if wanted.table is not None:
        table = wanted.table
        if domain is not None and wanted.table in domain.tables:
            declared = domain.tables[wanted.table]
            table = declared.names.get(schema.dialect, wanted.table)
    name = wanted.physical(schema.dialect).lower()
    for obj in schema.objects:
        if obj.kind != wanted.kind or obj.name.lower() != name:
            continue
        if table is None or (obj.table or "").lower() == table.lower():
            return obj
    return None


def _declared_missing(
    wanted: DeclaredObject, schema: Schema, label: str, index: int
) -> ObjectDifference:
    on = f" on {wanted.table}" if wanted.table else ""
    name = wanted.physical(schema.dialect)
    named = f"{name} (domain: {wanted.name})" if name != wanted.name else name
    text = f"{wanted.kind} {named}{on}"
    return ObjectDifference(
        wanted.kind,
        wanted.table,
        wanted.name,
        None if index == 0 else text,
        text if index == 0 else None,
        f"{text} is declared in domain.yaml for {schema.dialect} but {label} lacks it",
        wanted,
    )


def _counts(objects: Iterable[SchemaObject]) -> dict[str, int]:
    return dict(Counter(COUNT_KEYS[obj.kind] for obj in objects))


assert set(COUNT_KEYS) == set(OBJECT_KINDS)
