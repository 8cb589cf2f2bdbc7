"""The primary key and the foreign keys of a pair of tables."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace

from twinschema.compare.common import (
    cols,
    ordered_keys,
)
from twinschema.compare.context import Context
from twinschema.compare.key_actions import (
    RESTRICT,
    SET_NULL_RULE,
    key_difference,
    one_key_parent,
    restrict_update_statement,
    self_key_timing,
    set_null_refused,
)
from twinschema.model import (
    NO_ACTION,
    ForeignKey,
    Table,
)
from twinschema.model_shown import columns_shown
from twinschema.records import FixSide


def foreign_keys(ctx: Context, left: Table, right: Table) -> None:
    """Foreign keys matched on their columns and referenced table; several on the same
    columns to the same table are each kept (equal ones paired first)."""
    lkeys = _grouped(left.foreign_keys)
    rkeys = _grouped(right.foreign_keys)
    seen = _as_compared(ctx)
    for key in ordered_keys(lkeys, rkeys):
        for lfk, rfk in _paired(lkeys.get(key, []), rkeys.get(key, []), seen):
            if lfk is None or rfk is None:
                one = lfk or rfk
                if one is not None and one.parent_refused is not None:
                    continue  # one difference, told by ``refused_parents`` with its fix
                foreign_key_missing(ctx, left.name, key, lfk, rfk, lkeys, rkeys)
            elif lfk.parent_refused is not None and rfk.parent_refused is not None:
                # Every statement on the child fails on both; only what else each fails parts
                # them (an INITIALLY DEFERRED key fails inserts into its parent as well).
                if lfk.parent_refused != rfk.parent_refused:
                    refused_alike_apart(ctx, left.name, key, lfk, rfk)
            elif seen(lfk) != seen(rfk) and _only_restrict_apart(ctx, lfk, rfk, seen):
                ctx.same(left.name, None, ONE_KEY_RULE, lfk.describe(), rfk.describe())
            elif seen(lfk) != seen(rfk) and seen(
                set_null_refused(ctx.left.schema, left, lfk)
            ) == seen(set_null_refused(ctx.right.schema, right, rfk)):
                ctx.same(left.name, None, SET_NULL_RULE, lfk.describe(), rfk.describe())
            elif seen(lfk) != seen(rfk):
                foreign_key_differs(ctx, left.name, key, lfk, rfk)
            else:
                self_key_timing(ctx, left.name, lfk, rfk)


ONE_KEY_RULE = (
    "ON UPDATE RESTRICT and NO ACTION over a parent key its CHECK keeps to one value: no "
    "statement moves it"
)


def _only_restrict_apart(
    ctx: Context, lfk: ForeignKey, rfk: ForeignKey, seen: Callable[[ForeignKey], ForeignKey]
) -> bool:
    """Whether two keys differ only in ON UPDATE RESTRICT against NO ACTION, over a parent
    that holds one key only on both sides (``one_key_parent``)."""
    actions = {lfk.on_update, rfk.on_update}
    if actions != {RESTRICT, NO_ACTION}:
        return False
    if seen(replace(lfk, on_update=rfk.on_update)) != seen(rfk):
        return False
    return one_key_parent(ctx, lfk, rfk)


def refused_parents(ctx: Context, left: Table, right: Table) -> None:
    """Foreign keys whose referenced columns hold no parent key their database accepts
    (``ForeignKey.parent_refused``): a ``foreign_key`` difference on the side that has one,
    unless the other side has the same key refused too (the two then behave alike)."""
    for own, other, side in ((left, right, "left"), (right, left, "right")):
        for fk in own.foreign_keys:
            if fk.parent_refused is None:
                continue
            twin = [
                o
                for o in other.foreign_keys
                if (o.columns, o.ref_table, o.ref_columns)
                == (fk.columns, fk.ref_table, fk.ref_columns)
            ]
            if any(o.parent_refused is not None for o in twin):
                continue
            what = f"foreign key {ctx.key_shown(own.name, fk.columns)} -> {ctx.table_shown(fk.ref_table)}"
            mine = fk.describe() + " (no parent key)"
            theirs = twin[0].describe() if twin else None
            schema = (ctx.left if side == "left" else ctx.right).schema
            has_parent = fk.ref_table in schema.tables
            needs = (
                "the parent columns need a PRIMARY KEY, UNIQUE constraint or full unique index"
                if has_parent
                else f"no table {fk.ref_table} exists there"
            )
            ctx.diff(
                "foreign_key",
                own.name,
                None,
                fk.name,
                mine if side == "left" else theirs,
                mine if side == "right" else theirs,
                f"{what}({cols(fk.ref_columns) or 'its primary key'}) in {ctx.label(side)}: "
                f"{fk.parent_refused}: {needs}",
                hint=_refused_hint(ctx, fk, side) if has_parent and not twin else None,
                drop_from=FixSide(side) if has_parent and not twin else None,
            )


def _refused_hint(ctx: Context, fk: ForeignKey, side: str) -> str:
    """The fix for a key on one side only whose parent columns hold no parent key (stranger71
    005): not "add it to the other side", which a database that refuses such a key at CREATE
    ("there is no unique constraint matching given keys") cannot take, but a parent key on both
    sides, or no key at all."""
    parent = ctx.key_shown(fk.ref_table, fk.ref_columns)
    return (
        f"give {parent} a PRIMARY KEY or UNIQUE constraint in both databases (then the key "
        f"works, and can be added to the other), or remove the key from {ctx.label(side)}"
    )


def refused_alike_apart(
    ctx: Context, table: str, key: tuple[tuple[str, ...], str], lfk: ForeignKey, rfk: ForeignKey
) -> None:
    """Two keys both without a parent key, which still part statements on the parent (their
    ``parent_refused`` effects differ: an INITIALLY DEFERRED one fails inserts there too)."""
    ctx.diff(
        "foreign_key",
        table,
        None,
        lfk.name or rfk.name,
        lfk.describe() + " (no parent key)",
        rfk.describe() + " (no parent key)",
        f"foreign key {ctx.key_shown(table, key[0])} -> {ctx.table_shown(key[1])} has no parent "
        "key on either side, "
        f"but does not fail the same statements: {lfk.timing()} in {ctx.label('left')}: "
        f"{lfk.parent_refused}; {rfk.timing()} in {ctx.label('right')}: {rfk.parent_refused}",
    )


def _as_compared(ctx: Context) -> Callable[[ForeignKey], ForeignKey]:
    """A foreign key as this comparison compares it: where the two sides defer keys on demand
    by statements of their own (``Pairing.defer_statement`` is None), DEFERRABLE INITIALLY
    IMMEDIATE is NOT DEFERRABLE (both checked at each statement unless such a statement is
    issued); only INITIALLY DEFERRED (checked at COMMIT) counts."""
    if ctx.pairing.defer_statement is not None:
        return lambda fk: fk
    return lambda fk: replace(fk, deferrable=fk.initially_deferred)


def foreign_key_missing(
    ctx: Context,
    table: str,
    key: tuple[tuple[str, ...], str],
    lfk: ForeignKey | None,
    rfk: ForeignKey | None,
    lkeys: dict[tuple[tuple[str, ...], str], list[ForeignKey]],
    rkeys: dict[tuple[tuple[str, ...], str], list[ForeignKey]],
) -> None:
    """A foreign key on one side only (or a second one on the same columns and table)."""
    fk = lfk or rfk
    assert fk is not None
    side = "left" if lfk else "right"
    other = rkeys if lfk else lkeys
    what = f"foreign key {ctx.key_shown(table, key[0])} -> {ctx.table_shown(key[1])}"
    if other.get(key):  # the other side has one on these columns too, but not this one
        what = f"a second {what}({cols(fk.ref_columns)})"
    ctx.diff(
        "foreign_key",
        table,
        None,  # a constraint is a table-level object, even on one column
        fk.name,
        lfk.describe() if lfk else None,
        rfk.describe() if rfk else None,
        f"{what} exists only in {ctx.label(side)}: only there must a row's "
        f"({cols(_own(ctx, side, table, key[0]))}) match a row of "
        f"{ctx.key_shown(key[1], fk.ref_columns)}",
    )


def _own(ctx: Context, side: str, table: str, columns: tuple[str, ...]) -> list[str]:
    """``columns`` (logical) of ``table`` by the names ``side``'s source gives them: the key's
    own columns where it alone has it (stranger71 003 named one column three ways)."""
    held = (ctx.left if side == "left" else ctx.right).schema.tables.get(table)
    return columns_shown(held, held, columns)


def foreign_key_differs(
    ctx: Context, table: str, key: tuple[tuple[str, ...], str], lfk: ForeignKey, rfk: ForeignKey
) -> None:
    """Two foreign keys on the same columns and table that differ in what they enforce."""
    what = [
        f"{label} {a} vs {b}"
        for label, a, b in (
            ("referenced columns", _referenced(lfk), _referenced(rfk)),
            ("ON DELETE", lfk.on_delete_shown(), rfk.on_delete_shown()),
            ("ON UPDATE", lfk.on_update, rfk.on_update),
        )
        if a != b
    ]
    if lfk.on_delete == rfk.on_delete and lfk.on_delete_columns != rfk.on_delete_columns:
        what[-1] += ": deleting the referenced row sets different columns"
    if {lfk.on_delete, rfk.on_delete} == {RESTRICT, NO_ACTION}:
        at = next(n for n, w in enumerate(what) if w.startswith("ON DELETE "))
        what[at] += ": " + DELETE_RESTRICT_WHEN
    swapped = restrict_update_statement(ctx, table, lfk, rfk)
    if swapped is not None:
        at = next(n for n, w in enumerate(what) if w.startswith("ON UPDATE "))
        what[at] += ": " + swapped
    what += _fk_timing(lfk, rfk, ctx.pairing.defer_statement) + _fk_match(lfk, rfk)
    key_difference(
        ctx,
        table,
        (lfk, rfk),
        f"foreign key {ctx.key_shown(table, key[0])} -> {ctx.table_shown(key[1])} differs: "
        + "; ".join(what),
    )


# When ON DELETE RESTRICT and NO ACTION part (stranger79 011: Sakila's 42 such differences did
# not say, so a team could not judge them). On real databases of both dialects, each action in
# turn (tests/test_fk_restrict_when.py): a plain DELETE of a referenced row fails under both;
# with an AFTER DELETE trigger on the parent deleting the referencing rows, one dialect's NO
# ACTION deletes (checked at the statement's end) where its RESTRICT refuses (at once); the
# other's key checks run before such a trigger, and both refuse.
DELETE_RESTRICT_WHEN = (
    "a plain DELETE of a referenced row fails under both; they can part only where the "
    "referencing rows go in the same statement or transaction (a trigger or another key's "
    "cascade removing them, a key deferred to COMMIT): NO ACTION checks at the end of the "
    "statement (or at COMMIT), RESTRICT at once"
)


def _referenced(fk: ForeignKey) -> str:
    """The referenced columns in words; none where the key names a parent table with no
    primary key (stranger58 017: an empty list was printed as nothing)."""
    return cols(fk.ref_columns) or "its primary key (the table has none)"


FkKey = tuple[tuple[str, ...], str]


def _grouped(keys: Iterable[ForeignKey]) -> dict[FkKey, list[ForeignKey]]:
    """Foreign keys by their columns and referenced table, in their order."""
    found: dict[FkKey, list[ForeignKey]] = {}
    for fk in keys:
        found.setdefault((fk.columns, fk.ref_table), []).append(fk)
    return found


def _paired(
    left: list[ForeignKey], right: list[ForeignKey], seen: Callable[[ForeignKey], ForeignKey]
) -> Iterator[tuple[ForeignKey | None, ForeignKey | None]]:
    """Pairs of foreign keys on the same columns and table: equal ones (as ``seen`` compares
    them) first, then those with the same referenced columns, then in order; what is left is
    on one side only."""
    rest = list(right)
    unmatched: list[ForeignKey] = []
    for fk in left:
        twin = next((r for r in rest if seen(r) == seen(fk)), None)
        if twin is not None:
            rest.remove(twin)
            yield fk, twin
        else:
            unmatched.append(fk)
    for fk in list(unmatched):
        twin = next((r for r in rest if r.ref_columns == fk.ref_columns), None)
        if twin is not None:
            unmatched.remove(fk)
            rest.remove(twin)
            yield fk, twin
    yield from zip(unmatched, rest, strict=False)
    n = min(len(unmatched), len(rest))
    yield from ((fk, None) for fk in unmatched[n:])
    yield from ((None, fk) for fk in rest[n:])


def _fk_timing(lfk: ForeignKey, rfk: ForeignKey, statement: str | None) -> list[str]:
    """When each side checks the key, and what that lets a transaction do; ``statement`` is
    the one that defers DEFERRABLE keys on demand on both sides, None when none is shared (then
    only INITIALLY DEFERRED is compared, and named)."""
    if lfk.initially_deferred != rfk.initially_deferred:
        if statement is None:
            text = f"{_initially(lfk)} vs {_initially(rfk)}"
        else:
            text = f"{lfk.timing()} vs {rfk.timing()}"
        return [
            text + ": an INITIALLY DEFERRED key is checked at COMMIT, so a transaction may "
            "insert a row before the row it references; the other side rejects the row at once"
        ]
    if statement is None or lfk.deferrable == rfk.deferrable:
        return []
    return [
        f"{lfk.timing()} vs {rfk.timing()}: after {statement} a transaction may break the "
        "DEFERRABLE key until COMMIT; the NOT DEFERRABLE one still rejects the row at once "
        "(without it both do)"
    ]


def _initially(fk: ForeignKey) -> str:
    """When a key is checked unless a statement defers it: INITIALLY DEFERRED (at COMMIT) or
    INITIALLY IMMEDIATE (at each statement, which a NOT DEFERRABLE key is too)."""
    return "DEFERRABLE INITIALLY DEFERRED" if fk.initially_deferred else "INITIALLY IMMEDIATE"


def _fk_match(lfk: ForeignKey, rfk: ForeignKey) -> list[str]:
    """MATCH FULL vs SIMPLE: which keys with NULLs in some of their columns pass."""
    if lfk.match == rfk.match:
        return []
    text = f"MATCH {lfk.match} vs MATCH {rfk.match}"
    for fk, side in ((lfk, "left"), (rfk, "right")):
        if fk.match_declared and fk.match_declared != fk.match:
            text += f" (the {side} declares MATCH {fk.match_declared} but enforces {fk.match})"
    return [
        text + ": MATCH FULL rejects a key with some but not all of its columns NULL, which "
        "MATCH SIMPLE accepts unchecked"
    ]
