"""Unique rules on a column with a declared NUMERIC scale, judged on probe rows (see ``stage``).

``x NUMERIC(6,2) UNIQUE`` is spelled alike on both dialects, yet PostgreSQL rounds a value to
the scale on store and SQLite keeps it as written (``typemap_storage.ENFORCES_SCALE``): 0.001
and 0.002 are two keys on SQLite and one (0.00) on PostgreSQL. Across dialects, each PRIMARY
KEY, UNIQUE constraint and unique index on bare columns that both sides have (the comparer
paired them: same columns and predicate) and that holds such a column is run over the same probe
rows (``index_keys.judge_keys``; a NUMERIC(p,s) column is probed one decimal beyond s): two rows
one side takes as a duplicate and the other does not are the witness of a difference. A row a
side's CHECK rejects (``CHECK (x = round(x, 2))``, which keeps SQLite's column to the scale) is
stored by neither, so such a CHECK makes the rule the same again (its own difference, a value
PostgreSQL rounds and SQLite refuses, is the CHECK's). An unscaled NUMERIC is judged the same
way (``typemap_storage.DOUBLE_UNSCALED``): SQLite keeps 0.5 and 0.50000000000000001 as one
double, PostgreSQL as two keys; a NUMERIC is then probed past a double's precision.
"""

from __future__ import annotations

from dataclasses import dataclass

from twinschema.canonical.identifiers import quoted
from twinschema.evaluate.column_reasons import scale_reasons
from twinschema.evaluate.context import StageContext, matched_tables
from twinschema.evaluate.index_keys import KeyOptions, judge_keys, key_text
from twinschema.evaluate.witness_fields import Written
from twinschema.model import Table


@dataclass(frozen=True)
class _Rule:
    """A unique rule on bare columns: what it is, its columns as written, its predicate."""

    kind: str  # "primary_key" or "unique"
    columns: tuple[str, ...]
    where: str | None  # canonical (pairs the two sides)
    raw_where: str | None  # as written (what runs)
    nulls_distinct: bool
    shown: str

    @property
    def key(self) -> tuple[frozenset[str], str | None]:
        return frozenset(c.lower() for c in self.columns), self.where


def scaled_keys(st: StageContext) -> None:
    """Report each unique rule both sides have whose key a declared scale parts (module
    docstring)."""
    if not st.cross:
        return
    for lt, rt in matched_tables(st):
        rights = {r.key: r for r in _rules(rt)}
        for left in _rules(lt):
            right = rights.get(left.key)
            if right is None:
                continue
            reasons = scale_reasons(st, lt.name, set(left.key[0]))
            if not reasons:
                continue
            witness = _judge(st, (lt, rt), left, right)
            if witness is None:
                continue
            st.dependent_difference(
                left.kind,
                lt.name,
                None,
                left.shown,
                right.shown,
                (f"{left.shown} on {lt.name}", "; ".join(reasons), witness.text),
                witness=witness.witness,
            )


def _rules(table: Table) -> list[_Rule]:
    """The table's PRIMARY KEY, UNIQUE constraints and unique indexes on bare columns."""
    found: list[_Rule] = []
    if table.primary_key:
        names = ", ".join(table.primary_key)
        found.append(
            _Rule("primary_key", table.primary_key, None, None, True, f"PRIMARY KEY ({names})")
        )
    for unique in table.uniques:
        names = ", ".join(unique.columns)
        found.append(
            _Rule("unique", unique.columns, None, None, unique.nulls_distinct, f"UNIQUE ({names})")
        )
    columns = {c.name.lower() for c in table.columns}
    for index in table.indexes:
        if index.unique and all(e.lower() in columns for e in index.expressions):
            found.append(
                _Rule(
                    "unique",
                    index.expressions,
                    index.where,
                    index.raw_where or index.where,
                    index.nulls_distinct,
                    index.describe(),
                )
            )
    return found


def _judge(
    st: StageContext, tables: tuple[Table, Table], left: _Rule, right: _Rule
) -> Written | None:
    """The witness of two rows one side's rule takes as a duplicate and the other's does not
    (rows a side's CHECK rejects left out), or None (equal on the probes, or not evaluated)."""
    keys = tuple((tuple(quoted(c) for c in rule.columns), rule.raw_where) for rule in (left, right))
    texts = tuple(key_text(k) for k in keys)
    options = KeyOptions(nulls_distinct=(left.nulls_distinct, right.nulls_distinct))
    judged = judge_keys(st, tables[0].name, (keys[0], keys[1]), (texts[0], texts[1]), options)
    return judged.witness[0] if judged is not None and judged.witness is not None else None
