"""UNIQUE rules without a twin on the other side: a difference each, unless the rule only
repeats its table's primary key (then it accepts exactly the rows the key accepts)."""

from __future__ import annotations

from twinschema.compare.common import cols
from twinschema.compare.context import Context
from twinschema.model import Index, Table, UniqueConstraint


def unpaired_uniques(
    ctx: Context, left: Table, right: Table, uniques: list[tuple[UniqueConstraint, bool]]
) -> None:
    """UNIQUE rules on one side only (with whether on the left): a difference each, unless the
    rule repeats its table's primary key."""
    for unique, on_left in uniques:
        key = frozenset(unique.columns)
        text = unique.describe()
        if repeats_key(left if on_left else right, key):
            # The primary key already rejects every row this rule rejects (where a key column
            # may hold NULL, NULLs are distinct in both): the same rows are accepted.
            key_text = f"PRIMARY KEY ({cols(left.primary_key if on_left else right.primary_key)})"
            with_rule, without = f"{key_text}, {text}", key_text
            ctx.same(
                left.name,
                None,
                "unique repeats the primary key",
                with_rule if on_left else without,
                without if on_left else with_rule,
            )
            continue
        ctx.diff(
            "unique",
            left.name,
            None,
            unique.name,
            text if on_left else None,
            None if on_left else text,
            f"{text} on {left.name} exists only in {ctx.label('left' if on_left else 'right')}",
        )


def key_indexes(
    ctx: Context, left: Table, right: Table, only_li: list[Index], only_ri: list[Index]
) -> None:
    """Unique indexes on one side only that repeat their table's primary key (taken out of
    ``only_li`` / ``only_ri``): the same rows as their absence, listed as an equivalence."""
    for indexes, on_left in ((only_li, True), (only_ri, False)):
        owner = left if on_left else right
        for index in [i for i in indexes if index_repeats_key(owner, i)]:
            indexes.remove(index)
            key_text = f"PRIMARY KEY ({cols(owner.primary_key)})"
            with_rule = f"{key_text}, {index.describe()}"
            ctx.same(
                left.name,
                None,
                "unique repeats the primary key",
                with_rule if on_left else key_text,
                key_text if on_left else with_rule,
            )


def index_repeats_key(table: Table, index: Index) -> bool:
    """True when ``index`` is a full unique index over exactly ``table``'s primary key columns
    (in any order, either direction), each compared as the key compares it: its column's own
    collation and the type's default operator class. It rejects exactly the rows the key
    rejects (NULLS NOT DISTINCT and INCLUDE columns change nothing over NOT NULL key columns);
    one with another collation or over an expression is an index of its own."""
    return (
        index.unique
        and index.where is None
        and index.method == "btree"
        and len(index.expressions) == len(table.primary_key)
        and repeats_key(table, frozenset(index.expressions))
        and not any(index.collations)
        and not any(index.opclasses or ())
    )


def repeats_key(table: Table, columns: frozenset[str]) -> bool:
    """True when a UNIQUE rule on ``columns`` is over exactly ``table``'s primary key (in any
    order): it accepts every row the key accepts, so its absence means the same (a database
    may fold it into the key's index, or keep an index of its own for it)."""
    return bool(table.primary_key) and columns == frozenset(table.primary_key)
