"""Table options (STRICT, WITHOUT ROWID), ON CONFLICT clauses and storage (UNLOGGED,
PARTITION BY) of a pair of tables."""

from __future__ import annotations

from twinschema.compare.allowance_entries import ON_CONFLICT
from twinschema.compare.common import (
    ordered_keys,
)
from twinschema.compare.context import Context
from twinschema.model import (
    OPTION_STRICT,
    OPTION_WITHOUT_ROWID,
    ConflictClause,
    Table,
)
from twinschema.records import FixSide
from twinschema.records.hint_ways import Offer


def table_options(ctx: Context, left: Table, right: Table) -> None:
    """Table options (STRICT, WITHOUT ROWID) of two tables, when ``pairing.options_compared``: each
    changes what the table's columns accept, so a difference is a ``column_type`` one."""
    for option in ordered_keys(left.options, right.options):
        if option in left.options and option in right.options:
            continue
        on_left = option in left.options
        ctx.diff(
            "column_type",
            left.name,
            None,
            option,
            option.upper() if on_left else None,
            None if on_left else option.upper(),
            f"table {ctx.table_shown(left.name)} is {option.upper()} in "
            f"{ctx.label('left' if on_left else 'right')} only: {_OPTION_EFFECTS[option]}",
        )


def conflict_clauses(ctx: Context, left: Table, right: Table) -> None:
    """ON CONFLICT clauses on one side only: there a violation deletes the old row (REPLACE) or
    drops the new one (IGNORE) silently, where the other side rejects it."""
    for clause in ordered_keys(left.conflict_clauses, right.conflict_clauses):
        if clause in left.conflict_clauses and clause in right.conflict_clauses:
            continue
        on_left = clause in left.conflict_clauses
        text = clause.describe()
        side, other = ("left", "right") if on_left else ("right", "left")
        held = ctx.pairing.conflict_clauses_held[0 if other == "left" else 1]
        hint = None
        if not held:  # the other dialect has no such clause: adding it there is no fix
            hint = Offer(
                f"remove it from {ctx.label(side)} ({ctx.label(other)}'s constraints have no ON "
                "CONFLICT clause); if it differs on purpose, ",
                " (it allows every ON CONFLICT clause of the table, one added later too)",
            )
        ctx.diff(
            "dialect_object",
            left.name,
            None,
            ON_CONFLICT,
            text if on_left else None,
            None if on_left else text,
            f"{text.removesuffix(' ON CONFLICT ' + clause.algorithm)} of "
            f"{ctx.table_shown(left.name)} resolves "
            f"conflicts by {clause.algorithm} in {ctx.label('left' if on_left else 'right')} "
            "only: " + _effect(clause),
            hint=hint,
            drop_from=None if held else FixSide(side),
        )


# What each ON CONFLICT algorithm does to a violation, where the other side rejects the row.
_CONFLICT_EFFECTS = {
    "REPLACE": "a row that violates it deletes the row it conflicts with and goes in",
    "IGNORE": "a row that violates it is dropped silently, without an error",
    "FAIL": "a violation keeps the statement's earlier changes instead of undoing them",
    "ROLLBACK": "a violation rolls the whole transaction back",
}


def _effect(clause: ConflictClause) -> str:
    """What the clause does to a violation: REPLACE on a NOT NULL puts the column's default
    in place of the NULL (and fails as ABORT where there is none), deleting nothing
    (stranger36); on a unique rule it deletes the row in the way."""
    if clause.constraint == "NOT NULL" and clause.algorithm == "REPLACE":
        return (
            "a NULL there is replaced by the column's default (an error where it has none), "
            "where the other side rejects the row"
        )
    return _CONFLICT_EFFECTS.get(clause.algorithm, "a violation does not fail there")


def storage(ctx: Context, left: Table, right: Table) -> None:
    """UNLOGGED and PARTITION BY, between sources that both state them."""
    lflag, rflag = left.unlogged, right.unlogged
    if lflag is not None and rflag is not None and lflag != rflag:
        ctx.diff(
            "dialect_object",
            left.name,
            None,
            "unlogged",
            _logged(lflag),
            _logged(rflag),
            f"{ctx.table_shown(left.name)} is {ctx.each(_logged(lflag), _logged(rflag))}: "
            "an UNLOGGED table is "
            "emptied after a crash and is not on replicas",
        )
    lkey, rkey = left.partitioned, right.partitioned
    if lkey is not None and rkey is not None and lkey != rkey:
        lpart, rpart = _partitioning(lkey), _partitioning(rkey)
        ctx.diff(
            "dialect_object",
            left.name,
            None,
            "partitioned",
            lpart,
            rpart,
            f"{ctx.table_shown(left.name)} is {ctx.each(lpart, rpart)}: rows are stored by another rule, and "
            "a unique rule there must include the partition key",
        )


# What each table option changes, for the message of a table that has it on one side only.
_OPTION_EFFECTS = {
    OPTION_STRICT: "a STRICT table rejects a value its column's type cannot hold, a plain one "
    "stores it (type affinity)",
    OPTION_WITHOUT_ROWID: "a WITHOUT ROWID table has no rowid (an INTEGER PRIMARY KEY assigns "
    "no ids) and rejects NULL in its primary key",
}


def _logged(unlogged: bool) -> str:
    return "UNLOGGED" if unlogged else "logged"


def _partitioning(key: str) -> str:
    return f"partitioned by {key}" if key else "a plain table"
