"""A foreign key over a column that is text on one side and a PostgreSQL uuid, jsonb, date,
timestamp, timestamptz or time on the other (stranger73 005): SQLite finds the parent row by
the text as spelt, PostgreSQL by the value, so a child row that spells its parent's key
otherwise ('2025-01-02T12:00:00+02:00' against '2025-01-02T10:00:00Z', an upper-case uuid) is
refused by SQLite ("FOREIGN KEY constraint failed") and stored by PostgreSQL (checked on real
SQLite 3.40 and PostgreSQL 16), and ON UPDATE / DELETE CASCADE reaches other children. As for
the parent's UNIQUE rule over such a column (``crossing._unique_findings``), each key column
whose two spellings (``crossing_values.SPELLINGS``), stored in both real parent columns, are two values
on one side and one on the other is a ``value_compatibility`` warning on the child's column."""

from __future__ import annotations

from typing import Any

from twinschema.canonical import typemap
from twinschema.evaluate.backends import REJECTED, Backend
from twinschema.evaluate.context import StageContext, find
from twinschema.evaluate.crossing import column_checks, warning
from twinschema.evaluate.crossing_outcomes import same
from twinschema.evaluate.crossing_values import SPELLINGS
from twinschema.model import Column, ForeignKey, Table
from twinschema.model_shown import column_shown
from twinschema.records.dialects import DIALECT_NAMES


def findings(st: StageContext, backends: dict[str, Backend]) -> list[tuple[bool, Any]]:
    """The warnings (none breaks a push: SQLite refuses the child row PostgreSQL stores) for
    each key column of a foreign key both sides have whose parent column compares spellings
    on one side and values on the other."""
    if not st.cross or len(backends) < 2:
        return []
    found: list[tuple[bool, Any]] = []
    for name, lt in st.left.schema.tables.items():
        rt, _ = find(st.right, name, "")
        if rt is None:
            continue
        for key in lt.foreign_keys:
            if key not in rt.foreign_keys:
                continue  # a key of one side only, or otherwise, is the comparer's
            found += _key(st, backends, (lt, rt), key)
    return found


def _key(
    st: StageContext, backends: dict[str, Backend], tables: tuple[Table, Table], key: ForeignKey
) -> list[tuple[bool, Any]]:
    """The warnings of one foreign key both sides have (``findings``)."""
    lt, rt = tables
    lp, _ = find(st.left, key.ref_table, "")
    rp, _ = find(st.right, key.ref_table, "")
    if lp is None or rp is None:
        return []
    ld, rd = st.left.schema.dialect, st.right.schema.dialect
    found: list[tuple[bool, Any]] = []
    for child, parent in zip(key.columns, key.ref_columns, strict=True):
        lc, rc = lt.column(child), rt.column(child)
        lpc, rpc = lp.column(parent), rp.column(parent)
        if None in (lc, rc, lpc, rpc):
            continue
        assert lc and rc and lpc and rpc
        if lpc.collation is not None or rpc.collation is not None:
            continue  # a collation's own comparisons are the collation's difference
        pair = SPELLINGS.get(typemap.shared_kind(lpc.type, rpc.type) or "")
        if pair is None:
            continue
        lgot = _stored(st, backends[ld], ld, (lp, lpc), pair, left=True)
        rgot = _stored(st, backends[rd], rd, (rp, rpc), pair, left=False)
        if lgot is None or rgot is None or REJECTED in (*lgot, *rgot):
            continue
        apart = {ld: not same(*lgot), rd: not same(*rgot)}
        if apart[ld] == apart[rd]:
            continue
        two, one = (ld, rd) if apart[ld] else (rd, ld)
        message = (
            f"{column_shown(lt, rt, child)}: its foreign key to {key.ref_table}({parent}) "
            f"compares different things: a child row holding {pair[1]!r} finds the parent row "
            f"holding {pair[0]!r} on {DIALECT_NAMES[one]}, which stores it, not on "
            f"{DIALECT_NAMES[two]}, which refuses it (a sync of such a row to "
            f"{DIALECT_NAMES[two]} fails, and ON UPDATE / DELETE reaches other child rows)"
        )
        layer = st.layer or "diff"
        found.append((False, warning(layer, st.left, st.right, lt.name, lc, rc, message)))
    return found


def _stored(
    st: StageContext,
    backend: Backend,
    dialect: str,
    parent: tuple[Table, Column],
    pair: tuple[str, str],
    *,
    left: bool,
) -> list[Any] | None:
    """The two spellings as the parent column of one side stores them (its CHECKs too), or
    None where they could not be stored."""
    table, column = parent
    side = st.left if left else st.right
    return st.ev.crossing.stored(
        backend, dialect, table, column, column_checks(side, table, column), list(pair)
    )
