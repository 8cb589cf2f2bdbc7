"""Two paired indexes (or UNIQUE rules) on the same elements: the attributes in which they differ
(sort direction, collation, NULLS placement, operator class, INCLUDE, NULLS NOT DISTINCT), each
said with whether it changes which rows are accepted."""

from __future__ import annotations

from collections.abc import Iterator

from twinschema.canonical.expressions import json_keys_note
from twinschema.canonical.within_key import keeps_equality
from twinschema.compare.columns import collations_differ
from twinschema.compare.common import K, coll_meaning, cols
from twinschema.compare.context import Context
from twinschema.model import EQUALITY_EXACT, Collation, Index, Table, UniqueConstraint
from twinschema.model_index import folds_alike_but_blobs
from twinschema.model_shown import own_index


def index_attributes(ctx: Context, table: str, lindex: Index, rindex: Index) -> None:
    """One difference for two indexes on the same expressions that differ in attributes:
    ``unique`` when it changes which rows a unique index accepts, else ``index``. An
    attribute of a plain index only one dialect can declare is listed as an equivalence."""
    tables = ctx.left.schema.tables.get(table), ctx.right.schema.tables.get(table)
    # Each side's elements by the names its own database gives them (stranger76 009).
    lshown, rshown = own_index(tables[0], lindex), own_index(tables[1], rindex)
    for rule in one_dialect_attributes(ctx, lindex, rindex):
        ctx.same(table, None, rule, lshown.describe(), rshown.describe())
    found = list(index_changes(ctx, lshown, rshown))
    if not found:
        return
    kind = "unique" if lindex.unique and any(data for data, _ in found) else "index"
    name = lindex.name or rindex.name
    ltext, rtext = lshown.describe(), rshown.describe()
    elements, on = left_elements(lshown), ctx.table_each(table)
    ctx.diff(
        kind,
        table,
        None,
        name,
        ltext,
        rtext,
        f"index {name or ''} "
        + (f"on {on}({elements})" if on == ctx.table_shown(table) else f"({elements}) on {on}")
        + " differs: "
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
        key, where = left_elements(rejecting), rejecting.shown_where()
        yield True, _nulls_distinct_text(ctx, left.nulls_distinct, key, where)


ONE_DIALECT_COLLATION = (
    "plain index under a collation of one dialect: it refuses no row and changes no answer"
)
ONE_DIALECT_OPCLASS = (
    "plain index with an operator class of one dialect: it refuses no row and changes no answer"
)


def one_dialect_attributes(ctx: Context, left: Index, right: Index) -> list[str]:
    """The equivalence rules of two paired plain (not unique) indexes that differ in an
    element's collation or operator class that only one side's dialect can declare (NOCASE,
    ``text_pattern_ops``), once each: such an index refuses no row and changes no query's
    answer, and no twin of the other dialect could carry it (stranger76 009; a unique one's
    collation is a difference: it refuses 'bob' after 'Bob' on one side only)."""
    rules = []
    if any(one_dialect_collation(ctx, left, right, n) for n in range(len(left.expressions))):
        rules.append(ONE_DIALECT_COLLATION)
    # Operator classes are held by one dialect's sources only (None on the other's).
    plain = not (left.unique or right.unique)
    one_side = (left.opclasses is None) != (right.opclasses is None)
    held = left.opclasses if right.opclasses is None else right.opclasses
    if plain and one_side and any(held or ()):
        rules.append(ONE_DIALECT_OPCLASS)
    return rules


def one_dialect_collation(ctx: Context, left: Index, right: Index, n: int) -> bool:
    """True when element ``n`` of two plain indexes differs in its collation only by what a
    collation of one side's dialect alone makes equal (``Pairing.own_collations``: NOCASE
    against a dialect with no ASCII-only folding). Never for a unique one, never between
    sources of one dialect (the other could declare the same: drift), nor for a collation
    whose meaning is unknown."""
    if left.unique or right.unique:
        return False
    lcoll, rcoll = _nth(left.collations, n, None), _nth(right.collations, n, None)
    lequal = lcoll.equality if lcoll is not None else EQUALITY_EXACT
    requal = rcoll.equality if rcoll is not None else EQUALITY_EXACT
    if lequal is None or requal is None or lequal == requal:
        return False
    lown, rown = ctx.pairing.own_collations
    return lequal in lown or requal in rown


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
    texts = (
        (ctx.left.schema.dialect, left.expressions[n]),
        (ctx.right.schema.dialect, right.expressions[n]),
    )
    note = json_keys_note(texts) if json_keys else None
    if note is not None:
        yield True, note.format(element=element)
    lcoll, rcoll = _nth(left.collations, n, None), _nth(right.collations, n, None)
    if (
        lcoll != rcoll
        and collations_differ(ctx, lcoll, rcoll)
        and not one_dialect_collation(ctx, left, right, n)
    ):
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
    yield from _opclass_changes(ctx, left, right, n)


def _opclass_changes(ctx: Context, left: Index, right: Index, n: int) -> Iterator[tuple[bool, str]]:
    """Element ``n``'s operator class where it differs. Between sources that both declare
    them, a class that tests equality with the type's own ``=`` (``text_pattern_ops``) changes
    no row; any other on a unique index may take values as equal, or apart, that the other
    side does not (a btree class of the user's over ``lower()``: 'a' after 'A' refused on one
    side only). Across dialects (None on the side that has none) only the latter is said:
    the former refuses what the plain rule of the other side refuses."""
    lops = _nth(left.opclasses, n, "") if left.opclasses is not None else None
    rops = _nth(right.opclasses, n, "") if right.opclasses is not None else None
    if lops == rops or (lops is None and rops is None):
        return
    if lops is None or rops is None:
        held = lops or rops or ""
        if not (left.unique and right.unique) or keeps_equality(held):
            return
        lshown, rshown = (held, "none") if rops is None else ("none", held)
        text = _each_element(ctx, left, right, n, "has operator class", lshown, rshown)
        yield True, text + _UNKNOWN_EQUALITY.format(opclass=held)
        return
    text = _each_element(ctx, left, right, n, "has operator class", *_or(lops, rops))
    kept = keeps_equality(lops) and keeps_equality(rops)
    if kept or not left.unique:
        yield (
            False,
            text + f" ({_SAME_ROWS}; which operators the index serves differs, e.g. LIKE "
            "'abc%' needs text_pattern_ops)",
        )
        return
    other = rops if keeps_equality(lops) else lops
    yield True, text + _UNKNOWN_EQUALITY.format(opclass=other)


# A unique element whose operator class may not test equality with its type's own ``=``.
_UNKNOWN_EQUALITY = (
    " (a unique index takes two values as the same by its operator class's own equality, "
    "and {opclass} is not known to test it with the type's =: it may refuse a row the other "
    "side accepts, or the reverse)"
)


def rule_nulls(ctx: Context, table: str, left: UniqueConstraint, right: UniqueConstraint) -> None:
    """UNIQUE on the same columns, NULLS NOT DISTINCT on one side only."""
    ctx.diff(
        "unique",
        table,
        None,
        left.name or right.name,
        left.describe(),
        right.describe(),
        f"UNIQUE ({cols(left.columns)}) on {ctx.table_shown(table)} differs: "
        + _nulls_distinct_text(ctx, left.nulls_distinct, cols(left.columns)),
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


def left_elements(index: Index, table: Table | None = None) -> str:
    """The elements of ``index`` (the left one of a pair, unless said), as its source wrote
    them; a bare column, which the canonical form names by its logical name, by its name in
    ``table``'s database, where given (``duration_min``, not the logical ``minutes`` domain.yaml
    renamed; s66msg)."""
    shown = []
    for n in range(len(index.expressions)):
        element = index.element(n)
        column = table.column(element) if table is not None else None
        shown.append(column.own_name if column is not None else element)
    return ", ".join(shown)


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
    blobs = folds_alike_but_blobs(left, right, n)
    if left.unique and blobs is not None:
        return f"{text}: {blobs}"
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
