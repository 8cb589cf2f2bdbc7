"""Two or more foreign keys from one child row to one parent row, with different actions.

Deleting the parent row, or updating its key, runs each key's action in turn, and the order
decides what the child row becomes: ON DELETE CASCADE then SET NULL on one column deletes the
row, SET NULL then CASCADE keeps it with NULL (CASCADE finds nothing left to delete); a
RESTRICT key refuses the statement only if it comes before the cascade that removes the row.
Each side's database runs the keys in an order of its own (``ForeignKey.fires``) and checks a
NO ACTION key either at its turn or after every action (``Pairing.no_action_after_actions``).
The statement is played out here on one child row whose keys all reference one parent row, on
each side, in that side's order (in every order where the source records none): a side that
may end otherwise than the other is a ``foreign_key`` difference naming the statement.

Only keys to the same referenced columns are grouped, on tables whose keys are the same on both
sides (a key that differs is already a difference); a key to its own table is left out.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

from twinschema.compare.common import cols
from twinschema.compare.context import Context
from twinschema.model import NO_ACTION, ForeignKey, Table

CASCADE, RESTRICT, SET_NULL, SET_DEFAULT = "CASCADE", "RESTRICT", "SET NULL", "SET DEFAULT"
REFUSED, GONE = "fails", "succeeds and deletes the child row"
# A child column's value along the statement: the parent's old key, NULL, its default, the new key.
_SHOWN = {"old": "1", "null": "NULL", "default": "its default", "new": "2"}


def key_groups(table: Table) -> list[list[ForeignKey]]:
    """A table's keys to one other table's same columns, two or more, whose ON DELETE or ON
    UPDATE actions are not all the same."""
    found: dict[tuple[str, tuple[str, ...]], list[ForeignKey]] = {}
    for fk in table.foreign_keys:
        if fk.ref_table != table.name:
            found.setdefault((fk.ref_table, tuple(sorted(fk.ref_columns))), []).append(fk)
    return [
        keys
        for keys in found.values()
        if len(keys) > 1
        and (len({k.on_delete for k in keys}) > 1 or len({k.on_update for k in keys}) > 1)
    ]


def key_order(ctx: Context, left: Table, right: Table) -> None:
    """A ``foreign_key`` difference for each group of keys (``key_groups``) whose DELETE or
    UPDATE of the parent row may leave the child row otherwise on one side than on the other."""
    rights = {_signature(g): g for g in key_groups(right)}
    for lkeys in key_groups(left):
        rkeys = rights.get(_signature(lkeys))
        if rkeys is None:
            continue  # the keys differ, and are reported as such
        for event in ("DELETE", "UPDATE"):
            ends = [
                _outcomes(keys, event, late)
                for keys, late in zip(
                    (lkeys, rkeys), ctx.pairing.no_action_after_actions, strict=True
                )
            ]
            if len(ends[0]) == 1 and ends[0] == ends[1]:
                continue
            _report(ctx, left.name, (lkeys, rkeys), event, ends)


def _signature(keys: Sequence[ForeignKey]) -> tuple[tuple[object, ...], ...]:
    """What makes two groups the same keys (in any order): each key's columns and actions."""
    return tuple(
        sorted(
            (
                k.columns,
                k.ref_table,
                k.ref_columns,
                k.on_delete,
                k.on_update,
                k.on_delete_columns,
                k.initially_deferred,
            )
            for k in keys
        )
    )


def _orders(keys: Sequence[ForeignKey], event: str) -> Iterable[Sequence[ForeignKey]]:
    """The orders a side may run ``keys`` in: its own where every key records it, else all."""
    at = 0 if event == "DELETE" else 1
    places = [k.fires for k in keys]
    if all(p is not None for p in places):
        return [sorted(keys, key=lambda k: k.fires[at] if k.fires else 0)]
    return itertools.permutations(keys)


def _outcomes(keys: Sequence[ForeignKey], event: str, late: bool) -> frozenset[str]:
    """What the statement does on a side, in each order it may run the keys in."""
    return frozenset(_play(order, event, late) for order in _orders(keys, event))


def _play(order: Sequence[ForeignKey], event: str, no_action_late: bool) -> str:
    """Play ``event`` of the parent row out on one child row whose keys (in ``order``) all
    reference it: REFUSED, GONE, or the child's columns as the statement leaves them."""
    state = {c: "old" for k in order for c in k.columns}
    pending: list[ForeignKey] = []

    def refers(k: ForeignKey) -> bool:
        return all(state[c] == "old" for c in k.columns)

    for k in order:
        if not refers(k):
            continue
        action = k.on_delete if event == "DELETE" else k.on_update
        if action == NO_ACTION and (no_action_late or k.initially_deferred):
            pending.append(k)
        elif action in (RESTRICT, NO_ACTION):
            return REFUSED
        elif action == CASCADE and event == "DELETE":
            return GONE
        else:
            sets = k.on_delete_columns if event == "DELETE" and k.on_delete_columns else k.columns
            value = {CASCADE: "new", SET_NULL: "null", SET_DEFAULT: "default"}.get(action, "old")
            state.update(dict.fromkeys(sets, value))
    if any(refers(k) for k in pending):
        return REFUSED
    return (
        "succeeds and leaves ("
        + ", ".join(f"{c} = {_SHOWN[v]}" for c, v in sorted(state.items()))
        + ")"
    )


def _report(
    ctx: Context,
    table: str,
    groups: tuple[Sequence[ForeignKey], Sequence[ForeignKey]],
    event: str,
    ends: list[frozenset[str]],
) -> None:
    """The difference: the statement, and what each side may do with it."""
    lkeys, rkeys = groups
    ref, ref_columns = lkeys[0].ref_table, lkeys[0].ref_columns
    where = " AND ".join(f"{c} = 1" for c in ref_columns) or "its key = 1"
    if event == "DELETE":
        statement = f"DELETE FROM {ref} WHERE {where}"
    else:
        statement = f"UPDATE {ref} SET " + ", ".join(f"{c} = 2" for c in ref_columns)
        statement += f" WHERE {where}"
    said = []
    for side, end in zip(("left", "right"), ends, strict=True):
        if len(end) == 1:
            said.append(f"{ctx.label(side)} {next(iter(end))}")
        else:
            said.append(
                f"{ctx.label(side)} {' or '.join(sorted(end))}, depending on the order the keys "
                "fire in (its source records none)"
            )
    columns = sorted({c for k in lkeys for c in k.columns})
    ctx.diff(
        "foreign_key",
        table,
        None,
        lkeys[0].name or rkeys[0].name,
        _shown(lkeys, event),
        _shown(rkeys, event),
        f"foreign keys of {table} to {ref}({cols(ref_columns)}) with different ON {event} "
        f"actions run in turn: with a row of {ref} whose {_one(ref_columns)} and a row of "
        f"{table} whose {_one(columns)}, {statement}: " + "; ".join(said),
        "each side runs the keys' actions in an order of its own (and checks NO ACTION at its "
        "turn or last): keep one key per column and parent, or give both keys one action",
    )


def _one(columns: Sequence[str]) -> str:
    """``id is 1``, ``a and b are both 1``, ``a, b and c are all 1`` (``key is 1`` for none)."""
    if len(columns) < 2:
        return f"{columns[0] if columns else 'key'} is 1"
    listed = f"{', '.join(columns[:-1])} and {columns[-1]}"
    return f"{listed} are {'both' if len(columns) == 2 else 'all'} 1"


def _shown(keys: Sequence[ForeignKey], event: str) -> str:
    """A side's keys, in the order they fire in where its source records one."""
    order = next(iter(_orders(keys, event)))
    return "; ".join(k.describe() for k in order) + (
        " (in the order they fire)" if all(k.fires is not None for k in keys) else ""
    )
