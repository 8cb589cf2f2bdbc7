"""When a UNIQUE rule or a primary key is checked, and what a difference in it lets through.

A NOT DEFERRABLE rule is checked row by row (so is every rule of a dialect that cannot declare
a deferrable one: the model's default), a DEFERRABLE one at the end of each statement, an
INITIALLY DEFERRED one at COMMIT. So ``UPDATE t SET pos = pos + 1`` over rows with pos 1 and 2
fails row by row (the first row moves onto the second) and succeeds where the rule waits for
the statement's end, and a transaction may hold two equal keys until COMMIT where the rule is
INITIALLY DEFERRED. No single row parts any of them: the message names the statement that does.
"""

from __future__ import annotations

from twinschema.compare.common import cols
from twinschema.compare.context import Context
from twinschema.model import Table, UniqueConstraint, timing

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


def rule_timing(ctx: Context, table: str, left: UniqueConstraint, right: UniqueConstraint) -> None:
    """Two UNIQUE rules on the same columns, checked at different times: a ``unique``
    difference naming what parts them."""
    lat, rat = rule_checked_at(left), rule_checked_at(right)
    if lat == rat:
        return
    what = f"UNIQUE ({cols(left.columns)})"
    ctx.diff(
        "unique",
        table,
        None,
        left.name or right.name,
        left.describe(),
        right.describe(),
        timing_text(ctx, table, what, left.columns, (lat, left.timing()), (rat, right.timing())),
    )


def rule_against_index(
    ctx: Context, table: str, rule: UniqueConstraint, index_text: str, rule_on_left: bool
) -> None:
    """A UNIQUE rule paired with a unique index of the other side (which is never deferrable,
    so checked row by row): a ``unique`` difference where the rule is DEFERRABLE."""
    at = rule_checked_at(rule)
    if at == ROW_BY_ROW:
        return
    what = f"UNIQUE ({cols(rule.columns)})"
    own = (at, rule.timing())
    index = (ROW_BY_ROW, "a unique index (never deferrable)")
    ctx.diff(
        "unique",
        table,
        None,
        rule.name,
        rule.describe() if rule_on_left else index_text,
        index_text if rule_on_left else rule.describe(),
        timing_text(
            ctx,
            table,
            what,
            rule.columns,
            own if rule_on_left else index,
            index if rule_on_left else own,
        ),
    )


def key_timing(ctx: Context, left: Table, right: Table) -> None:
    """Two primary keys on the same columns, checked at different times: a ``primary_key``
    difference naming what parts them."""
    lat, rat = key_checked_at(left), key_checked_at(right)
    if lat == rat:
        return
    ltiming = timing(left.primary_key_deferrable, left.primary_key_initially_deferred)
    rtiming = timing(right.primary_key_deferrable, right.primary_key_initially_deferred)
    what = f"PRIMARY KEY ({cols(left.primary_key)})"
    ctx.diff(
        "primary_key",
        left.name,
        None,
        None,
        f"{cols(left.primary_key)} {ltiming}",
        f"{cols(right.primary_key)} {rtiming}",
        timing_text(ctx, left.name, what, left.primary_key, (lat, ltiming), (rat, rtiming)),
    )


def timing_text(
    ctx: Context,
    table: str,
    what: str,
    columns: tuple[str, ...],
    left: tuple[int, str],
    right: tuple[int, str],
) -> str:
    """``what`` (a rule on ``columns`` of ``table``) is checked at ``left`` / ``right`` (when,
    as DDL declares it): the statements that part the two sides, each side named."""
    (lat, ltext), (rat, rtext) = left, right
    early, late = ("left", "right") if lat < rat else ("right", "left")
    early_at, late_at = min(lat, rat), max(lat, rat)
    parts = []
    if early_at == ROW_BY_ROW:
        column = columns[-1]
        when = "at COMMIT" if late_at == AT_COMMIT else "at the end of the statement"
        parts.append(
            f"{ctx.label(early)} checks it row by row, {ctx.label(late)} {when}, so renumbering "
            f"rows in one statement (UPDATE {table} SET {column} = {column} + 1 over rows with "
            f"{column} 1 and 2, where the first row takes the key the second gives up) fails in "
            f"{ctx.label(early)} only"
        )
    if late_at == AT_COMMIT:
        parts.append(
            f"{ctx.label(late)} checks it at COMMIT, so a transaction may hold two rows with one "
            f"({cols(columns)}) until then, which {ctx.label(early)} rejects at once"
        )
    return f"{what} on {table} is {ctx.each(ltext, rtext)}: " + "; ".join(parts)
