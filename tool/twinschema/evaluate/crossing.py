"""Values that cross the sync boundary: probe values run through both real columns of a
cross-dialect pair (scratch copies of each column, with the CHECKs that read only it), and the
values one side stores that the other rejects or changes reported as ``value_compatibility``
warnings, with the direction that fails.

No finding where the weaker side enforces the same rule itself: its CHECK is in the copy, so
it rejects the value too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from twinschema.evaluate import probes
from twinschema.evaluate.backends import Backend, type_sql
from twinschema.evaluate.values import convert
from twinschema.model import Column, Table
from twinschema.records import SEVERITY_WARNING, Difference, Side

KIND = "value_compatibility"
DIALECT_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def probe_values(kind: str | None, length: int | None, scale: int | None) -> list[tuple[str, Any]]:
    """The values worth trying in a column of ``kind``, each with how a message names it."""
    found: list[tuple[str, Any]] = []
    if kind in ("text", "varchar", "char") and length is not None:
        found.append((f"a string of {length + 1} characters", "x" * (length + 1)))
    if kind in ("integer", "smallint"):
        limit = 2**31 if kind == "integer" else 2**15
        found.append((f"the integer {limit} (past {kind})", limit))
    if kind == "bigint":
        found.append(("the integer 2^63 (past bigint)", 2**63))
    if kind == "numeric" and scale is not None:
        value = Decimal(1).scaleb(-(scale + 1)) + 1
        found.append((f"the number {value} (more digits than scale {scale})", value))
    if kind == "uuid":
        found.append(("the text 'not-a-uuid'", "not-a-uuid"))
    if kind in ("timestamp", "timestamptz", "date"):
        found.append(("the text 'yesterday-ish'", "yesterday-ish"))
    if kind == "boolean":
        found.append(("the integer 2", 2))
    if kind == "json":
        found.append(("the text '{not json'", "{not json"))
    return found


class Crossing:
    """Runs the probe values of each distinct column shape once per dialect (a cache)."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str, tuple[str, ...], tuple[Any, ...]], list[Any] | None] = {}

    def stored(
        self, backend: Backend, dialect: str, column: Column, checks: Sequence[str],
        values: Sequence[Any],
    ) -> list[Any] | None:  # fmt: skip
        """For each value: what the column stores (read back), or ``REJECTED``; None when the
        column cannot be made on this dialect's scratch database."""
        key = (dialect, type_sql(column.type), tuple(checks), tuple(values))
        if key not in self._seen:
            self._seen[key] = backend.store(column.name, column.type, list(checks), list(values))
        return self._seen[key]


def column_checks(side: Side, table: Table, column: Column) -> list[str]:
    """The raw CHECKs of ``table`` that read ``column`` and nothing else."""
    found = []
    for check in table.checks:
        text = check.raw or check.expression
        reads = probes.reads(side.schema.dialect, text)
        if reads is not None and {c.lower() for c in reads.columns} == {column.name.lower()}:
            found.append(text)
    return found


def findings(
    left: Side,
    right: Side,
    backends: dict[str, Backend],
    crossing: Crossing,
    layer: str,
) -> list[tuple[bool, Difference]]:
    """The ``value_compatibility`` warnings of two sides of different dialects, each with
    whether it breaks a push (SQLite stores the value, PostgreSQL rejects it)."""
    from twinschema import typemap
    from twinschema.evaluate.backends import REJECTED

    found: list[tuple[bool, Difference]] = []
    ld, rd = left.schema.dialect, right.schema.dialect
    for name, lt in left.schema.tables.items():
        rt = right.schema.tables.get(name)
        if rt is None:
            continue
        for lc in lt.columns:
            rc = rt.column(lc.name)
            if rc is None:
                continue
            kind = typemap.shared_kind(lc.type, rc.type)
            length = lc.type.length if lc.type.length is not None else rc.type.length
            scale = lc.type.scale if lc.type.scale is not None else rc.type.scale
            values = probe_values(kind, length, scale)
            if not values:
                continue
            raw = [v for _, v in values]
            lgot = crossing.stored(backends[ld], ld, lc, column_checks(left, lt, lc), raw)
            rgot = crossing.stored(backends[rd], rd, rc, column_checks(right, rt, rc), raw)
            if lgot is None or rgot is None:
                continue
            for (said, _), a, b in zip(values, lgot, rgot, strict=True):
                if a is REJECTED and b is REJECTED:
                    continue
                if a is not REJECTED and b is not REJECTED:
                    if _same(convert(a, kind), convert(b, kind)):
                        continue
                    what = (
                        f"{DIALECT_NAMES[ld]} stores {_shown(a)}, {DIALECT_NAMES[rd]} {_shown(b)}"
                    )
                    direction = "changed on the way"
                    push = False
                else:
                    keeps, refuses = (ld, rd) if b is REJECTED else (rd, ld)
                    push = keeps == "sqlite" and refuses == "postgresql"
                    what = f"{DIALECT_NAMES[keeps]} stores it, {DIALECT_NAMES[refuses]} rejects it"
                    direction = f"a {DIALECT_NAMES[keeps]} to {DIALECT_NAMES[refuses]} sync fails"
                found.append(
                    (
                        push,
                        Difference(
                            layer=layer,
                            kind=KIND,
                            table=name,
                            column=lc.name,
                            name=lc.name,
                            left=lc.type.raw or lc.type.spelling(),
                            right=rc.type.raw or rc.type.spelling(),
                            message=f"{name}.{lc.name}: {said}: {what} ({direction})",
                            hint="enforce the same rule on both sides (a CHECK on the side that "
                            "stores it), or allow it in domain.yaml with a reason",
                            severity=SEVERITY_WARNING,
                            left_source=left.label,
                            right_source=right.label,
                        ),
                    )
                )
    return found


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and bool(a == b)


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return repr(value if len(value) <= 12 else value[:9] + "...")
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)
