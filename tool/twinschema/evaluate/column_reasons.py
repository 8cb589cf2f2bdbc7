"""Why a column pair the comparer matched keeps or orders values otherwise on each side, read
from their declared types: a scale one dialect rounds to and the other ignores (or an unscaled
NUMERIC kept as a double on one side), an enum whose declared order is not its labels' text
order. The CHECK stage names these as the reasons two spellings part."""

from __future__ import annotations

from typing import Any

from twinschema.evaluate.context import StageContext, find
from twinschema.model import Column
from twinschema.records.dialects import DIALECT_NAMES


def scale_reasons(
    st: StageContext, table: str, names: set[str], doubles: bool = True,
    witness: dict[str, list[Any]] | None = None,
) -> list[str]:  # fmt: skip
    """Why each of the columns ``names`` of ``table`` is stored otherwise on each side: a
    declared scale one dialect rounds to and the other ignores, or (``doubles``) an unscaled
    NUMERIC one dialect keeps as a double and the other exactly (``probes.scale_parts``).
    Given the values each column takes on the witness rows (``witness``), a scaled column whose
    values all fit its scale is no reason by its rounding, but by the double the other side
    keeps a fraction as (2.01 * 1000 is 2009.9999999999998 on SQLite), where one is no double,
    else none (``_scaled_witness``)."""
    from twinschema.evaluate.probes import scale_parts

    reasons = []
    for name in sorted({n.lower() for n in names}):
        left, right = find(st.left, table, name)[1], find(st.right, table, name)[1]
        if left is None or right is None:
            continue
        reason = scale_parts(left, right, doubles)
        seen = None if witness is None else witness.get(name)
        if reason is not None and seen is not None:
            reason = _scaled_witness(reason, (left, right), seen)
        if reason is not None:
            reasons.append(reason)
    return reasons


def _scaled_witness(reason: str, columns: tuple[Column, Column], seen: list[Any]) -> str | None:
    """``reason`` for a scaled column whose witness values ``seen`` have more decimals than
    its scale; for one whose values fit it, ``SCALED_DOUBLE_REASON`` on a fraction no double
    holds, else None; ``reason`` as it is for an unscaled column."""
    from twinschema.canonical import typemap_storage as storage
    from twinschema.evaluate import scaled_values

    rounding = [c for c in columns if c.type.scale is not None and c.type.dialect in (
        storage.ENFORCES_SCALE)]  # fmt: skip
    if not rounding or scaled_values.finer(seen, rounding[0].type.scale or 0):
        return reason
    value = scaled_values.no_double(seen)
    if value is None:
        return None
    double = next(c for c in columns if c.type.dialect not in storage.ENFORCES_SCALE)
    return storage.SCALED_DOUBLE_REASON.format(
        column=double.name, scale=rounding[0].type.scale, value=value,
        near=_double_shown(value), double=DIALECT_NAMES[double.type.dialect],
        exact=DIALECT_NAMES[rounding[0].type.dialect],
    )  # fmt: skip


def _double_shown(value: Any) -> str:
    """The double of ``value`` to 17 significant digits (2.0099999999999998 for 2.01), to 20
    where 17 print ``value`` back (1.9899999999999999911 for 1.99)."""
    from decimal import Decimal

    shown = format(float(value), ".17g")
    return shown if Decimal(shown) != value else format(Decimal(float(value)), ".20g")


def enum_order(st: StageContext, table: str, column: str) -> str:
    """Why ``<`` on ``column`` parts the dialects: ``s is an enum on PostgreSQL (...), text on
    SQLite (...)``."""
    _, left = find(st.left, table, column)
    enum, other = ("left", "right") if left is not None and left.type.values else ("right", "left")
    return (
        f"{column} is an enum on {st.side_name(enum)} (< follows the declared order of its "
        f"labels), text on {st.side_name(other)} (< follows text order)"
    )


def enum_ordered(st: StageContext, table: str, column: str) -> bool:
    """True when ``column`` is a PostgreSQL enum on one side whose declared order is not the
    order of its labels as text (what ``<`` follows on the other side's TEXT kept to a list)."""
    for side in (st.left, st.right):
        _, found = find(side, table, column)
        values = found.type.values if found is not None else None
        if values is not None and list(values) != sorted(values):
            return True
    return False
