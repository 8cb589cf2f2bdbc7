"""Objects paired one by one, between two sources of one dialect that both hold them (live
databases, SQL files): each on one side only, each pair whose canonical definitions differ
(and where they part: ``parting``), and each pair spelled differently with the
same definition (``ObjectEquivalence``). Pure and dialect-free, as ``compare.objects``, which
calls it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from twinschema.compare.objects_alone import ObjectDifference, table_shown_own, what
from twinschema.model import OBJECT_FUNCTION, OBJECT_VIRTUAL_TABLE, Schema, SchemaObject
from twinschema.records.domain import Domain


@dataclass(frozen=True, slots=True)
class ObjectEquivalence:
    """Two objects written differently whose canonical definitions are the same."""

    kind: str
    table: str  # a trigger's table; a view's, function's or sequence's own name
    left: str
    right: str


def table_names(schema: Schema, domain: Domain | None) -> dict[str, str]:
    """A table's name as the reports give it (logical, else as the schema spells it), by the
    name an object gives it folded to lower case (a reader may fold a trigger's table:
    ``invoiceline`` for the logical ``invoice_line``, spelled ``InvoiceLine`` by its schema)."""
    named = {name.lower(): name for name in schema.tables}
    for logical, table in (domain.tables if domain is not None else {}).items():
        named[table.names.get(schema.dialect, logical).lower()] = logical
    named.update({name: name for name in schema.tables})  # an exact name first ("T" and "t")
    return named


def pairwise(
    left: Sequence[SchemaObject],
    right: Sequence[SchemaObject],
    labels: tuple[str, str],
    named: dict[str, str],
    physical: dict[str, str],
) -> Iterable[ObjectDifference | ObjectEquivalence]:
    """Each object of one side only, each pair whose definitions differ, and each pair spelled
    differently with the same definition, in key order (``named``: ``table_names``;
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
