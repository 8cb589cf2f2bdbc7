"""The values a column holds, in neutral records (part of the model, see ``model``): a type as
its dialect spells it, a collation reduced to what it makes equal, and a generating expression.
``model`` re-exports them with the records built from them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class DomainCheck:
    """One CHECK of a PostgreSQL domain's definition: its text as the definition writes it
    (``CHECK ((VALUE >= 0))``), the domain that holds it (the column's, or one it is made over)
    and the constraint's name (None where the source names none)."""

    text: str
    domain: str
    name: str | None = None
    # The statement that drops it, in its database's SQL; None where the source has no name.
    drop: str | None = None
    # Set by ``normalize`` where ``domain`` is a base of the column's domain: the column's.
    via: str | None = None
    # Not validated (added NOT VALID): new values are checked, rows stored before may break it.
    not_valid: bool = False

    def said(self) -> str:
        """How a message names it: ``CHECK brix_min of domain brix``, with ``(the base of d2)``
        where its domain is one the column's is made over (stranger68 012), and ``(NOT VALID:
        ...)`` where it was added unvalidated: it refuses new values, not the rows already
        stored (stranger73 006)."""
        what = f"CHECK {self.name}" if self.name else "a CHECK"
        via = f" (the base of {self.via})" if self.via else ""
        valid = (
            " (NOT VALID: it refuses new values; rows stored before it was added may break it)"
            if self.not_valid
            else ""
        )
        return f"{what} of domain {self.domain}{via}{valid}"


@dataclass(frozen=True, slots=True)
class ColumnType:
    """A column type as one dialect spells it: a lower-case base name plus its parameters."""

    dialect: str
    name: str
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    values: tuple[str, ...] | None = None  # enum labels, in declaration order
    array: bool = False
    raw: str = field(default="", compare=False)
    # A PostgreSQL domain's definition (base type, NOT NULL, CHECKs), compared exactly.
    definition: str | None = None
    # Of a domain's definition, where the source reads it: the domain that holds its NOT NULL
    # (this one, or a domain it is made over: ``CREATE DOMAIN d2 AS d1``), and each CHECK's
    # domain and name, for messages (``ALTER DOMAIN d1 DROP NOT NULL`` changes d2's columns).
    not_null_by: str | None = field(default=None, compare=False)
    domain_checks: tuple[DomainCheck, ...] = field(default=(), compare=False)

    def spelling(self) -> str:
        """The type as people read it: ``character varying(40)``, ``enum('a', 'b')``."""
        # A zone clause follows the modifier: ``time(0) without time zone``, never
        # ``time without time zone(0)``, which no database reads.
        name, zone = self.name, ""
        for clause in (" with time zone", " without time zone"):
            if name.endswith(clause):
                name, zone = name[: -len(clause)], clause
        text = name
        if self.values is not None:
            text += "(" + ", ".join(repr(v) for v in self.values) + ")"
        elif self.length is not None:
            text += f"({self.length})"
        elif self.precision is not None:
            text += f"({self.precision}" + (f", {self.scale})" if self.scale is not None else ")")
        text += zone + ("[]" if self.array else "")
        return text if self.definition is None else f"{text} ({self.definition})"


# What a collation does to equality, in neutral words: the dialects' collations are reduced to
# these by their adapters (data tables there), so that the comparer can tell, across dialects,
# whether two collations make different values equal. EXACT: no two different values are equal
# (SQLite's BINARY, every deterministic PostgreSQL collation).
EQUALITY_EXACT = "exact"
EQUALITY_CASE = "case"  # equal ignoring letter case (all letters): an ICU ks-level2 collation
# Equal ignoring the case of ASCII letters only: SQLite's NOCASE ('Bob' = 'bob', 'Ä' <> 'ä').
EQUALITY_ASCII_CASE = "ascii-case"
EQUALITY_CASE_ACCENT = "case-accent"  # equal ignoring case and accents: ICU ks-level1
EQUALITY_TRAILING_SPACE = "trailing-space"  # equal ignoring trailing spaces: SQLite RTRIM
EQUALITY_MEANINGS: Mapping[str, str] = MappingProxyType(
    {
        EQUALITY_EXACT: "different values are never equal",
        EQUALITY_CASE: "values that differ only in letter case are equal ('Bob' = 'bob')",
        EQUALITY_ASCII_CASE: "values that differ only in the case of ASCII letters are equal "
        "('Bob' = 'bob', not 'Ä' = 'ä')",
        EQUALITY_CASE_ACCENT: "values that differ only in case or accents are equal",
        EQUALITY_TRAILING_SPACE: "values that differ only in trailing spaces are equal",
    }
)

# Generated columns: how the value is kept.
GENERATED_STORED = "stored"
GENERATED_VIRTUAL = "virtual"


@dataclass(frozen=True, slots=True)
class Collation:
    """A collation other than its dialect's default: its name as the dialect spells it, and
    what it does to equality (one of the EQUALITY_* words; None when the source cannot know,
    e.g. a PostgreSQL collation a metadata module names without defining it)."""

    name: str
    equality: str | None = EQUALITY_EXACT

    def describe(self) -> str:
        """``NOCASE (values that differ only in letter case are equal ...)``."""
        meaning = EQUALITY_MEANINGS.get(self.equality or "", "what it makes equal is unknown")
        return f"{self.name} ({meaning})"


@dataclass(frozen=True, slots=True)
class Generated:
    """A generated column's expression (canonical text once normalized) and its storage."""

    expression: str
    storage: str = GENERATED_STORED  # GENERATED_STORED or GENERATED_VIRTUAL
    raw: str = field(default="", compare=False)
    # As a PostgreSQL SQL file wrote it (``sources.sqlfile.written``): shown, never run.
    written: str | None = field(default=None, compare=False)

    def shown(self) -> str:
        """The expression as messages show it: as written, else as its database prints it."""
        return self.written or self.raw or self.expression

    def describe(self) -> str:
        """``GENERATED ALWAYS AS (a + b) STORED``, as written."""
        return f"GENERATED ALWAYS AS ({self.shown()}) {self.storage.upper()}"
