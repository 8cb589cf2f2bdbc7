"""How a probe value crossed a cross-dialect column pair (``crossing``): what each side stored,
as a ``value_compatibility`` warning's text with whether it breaks a push, or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any, Protocol

from twinschema.evaluate import nan_crossing
from twinschema.evaluate.backends import REJECTED, Backend
from twinschema.evaluate.crossing_outcomes import (
    finer_parted,
    kept_as_written,
    same,
    value_shown,
)
from twinschema.evaluate.crossing_values import NAN
from twinschema.evaluate.handed_back import handed_back, taken_back
from twinschema.evaluate.value_convert import convert
from twinschema.model import Column, Table
from twinschema.records.dialects import DIALECT_NAMES, SQLITE

# One side's copy of a column: its backend, table, column and the CHECKs that read it alone.
Run = tuple[Backend, Table, Column, list[str]]


class Crossing(Protocol):
    """What runs a value through a column's copy (``crossing.Crossing``)."""

    def stored(
        self, backend: Backend, dialect: str, table: Table, column: Column,
        checks: Sequence[str], values: Sequence[Any],
    ) -> list[Any] | None:  # fmt: skip
        """For each value: what the column stores, or ``REJECTED``; None where it cannot run."""


def judged(
    crossing: Crossing, kind: str | None, probe: tuple[str, Any],
    got: tuple[tuple[str, Any], tuple[str, Any]], runs: dict[str, Run], parted: bool,
) -> tuple[bool, str] | None:  # fmt: skip
    """What the two sides did with a probe ``value`` (``got``: each dialect with what it
    stored, or ``REJECTED``), as a warning's text with whether it breaks a push; None when
    nothing crosses wrongly. What crosses is what one side stores: when the other side rejects
    the probe but the keeper changed it (PostgreSQL stores 1.5 as 2), the stored value is run
    on the rejecting side, and only its rejection (or change) is a finding; with ``parted``
    (the column has a warning for its scale anyway), for a number past the scale, that one
    side takes the insert the other refuses is one too (``finer_parted``): never a warning of
    its own where nothing crosses wrongly."""
    (ld, a), (rd, b) = got
    value = probe[1]
    if probe == NAN:
        return nan_crossing.judged(got, runs[SQLITE][2].nullable)
    if a is REJECTED and b is REJECTED:
        return None
    if a is not REJECTED and b is not REJECTED:
        if same(convert(a, kind), convert(b, kind)):
            return None
        names = f"{DIALECT_NAMES[ld]} stores {value_shown(a)}, {DIALECT_NAMES[rd]} {value_shown(b)}"
        return False, f"{names} (changed on the way)"
    keeps, kept, refuses = (ld, a, rd) if b is REJECTED else (rd, b, ld)
    keeper, refuser = DIALECT_NAMES[keeps], DIALECT_NAMES[refuses]
    push = keeps == "sqlite" and refuses == "postgresql"
    fails = f"(a {keeper} to {refuser} sync fails)"
    backend, table, column, checks = runs[refuses]
    if kept_as_written(kind, value, kept):  # a date is handed back in ISO form (handed_back)
        back = taken_back(kept, partial(crossing.stored, backend, refuses, table, column, checks))
        if back is not None:
            return False, handed_back(keeper, refuser, back)
        return push, f"{keeper} stores it, {refuser} rejects it {fails}"
    again = crossing.stored(backend, refuses, table, column, checks, [kept])
    shown = value_shown(kept)
    if again is None or again[0] is REJECTED:
        return push, f"{keeper} stores it as {shown}, {refuser} rejects it and {shown} {fails}"
    if same(convert(again[0], kind), convert(kept, kind)):
        if isinstance(value, str) and value.endswith(" ") and kept == value.rstrip(" "):
            # varchar(n) cuts the spaces past n where a CHECK on length refuses them (fuzz43 R4)
            return False, f"{refuser} rejects it, {keeper} stores it cut to {shown}"
        return finer_parted(probe[0], got) if parted else None
    changed = f"{refuser} {value_shown(again[0])} (changed on the way)"
    return False, f"{keeper} stores it as {shown}, {changed}"
