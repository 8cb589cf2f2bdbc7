"""UNIQUE rules without a twin on the other side: a difference each, unless the rule only
repeats its table's primary key (then it accepts exactly the rows the key accepts), and unique
indexes on one side only that refuse no row the key, or a UNIQUE rule of their table, accepts
(partial, or compared by an equality no looser than the key's or rule's): the same rows as
their absence."""

from __future__ import annotations

from twinschema.canonical.normalize_keys import rowid_alias, rowid_checked_first
from twinschema.canonical.within_key import cannot_fail, keeps_equality
from twinschema.compare.common import cols
from twinschema.compare.context import Context
from twinschema.compare.deferral import (
    AT_COMMIT,
    ROW_BY_ROW,
    STATEMENT_END,
    key_checked_at,
    rule_checked_at,
)
from twinschema.model import EQUALITY_EXACT, Index, Table, UniqueConstraint
from twinschema.model_shown import own_described


def unpaired_uniques(
    ctx: Context, left: Table, right: Table, uniques: list[tuple[UniqueConstraint, bool]]
) -> None:
    """UNIQUE rules on one side only (with whether on the left): a difference each, unless the
    rule repeats its table's primary key."""
    for unique, on_left in uniques:
        key = frozenset(unique.columns)
        text = unique.describe()
        if repeats_key(left if on_left else right, key, rule_checked_at(unique)):
            # The primary key already rejects every row this rule rejects (where a key column
            # may hold NULL, NULLs are distinct in both): the same rows are accepted.
            key_text = f"PRIMARY KEY ({cols(left.primary_key if on_left else right.primary_key)})"
            with_rule, without = f"{key_text}, {text}", key_text
            ctx.same(
                left.name,
                None,
                REPEATS_KEY,
                with_rule if on_left else without,
                without if on_left else with_rule,
            )
            continue
        # By the names of the side that has it, in the message and the bracket alike.
        own = own_described(left if on_left else right, unique)
        ctx.diff(
            "unique",
            left.name,
            None,
            unique.name,
            own if on_left else None,
            None if on_left else own,
            f"{own} on {ctx.table_shown(left.name)} exists only in "
            f"{ctx.label('left' if on_left else 'right')}"
            + _before_key(left if on_left else right, unique),
        )


def _before_key(table: Table, unique: UniqueConstraint) -> str:
    """Why a rule over exactly the primary key's columns does not merely repeat the key: it is
    checked before the key (``deferral``), so it fails a renumbering UPDATE the key allows."""
    if not repeats_key(table, frozenset(unique.columns), key_checked_at(table)):
        return ""
    column = unique.columns[-1]
    return (
        f": it repeats the primary key but is checked {_WHEN[rule_checked_at(unique)]}, before "
        f"the key ({_WHEN[key_checked_at(table)]}), so it fails UPDATE {table.name} SET "
        f"{column} = {column} + 1 over rows with {column} 1 and 2, which the key alone allows"
    )


_WHEN = {
    ROW_BY_ROW: "row by row",
    STATEMENT_END: "at the end of the statement",
    AT_COMMIT: "at COMMIT",
}


def key_indexes(
    ctx: Context, left: Table, right: Table, only_li: list[Index], only_ri: list[Index]
) -> None:
    """Unique indexes on one side only that refuse no row their table's primary key accepts
    (taken out of ``only_li`` / ``only_ri``): the same rows as their absence, listed as an
    equivalence (``REPEATS_KEY`` for one that repeats the key, ``WITHIN_KEY`` for one partial or
    compared more strictly)."""
    for indexes, on_left in ((only_li, True), (only_ri, False)):
        owner = left if on_left else right
        for index in [i for i in indexes if index_within_key(owner, i)]:
            indexes.remove(index)
            key_text = f"PRIMARY KEY ({cols(owner.primary_key)})"
            with_rule = f"{key_text}, {index.describe()}"
            ctx.same(
                left.name,
                None,
                REPEATS_KEY if index_repeats_key(owner, index) else WITHIN_KEY,
                with_rule if on_left else key_text,
                key_text if on_left else with_rule,
            )
        for index in list(indexes):
            rule = rule_holding(owner, index)
            if rule is None:
                continue
            indexes.remove(index)
            rule_text = rule.describe()
            with_rule = f"{rule_text}, {index.describe()}"
            ctx.same(
                left.name,
                None,
                WITHIN_UNIQUE,
                with_rule if on_left else rule_text,
                rule_text if on_left else with_rule,
            )


# The equivalences of a UNIQUE rule or unique index the primary key makes redundant.
REPEATS_KEY = "unique repeats the primary key"
WITHIN_KEY = "unique index refuses no row the primary key accepts"
WITHIN_UNIQUE = "unique index refuses no row a UNIQUE rule accepts"


def rule_holding(table: Table, index: Index) -> UniqueConstraint | None:
    """The UNIQUE rule of ``table`` that already refuses every row the unique ``index``
    refuses, if one does: a rule checked row by row (as an index is) over exactly the index's
    columns (in any order, either direction), the index comparing each as its column does (or
    by a deterministic collation, or an operator class that tests equality alike), partial or
    not by a predicate no row can make fail (the rows it indexes are a subset), and NULLs
    distinct in the index unless the rule holds them equal too. Not on a table with an ON
    CONFLICT clause other than ABORT (the index would fail the insert the clause settles)."""
    if not index.unique or index.method != "btree" or table.conflict_clauses:
        return None
    columns = frozenset(index.expressions)
    names = {c.name for c in table.columns}
    if len(columns) != len(index.expressions) or not columns <= names:
        return None
    if not (
        all(c is None or c.equality == EQUALITY_EXACT for c in index.collations)
        and all(keeps_equality(o) for o in index.opclasses or ())
        and (index.where is None or cannot_fail(index.where))
    ):
        return None
    return next(
        (
            u
            for u in table.uniques
            if frozenset(u.columns) == columns
            and rule_checked_at(u) == ROW_BY_ROW
            and (index.nulls_distinct or not u.nulls_distinct)
        ),
        None,
    )


def index_repeats_key(table: Table, index: Index) -> bool:
    """True when ``index`` is a full unique index over exactly ``table``'s primary key columns
    (in any order, either direction), each compared as the key compares it: its column's own
    collation and the type's default operator class. It rejects exactly the rows the key
    rejects (NULLS NOT DISTINCT and INCLUDE columns change nothing over NOT NULL key columns);
    one with another collation or over an expression is an index of its own."""
    return (
        index_within_key(table, index)
        and index.where is None
        and not any(index.collations)
        and not any(index.opclasses or ())
    )


def index_within_key(table: Table, index: Index) -> bool:
    """True when ``index`` is a unique index over exactly ``table``'s primary key columns (in
    any order, either direction) that refuses no row the key accepts: each element compared
    with its column's own collation or one under which different values are never equal (a
    deterministic collation: ``k COLLATE "C"`` on a key in any collation), with the type's
    default operator class or one that tests equality as it does (``text_pattern_ops``), and
    partial or not, by a predicate no row can make fail (``WHERE k > 0``: the rows it indexes
    are a subset, so are the rows it refuses). Not over an expression (``lower(k)``), a
    collation that makes different values equal (NOCASE, a nondeterministic one), part of the
    key or more than it, nor beside a key with an ON CONFLICT clause that does not abort (a
    second index on the key fails the insert the key's REPLACE or IGNORE settles)."""
    return (
        index.unique
        and index.method == "btree"
        and len(index.expressions) == len(table.primary_key)
        and repeats_key(table, frozenset(index.expressions))
        and all(c is None or c.equality == EQUALITY_EXACT for c in index.collations)
        and all(keeps_equality(o) for o in index.opclasses or ())
        and (index.where is None or cannot_fail(index.where))
    )


def repeats_key(table: Table, columns: frozenset[str], checked: int = ROW_BY_ROW) -> bool:
    """True when a UNIQUE rule on ``columns``, checked when ``checked`` says (an index: row by
    row), is over exactly ``table``'s primary key (in any
    order): it accepts every row the key accepts, so its absence means the same (a database
    may fold it into the key's index, or keep an index of its own for it). Not where the rule
    is checked before the key (row by row beside a DEFERRABLE key: it fails the renumbering
    UPDATE the key lets through, ``deferral``). Not where the key
    settles a conflict otherwise than by failing the statement (ON CONFLICT REPLACE, IGNORE,
    FAIL, ROLLBACK): the rule's own index fails the insert the key would settle; but a key
    that is its table's row id is checked before any index, by its own clause, so there only
    REPLACE (checked last) lets the rule's index see the row first (``normalize_keys``)."""
    if not table.primary_key or columns != frozenset(table.primary_key):
        return False
    if checked < key_checked_at(table):
        return False
    if rowid_alias(table):
        return rowid_checked_first(table.conflict_clauses)
    return not any(
        c.constraint == "PRIMARY KEY" and c.algorithm.upper() != "ABORT"
        for c in table.conflict_clauses
    )
