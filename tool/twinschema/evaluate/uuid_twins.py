"""The hint of a CHECK on SQLite's text twin of a PostgreSQL uuid, on that side only, that
refuses only spellings PostgreSQL takes and rewrites (stranger86 006): ``id TEXT CHECK
(length(id) = 36)`` against ``id uuid`` was told "has no function length(uuid) to run it:
write the same rule in PostgreSQL's own terms there", which sends the user to write
``length(id::text) = 36``, always true. Run on SQLite 3.40 and PostgreSQL 16, PostgreSQL takes
'a0eebc999c0b4ef8bb6d6bb9bd380a11' (32 digits) and 'A0EEBC99-...', which such a CHECK refuses,
and stores each as its 36-character lower-case text, which the CHECK accepts. As for an
upper-case UUID under ``id = lower(id)`` (stranger57 131), the difference stands with that
row as its witness, as written (an application writing that spelling to both is refused by
one); the hint now says there is nothing to write on PostgreSQL, only that choice. Near miss:
``length(id) = 32`` refuses what PostgreSQL stores too (a witness stored as written) and
keeps its hint."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from twinschema.canonical import typemap
from twinschema.evaluate.context import StageContext, find, logical_name
from twinschema.evaluate.probe_sets import ProbeSet
from twinschema.evaluate.stored_rows import Parting
from twinschema.records import Difference

# The probe uuid as PostgreSQL prints it, and other spellings of it PostgreSQL 16 takes and
# stores as that: its 32 digits without hyphens and in braces. Tried for a CHECK on one side
# only (a pair's other spellings are a value_compatibility warning: stranger59 012).
CANONICAL = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
SPELLINGS = ("a0eebc999c0b4ef8bb6d6bb9bd380a11", "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}")


def spelled(rows: ProbeSet, side: str) -> tuple[tuple[Any, ...], ...]:
    """Rows to try beside ``rows`` for a CHECK on ``side`` only: each row holding the probe
    uuid in a column the other side's PostgreSQL types uuid, with it in each of ``SPELLINGS``."""
    other = rows.right if side == "left" else rows.left
    at = [
        i
        for i, (_, ctype) in enumerate(other)
        if ctype.dialect == "postgresql" and "uuid" in typemap.kinds_of(ctype)
    ]
    return tuple(
        (*row[:i], spelling, *row[i + 1 :])
        for row in rows.rows
        for i in at
        if row[i] == CANONICAL
        for spelling in SPELLINGS
    )


def retold(
    st: StageContext, d: Difference, side: str, columns: set[str], refused: Sequence[Parting]
) -> Difference:
    """``d``, a CHECK on ``side`` only over its own ``columns``, with the hint above where the
    other side is PostgreSQL, each of those columns a uuid there, and each row it refuses that
    side takes (``refused``) one that side stores in a form it accepts; else ``d``."""
    own, other = (st.left, st.right) if side == "left" else (st.right, st.left)
    ways = d.ways
    if other.schema.dialect != "postgresql" or d.table is None or ways is None or ways.agree:
        return d
    if not refused or not all(p.written_only for p in refused):
        return d
    for name in columns:
        twin = find(other, d.table, logical_name(own, d.table, name))[1]
        if twin is None or "uuid" not in typemap.kinds_of(twin.type):
            return d
    where = st.side_name("right" if side == "left" else "left")
    instead = (
        f"nothing to write in {ways.add_to}: its uuid stores each value as its 36-character "
        f"lower-case text, which this CHECK accepts (the same rule on that text is always "
        f"true there); the CHECK refuses only other spellings {where} takes and rewrites, as "
        f"the witness shows: keep it and allow it below if the application writes that form "
        f"alone"
    )
    return st.swap(d, d.reworded(replace(ways, instead=instead)))
