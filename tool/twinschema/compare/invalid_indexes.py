"""Indexes a database holds that are not valid (a ``CREATE INDEX CONCURRENTLY`` or ``REINDEX
CONCURRENTLY`` that failed leaves one behind): a difference each, on whichever side holds it.

Such an index is no rule and no index of the schema: it serves no query, and one that is not
ready either (what a failed ``CREATE UNIQUE INDEX CONCURRENTLY`` over duplicate rows leaves)
refuses no row, so it is never compared as a UNIQUE rule with a witness. What it is, is a broken
object in that database, to drop or rebuild there.
"""

from __future__ import annotations

from twinschema.compare.context import Context
from twinschema.model import Table
from twinschema.sql_names import sql_name


def invalid_indexes(ctx: Context, left: Table, right: Table) -> None:
    """Each invalid index of either table: a difference naming it, with the statements that
    drop it or rebuild it."""
    for table, on_left in ((left, True), (right, False)):
        for index in table.invalid_indexes:
            text = f"INVALID {index.describe()}"
            name = sql_name(index.name or "")
            if not index.ready:
                effect = "it serves no query and refuses no row (no write updates it)"
            elif index.unique:
                effect = (
                    "it serves no query, and refuses a duplicate only of the rows it holds, "
                    "which may not be all of the table's"
                )
            else:
                effect = "it serves no query, though every write still updates it"
            rebuild = "once no two rows share its key" if index.unique else "to make it valid"
            ctx.diff(
                "index",
                left.name,
                None,
                index.name,
                text if on_left else None,
                None if on_left else text,
                f"index {name} {index.describe()} on {ctx.table_shown(left.name)} is INVALID in "
                f"{ctx.label('left' if on_left else 'right')} (left by a CREATE INDEX "
                f"CONCURRENTLY or REINDEX CONCURRENTLY that failed): {effect}",
                hint=f"drop it (DROP INDEX CONCURRENTLY {name}), or rebuild it (REINDEX INDEX "
                f"CONCURRENTLY {name}) {rebuild}",
            )
