"""The difference records, where modules written before ``twinschema.records`` import them."""

from __future__ import annotations

from twinschema.records.differences import (
    ALLOWABLE_KINDS,
    DIFFERENCE_KINDS,
    SEVERITY_ERROR,
    SEVERITY_WARNING,
    Difference,
    Equivalence,
    FixSide,
    FixSite,
    Severity,
)

__all__ = [
    "ALLOWABLE_KINDS",
    "DIFFERENCE_KINDS",
    "SEVERITY_ERROR",
    "SEVERITY_WARNING",
    "Difference",
    "Equivalence",
    "FixSide",
    "FixSite",
    "Severity",
]
