"""Which allowances of ``domain.yaml`` fit a difference (``fits``: kind, column, name,
a CHECK by its text or its meaning, a type difference by its two types), and which allowance is
a copy of another: one written twice alike (``repeated``), or a ``check:`` written twice in two
spellings of one CHECK (``n > 0`` and ``0 < n``, ``status IN ('a', 'b')`` and ``status = ANY
(ARRAY[...])``: ``copies``). The matcher takes the first allowance that fits, so a copy matches
nothing; it is warned of as a copy naming the first's line, not as an allowance whose difference
is gone."""

from __future__ import annotations

from collections.abc import Mapping, Set as AbstractSet
from dataclasses import replace

from twinschema.canonical.check_reading import same_check
from twinschema.canonical.view_logical import logical_view_text
from twinschema.compare.allowance_entries import logical_text, one_shape, one_sided
from twinschema.compare.view_columns import of_columns
from twinschema.model import OBJECT_VIEW, Schema
from twinschema.records import Difference, FixSide
from twinschema.records.domain import Allowance, Domain, check_key
from twinschema.records.pins import pin_matches

# The kinds whose difference is always one of what both sides have: an allowance with
# ``dialect:`` (which side's type is on purpose) cannot mean another either.
# A default (or how a key is generated) is a property of a column both sides have, as its
# type is: "none" on one side is a value of that property, not an object on one side only.
TWO_SIDED_KINDS = frozenset(
    {"column_type", "column_nullable", "column_default", "enum", "value_compatibility"}
)


def repeated(domain: Domain, allowance: Allowance) -> Allowance | None:
    """The earlier allowance of the same table that ``allowance`` repeats (same kind, column,
    name and dialect; the reason may differ), None when it is the first: the matcher takes
    the first, so the copy is the one that matches nothing (stranger56 W7)."""
    table = domain.tables.get(allowance.table)
    for other in table.allow if table is not None else ():
        if other is allowance or other == allowance:
            return None
        if _key(other) == _key(allowance):
            return other
    return None


def _key(
    a: Allowance,
) -> tuple[str, str | None, str | None, str | None, str | None, tuple[tuple[str, str], ...]]:
    check = check_key(a.check) if a.check else None
    return (
        a.kind,
        a.column,
        a.name,
        a.dialect,
        check,
        tuple((d, check_key(t)) for d, t in a.sides),
    )


def copies(
    domain: Domain,
    used: Mapping[Allowance, list[Difference]],
    sides: dict[str, FixSide],
    schemas: Mapping[FixSide, Schema],
    halves: AbstractSet[tuple[str, str | None, str | None]] = frozenset(),
) -> dict[Allowance, Allowance]:
    """Each ``check:`` allowance that allowed nothing here, to the allowance of ``used`` (those
    that allowed something, with what) it repeats in another spelling: the same kind, column,
    name and dialect, and a CHECK the first allowed that its own ``check:`` names too (by its
    text or its meaning, as ``fits`` reads it). Not a copy: a ``check:`` naming
    another CHECK (``n > 1`` beside ``n > 0``), which matches nothing and is stale."""
    found: dict[Allowance, Allowance] = {}
    for allowance in domain.allowances():
        if allowance.check is None or allowance in used:
            continue
        for first, allowed in used.items():
            same = _key(first)[:4] == _key(allowance)[:4] and first.table == allowance.table
            if not same or first.check is None:
                continue
            if any(fits(allowance, d, sides, schemas, halves) for d in allowed):
                found[allowance] = first
                break
    return found


def matching_allowance(
    domain: Domain,
    difference: Difference,
    sides: dict[str, FixSide],
    halves: AbstractSet[tuple[str, str | None, str | None]] = frozenset(),
    schemas: Mapping[FixSide, Schema] | None = None,
) -> Allowance | None:
    """The allowance of ``domain.yaml`` that accepts ``difference`` (``sides``: dialect -> left
    or right), None when none does: the first of its table's (of a view's difference, its
    view's: ``views: V: allow:``) that ``fits`` it. The comparer, the evaluation stage and its
    value warnings all ask here."""
    table = domain.tables.get(difference.table or "")
    own = table.allow if table is not None else ()
    if difference.kind == OBJECT_VIEW:
        own = (*own, *domain.view_allowances(difference.table or ""))
    for allowance in own:
        if fits(allowance, difference, sides, schemas or {}, halves):
            return allowance
    return None


def columns_unallowed(domain: Domain, difference: Difference) -> Difference:
    """``difference``, where it is a view's columns difference beside a view allowance that
    pins no definitions, saying that allowance does not allow it: such an allowance accepts
    the rows difference it was written for (text timestamps), not a column list that one side
    changed later (stranger82 006: a column renamed under the view renamed the device's view
    column, not the server's ``battery_pct AS battery``; the app's ``SELECT battery`` fails on
    the device), which was allowed in sync and silent."""
    if not of_columns(difference):
        return difference
    unpinned = [a for a in domain.view_allowances(difference.table or "") if not a.sides]
    if not unpinned or f"{domain.path}:{unpinned[0].line}" in difference.message:
        return difference
    said = (
        f" (not allowed by the view allowance at {domain.path}:{unpinned[0].line}: a view "
        "allowance without sides: accepts the rows the two sides return, not the view's "
        "columns)"
    )
    return replace(difference, message=difference.message + said)


def fits(
    allowance: Allowance,
    difference: Difference,
    sides: dict[str, FixSide],
    schemas: Mapping[FixSide, Schema],
    halves: AbstractSet[tuple[str, str | None, str | None]] = frozenset(),
) -> bool:
    """Whether ``allowance`` allows ``difference``: the one test of it. Its kind, column and
    name fit (the name either side gives the object, ``Difference.named``; with ``dialect:``,
    that dialect's), and so do its ``check:`` (the CHECK either side shows, by its text or its
    meaning) and what it pins of each side (``types:``, ``checks:``, ``nullable:``: what each
    side shows, ``_same_sides``). Then ``dialect:`` says which of
    two differences of one object it is: without it, the object both sides have, differing
    (or, for ``ONE_SIDED_KINDS`` and ``ONE_SIDED_OBJECTS`` such as an ON CONFLICT clause,
    the object on one side only); with it, the object on that dialect's side only (or any
    ``TWO_SIDED_KINDS`` difference, or a CHECK by ``check:`` on that side only, one half of a
    named CHECK differing too, never a pair).
    ``halves`` (``allowances.split_objects``): objects both sides have under one name, each
    reported on one side only: such a half is the object differing, which ``dialect:`` does
    not allow. ``schemas`` (the canonical schemas of both sides) read a CHECK's meaning."""
    side = sides.get(allowance.dialect or "")
    if not (
        allowance.kind == difference.kind
        and allowance.table == difference.table
        and (allowance.column is None or allowance.column == difference.column)
        and (allowance.name is None or difference.named(allowance.name, side))
        and (allowance.check is None or _same_check(allowance.check, difference, side, schemas))
        and _same_sides(allowance, difference, sides, schemas)
    ):
        return False
    if not allowance.sides and _uniqueness_apart(difference, schemas):
        return False  # an unpinned allowance never hides a UNIQUE lost or gained
    if not allowance.sides and of_columns(difference):
        return False  # nor a view's columns (``columns_unallowed``)
    one = (
        one_sided(difference) and (difference.kind, difference.table, difference.name) not in halves
    )
    if allowance.dialect is None:
        # Written for the object differing, not for its absence on one side.
        return not one or one_shape(difference)
    if side is None or not difference.holds(side):
        return False
    # Written for the object on one side only, not for it differing; a CHECK by its text on
    # that side is the CHECK there, one half of a named pair too, never the pair (stranger70
    # 007: a ``dialect:`` allowance of ``w <= 250`` allowed the other side's ``w >= 50`` too).
    return (
        one
        or difference.kind in TWO_SIDED_KINDS
        or (allowance.check is not None and one_sided(difference))
    )


def _uniqueness_apart(difference: Difference, schemas: Mapping[FixSide, Schema]) -> bool:
    """True when ``difference`` is an index both sides have, UNIQUE on one side only: which
    rows are accepted changed (two equal keys: one side stores both, the other refuses the
    second), whatever the index differed in when an allowance was written for it. An allowance
    without ``sides:`` allows any later change of its index but that one (stranger72 010: one
    written for one side's ASCII-only lower() hid the other's index losing UNIQUE, in sync); a
    pinned one allows exactly the two sides it names, UNIQUE-ness included."""
    if difference.kind != "index" or difference.left is None or difference.right is None:
        return False
    unique = set()
    for at, side in enumerate((FixSide.LEFT, FixSide.RIGHT)):
        schema = schemas.get(side)
        table = schema.tables.get(difference.table or "") if schema is not None else None
        own = difference.names[at] if difference.names is not None else difference.name
        if table is None or own is None:
            return False
        index = next((i for i in table.indexes if i.name == own), None) or next(
            (i for i in table.indexes if (i.name or "").lower() == own.lower()), None
        )
        if index is None:
            return False
        unique.add(index.unique)
    return len(unique) == 2


def _same_sides(
    allowance: Allowance,
    difference: Difference,
    sides: dict[str, FixSide],
    schemas: Mapping[FixSide, Schema],
) -> bool:
    """True when what an allowance pins of each side (``Allowance.sides``; none: anything) is
    what the difference shows there, each dialect's on its side (both sides, where the two are
    of one dialect): a type or a nullability by its text (whitespace, case and double quotes
    aside, as ``check:`` is matched), a CHECK by its text or its meaning (``_same_check``). A
    side the difference shows nothing of (an object on the other side only) fits no pin."""
    texts = {FixSide.LEFT: difference.left, FixSide.RIGHT: difference.right}
    for dialect, pinned in allowance.sides:
        side = sides.get(dialect)
        if side is None:
            continue  # a dialect neither side is of: nothing of it to match
        # Both sides are of that dialect where ``sides`` holds one.
        for s in list(texts) if len(sides) == 1 else [side]:
            text = texts[s]
            if text is None:
                return False
            if allowance.kind == "check":
                if not _same_check(pinned, difference, s, schemas):
                    return False
            elif not pin_matches(pinned, text) and not _logically(
                pinned, text, difference, schemas.get(s)
            ):
                return False
    return True


def _logically(pinned: str, text: str, difference: Difference, schema: Schema | None) -> bool:
    """True when ``pinned`` is the view definition ``difference`` shows as ``text`` read by
    the logical names (``logical_view_text``: a rename revision rewrote its names, nothing
    else, recheck86 item 4), or the index or UNIQUE rule it shows as ``text`` (on
    the side of ``schema``), read by the columns' logical names (domain.yaml's keys): a one-sided
    index shows each column by its database's name, which a rename through ``name:``/``names:``
    changes while the index stays what it was (the database's ``RENAME COLUMN`` rewrites the
    index). A pin so read holds through every rename; the same index by other columns,
    operator classes or expressions still matches no pin (stranger74 004)."""
    if difference.kind == OBJECT_VIEW:
        view = logical_view_text(text, schema)
        return view is not None and pin_matches(pinned, view)
    logical = logical_text(text, difference, schema)
    return logical is not None and check_key(logical) == check_key(pinned)


def _same_check(
    check: str, difference: Difference, side: FixSide | None, schemas: Mapping[FixSide, Schema]
) -> bool:
    """True when the CHECK ``difference`` shows (on ``side`` only, when given) is the one an
    allowance's ``check:`` names: the same text (whitespace, case and quotes aside), or the
    same meaning, read in the dialect and table of the side the CHECK is on (a live server
    prints ``status IN ('a')`` otherwise: ``canonical.check_reading``)."""
    texts = {FixSide.LEFT: difference.left, FixSide.RIGHT: difference.right}
    for s, text in texts.items():
        if text is None or (side is not None and s is not side):
            continue
        if check_key(text) == check_key(check):
            return True
        schema = schemas.get(s)
        if schema is None:
            continue
        table = schema.tables.get(difference.table or "")
        if table is not None and same_check(schema.dialect, table, check, text):
            return True
    return False


def rows_unjudged(allowance: Allowance | None, differences: list[Difference]) -> bool:
    """Whether ``allowance`` is a view allowance without ``sides:`` whose view's columns differ
    (among ``differences``): the rows it was written for are not compared then, so it is not
    stale; the columns difference names it (``columns_unallowed``, stranger82 006)."""
    return (
        allowance is not None
        and allowance.kind == OBJECT_VIEW
        and not allowance.sides
        and any(of_columns(d) and d.table == allowance.table for d in differences)
    )


def view_unjudged(
    allowance: Allowance | None,
    warnings: list[Difference],
    sides: dict[str, FixSide],
    schemas: Mapping[FixSide, Schema],
) -> bool:
    """Whether ``allowance`` would allow view answers that were not compared this time (a
    ``view`` warning among ``warnings`` that it fits, its pins the definitions both sides have
    now): not judged, so not stale (stranger94b 007: "remove this allowance" where the view was
    not run); an allowance pinned to a definition since changed fits none and is stale."""
    return allowance is not None and any(
        w.kind == OBJECT_VIEW == allowance.kind and fits(allowance, w, sides, schemas)
        for w in warnings
    )
