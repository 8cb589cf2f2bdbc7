"""Two uniqueness rules on the same columns of one table, held together as one rule.

The comparer pairs rules by their columns, so the canonical model keeps one rule per set of
columns. What two such rules let through together is what the stricter of them lets through,
with one fact of each kept: NULLS NOT DISTINCT from either (two rows with NULLs collide), and
DEFERRABLE from either (the database refuses an upsert whose ``ON CONFLICT`` target a DEFERRABLE
rule matches, a NOT DEFERRABLE rule on the same columns beside it or not), while a NOT
DEFERRABLE rule or unique index beside a DEFERRABLE one refuses two equal rows at once
(``indexed``). Checked on PostgreSQL 16: ``UNIQUE (x)`` beside ``UNIQUE (x) DEFERRABLE`` refuses
``ON CONFLICT (x)`` and a swap of two rows' values in one statement alike.
"""

from __future__ import annotations

from twinschema.model import UniqueConstraint


def held_together(kept: UniqueConstraint, other: UniqueConstraint) -> UniqueConstraint:
    """``kept`` and ``other`` (a UNIQUE constraint or a full unique index on the same columns)
    as the one rule the table holds, named as ``kept``.

    Where the two differ both in NULLS [NOT] DISTINCT and in when they are checked, the one
    rule checks rows with NULLs as early as the rows without: a renumbering that only moves
    NULLs is the one statement this can misjudge."""
    rules = (kept, other)
    deferrable = [r for r in rules if r.deferrable]
    return UniqueConstraint(
        kept.columns,
        kept.name,
        nulls_distinct=kept.nulls_distinct and other.nulls_distinct,
        deferrable=bool(deferrable),
        initially_deferred=bool(deferrable) and all(r.initially_deferred for r in deferrable),
        indexed=any(r.indexed for r in rules) or 0 < len(deferrable) < len(rules),
    )
