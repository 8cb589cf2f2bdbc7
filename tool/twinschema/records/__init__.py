"""The bottom floor: the records every stage passes up (results, differences, sides) and the
facts every stage shares (the dialects and how dependencies name them, the difference kinds).
Imports nothing of twinschema but the neutral model (``twinschema.model``) and the exit codes."""

from __future__ import annotations

from twinschema.records.accepted import Accepted
from twinschema.records.comparison import Comparison, Disowned, GuessedWitness, Side
from twinschema.records.dialects import (
    DIALECTS,
    POSTGRESQL,
    SQLGLOT_DIALECTS,
    SQLITE,
    sqlalchemy_dialect,
)
from twinschema.records.differences import (
    ALLOWABLE_KINDS,
    DIFFERENCE_KINDS,
    NAMES_SPELLED_APART,
    SEVERITY_ERROR,
    SEVERITY_WARNING,
    VALUE_COMPATIBILITY,
    VIEW_ALLOWABLE_KINDS,
    Difference,
    Equivalence,
    FixSide,
    FixSite,
    Severity,
    Witness,
)
from twinschema.records.results import LayerResult, Note, Report, Status

LAYERS = ("domain", "models", "live", "migrations")

__all__ = [
    "ALLOWABLE_KINDS",
    "DIALECTS",
    "DIFFERENCE_KINDS",
    "LAYERS",
    "NAMES_SPELLED_APART",
    "POSTGRESQL",
    "SEVERITY_ERROR",
    "SEVERITY_WARNING",
    "SQLGLOT_DIALECTS",
    "SQLITE",
    "VALUE_COMPATIBILITY",
    "VIEW_ALLOWABLE_KINDS",
    "Accepted",
    "Comparison",
    "Difference",
    "Disowned",
    "Equivalence",
    "FixSide",
    "FixSite",
    "GuessedWitness",
    "LayerResult",
    "Note",
    "Report",
    "Severity",
    "Side",
    "Status",
    "Witness",
    "sqlalchemy_dialect",
]
