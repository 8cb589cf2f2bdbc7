"""UNIQUE rules and indexes of a pair of tables, and the attributes in which paired ones differ."""

from __future__ import annotations

from collections.abc import Iterator

from twinschema.canonical.expressions import JSON_KEYS_NOTE, reads_json_text
from twinschema.compare.columns import collations_differ
from twinschema.compare.common import K, coll_meaning, cols, ordered_keys
from twinschema.compare.context import Context
from twinschema.compare.deferral import rule_against_index, rule_checked_at, rule_timing
from twinschema.compare.index_order import REORDERED_RULE, in_order_of, reordered_uniques
from twinschema.compare.unique_rules import key_indexes, repeats_key, unpaired_uniques
from twinschema.definitions import visible_sql
from twinschema.model import SHOWN_FUNCTION, Collation, Index, Table, UniqueConstraint


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
            names = cols(sorted(ukey))
            lval = f"UNIQUE ({names})" if unique_side == "left" else match.describe()
            rval = f"UNIQUE ({names})" if unique_side == "right" else match.describe()
            # Each side's rule by its name, where it has one: two texts alike but for UNIQUE
            # ("UNIQUE (c) vs (c)") do not say which index of each side is meant.
            said = {
                unique_side: _named("", unique.name, f"UNIQUE ({names})"),
                "right" if unique_side == "left" else "left": _named(
                    "index ", match.name, visible_sql(match.describe())
                ),
            }
            ctx.diff(
                "unique",
                left.name,
                None,
                unique.name,
                lval,
                rval,
                f"({names}) on {left.name} is unique on one side only: {said['left']} in "
                f"{ctx.label('left')}, {said['right']} in {ctx.label('right')}",
            )
    unpaired_uniques(
        ctx, left, right, [(lu[k], True) for k in only_lu] + [(ru[k], False) for k in only_ru]
    )
    key_indexes(ctx, left, right, only_li, only_ri)
    _unpaired_indexes(ctx, left.name, only_li, only_ri)


def _named(what: str, name: str | None, text: str) -> str:
    """``text`` after ``what`` it describes and its name, where it has one: "index ix (c)"."""
    return f"{what}{name} {text}" if name else f"{what}{text}"


def _unpaired_indexes(ctx: Context, table: str, only_li: list[Index], only_ri: list[Index]) -> None:
    """Indexes no index of the other side pairs with: one difference for two of one name,
    else one for each, on its side only."""
    for lindex, rindex in _same_named(only_li, only_ri):
        only_li.remove(lindex)
        only_ri.remove(rindex)
        renamed_index(ctx, table, lindex, rindex)
    for index in only_li + only_ri:
        on_left = any(index is i for i in only_li)
        text = index.describe()
        ctx.diff(
            "index",
            table,
            None,
            index.name,
            text if on_left else None,
            None if on_left else text,
            f"index {index.name or ''} {visible_sql(text)} on {table} exists only in "
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
    each side as its source wrote it."""
    left, right = ctx.label("left"), ctx.label("right")
    parts = []
    lelements, relements = _left_elements(lindex), _left_elements(rindex)
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
        parts.append(f"its elements are ({lelements}) in {left}, ({relements}) in {right}")
    if lindex.unique != rindex.unique:
        parts.append(f"it is unique in {left if lindex.unique else right} only")
    if lindex.where != rindex.where:
        lwhere, rwhere = lindex.shown_where() or "none", rindex.shown_where() or "none"
        parts.append(f"its WHERE is {lwhere} in {left}, {rwhere} in {right}")
    if lindex.method != rindex.method:
        parts.append(f"it uses {lindex.method} in {left}, {rindex.method} in {right}")
    if len(lindex.expressions) == len(rindex.expressions):
        parts += [what for _, what in index_changes(ctx, lindex, rindex)]
    name = lindex.name or rindex.name or ""
    ctx.diff(
        "index",
        table,
        None,
        name,
        lindex.describe(),
        rindex.describe(),
        f"index {name} on {table} differs: " + "; ".join(parts),
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


def index_attributes(ctx: Context, table: str, lindex: Index, rindex: Index) -> None:
    """One difference for two indexes on the same expressions that differ in attributes:
    ``unique`` when it changes which rows a unique index accepts, else ``index``."""
    found = list(index_changes(ctx, lindex, rindex))
    if not found:
        return
    kind = "unique" if lindex.unique and any(data for data, _ in found) else "index"
    name = lindex.name or rindex.name
    ltext, rtext = lindex.describe(), rindex.describe()
    ctx.diff(
        kind,
        table,
        None,
        name,
        ltext,
        rtext,
        f"index {name or ''} on {table}({_left_elements(lindex)}) differs: "
        + "; ".join(what for _, what in found),
    )


def index_changes(ctx: Context, left: Index, right: Index) -> Iterator[tuple[bool, str]]:
    """(changes which rows are accepted, what differs) for each differing attribute."""
    for n in range(len(left.expressions)):
        yield from element_changes(ctx, left, right, n)
    linclude, rinclude = left.include, right.include
    if linclude is not None and rinclude is not None and linclude != rinclude:
        lcols, rcols = (f"({cols(c) or 'none'})" for c in (linclude, rinclude))
        yield False, f"INCLUDE {ctx.each(lcols, rcols)} ({_SAME_ROWS}; index-only scans differ)"
    if left.nulls_distinct != right.nulls_distinct:
        rejecting = right if left.nulls_distinct else left  # its key, as its source wrote it
        key, where = _left_elements(rejecting), rejecting.shown_where()
        yield True, _nulls_distinct_text(ctx, left.nulls_distinct, key, where)


def element_changes(ctx: Context, left: Index, right: Index, n: int) -> Iterator[tuple[bool, str]]:
    """What differs in element ``n`` of two paired indexes: its sort direction, its
    collation, and, where both sides can declare them, its NULLS placement and operator
    class."""
    element = _element_name(ctx, left, right, n)
    ldesc, rdesc = _nth(left.descending, n, False), _nth(right.descending, n, False)
    if ldesc != rdesc:
        yield (
            False,
            _each_element(ctx, left, right, n, "sorts", _direction(ldesc), _direction(rdesc))
            + f" ({_SAME_ROWS}; queries that read in that order are served on one side only)",
        )
    json_keys = left.unique and right.unique and ctx.pairing.json_keys_collide_differently
    if json_keys and reads_json_text(left.expressions[n]):
        yield True, JSON_KEYS_NOTE.format(element=element)
    lcoll, rcoll = _nth(left.collations, n, None), _nth(right.collations, n, None)
    if lcoll != rcoll and collations_differ(ctx, lcoll, rcoll):
        yield left.unique, _element_collations(ctx, left, right, n, (lcoll, rcoll))
    if left.nulls is not None and right.nulls is not None:
        lnulls, rnulls = _nth(left.nulls, n, ""), _nth(right.nulls, n, "")
        if lnulls != rnulls:
            yield (
                False,
                _each_element(ctx, left, right, n, "sorts", *_or(lnulls, rnulls, _NULLS_DEFAULT))
                + f" ({_SAME_ROWS}; an ORDER BY with that NULLS placement is served on one side "
                "only)",
            )
    if left.opclasses is not None and right.opclasses is not None:
        lops, rops = _nth(left.opclasses, n, ""), _nth(right.opclasses, n, "")
        if lops != rops:
            yield (
                False,
                _each_element(ctx, left, right, n, "has operator class", *_or(lops, rops))
                + f" ({_SAME_ROWS}; which operators the index serves differs, e.g. LIKE 'abc%' "
                "needs text_pattern_ops)",
            )


_NULLS_MOOT = "NULLS NOT DISTINCT is moot: the rule holds the primary key's columns"


def _holds_key(table: Table, columns: frozenset[str]) -> bool:
    """True when ``columns`` hold every column of ``table``'s primary key (NOT NULL and
    unique): no two rows are then equal on them, whatever the others hold."""
    return bool(table.primary_key) and set(table.primary_key) <= columns


def rule_nulls(ctx: Context, table: str, left: UniqueConstraint, right: UniqueConstraint) -> None:
    """UNIQUE on the same columns, NULLS NOT DISTINCT on one side only."""
    ctx.diff(
        "unique",
        table,
        None,
        left.name or right.name,
        left.describe(),
        right.describe(),
        f"UNIQUE ({cols(left.columns)}) on {table} differs: "
        + _nulls_distinct_text(ctx, left.nulls_distinct, cols(left.columns)),
    )


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


def _element_name(ctx: Context, left: Index, right: Index, n: int) -> str:
    """Element ``n`` of two paired indexes as each side wrote it: ``max(a, b)``, or, where the
    sides spell it otherwise, ``the element max(a, b) in a.sql, greatest(a, b) in b.sql,``."""
    lname, rname = left.element(n), right.element(n)
    return lname if lname == rname else f"the element {ctx.each(lname, rname)},"


def _each_element(
    ctx: Context, left: Index, right: Index, n: int, verb: str, lvalue: str, rvalue: str
) -> str:
    """What element ``n`` ``verb`` on each side, the sides named as reports name them: ``a sorts
    ascending in a.sql, descending in b.sql``; an element the sides spell otherwise is named
    by each: ``max(a, b) sorts ascending in a.sql, greatest(a, b) sorts descending in b.sql``."""
    lname, rname = left.element(n), right.element(n)
    if lname == rname:
        return f"{lname} {verb} {ctx.each(lvalue, rvalue)}"
    return ctx.each(f"{lname} {verb} {lvalue}", f"{rname} {verb} {rvalue}")


def _shown(index: Index) -> tuple[str, ...]:
    """The canonical elements (columns by their logical names) with each function the
    canonical form renames for its SQLite meaning as written (``sqlite_lower(s)``: ``lower(s)``):
    two sides whose elements read alike so differ only in what such a function means."""
    return tuple(SHOWN_FUNCTION.sub(r"\1(", e) for e in index.expressions)


def _left_elements(index: Index) -> str:
    """The elements of ``index`` (the left one of a pair, unless said), as its source wrote
    them."""
    return ", ".join(index.element(n) for n in range(len(index.expressions)))


def _or(left: str, right: str, default: str = "default") -> tuple[str, str]:
    return left or default, right or default


def _nth(values: tuple[K, ...], n: int, default: K) -> K:
    """Element ``n`` of a per-element attribute (an empty tuple: every element's default)."""
    return values[n] if values else default


_SAME_ROWS = "the same rows are accepted"
_NULLS_DEFAULT = "NULLs where its direction puts them"


def _element_collations(
    ctx: Context,
    left: Index,
    right: Index,
    n: int,
    collations: tuple[Collation | None, Collation | None],
) -> str:
    own = "its column's own collation"
    lmeaning, rmeaning = (coll_meaning(c, own) for c in collations)
    text = _each_element(ctx, left, right, n, "is compared with", lmeaning, rmeaning)
    if left.unique:
        return text + " (a unique index then takes two values as the same on one side only)"
    return text + " (which comparisons and ORDER BY the index serves differs)"


def _direction(descending: bool) -> str:
    return "descending" if descending else "ascending"


def _nulls_distinct_text(
    ctx: Context, left_distinct: bool, columns: str, where: str | None = None
) -> str:
    """NULLS NOT DISTINCT on one side only (the left's NULLs are distinct or not), each side
    named as reports name it; ``columns``, the key, and ``where``, the rows a partial index
    keeps, as the side with NULLS NOT DISTINCT wrote them (the row is the same on both sides,
    not its spelling)."""
    side, other = ("right", "left") if left_distinct else ("left", "right")
    among = f" among rows WHERE {where}" if where else ""
    return (
        f"NULLS NOT DISTINCT in {ctx.label(side)} only: {ctx.label(side)} rejects a second row "
        f"with NULL in ({columns}){among}, {ctx.label(other)} accepts it"
    )
