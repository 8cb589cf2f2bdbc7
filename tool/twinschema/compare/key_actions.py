"""When a foreign key's RESTRICT and ON UPDATE actions act, and what that parts.

Where one side applies them at each row a statement changes and the other once the statement's
rows are all changed (``Pairing.key_actions_at_each_row``), the same self-referencing key parts
statements that change a row and, in the same statement, the row that references it:

- ON DELETE RESTRICT: ``DELETE FROM jobs`` over a row and a row that references it (the
  referenced row first) fails row by row, and succeeds at the statement's end (the referencing
  row is gone by then);
- ON UPDATE RESTRICT: an UPDATE that gives the referenced row a new key and the referencing row
  that new key fails row by row, and succeeds at the statement's end;
- ON UPDATE CASCADE, SET NULL, SET DEFAULT: the row-by-row side's action reaches the
  referencing row before that row's own update reads it (``parent = parent + 10`` then reads
  the cascaded value, or NULL), the other side's action finds nothing left to do.

NO ACTION is checked at the statement's end on both, and ON DELETE CASCADE, SET NULL and SET
DEFAULT end the same (checked on real databases). A key to another table is changed by
another statement than its parent's, where the two timings agree, unless a cascade of the
parent's statement reaches its rows too: which side then refuses the statement depends on the
order the keys fire in (a second key of the child to the same parent: ``key_order``; through
another table: not compared, README Limits).
"""

from __future__ import annotations

import re
from dataclasses import replace

from twinschema.canonical import typemap
from twinschema.compare.common import cols
from twinschema.compare.context import Context
from twinschema.model import NO_ACTION, OBJECT_TRIGGER, ForeignKey, Schema, Table
from twinschema.model_shown import columns_shown
from twinschema.records.hint_ways import Offer
from twinschema.records.kinds import INTEGER_KINDS

RESTRICT = "RESTRICT"
SET_NULL = "SET NULL"
SET_NULL_RULE = "SET NULL on a NOT NULL column acts as RESTRICT: the row cannot lose its key"
# The ON UPDATE actions the row-by-row side applies before the referencing row's own update.
_UPDATE_ACTIONS = ("RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT")


def self_key_timing(ctx: Context, table: str, lfk: ForeignKey, rfk: ForeignKey) -> None:
    """Two equal self-referencing keys of ``table`` whose actions the two sides apply at
    different times: a ``foreign_key`` difference naming the statement that parts them."""
    early = ctx.pairing.key_actions_at_each_row
    if early is None or lfk.ref_table != table:
        return
    late = "right" if early == "left" else "left"
    row, end = ctx.label(early), ctx.label(late)
    tables = ctx.left.schema.tables.get(table), ctx.right.schema.tables.get(table)
    # Each column and the table by the name both databases give it (stranger69 006).
    own = cols(columns_shown(*tables, lfk.columns))
    ref = cols(columns_shown(*tables, lfk.ref_columns)) or "its primary key"
    parts = []
    if lfk.on_delete == RESTRICT and rfk.on_delete == RESTRICT:
        parts.append(
            f"ON DELETE RESTRICT is checked at each row in {row}, at the end of the statement in "
            f"{end}: DELETE FROM {ctx.sql_table(table)} over a row and a row whose ({own}) "
            "references it (the "
            f"referenced row stored first) fails in {row} and deletes both in {end}"
        )
    action = lfk.on_update
    if action == rfk.on_update and action != NO_ACTION and action in _UPDATE_ACTIONS:
        what = (
            "fails"
            if action == RESTRICT
            else "fails or stores another value (the action reached the row before its own "
            "update read it)"
        )
        example = ""
        if len(lfk.columns) == 1 and len(lfk.ref_columns) == 1:
            example = f" (SET {ref} = {ref} + 10, {own} = {own} + 10 on integer keys)"
        parts.append(
            f"ON UPDATE {action} acts at each row in {row}, at the end of the statement in "
            f"{end}: one UPDATE of {ctx.own_table(table)} that moves a row's ({ref}) and the "
            f"({own}) of the row referencing it along{example} {what} in {row}, and keeps the "
            f"reference in {end}"
        )
    if not parts:
        return
    key_difference(
        ctx,
        table,
        (lfk, rfk),
        f"self-referencing foreign key {ctx.key_shown(table, lfk.columns)} -> "
        f"{ctx.table_shown(table)}: " + "; ".join(parts),
        Offer(
            "NO ACTION is checked at the end of the statement on both sides (unlike RESTRICT it "
            "lets a statement delete or move a referenced key that another row takes over); "
            "else "
        ),
    )


def restrict_update_statement(
    ctx: Context, table: str, lfk: ForeignKey, rfk: ForeignKey
) -> str | None:
    """Where one side's key is ON UPDATE RESTRICT and the other's NO ACTION, the statement that
    parts them (stranger55 003, 011): RESTRICT refuses to move a referenced key whatever the
    statement does besides, NO ACTION only if no row holds the old key at the statement's end
    (in either dialect, checked on real databases), so an UPDATE that moves a
    referenced key and another row's key onto it fails on the RESTRICT side only. ON DELETE
    RESTRICT against NO ACTION has no such statement of its own: a DELETE never puts a key
    back. None for any other pair of actions."""
    actions = (lfk.on_update, rfk.on_update)
    if set(actions) != {RESTRICT, NO_ACTION}:
        return None
    strict = "left" if actions[0] == RESTRICT else "right"
    other = "right" if strict == "left" else "left"
    parent = lfk.ref_table
    swap = (
        f"an UPDATE of {parent} that moves a key referenced by a row of {table} and, in the same "
        "statement, another row's key onto it"
    )
    keys = _sample_keys(ctx, parent, lfk, rfk)
    if keys is not None:
        name, (one, two, three) = lfk.ref_columns[0], keys
        swap = (
            f"UPDATE {ctx.sql_table(parent)} SET {name} = CASE {name} WHEN {one} THEN {three} ELSE {one} END "
            f"over the keys {one} and {two} (stored in that order) and a row of {table} "
            f"referencing {one}, which moves {one} to {three} and {two} to {one},"
        )
    return (
        f"RESTRICT refuses to move a referenced key, NO ACTION only if no row holds the old key "
        f"at the end of the statement: {swap} fails in {ctx.label(strict)} and succeeds in "
        f"{ctx.label(other)}"
    )


def _sample_keys(
    ctx: Context, parent: str, lfk: ForeignKey, rfk: ForeignKey
) -> tuple[str, str, str] | None:
    """Three key literals of the parent's single referenced column, of its kind on both sides
    (1, 2, 3 for integer keys; 'a', 'b', 'c' for text keys); None for another kind, a key of
    several columns, or a parent with a CHECK on either side, which may refuse the literals
    (stranger56 072, 085: `id BETWEEN 1 AND 2`, `length(code) = 3`; the statement then failed
    alike on both sides)."""
    if len(lfk.ref_columns) != 1 or len(rfk.ref_columns) != 1:
        return None
    kinds: list[frozenset[str]] = []
    for schema, name in (
        (ctx.left.schema, lfk.ref_columns[0]),
        (ctx.right.schema, rfk.ref_columns[0]),
    ):
        table = schema.tables.get(parent)
        column = next((c for c in table.columns if c.name == name), None) if table else None
        if table is None or column is None or table.checks:
            return None
        kinds.append(typemap.kinds_of(column.type))
    if all(k & INTEGER_KINDS for k in kinds):
        return ("1", "2", "3")
    if all(k & _TEXT_KINDS for k in kinds):
        return ("'a'", "'b'", "'c'")
    return None


_TEXT_KINDS = frozenset({"text", "varchar"})
# A CHECK that allows one value only, as the canonical form writes it (``IN (1)`` is ``= 1``).
_ONE_VALUE = re.compile(r"""^\(?\s*"?(\w+)"?\s*=\s*(-?\d+(\.\d+)?|'[^']*')\s*\)?$""")


def one_key_parent(ctx: Context, lfk: ForeignKey, rfk: ForeignKey) -> bool:
    """Whether both sides' parent holds one key only for these keys: a single NOT NULL
    referenced column that a CHECK of the parent keeps to one value (``id integer PRIMARY KEY
    CHECK (id = 1)``). No statement moves such a key, so ON UPDATE RESTRICT and NO ACTION act
    alike (stranger56 033, checked on real databases, either order: ``SET id = 1`` runs on
    both, ``SET id = 2`` fails on both; a NULL parent key would move, hence NOT NULL)."""
    for schema, fk in ((ctx.left.schema, lfk), (ctx.right.schema, rfk)):
        table = schema.tables.get(fk.ref_table)
        if table is None or len(fk.ref_columns) != 1:
            return False
        name = fk.ref_columns[0].lower()
        column = next((c for c in table.columns if c.name.lower() == name), None)
        if column is None or column.nullable:
            return False
        pinned = (_ONE_VALUE.match(c.expression.strip()) for c in table.checks)
        if not any(m is not None and m.group(1).lower() == name for m in pinned):
            return False
    return True


def key_difference(
    ctx: Context,
    table: str,
    keys: tuple[ForeignKey, ForeignKey],
    message: str,
    hint: str | Offer | None = None,
) -> None:
    """One ``foreign_key`` difference between the two sides' keys of ``table``, named by
    either key's name, each side shown as its key describes itself."""
    lfk, rfk = keys
    ctx.diff(
        "foreign_key", table, None, lfk.name or rfk.name, lfk.describe(), rfk.describe(),
        message, hint,
    )  # fmt: skip


def set_null_refused(schema: Schema, table: Table, fk: ForeignKey) -> ForeignKey:
    """``fk`` of ``table`` with each action that sets a NOT NULL column to NULL written RESTRICT
    (stranger60 025): ON DELETE / ON UPDATE SET NULL where a column it sets (``SET NULL
    (cols)``'s, else every column of the key) is NOT NULL fails the statement that deletes or
    moves a referenced key, at once and whatever the key's timing, as RESTRICT does, in either
    database (tests/fixtures/probes ``*fk-set-null-not-null*``, on real ones). Kept as written
    for a self-referencing key (the row may go in the same statement, which the two sides may
    order otherwise: ``self_key_timing``), for a column with an ON CONFLICT clause on its NOT
    NULL (REPLACE stores its default instead) and for a table with a trigger (one may give the
    column a value)."""
    if SET_NULL not in (fk.on_delete, fk.on_update) or fk.ref_table == table.name:
        return fk
    if any(o.kind == OBJECT_TRIGGER and o.table == table.name for o in schema.objects):
        return fk
    guarded = {n for c in table.conflict_clauses if c.constraint == "NOT NULL" for n in c.columns}
    not_null = {c.name for c in table.columns if not c.nullable} - guarded

    def action(done: str, sets: tuple[str, ...]) -> str:
        return RESTRICT if done == SET_NULL and not_null & set(sets) else done

    on_delete = action(fk.on_delete, fk.on_delete_columns or fk.columns)
    on_update = action(fk.on_update, fk.columns)
    sets = () if on_delete == RESTRICT else fk.on_delete_columns
    return replace(fk, on_delete=on_delete, on_update=on_update, on_delete_columns=sets)
