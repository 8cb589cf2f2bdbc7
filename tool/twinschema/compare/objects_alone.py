"""Objects one dialect alone has, between two sources of different dialects that both hold
objects (``compare_objects``): a rule and an exclusion constraint each change which rows a
statement stores on their side alone, so each is a difference of its own, which domain.yaml
may allow (its kind, dialect and name), never a silent count. Pure and dialect-free.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from twinschema.model import OBJECT_EXCLUSION, OBJECT_RULE, Schema, SchemaObject
from twinschema.records.domain import DeclaredObject, Domain


@dataclass(frozen=True, slots=True)
class ObjectDifference:
    """One difference found here; the comparer turns it into a ``Difference``."""

    kind: str  # the object's kind, which is the difference's kind
    table: str | None
    name: str
    left: str | None
    right: str | None
    message: str
    # The declaration in domain.yaml the difference is of (an object it declares, missing).
    declared: DeclaredObject | None = None
    hint: str | None = None  # None: the comparer's own, from the sides
    # The fix removes the object from the side that has it (a rule the other dialect cannot
    # have: its hint says "drop the rule from ..."), not adds it where it is missing.
    dropped: bool = False


def what(obj: SchemaObject, table: str | None) -> str:
    """How a message names an object: its kind, name and table."""
    on = f" on {table}" if table else ""
    return f"{obj.kind} {obj.name}{on}"


def table_shown_own(own: str | None, logical: str | None) -> str | None:
    """A table a message names an object of one side only by: ``own``, the name its database
    gives it, the ``logical`` name (domain.yaml's key) after it where domain.yaml renamed it
    (``frames (domain: runs)``): the key alone names a table the database does not have
    (stranger74 010: ``rule frames_nodelete on runs``)."""
    if own and logical and own.lower() != logical.lower():
        return f"{own} (domain: {logical})"
    return logical


def _logical_table(obj: SchemaObject, schema: Schema, domain: Domain | None) -> str | None:
    """The object's table by its logical name, as an allowance names it."""
    table = obj.table
    if domain is not None and table is not None:
        for logical, declared in domain.tables.items():
            if declared.names.get(schema.dialect, logical).lower() == table.lower():
                return logical
    return table


@dataclass(frozen=True, slots=True)
class _Alone:
    """What a kind one dialect alone has says across dialects, as templates of ``str.format``
    over ``what``, ``name``, ``table`` (logical), ``text``, ``dialect``, ``label`` and
    ``conflict`` (``shown``: the table as its database names it, the logical name after it
    where domain.yaml renamed it): how the message names the object, why it matters (after "exists only in
    LABEL"), with a witness where one is said; and the fix's own words (what the object is,
    what the other dialect must do instead)."""

    named: str
    why: str  # in parentheses
    witness: str  # after them
    noun: str
    alike: str


def alone(
    obj: SchemaObject, schema: Schema, label: str, index: int, domain: Domain | None
) -> ObjectDifference:
    """An object of ``schema`` (at ``index``: 0 the left side) of a kind in ``ALONE``, which
    the other dialect has no form of: a difference of its own, whose fix drops it or makes the
    other side act alike (a trigger) and allows it in domain.yaml by its kind, dialect and name.
    Its table by its logical name, as an allowance names it."""
    facts = ALONE[obj.kind]
    table = _logical_table(obj, schema, domain)
    text = obj.raw or obj.definition
    shown = table_shown_own(obj.table, table)
    said = {
        "what": what(obj, shown),
        "name": obj.name,
        "table": table,
        "shown": shown,
        "text": text,
        "dialect": schema.dialect,
        "label": label,
        "conflict": conflict(text),
    }
    return ObjectDifference(
        obj.kind,
        table,
        obj.name,
        text if index == 0 else None,
        None if index == 0 else text,
        f"{facts.named.format(**said)} exists only in {label} ({facts.why.format(**said)})"
        + facts.witness.format(**said),
        hint=f"drop the {facts.noun} from {label}, or make the other dialect {facts.alike} "
        f"(a trigger) and allow it in domain.yaml under {table}: {{kind: {obj.kind}, "
        f"dialect: {schema.dialect}, name: {obj.name}, reason: ...}}",
        dropped=True,
    )


def conflict(definition: str) -> str:
    """The operators an exclusion constraint's rows conflict by (``WITH &&, WITH =``), for a
    message: two rows conflict where every element's operator holds between them."""
    return ", ".join(f"WITH {op}" for op in re.findall(r" WITH ([^\s,)]+)", definition))


def exclusions_stated(schema: Schema) -> bool:
    """Whether ``schema`` states its exclusion constraints: a live database or a SQL file (it
    holds objects) or a metadata module (ExcludeConstraint); a source that does not is never
    said to lack one."""
    return schema.objects_read or schema.exclusions_read


def exclusions_present(
    left: Schema,
    right: Schema,
    labels: tuple[str, str],
    done: tuple[set[tuple[str, str, str]], set[tuple[str, str, str]]],
) -> list[ObjectDifference]:
    """Between two sources of one dialect where one is a metadata module (the other may be too,
    or a database or its chain): each exclusion constraint one side only has, by its table and
    name; a module's unnamed one pairs with any of its table's the other side has unpaired.
    Their definitions are not compared here (the module's is SQLAlchemy's text, the
    database's the catalog's: two spellings of one constraint); a database and its chain
    compare them (``_pairwise``). The keys paired or reported go into ``done``."""
    sides = [[o for o in s.objects if o.kind == OBJECT_EXCLUSION] for s in (left, right)]
    unpaired = [list(side) for side in sides]
    for lo in sides[0]:
        match = next(
            (
                ro
                for ro in unpaired[1]
                if (ro.table or "") == (lo.table or "")
                and (lo.name == ro.name or not lo.name or not ro.name)
            ),
            None,
        )
        if match is not None:
            unpaired[0].remove(lo)
            unpaired[1].remove(match)
    found = []
    for index, side in enumerate(sides):
        done[index].update(o.key for o in side)
        for obj in unpaired[index]:
            text = obj.raw or obj.definition
            name = obj.name or "(unnamed)"
            found.append(
                ObjectDifference(
                    obj.kind,
                    obj.table,
                    name,
                    text if index == 0 else None,
                    None if index == 0 else text,
                    f"exclusion constraint {name} on {obj.table} ({text}) exists only in "
                    f"{labels[index]}: it refuses a second row that conflicts with a stored one "
                    f"by its operators ({conflict(text)}), which {labels[1 - index]} stores",
                )
            )
    return found


# The kinds one dialect alone has, by the difference each makes across dialects. A rule: its
# statements act on the rows as written. An exclusion constraint: two rows that conflict by its
# operators (two overlapping ranges under ``&&``) are both stored on the other side and the
# second refused on its own (a trigger of the other side that refuses them alike is not
# recognized: domain.yaml allows the difference by name).
ALONE: dict[str, _Alone] = {
    OBJECT_RULE: _Alone(
        "{what}",
        "a {dialect} rule: the other dialect has none, and its statements act on the rows as "
        "written",
        "",
        "rule",
        "act alike",
    ),
    OBJECT_EXCLUSION: _Alone(
        "exclusion constraint {name} on {shown} ({text})",
        "a {dialect} constraint the other dialect has no form of",
        "; witness: two rows that conflict by its operators ({conflict}): {label} refuses the "
        "second, the other side stores both",
        "constraint",
        "refuse such rows too",
    ),
}


def alone_on(
    side: tuple[Schema, str, int],
    domain: Domain | None,
    checked: set[tuple[str, str, str]],
    read: tuple[bool, bool],
) -> list[ObjectDifference]:
    """Across dialects, each rule or exclusion of ``side`` (schema, label, index) not in
    ``checked`` (added there): a rule changes what a statement does to rows on its side alone
    (DO INSTEAD NOTHING keeps the row a DELETE removes on the other), a difference domain.yaml
    may allow (kind rule), never a silent count; an exclusion constraint likewise refuses a row
    conflicting with a stored one (two overlapping ranges) that the other dialect stores
    (s71live), a metadata module's too. ``read``: both sides' objects were read, both sides
    state their exclusions (a metadata module states those alone)."""
    schema, label, index = side
    both_read, stated = read
    found = []
    for obj in schema.objects:
        if obj.kind not in ALONE or obj.key in checked:
            continue
        if both_read or (obj.kind == OBJECT_EXCLUSION and stated):
            checked.add(obj.key)
            found.append(alone(obj, schema, label, index, domain))
    return found


def broken(
    left: Schema, right: Schema, labels: tuple[str, str], alike: bool
) -> list[ObjectDifference]:
    """An object that cannot work in its own source (``SchemaObject.broken``: an FTS table
    reading a column its content table lacks, stranger61 006): one difference per object,
    naming each side where it is broken, whether the other side holds no such object (across
    dialects, a metadata module), one that works, or the same object broken alike (two files
    or devices of one dialect: it works on neither, so "in sync" would hide it). With
    ``alike`` False (sides a chain built: a downgrade and upgrade again, a step's before and
    after, the head against a database) broken alike is no difference between them: the
    chain's head against the metadata module reports it."""
    found: dict[tuple[str, str, str], list[SchemaObject | None]] = {}
    for index, schema in enumerate((left, right)):
        for obj in schema.objects:
            if obj.broken:
                found.setdefault(obj.key, [None, None])[index] = obj
    differences = []
    for key in sorted(found):
        pair = found[key]
        lo, ro = pair
        if not alike and lo is not None and ro is not None and lo.broken == ro.broken:
            continue
        sides = " and ".join(label for label, o in zip(labels, pair, strict=True) if o)
        first = next(o for o in pair if o is not None)
        texts = [(o.raw or o.definition) if o is not None else None for o in pair]
        differences.append(
            ObjectDifference(
                first.kind,
                first.name if first.table is None else first.table,
                first.name,
                texts[0],
                texts[1],
                f"{what(first, first.table)} cannot work in {sides}: {first.broken}",
                hint=first.mend or None,
                dropped=None in pair,  # the fix goes where it is broken, not where it is not
            )
        )
    return differences
