"""Which allowances of ``domain.yaml`` fit a difference (``named_allowances``: kind, column, name,
a CHECK by its text or its meaning, a type difference by its two types), and which allowance is
a copy of another: one written twice alike (``repeated``), or a ``check:`` written twice in two
spellings of one CHECK (``n > 0`` and ``0 < n``, ``status IN ('a', 'b')`` and ``status = ANY
(ARRAY[...])``: ``copies``). The matcher takes the first allowance that fits, so a copy matches
nothing; it is warned of as a copy naming the first's line, not as an allowance whose difference
is gone."""

from __future__ import annotations

from collections.abc import Mapping

from twinschema.canonical.check_reading import same_check
from twinschema.model import Schema
from twinschema.records import Difference, FixSide
from twinschema.records.domain import Allowance, Domain, check_key


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
        tuple((d, check_key(t)) for d, t in a.types),
    )


def copies(
    domain: Domain,
    used: Mapping[Allowance, list[Difference]],
    sides: dict[str, FixSide],
    schemas: Mapping[FixSide, Schema],
) -> dict[Allowance, Allowance]:
    """Each ``check:`` allowance that allowed nothing here, to the allowance of ``used`` (those
    that allowed something, with what) it repeats in another spelling: the same kind, column,
    name and dialect, and a CHECK the first allowed that its own ``check:`` names too (by its
    text or its meaning, as ``named_allowances`` reads it). Not a copy: a ``check:`` naming
    another CHECK (``n > 1`` beside ``n > 0``), which matches nothing and is stale."""
    found: dict[Allowance, Allowance] = {}
    for allowance in domain.allowances():
        if allowance.check is None or allowance in used:
            continue
        for first, allowed in used.items():
            same = _key(first)[:4] == _key(allowance)[:4] and first.table == allowance.table
            if not same or first.check is None:
                continue
            if any(allowance in named_allowances(domain, d, sides, schemas) for d in allowed):
                found[allowance] = first
                break
    return found


def named_allowances(
    domain: Domain,
    difference: Difference,
    sides: dict[str, FixSide],
    schemas: Mapping[FixSide, Schema],
) -> list[Allowance]:
    """The allowances of the difference's table whose kind, column and name fit it: the name
    either side gives the object (``Difference.named``; with ``dialect:``, that dialect's), the
    CHECK either side shows (``check:``; with ``dialect:``, that dialect's)."""
    table = domain.tables.get(difference.table or "")
    if table is None:
        return []
    return [
        a
        for a in table.allow
        if a.kind == difference.kind
        and (a.column is None or a.column == difference.column)
        and (a.name is None or difference.named(a.name, sides.get(a.dialect or "")))
        and (
            a.check is None or _same_check(a.check, difference, sides.get(a.dialect or ""), schemas)
        )
        and _same_types(a.types, difference, sides)
    ]


def _same_types(
    types: tuple[tuple[str, str], ...], difference: Difference, sides: dict[str, FixSide]
) -> bool:
    """True when an allowance's ``types:`` (none: any) are the types the difference shows,
    each dialect's on its side (both sides, where the two are of one dialect): whitespace,
    case and double quotes aside, as ``check:`` is matched."""
    texts = {FixSide.LEFT: difference.left, FixSide.RIGHT: difference.right}
    for dialect, text in types:
        side = sides.get(dialect)
        if side is None:
            continue  # a dialect neither side is of: nothing of it to match
        # Both sides are of that dialect where ``sides`` holds one.
        shown = list(texts.values()) if len(sides) == 1 else [texts[side]]
        if any(t is None or check_key(t) != check_key(text) for t in shown):
            return False
    return True


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
