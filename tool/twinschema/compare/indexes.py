"""UNIQUE rules and indexes of a pair of tables: which pair and which are on one side only (the
attributes in which paired ones differ are ``index_attributes``'s)."""

from __future__ import annotations

from twinschema.compare.common import cols, ordered_keys
from twinschema.compare.context import Context
from twinschema.compare.deferral import rule_against_index, rule_checked_at, rule_timing
from twinschema.compare.index_attributes import (
    index_attributes,
    index_changes,
    left_elements,
    rule_nulls,
)
from twinschema.compare.index_order import REORDERED_RULE, in_order_of, reordered_uniques
from twinschema.compare.unique_rules import key_indexes, repeats_key, unpaired_uniques
from twinschema.definitions import visible_sql
from twinschema.model import SHOWN_FUNCTION, Index, Table, UniqueConstraint
from twinschema.model_shown import columns_shown, own_described, own_index


def uniques_and_indexes(ctx: Context, left: Table, right: Table) -> None:
    """UNIQUE rules and indexes of two tables: a rule that is unique on one side and an
    index on the other is one difference, the rest are paired or on one side only."""
    lu = {frozenset(u.columns): u for u in left.uniques}
    ru = {frozenset(u.columns): u for u in right.uniques}
    for key in ordered_keys(lu, ru):
        if key in lu and key in ru and lu[key].nulls_distinct != ru[key].nulls_distinct:
            if _holds_key(left, key) and _holds_key(right, key):
                # Two rows always differ in the key's columns: no NULL ever makes them equal.
                ctx.same(left.name, None, _NULLS_MOOT, lu[key].describe(), ru[key].describe())
            else:
                rule_nulls(ctx, left.name, lu[key], ru[key])
        if key in lu and key in ru:
            rule_timing(ctx, (left, right), lu[key], ru[key])
    only_lu = [k for k in lu if k not in ru]
    only_ru = [k for k in ru if k not in lu]
    only_li, only_ri = paired_indexes(ctx, left, right)
    # One naming a column its table lacks has no match: an unknown_column difference says so.
    only_li = [i for i in only_li if not _unknown(left, i)]
    only_ri = [i for i in only_ri if not _unknown(right, i)]
    # A rule that is unique on one side and an index on the other is one difference: the
    # same rule with other index attributes, or unique on one side only.
    for uniques, indexes, unique_side in (
        (only_lu, only_ri, "left"),
        (only_ru, only_li, "right"),
    ):
        owner = left if unique_side == "left" else right
        for ukey in list(uniques):
            match = next((i for i in indexes if _index_on(i, ukey)), None)
            unique = lu.get(ukey) or ru[ukey]
            if match is None or (
                not match.unique and repeats_key(owner, ukey, rule_checked_at(unique))
            ):
                continue
            uniques.remove(ukey)
            indexes.remove(match)
            if match.unique:
                rule = rule_as_index(ctx, unique, match)
                pair = (rule, match) if unique_side == "left" else (match, rule)
                index_attributes(ctx, left.name, *pair)
                rule_against_index(
                    ctx, (left, right), unique, match.describe(), unique_side == "left"
                )
                continue
            names = cols(columns_shown(left, right, sorted(ukey)))
            # Each side's by the names its own database gives the columns.
            other = right if unique_side == "left" else left
            ruled = f"UNIQUE ({cols([owner.own_name_of(c) for c in sorted(ukey)])})"
            indexed = own_described(other, match)
            lval = ruled if unique_side == "left" else indexed
            rval = ruled if unique_side == "right" else indexed
            # Each side's rule by its name, where it has one: two texts alike but for UNIQUE
            # ("UNIQUE (c) vs (c)") do not say which index of each side is meant.
            said = {
                unique_side: _named("", unique.name, ruled),
                "right" if unique_side == "left" else "left": _named(
                    "index ", match.name, visible_sql(indexed)
                ),
            }
            ctx.diff(
                "unique",
                left.name,
                None,
                unique.name,
                lval,
                rval,
                f"({names}) on {ctx.table_each(left.name)} is unique on one side only: {said['left']} in "
                f"{ctx.label('left')}, {said['right']} in {ctx.label('right')}",
            )
    unpaired_uniques(
        ctx, left, right, [(lu[k], True) for k in only_lu] + [(ru[k], False) for k in only_ru]
    )
    key_indexes(ctx, left, right, only_li, only_ri)
    _unpaired_indexes(ctx, (left, right), only_li, only_ri)


def _named(what: str, name: str | None, text: str) -> str:
    """``text`` after ``what`` it describes and its name, where it has one: "index ix (c)"."""
    return f"{what}{name} {text}" if name else f"{what}{text}"


def _unpaired_indexes(
    ctx: Context, tables: tuple[Table, Table], only_li: list[Index], only_ri: list[Index]
) -> None:
    """Indexes no index of the other side pairs with: one difference for two of one name,
    else one for each, on its side only (shown by the names of the side that has it)."""
    table = tables[0].name
    for lindex, rindex in _same_named(only_li, only_ri):
        only_li.remove(lindex)
        only_ri.remove(rindex)
        renamed_index(ctx, table, lindex, rindex)
    for index in only_li + only_ri:
        on_left = any(index is i for i in only_li)
        text = own_described(tables[0] if on_left else tables[1], index)
        ctx.diff(
            "index",
            table,
            None,
            index.name,
            text if on_left else None,
            None if on_left else text,
            f"index {index.name or ''} {visible_sql(text)} on {ctx.table_each(table)} exists only in "
            f"{ctx.label('left' if on_left else 'right')}",
        )


def paired_indexes(ctx: Context, left: Table, right: Table) -> tuple[list[Index], list[Index]]:
    """Pair the two sides' indexes on the same expressions, uniqueness, predicate and
    method; report the attributes in which a pair differs; return the unpaired ones."""
    li: dict[IndexKey, list[Index]] = {}
    ri: dict[IndexKey, list[Index]] = {}
    for found, indexes in ((li, left.indexes), (ri, right.indexes)):
        for index in indexes:
            found.setdefault(_index_key(index), []).append(index)
    only_li: list[Index] = []
    only_ri: list[Index] = []
    for key in ordered_keys(li, ri):
        lrest, rrest = list(li.get(key, ())), list(ri.get(key, ()))
        for index in list(lrest):
            twin = next((r for r in rrest if r == index), None)
            if twin is not None:
                lrest.remove(index)
                rrest.remove(twin)
        for lindex, rindex in zip(lrest, rrest, strict=False):
            index_attributes(ctx, left.name, lindex, rindex)
        only_li += lrest[len(rrest) :]
        only_ri += rrest[len(lrest) :]
    for lindex, rindex in reordered_uniques(only_li, only_ri):
        only_li.remove(lindex)
        only_ri.remove(rindex)
        ctx.same(
            left.name, None, REORDERED_RULE, visible_sql(lindex.describe()),
            visible_sql(rindex.describe()),
        )  # fmt: skip
        index_attributes(ctx, left.name, lindex, in_order_of(rindex, lindex))
    return only_li, only_ri


def _same_named(lefts: list[Index], rights: list[Index]) -> list[tuple[Index, Index]]:
    """The indexes of a table left unpaired on each side that bear one name (whatever its
    case): one index whose definition differs, not two on one side only each."""
    pairs = []
    taken: list[Index] = []
    for lindex in lefts:
        name = (lindex.name or "").casefold()
        twin = next(
            (r for r in rights if name and (r.name or "").casefold() == name and r not in taken),
            None,
        )
        if twin is not None:
            taken.append(twin)
            pairs.append((lindex, twin))
    return pairs


def renamed_index(ctx: Context, table: str, lindex: Index, rindex: Index) -> None:
    """Two indexes of one name whose elements, uniqueness, predicate or method differ: one
    ``index`` difference (the kind each would have on one side only) saying what differs,
    each side as its source wrote it, in its message and its ``left``/``right`` alike."""
    left, right = ctx.label("left"), ctx.label("right")
    parts = []
    tables = ctx.left.schema.tables.get(table), ctx.right.schema.tables.get(table)
    lelements, relements = left_elements(lindex, tables[0]), left_elements(rindex, tables[1])
    if lindex.expressions != rindex.expressions and (
        lelements == relements or _shown(lindex) == _shown(rindex)
    ):
        notes = "; ".join(n for n in (lindex.notes(), rindex.notes()) if n)
        # Written alike but for the spelling of columns domain.yaml pairs (stranger46 013):
        # each side's own, then the same meaning is said.
        written = (
            f"({lelements}) in both,"
            if lelements == relements
            else f"({lelements}) in {left} and ({relements}) in {right}, the same columns by "
            "domain.yaml,"
        )
        parts.append(
            f"its elements, {written} mean other things on each side"
            + (f" ({notes})" if notes else " (each side's database reads them otherwise)")
        )
    elif lindex.expressions != rindex.expressions:
        # Each element whole (its COLLATE, operator class, DESC, NULLS), as the bracket and a
        # pinned allowance say it (stranger77 011: the message dropped the DESC it pinned).
        lwhole, rwhole = _whole(own_index(tables[0], lindex)), _whole(own_index(tables[1], rindex))
        parts.append(f"its elements are ({lwhole}) in {left}, ({rwhole}) in {right}")
    if lindex.unique != rindex.unique:
        parts.append(f"it is unique in {left if lindex.unique else right} only")
    if lindex.where != rindex.where:
        lwhere, rwhere = lindex.shown_where() or "none", rindex.shown_where() or "none"
        parts.append(f"its WHERE is {lwhere} in {left}, {rwhere} in {right}")
    if lindex.method != rindex.method:
        parts.append(f"it uses {lindex.method} in {left}, {rindex.method} in {right}")
    if len(lindex.expressions) == len(rindex.expressions):
        shown = own_index(tables[0], lindex), own_index(tables[1], rindex)
        parts += [what for _, what in index_changes(ctx, *shown)]
    name = lindex.name or rindex.name or ""
    # Each side by its own names, as the message says them (stranger74 010: "(observer_name) in
    # schemas/postgres.py" beside a bracket that said the logical (observer)).
    ctx.diff(
        "index",
        table,
        None,
        name,
        own_described(tables[0], lindex),
        own_described(tables[1], rindex),
        f"index {name} on {ctx.table_each(table)} differs: " + "; ".join(parts),
    )


def rule_as_index(ctx: Context, unique: UniqueConstraint, index: Index) -> Index:
    """A UNIQUE rule as the unique index it stands for, its columns in ``index``'s order,
    so that the two compare attribute by attribute. The attributes only one dialect can
    declare are the same kind of nothing as ``index``'s between sources of one dialect."""
    empty: tuple[str, ...] | None = () if ctx.pairing.rule_attributes_empty else None
    return Index(
        index.expressions,
        unique=True,
        name=unique.name,
        nulls=empty if index.nulls is not None else None,
        opclasses=empty if index.opclasses is not None else None,
        include=empty if index.include is not None else None,
        nulls_distinct=unique.nulls_distinct,
    )


_NULLS_MOOT = "NULLS NOT DISTINCT is moot: the rule holds the primary key's columns"


def _holds_key(table: Table, columns: frozenset[str]) -> bool:
    """True when ``columns`` hold every column of ``table``'s primary key (NOT NULL and
    unique): no two rows are then equal on them, whatever the others hold."""
    return bool(table.primary_key) and set(table.primary_key) <= columns


IndexKey = tuple[tuple[str, ...], bool, str | None, str]


def _index_key(index: Index) -> IndexKey:
    return (index.expressions, index.unique, index.where, index.method)


def _index_on(index: Index, columns: frozenset[str]) -> bool:
    """True when ``index`` is a full btree index on exactly ``columns``: a UNIQUE rule on
    them is the same index, unique or not, perhaps with other attributes."""
    return (
        index.where is None
        and index.method == "btree"
        and len(index.expressions) == len(columns)
        and frozenset(index.expressions) == columns
    )


def _whole(index: Index) -> str:
    """The elements of ``index`` as DDL writes them, each with its attributes."""
    return ", ".join(index.element_text(n) for n in range(len(index.expressions)))


def _shown(index: Index) -> tuple[str, ...]:
    """The canonical elements (columns by their logical names) with each function the
    canonical form renames for one dialect's meaning shown as written (``model.SHOWN_FUNCTION``):
    two sides whose elements read alike so differ only in what such a function means."""
    return tuple(SHOWN_FUNCTION.sub(r"\1(", e) for e in index.expressions)


def _unknown(table: Table, index: Index) -> bool:
    """True when ``index`` names a column ``table`` does not have (``Table.unknown_names``)."""
    return any(u.what == "index" and u.name == index.name for u in table.unknown_names)
