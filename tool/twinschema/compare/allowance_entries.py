"""How an allowance is written for a difference (``allowance_entry``), the hint of a CHECK
named on neither side (by its text, ``check:``), and the warning of a CHECK allowance by its
kind alone that allows more than one difference (``broad_allowances``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from twinschema.canonical.folding import renamed_in
from twinschema.canonical.view_logical import logical_view_text
from twinschema.model import OBJECT_VIEW, Index, Schema, Table, UniqueConstraint
from twinschema.model_shown import own_described
from twinschema.records import Difference, FixSide, FixSite, Severity
from twinschema.records.domain import (
    PINNABLE_KINDS,
    Allowance,
    Domain,
    check_key,
    check_text,
    pin_key,
)
from twinschema.records.hint_ways import ALLOW_PHRASE
from twinschema.records.pins import digest

# Each side's canonical schema, by side: where an index's columns are read by logical name.
Schemas = Mapping[FixSide, Schema]

# The kinds whose difference is always an object on one side only: an allowance without
# ``dialect:`` cannot mean another difference of the same object.
ONE_SIDED_KINDS = frozenset({"table_missing", "column_missing"})

# The name of the comparer's difference for an ON CONFLICT clause (``storage``).
ON_CONFLICT = "on_conflict"

# Objects of a kind whose difference is always the object on one side only, by (kind, name):
# an ON CONFLICT clause is on a side or not (REPLACE against IGNORE is two clauses, each on one
# side), so an allowance without ``dialect:`` cannot mean the clause differing and allows it,
# as ``ONE_SIDED_KINDS`` (stranger70 004: ``{kind: dialect_object}`` on the table was "stale"
# beside three ON CONFLICT differences there).
ONE_SIDED_OBJECTS = frozenset({("dialect_object", ON_CONFLICT)})


def one_shape(difference: Difference) -> bool:
    """True when ``difference`` is of a kind, or an object, that has one shape only, on one
    side (``ONE_SIDED_KINDS``, ``ONE_SIDED_OBJECTS``): ``dialect:`` changes nothing there."""
    return (
        difference.kind in ONE_SIDED_KINDS
        or (difference.kind, difference.name) in ONE_SIDED_OBJECTS
    )


def logical_text(text: str, difference: Difference, schema: Schema | None) -> str | None:
    """The index or UNIQUE rule ``difference`` shows as ``text`` (on the side of ``schema``),
    written by its columns' logical names (domain.yaml's keys, which no rename changes), where
    its side shows it by its database's names (an object on one side only, ``own_described``):
    ``(target text_pattern_ops)`` for ``(object_name text_pattern_ops)``; None where none is
    found (stranger74 004)."""
    table = schema.tables.get(difference.table or "") if schema is not None else None
    if table is None or difference.kind not in ("index", "unique"):
        return None
    items: list[Index | UniqueConstraint] = [*table.indexes, *table.uniques]
    key = check_key(text)
    found = next((i for i in items if check_key(own_described(table, i)) == key), None)
    if isinstance(found, Index):
        return logical_index(table, found).describe()
    return found.describe() if found is not None else None


def logical_index(table: Table, index: Index) -> Index:
    """``index`` of ``table`` shown by its columns' logical names throughout: a bare column by
    its canonical (logical) name, and each column an expression or the predicate reads, which
    its source writes by the database's name, by domain.yaml's key (``lower(full_name)`` for the
    source's ``lower(shown_name)``), so that a pin written so holds through every rename
    (stranger77 011: the hint pinned ``(lower(shown_name) DESC)``, stale at the next rename)."""
    names = {c.own_name: c.name for c in table.columns if c.own_name != c.name}
    if not names:
        return index
    elements = tuple(
        e if table.column(e) is not None else renamed_in(index.element(n), names)
        for n, e in enumerate(index.expressions)
    )
    where = index.shown_where()
    return replace(
        index,
        raw_expressions=elements,
        written_expressions=None,
        raw_where=renamed_in(where, names) if where is not None else None,
        written_where=None,
    )


def one_sided(difference: Difference) -> bool:
    """True when the difference is an object (or a flag) on one side only: an allowance
    with ``dialect:`` allows that one, an allowance without it the object differing."""
    return difference.left is None or difference.right is None or difference.present is not None


def place(domain: Domain, allowance: Allowance) -> str:
    """Which allowance of its line ``allowance`` is, where its line holds several (a flow-style
    ``allow: [{...}, {...}]``): its place in the table's list and its keys (stranger54 006)."""
    if sum(1 for a in domain.allowances() if a.line == allowance.line) < 2:
        return ""
    keys = [f"kind: {allowance.kind}"]
    keys += [f"{k}: {v}" for k, v in (("column", allowance.column), ("name", allowance.name)) if v]
    if allowance.dialect:
        keys.append(f"dialect: {allowance.dialect}")
    if allowance.check:
        keys.append(f"check: {quoted(allowance.check)}")
    if allowance.sides:
        pinned = ", ".join(f"{d}: {quoted(t)}" for d, t in allowance.sides)
        keys.append(f"{pin_key(allowance.kind) or 'sides'}: {{{pinned}}}")
    return (
        f" (entry {allowance.position} of {allowance.table}'s allow: list, "
        "{" + ", ".join(keys) + "})"
    )


BROAD = "broad_allowance"


def broad_allowances(
    domain: Domain,
    used: dict[Allowance, list[Difference]],
    sides: dict[str, FixSide],
    left: str,
    right: str,
) -> list[Difference]:
    """A warning for each CHECK allowance by its kind alone (no ``name:``, no ``check:``) that
    allowed more than one difference here: written for one CHECK named on neither side, it
    also hides every other CHECK difference of its table, a later drift too (stranger60 023).
    Its hint gives the allowance of each, by its name or its text."""
    dialects = {side: dialect for dialect, side in sides.items()}
    found = []
    for allowance, differences in used.items():
        if allowance.kind != "check" or allowance.name or allowance.check:
            continue
        differences = _objects(differences)
        if len(differences) < 2:
            continue
        shown = "; ".join(d.left if d.left is not None else str(d.right) for d in differences)
        entries = "; ".join(allowance_entry(d, dialects) for d in differences)
        found.append(
            Difference(
                layer=differences[0].layer,
                kind=BROAD,
                table=allowance.table,
                column=None,
                name=None,
                left=None,
                right=None,
                message=f"allowance {allowance.describe()} allows {len(differences)} CHECK "
                f"differences here, not one: {shown}; it names none of them, so it hides any "
                "CHECK difference of the table, one that comes later too",
                hint=f"{domain.path}:{allowance.line}: write one allowance per CHECK that "
                f"differs on purpose, in place of this one{place(domain, allowance)}: "
                f"{entries}",
                severity=Severity.WARNING,
                left_source=left,
                right_source=right,
                fix=FixSite(file=domain.path, line=allowance.line),
            )
        )
    return found


def _objects(differences: list[Difference]) -> list[Difference]:
    """``differences``, the two halves of one object each reported on one side only (a CHECK
    ``ck_a`` that says ``a > 0`` on one side and ``a > 1`` on the other) made one: the object
    both sides have, differing, which one allowance by its name (no ``dialect:``) allows."""
    found: list[Difference] = []
    for d in differences:
        half = next(
            (
                i
                for i, f in enumerate(found)
                if d.name is not None
                and (f.kind, f.table, f.name) == (d.kind, d.table, d.name)
                and one_sided(f)
                and one_sided(d)
                and (f.left is None) != (d.left is None)
            ),
            None,
        )
        if half is None:
            found.append(d)
        else:
            f = found[half]
            found[half] = replace(f, left=f.left or d.left, right=f.right or d.right)
    return found


def allowance_entry(
    d: Difference,
    dialects: dict[FixSide, str],
    schemas: Schemas | None = None,
    reason: str | None = None,
) -> str:
    """The allowance (as ``domain.yaml`` writes it) that allows ``d``: its kind, column and
    name where it has them, for an object on one side only the dialect that has it
    (``dialects``: side -> dialect), and for a difference across dialects of a kind
    ``PINNABLE_KINDS`` names what each side shows (``types:``, ``checks:``, ``nullable:``,
    ``sides:`` for the others; of an object on one side only, that side's: either side
    changed later is then reported; an index or UNIQUE by its columns' logical names, read in
    ``schemas``, so that the pin holds through a rename: ``logical_text``); else a CHECK named
    on neither side, or on one side only, by its text (``check:``). Its ``reason`` is ``...``
    for a person to write, else ``reason`` quoted (``init --allow-existing``)."""
    parts = [f"kind: {d.kind}"]
    if d.column is not None:
        parts.append(f"column: {d.column}")
    one = one_sided(d) and d.kind not in ONE_SIDED_KINDS
    side = FixSide.LEFT if d.holds(FixSide.LEFT) else FixSide.RIGHT
    name = d.name  # named otherwise on each side: the left's (the one side's, if one-sided)
    if d.names is not None:
        name = d.names[1 if one and side is FixSide.RIGHT else 0] or d.name
    if name is not None:
        parts.append(f"name: {name}")
    if one:
        parts.append(f"dialect: {dialects[side]}")
    each = _pinned_sides(d, dialects, schemas or {})
    if each:
        key = pin_key(d.kind)
        parts.append(f"{key}: {{" + ", ".join(f"{k}: {quoted(t)}" for k, t in each) + "}")
    elif d.kind == "check" and (name is None or one):
        # Named on neither side: by its text; on one side only, by its text too, so that
        # the CHECK changed later under its name is reported (stranger82 007).
        text = d.left if d.left is not None and (not one or side is FixSide.LEFT) else d.right
        if text is not None:
            parts.append(f"check: {quoted(check_text(text))}")
    said = "..." if reason is None else quoted(reason)
    return "{" + ", ".join([*parts, f"reason: {said}"]) + "}"


def _pinned_sides(
    d: Difference, dialects: dict[FixSide, str], schemas: Schemas | None = None
) -> tuple[tuple[str, str], ...]:
    """What an allowance of ``d`` pins, dialect by dialect (``dialects``: side -> dialect):
    each side's text of a ``PINNABLE_KINDS`` difference across the dialects; of an object on
    one side only, that side's (not a CHECK's, which ``check:`` names); () where nothing is
    pinned (one dialect on both sides, or a kind that pins nothing)."""
    ld, rd = dialects.get(FixSide.LEFT), dialects.get(FixSide.RIGHT)
    if d.kind not in PINNABLE_KINDS or not ld or not rd or ld == rd:
        return ()
    schemas = schemas or {}

    def text(shown: str, side: FixSide) -> str:
        if d.kind == "check":
            return check_text(shown)
        if d.kind == OBJECT_VIEW:  # a definition, pinned by its digest (stranger81 005), read
            # by logical names, which a rename revision leaves as they were (recheck86 item 4)
            return digest(logical_view_text(shown, schemas.get(side)) or shown)
        return logical_text(shown, d, schemas.get(side)) or shown

    if d.left and d.right and not one_sided(d):
        return ((ld, text(d.left, FixSide.LEFT)), (rd, text(d.right, FixSide.RIGHT)))
    if d.kind == "check" or not one_sided(d) or d.kind in ONE_SIDED_KINDS:
        return ()
    side = FixSide.LEFT if d.holds(FixSide.LEFT) else FixSide.RIGHT
    shown = d.left if side is FixSide.LEFT else d.right
    return ((dialects[side], text(shown, side)),) if shown else ()


def quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def offers(d: Difference) -> bool:
    """True when ``d``'s hint offers an allowance, as said or completed with its entry (``init
    --allow-existing`` writes the entry ``allowance_entry`` gives for each such difference):
    its ``allow`` part where its hint is composed of ``ways``, else its ``offer`` (a hint a
    comparator or a later stage wrote whole)."""
    if d.composed and d.ways is not None:
        return d.ways.allow.startswith(ALLOW_PHRASE) and d.ways.uncomment is None
    offer = d.offered
    return offer is not None and offer.said.startswith(ALLOW_PHRASE)


def _offers(d: Difference) -> bool:
    """True when ``d``'s hint offers an allowance in so many words (``ALLOW_PHRASE``, not yet
    completed with its entry): its ``allow`` part where its hint is still composed of them,
    else its ``offer`` (a hint a comparator or a later stage wrote whole)."""
    if d.composed:
        assert d.ways is not None
        return d.ways.allow == ALLOW_PHRASE and d.ways.uncomment is None  # that hint has none
    offer = d.offered
    return offer is not None and offer.said == ALLOW_PHRASE


def _allowing(d: Difference, said: str) -> Difference:
    """``d`` with its allowance clause (``ALLOW_PHRASE``) said as ``said``: its ``allow`` part
    where its hint is composed of parts (``Difference.ways``), else its ``offer``'s clause
    (``_offers`` found one of the two)."""
    if d.composed and d.ways is not None and d.ways.allow == ALLOW_PHRASE:
        return d.reworded(replace(d.ways, allow=said))
    return d.offer_said(said)


# The kinds whose difference's own hint gives the allowance pinned to what each side shows
# (a CHECK's hint is ``unnamed_check_hints``' own).
_PINNED_HINTED = PINNABLE_KINDS - {"check"}


def _unnamed(d: Difference) -> bool:
    """A CHECK named on neither side, or paired from an unnamed one on the left and a named one
    on the right (a dialect that names every CHECK, ``child_n_check``, against one whose CHECK
    has no name: stranger62 005); its left side's text names it (``allowance_entry``)."""
    if d.name is not None:
        return False
    return d.names is None or (d.names[0] is None and d.left is not None)


def unnamed_check_hints(
    differences: list[Difference], sides: dict[str, FixSide], schemas: Schemas | None = None
) -> list[Difference]:
    """The differences, each CHECK named on neither side (or on one only) whose hint offers an
    allowance saying the one that allows it alone, by its text (``check:``): by its kind alone,
    an allowance allows every CHECK difference of the table (stranger60 023). A named CHECK on
    one side only is offered its own by its name and text (stranger82 007), so that allowing
    one CHECK of a table never hides another (stranger67 010: two one-sided CHECKs, each
    allowed alone), nor the CHECK changed later under its name. A type or a nullability
    differing across the dialects is offered its allowance pinned to both sides (``types:``,
    ``nullable:``), so that a later change of either is reported (stranger68 003).
    A dialect object (an ON CONFLICT clause, row-level security, a policy, UNLOGGED) is offered
    its allowance by its name, as every other kind's hint gives its own (stranger70 004: the
    name ``on_conflict`` was to be learned from a stale warning only)."""
    dialects = {side: dialect for dialect, side in sides.items()}
    found = []
    for d in differences:
        # A view on one side only has no pinned allowance (its entry's allow: takes no name or
        # dialect): its way out is the declaration, which the hint names.
        lone_view = d.kind == "view" and one_sided(d)
        if d.kind in _PINNED_HINTED and _offers(d) and (d.left or d.right) and not lone_view:
            pinned = _pinned_sides(d, dialects)
            if len(dialects) == 2 and pinned:  # across the dialects
                said = f"{ALLOW_PHRASE}, pinned to what each side has:"
                if pinned != _pinned_sides(d, dialects, schemas):
                    said = said[:-1] + " (its columns by domain.yaml's names, which renames keep):"
                entry = allowance_entry(d, dialects, schemas)
                d = _allowing(d, f"{said} {entry}")
        elif d.kind == "dialect_object" and _offers(d) and len(dialects) == 2:
            entry = allowance_entry(d, dialects)  # by its name (on_conflict, unlogged, ...)
            d = _allowing(d, f"{ALLOW_PHRASE}: {entry}")
        elif d.kind == "check" and _offers(d) and (_unnamed(d) or one_sided(d)):
            said = f"{ALLOW_PHRASE}: this CHECK, {_naming(d, dialects)}alone by"
            d = _allowing(d, f"{said} {allowance_entry(d, dialects)}")
        found.append(d)
    return found


def _naming(d: Difference, dialects: dict[FixSide, str]) -> str:
    """How ``d``'s CHECK is named, as its hint says it: "named on neither side, ", "unnamed on
    <left dialect>, named t_a_check on <right dialect>, " (a dialect that names every CHECK
    gives an unnamed one ``{table}_{column}_check``: stranger67 010 said "named on one side
    only" of two unnamed); "" where it has a name its allowance gives."""
    if not _unnamed(d):
        return ""
    if d.names is None:
        return "named on neither side, "
    return (
        f"unnamed on {dialects.get(FixSide.LEFT, 'the left')}, named {d.names[1]} on "
        f"{dialects.get(FixSide.RIGHT, 'the right')}, "
    )
