"""An enum on one side against text kept to the same labels on the other (a CHECK ... IN list:
SQLAlchemy's own ``sa.Enum`` on SQLite): the comparer accepts the pair (rule ``enum``), since
both accept the same values, but an enum sorts by its declared order and text by its collation,
so ``ORDER BY``, ``min``/``max`` and ``<`` on the column answer otherwise wherever the labels
are not declared in the text's order (stranger73 010). That is a ``value_compatibility``
warning naming both orders, each read on its own real (scratch) database: every two labels
compared with ``<`` in a copy of the column as declared (its collation too), so BINARY, NOCASE
or any other collation sorts as the checked database does. Labels declared in that order, two
enums (the comparer compares their order) and two IN lists are no warning."""

from __future__ import annotations

from dataclasses import astuple
from itertools import permutations
from typing import Any

from twinschema.evaluate.backends import Backend
from twinschema.evaluate.context import StageContext, find, matched_columns
from twinschema.evaluate.crossing import warning
from twinschema.evaluate.statements import probe_column
from twinschema.model import Column
from twinschema.model_shown import column_shown
from twinschema.records import Witness
from twinschema.records.dialects import DIALECT_NAMES
from twinschema.records.hint_ways import Offer

# The differences on a column that already say its values part the two sides.
_SAID = frozenset({"enum", "column_type"})

HINT = Offer(
    "sort by the declared order where it matters (ORDER BY a CASE over the labels on the text "
    "side, or the enum cast to text on the other), or declare the enum's labels in the text "
    "side's order; or "
)


def findings(st: StageContext, backends: dict[str, Backend]) -> list[tuple[bool, Any]]:
    """The warnings (none breaks a push) for each column pair that is an enum on one side only
    and accepted as the same, whose labels the two real databases sort in other orders."""
    if not st.cross:
        return []
    parted = {(d.table, d.column) for d in st.comparison.differences if d.kind in _SAID}
    found: list[tuple[bool, Any]] = []
    layer = st.layer or "diff"
    for table, lc, rc in matched_columns(st):
        enums = [
            c.type.name == "enum" and bool(c.type.values) and not c.type.array for c in (lc, rc)
        ]
        if enums[0] == enums[1] or (table.name, lc.name) in parted:
            continue  # two enums, two texts, or a difference that says they part
        labels = tuple((lc if enums[0] else rc).type.values or ())
        orders = []
        for side, column in ((st.left, lc), (st.right, rc)):
            order = _kept_order(st, backends, side.schema.dialect, column, labels)
            if order is None:
                break
            orders.append(order)
        if len(orders) < 2 or orders[0] == orders[1]:
            continue
        shown = column_shown(table, find(st.right, table.name, "")[0], lc.name)
        said, kept = _said(st, lc.name, (lc, rc), (orders[0], orders[1]), enums[0])
        message = f"{shown}: {said}"
        found_warning = warning(layer, st.left, st.right, table.name, lc, rc, message, HINT)
        # The row the witness query keeps on the left side only, as data (JSON's ``witness``).
        witness = Witness(table.name, (lc.name,), (kept[0],), "left", kept[1])
        found.append((False, found_warning.given(witness)))
    return found


def _kept_order(
    st: StageContext,
    backends: dict[str, Backend],
    dialect: str,
    column: Column,
    labels: tuple[str, ...],
) -> tuple[str, ...] | None:
    """``_order`` on ``dialect``'s backend, run once per run for a column's name and type
    (every field, its spelling too) and the labels: the models and the live layer ask it of
    the same columns (the evaluator's ``crossing.orders``)."""
    name, ctype = probe_column(column)
    key = (dialect, name, astuple(ctype), labels)
    kept = st.ev.crossing.orders
    if key not in kept:
        kept[key] = _order(backends.get(dialect), column, labels)
    return kept[key]


def _order(
    backend: Backend | None, column: Column, labels: tuple[str, ...]
) -> tuple[str, ...] | None:
    """``labels`` as ``ORDER BY`` on ``column`` sorts them on ``backend``'s real database: each
    label ranked by how many others it takes as less (``a < b`` in a copy of the column, its
    collation too); None where that cannot be run there."""
    if backend is None or len(labels) < 2:
        return None
    name, ctype = probe_column(column)
    pair = [(f"{name}_a", ctype), (f"{name}_b", ctype)]
    less = '"' + pair[0][0].replace('"', '""') + '" < "' + pair[1][0].replace('"', '""') + '"'
    rows = list(permutations(labels, 2))
    got = backend.try_rows(pair, less, rows)
    if any(v is None for v in got):
        return None
    below = {label: 0 for label in labels}
    for (_, b), took in zip(rows, got, strict=True):
        below[b] += bool(took)
    ranked = sorted(labels, key=lambda label: below[label])
    if len({below[label] for label in labels}) < len(labels):
        return None  # two labels the collation takes as equal: no one order to show
    return tuple(ranked)


def _said(
    st: StageContext,
    column: str,
    cols: tuple[Column, Column],
    orders: tuple[tuple[str, ...], tuple[str, ...]],
    left_enum: bool,
) -> tuple[str, tuple[str, str]]:
    """The warning's words: each side's order, an ``ORDER BY`` and a ``<`` that part them; and
    the witness: the label that ``<`` keeps on the left side only, with the query's words."""
    names = [DIALECT_NAMES[s.schema.dialect] for s in (st.left, st.right)]
    what = [
        "its enum sorts in declared order" if enum else f"its text sorts by {_collation(c)}"
        for c, enum in zip(cols, (left_enum, not left_enum), strict=True)
    ]
    # The first two labels one side sorts one way and the other the other way.
    a, b = next(
        (x, y)
        for i, x in enumerate(orders[0])
        for y in orders[0][i + 1 :]
        if orders[1].index(y) < orders[1].index(x)
    )
    query = f"WHERE {column} < {_literal(b)} keeps {_literal(a)} on {names[0]} only"
    return (
        f"the same values sort in another order on each side ({names[0]}: {what[0]}; "
        f"{names[1]}: {what[1]}): ORDER BY {column} gives {', '.join(orders[0])} on "
        f"{names[0]} and {', '.join(orders[1])} on {names[1]}; {query} (min, max and range "
        f"queries on {column} answer otherwise)"
    ), (a, query)


def _collation(column: Column) -> str:
    """A text column's collation as the warning names it."""
    if column.collation is None:
        return "the default collation"
    return f"its collation {column.collation.name}"


def _literal(value: str) -> str:
    """A label as SQL writes it."""
    return "'" + value.replace("'", "''") + "'"
