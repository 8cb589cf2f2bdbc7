"""SQLite's NOT NULL ON CONFLICT REPLACE where the default it puts in place of a NULL is refused
(see ``stage``): a REPLACE on a NOT NULL stores the column's default instead of the NULL, and
where that default fails, or the column's own CHECK (or type) refuses it (``CHECK (n > 0) NOT
NULL ON CONFLICT REPLACE DEFAULT 0``), the row fails all the same: the clause never acts, and
is the plain NOT NULL (stranger58 003; checked on SQLite 3.40: an explicit NULL, an omitted
column, UPDATE ... SET n = NULL, a multi-row VALUES). Whether the default is refused is decided
by running it (``failing_defaults.omitting_fails``); the clause with no default or DEFAULT NULL
is left out before (``normalize_keys.conflicts_moot``)."""

from __future__ import annotations

from twinschema.evaluate.context import StageContext, find
from twinschema.evaluate.failing_defaults import omitting_fails
from twinschema.model import ConflictClause, Table

# The equivalence rule a moot clause is listed under.
MOOT_REPLACE = "ON CONFLICT REPLACE never acts: the default it puts in is refused"


def refused_replacements(st: StageContext) -> None:
    """Drop each one-sided NOT NULL ON CONFLICT REPLACE difference whose column's default is
    refused on its own side, listing it as an equivalence instead."""
    for d in list(st.comparison.differences):
        if d.kind != "dialect_object" or d.table is None or (d.left is None) == (d.right is None):
            continue
        side = st.left if d.left is not None else st.right
        if side.schema.dialect != "sqlite":
            continue
        table, _ = find(side, d.table, "")
        clause = _clause(table, d.left or d.right or "")
        if table is None or clause is None or len(clause.columns) != 1:
            continue
        _, column = find(side, d.table, clause.columns[0])
        if column is None or column.default is None or column.nullable:
            continue
        st.note("sqlite")
        if omitting_fails(st, side, table, column):
            st.result.evaluated += 1
            st.drop(d)
            plain = f"{column.name} NOT NULL"
            st.equivalence(d, MOOT_REPLACE, left=d.left or plain, right=d.right or plain)


def _clause(table: Table | None, shown: str) -> ConflictClause | None:
    """The NOT NULL ON CONFLICT REPLACE clause of ``table`` that a difference shows."""
    if table is None:
        return None
    return next(
        (
            c
            for c in table.conflict_clauses
            if c.constraint == "NOT NULL" and c.algorithm == "REPLACE" and c.describe() == shown
        ),
        None,
    )
