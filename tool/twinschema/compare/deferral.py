"""When a UNIQUE rule or a primary key is checked, and what a difference in it lets through.

A NOT DEFERRABLE rule is checked row by row (so is every rule of a dialect that cannot declare
a deferrable one: the model's default), a DEFERRABLE one at the end of each statement, an
INITIALLY DEFERRED one at COMMIT. So ``UPDATE t SET pos = pos + 1`` over rows with pos 1 and 2
fails row by row (the first row moves onto the second) and succeeds where the rule waits for
the statement's end, and a transaction may hold two equal keys until COMMIT where the rule is
INITIALLY DEFERRED. No single row parts any of them: the message names the statement that does.
"""

from __future__ import annotations

from collections.abc import Iterator

from twinschema.canonical.within_key import folded_column, keeps_equality
from twinschema.compare.common import cols
from twinschema.compare.context import Context
from twinschema.model import EQUALITY_EXACT, Table, UniqueConstraint, timing

# When a rule is checked, earliest first: a rule checked earlier refuses every statement a
# rule checked later refuses, and more.
ROW_BY_ROW = 0
STATEMENT_END = 1
AT_COMMIT = 2


def checked_at(deferrable: bool, initially_deferred: bool) -> int:
    """When a rule so declared is checked (``ROW_BY_ROW``, ``STATEMENT_END``, ``AT_COMMIT``)."""
    if initially_deferred:
        return AT_COMMIT
    return STATEMENT_END if deferrable else ROW_BY_ROW


def rule_checked_at(rule: UniqueConstraint) -> int:
    """When a UNIQUE rule is checked."""
    return checked_at(rule.deferrable, rule.initially_deferred)


def key_checked_at(table: Table) -> int:
    """When ``table``'s primary key is checked."""
    return checked_at(table.primary_key_deferrable, table.primary_key_initially_deferred)


def rule_timing(
    ctx: Context, tables: tuple[Table, Table], left: UniqueConstraint, right: UniqueConstraint
) -> None:
    """Two UNIQUE rules on the same columns of ``tables`` (left, right), checked at different
    times: a ``unique`` difference naming what parts them, none where nothing can."""
    lat, rat = rule_checked_at(left), rule_checked_at(right)
    if lat == rat and left.indexed == right.indexed:
        return
    what = f"UNIQUE ({cols(left.columns)})"
    text = timing_text(
        ctx, tables, what, (left, right), (lat, _declared(left)), (rat, _declared(right))
    )
    if text is None:
        return
    ctx.diff("unique", tables[0].name, None, left.name or right.name, left.describe(),
             right.describe(), text)  # fmt: skip


def _declared(rule: UniqueConstraint) -> str:
    """When ``rule`` is checked as declared, with the NOT DEFERRABLE rule or unique index on
    the same columns it holds beside a DEFERRABLE declaration (``indexed``)."""
    if rule.indexed:
        return f"{rule.timing()} beside a NOT DEFERRABLE rule or unique index on its columns"
    return rule.timing()


def rule_against_index(
    ctx: Context,
    tables: tuple[Table, Table],
    rule: UniqueConstraint,
    index_text: str,
    rule_on_left: bool,
) -> None:
    """A UNIQUE rule paired with a unique index of the other side (which is never deferrable,
    so checked row by row): a ``unique`` difference where the rule is DEFERRABLE."""
    at = rule_checked_at(rule)
    if at == ROW_BY_ROW:
        return
    what = f"UNIQUE ({cols(rule.columns)})"
    own = (at, rule.timing())
    index = (ROW_BY_ROW, "a unique index (never deferrable)")
    as_index = UniqueConstraint(rule.columns, nulls_distinct=rule.nulls_distinct)
    rules = (rule, as_index) if rule_on_left else (as_index, rule)
    text = timing_text(
        ctx, tables, what, rules, own if rule_on_left else index, index if rule_on_left else own
    )
    if text is None:
        return
    ctx.diff(
        "unique",
        tables[0].name,
        None,
        rule.name,
        rule.describe() if rule_on_left else index_text,
        index_text if rule_on_left else rule.describe(),
        text,
    )


def settled_at(table: Table, rule: UniqueConstraint | None, columns: tuple[str, ...]) -> int:
    """When, at the earliest, another rule of ``table`` refuses every two rows ``rule`` (over
    ``columns``; None: the primary key itself) takes as duplicates: its primary key or a UNIQUE
    rule over some of those columns (two rows equal on the columns are equal on them too), as
    long as NULLs cannot slip past it where ``rule`` counts them equal, and no ON CONFLICT
    clause settles a conflict otherwise than by failing the statement. ``NEVER`` where none
    does (fuzz42: UNIQUE (y, id) DEFERRABLE beside the NOT DEFERRABLE key (id) is refused at
    once by the key, so its timing parts no renumbering)."""
    if any(c.algorithm.upper() != "ABORT" for c in table.conflict_clauses):
        return NEVER
    wanted = {c.lower() for c in columns}
    nulls_equal = rule is not None and not rule.nulls_distinct

    def catches(own: tuple[str, ...], nulls_distinct: bool) -> bool:
        if not own or not {c.lower() for c in own} <= wanted:
            return False
        if not nulls_equal or not nulls_distinct:
            return True
        found = [table.column(c) for c in own]
        return all(c is not None and not c.nullable for c in found)

    times = [ROW_BY_ROW] if rule is not None and rule.indexed else []
    if rule is not None and catches(table.primary_key, True):
        times.append(key_checked_at(table))
    for other in table.uniques:
        if other is not rule and catches(other.columns, other.nulls_distinct):
            times.append(rule_checked_at(other))
    for own, nulls_distinct in _index_columns(table, wanted):
        if catches(own, nulls_distinct):
            times.append(ROW_BY_ROW)  # a unique index is never deferrable
    return min(times, default=NEVER)


def _index_columns(table: Table, wanted: set[str]) -> Iterator[tuple[tuple[str, ...], bool]]:
    """The columns of each whole (not partial) unique index of ``table`` whose every element
    is one of the ``wanted`` columns, or a case folding of one in an exact collation
    (``lower(x)``, fuzz42 009b), with its type's own equality: two rows equal on those columns
    are equal on the index. Each with the index's NULLS [NOT] DISTINCT."""
    for index in table.indexes:
        if not index.unique or index.where is not None or any(index.collations):
            continue
        if not all(keeps_equality(o) for o in index.opclasses or ()):
            continue
        found = [folded_column(e) for e in index.expressions]
        if all(f is not None and _settles(table, *f, wanted) for f in found):
            yield tuple(f[0] for f in found if f is not None), index.nulls_distinct


def _settles(table: Table, name: str, folded: bool, wanted: set[str]) -> bool:
    """True when an index element reading column ``name`` (``folded``: through a case
    folding) is equal for two rows equal on the ``wanted`` columns: ``name`` is one of them,
    and where folded its collation tells values apart exactly."""
    column = table.column(name)
    if column is None or name.lower() not in wanted:
        return False
    return not folded or column.collation is None or column.collation.equality == EQUALITY_EXACT


def key_timing(ctx: Context, left: Table, right: Table) -> None:
    """Two primary keys on the same columns, checked at different times: a ``primary_key``
    difference naming what parts them."""
    lat, rat = key_checked_at(left), key_checked_at(right)
    if lat == rat:
        return
    ltiming = timing(left.primary_key_deferrable, left.primary_key_initially_deferred)
    rtiming = timing(right.primary_key_deferrable, right.primary_key_initially_deferred)
    what = f"PRIMARY KEY ({cols(left.primary_key)})"
    text = timing_text(ctx, (left, right), what, (None, None), (lat, ltiming), (rat, rtiming))
    if text is None:
        return
    ctx.diff(
        "primary_key",
        left.name,
        None,
        None,
        f"{cols(left.primary_key)} {ltiming}",
        f"{cols(right.primary_key)} {rtiming}",
        text,
    )


def timing_text(
    ctx: Context,
    tables: tuple[Table, Table],
    what: str,
    rules: tuple[UniqueConstraint | None, UniqueConstraint | None],
    left: tuple[int, str],
    right: tuple[int, str],
) -> str | None:
    """``what`` (each side's rule of ``rules``, None: the table's primary key) is checked at
    ``left`` / ``right`` (when, as DDL declares it): the statements that part the two sides,
    each side named; None where none does. Each side refuses two equal rows at the earlier of
    its rule's time and another rule's that settles them first (``settled_at``): a renumbering
    UPDATE parts them only where one side refuses row by row and the other later, a
    transaction holding two equal rows until COMMIT only where one side waits for COMMIT; an
    upsert naming the columns as its target (``ON CONFLICT (...)``) parts a DEFERRABLE rule
    from a NOT DEFERRABLE one whatever settles them (the database refuses an upsert whose target
    a DEFERRABLE rule matches, even beside a NOT DEFERRABLE index on those columns)."""
    (lat, ltext), (rat, rtext) = left, right
    table = tables[0].name
    columns = _columns_of(tables[0], rules[0])
    lat_eff = min(lat, settled_at(tables[0], rules[0], columns))
    rat_eff = min(rat, settled_at(tables[1], rules[1], _columns_of(tables[1], rules[1])))
    early, late = ("left", "right") if lat_eff < rat_eff else ("right", "left")
    early_at, late_at = min(lat_eff, rat_eff), max(lat_eff, rat_eff)
    parts = []
    if early_at == ROW_BY_ROW < late_at:
        when = "at COMMIT" if late_at == AT_COMMIT else "at the end of the statement"
        parts.append(
            f"{ctx.label(early)} checks it row by row, {ctx.label(late)} {when}, so "
            + _renumbering(tables, columns, ctx.label(early), ctx.sql_table(table))
        )
    if late_at == AT_COMMIT > early_at:
        parts.append(
            f"{ctx.label(late)} checks it at COMMIT, so a transaction may hold two rows with one "
            f"({cols(columns)}) until then, which {ctx.label(early)} rejects at once"
        )
    if not parts:
        upsert = _upsert(ctx, table, (lat, rat), columns)
        if upsert is None:
            return None
        parts.append(upsert)
    return f"{what} on {table} is {ctx.each(ltext, rtext)}: " + "; ".join(parts)


# Later than any check: no rule settles the rows.
NEVER = AT_COMMIT + 1

# Type names whose values ``x + 1`` moves onto the next whole number on both dialects.
_NUMBERS = frozenset(
    {"integer", "int", "bigint", "smallint", "tinyint", "mediumint", "int2", "int4", "int8",
     "numeric", "decimal", "real", "double precision", "double", "float", "float4", "float8"}
)  # fmt: skip


def _columns_of(table: Table, rule: UniqueConstraint | None) -> tuple[str, ...]:
    return table.primary_key if rule is None else rule.columns


def _renumbering(
    tables: tuple[Table, Table], columns: tuple[str, ...], early: str, table: str
) -> str:
    """The UPDATE that moves one row onto the key another row gives up in the same statement:
    ``x + 1`` over 1 and 2 where the column is a number on both sides, else a swap of two
    rows' values (fuzz42: ``x + 1`` on a text key does not run). The column moved is one of the
    primary key's where the key is among the rule's columns (rows apart in another column
    alone would repeat the key). ``table`` is the table's name in the database."""
    key = {c.lower() for c in tables[0].primary_key}
    column = next((c for c in reversed(columns) if c.lower() in key), columns[-1])
    types = [t.column(column) for t in tables]
    if all(c is not None and c.type.name in _NUMBERS and not c.type.array for c in types):
        return (
            f"renumbering rows in one statement (UPDATE {table} SET {column} = {column} + 1 "
            f"over rows with {column} 1 and 2, where the first row takes the key the second "
            f"gives up) fails in {early} only"
        )
    return (
        f"swapping two rows' values in one statement (UPDATE {table} SET {column} = (SELECT "
        f"o.{column} FROM {table} o WHERE o.{column} <> {table}.{column}) over two rows apart "
        f"in {column} only, where the first row takes the key the second gives up) fails in "
        f"{early} only"
    )


def _upsert(ctx: Context, table: str, at: tuple[int, int], columns: tuple[str, ...]) -> str | None:
    """The upsert whose target the NOT DEFERRABLE side's rule serves and the DEFERRABLE side's
    refuses (``ON CONFLICT does not support deferrable unique constraints ... as arbiters``:
    the database refuses it wherever a DEFERRABLE rule matches the target, a NOT DEFERRABLE
    index on the same columns beside it or not; stranger50 017), None where both or neither
    are DEFERRABLE. A new key, because the database tries the arbiters in the order they were
    made and stops at the first that finds the conflict: an upsert repeating a key runs where a
    NOT DEFERRABLE rule made before the DEFERRABLE one finds it."""
    if (at[0] == ROW_BY_ROW) == (at[1] == ROW_BY_ROW):
        return None
    n = 0 if at[0] != ROW_BY_ROW else 1
    side, other = ("left", "right") if n == 0 else ("right", "left")
    own = ctx.sql_table(table, side)
    return (
        f"an upsert of a new key naming them as its target (INSERT INTO {own} ... ON CONFLICT "
        f"({cols(columns)}) DO NOTHING) fails in {ctx.label(side)} only (a DEFERRABLE rule is "
        f"never an ON CONFLICT arbiter), {ctx.label(other)} runs it"
    )
