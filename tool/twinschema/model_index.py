"""The index record of the neutral model (re-exported by ``model``): what an index indexes and
how, with the source's own spelling of its elements kept for messages."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from twinschema.model_types import EQUALITY_ASCII_CASE, Collation

T = TypeVar("T")


# The functions ``expr_idioms.SQLITE_OWN_MEANING`` renames in canonical text, so that SQLite's
# lower() never equals PostgreSQL's: a message prints the name the user wrote.
# ``describe`` then says why it is not PostgreSQL's function of the same name.
SHOWN_FUNCTION = re.compile(r"\bsqlite_(lower|upper|round)\(")
SQLITE_MEANING = {
    "lower": "SQLite's lower() changes ASCII letters only",
    "upper": "SQLite's upper() changes ASCII letters only",
    "round": "SQLite's round() rounds half away from zero",
}


def folds_alike_but_blobs(left: Index, right: Index, n: int) -> str | None:
    """Why element ``n`` of two indexes parts rows, where one side has a bare column under an
    ASCII-case collation (NOCASE) and the other SQLite's lower() or upper() of it: both fold
    the same letters of text, so no two texts part them, only values that are no text
    (stranger48 018: the message spoke of letter case); else None. The blobs named are the
    golden case's rows (``sl-sl.unique-nocase-vs-lower-blob``)."""
    for bare, called in ((left, right), (right, left)):
        collation = bare.collations[n] if bare.collations else None
        if collation is None or collation.equality != EQUALITY_ASCII_CASE:
            continue
        folded = re.fullmatch(r"sqlite_(lower|upper)\((\w+)\)", called.expressions[n])
        if folded is None or folded.group(2) != bare.expressions[n]:
            continue
        function = folded.group(1)
        key = "'a'" if function == "lower" else "'A'"
        return (
            f"{collation.name} and {function}() fold the same ASCII letters, so no two texts "
            f"part them; values that are no text do: the blobs X'41' then X'61' are two keys "
            f"under {collation.name} (compared by their bytes) and one under {function}() ({key})"
        )
    return None


@dataclass(frozen=True, slots=True)
class Index:
    """An index, identified by what it indexes and how, never by its name.

    ``expressions`` holds column names or canonical expression text; ``where`` is the canonical
    partial-index predicate; ``method`` is ``btree`` unless the dialect says otherwise (gin, gist).

    The per-element attributes are empty tuples when every element has its default, else one
    entry per element: ``descending`` (DESC), ``collations`` (a collation other than the
    element's column's own, or None), ``nulls`` (``NULLS FIRST``/``NULLS LAST`` where it is not
    the default for the element's direction, else ""), ``opclasses`` (an operator class other
    than the type's default, else ""). ``nulls``, ``opclasses`` and ``include`` (INCLUDE
    columns) are None where the source's dialect cannot declare them (SQLite): such an
    attribute is compared only between two sources that can.
    """

    expressions: tuple[str, ...]
    unique: bool = False
    where: str | None = None
    method: str = "btree"
    name: str | None = field(default=None, compare=False)
    descending: tuple[bool, ...] = ()
    collations: tuple[Collation | None, ...] = ()
    nulls: tuple[str, ...] | None = None
    opclasses: tuple[str, ...] | None = None
    include: tuple[str, ...] | None = None
    nulls_distinct: bool = True
    # The predicate and elements as written (what runs), None: the canonical ones are.
    raw_where: str | None = field(default=None, compare=False)
    # Each element as its source wrote it (``max(a, b)`` where ``expressions`` holds the
    # canonical ``greatest(a, b)``), None: ``expressions``. What messages show of this side.
    raw_expressions: tuple[str, ...] | None = field(default=None, compare=False)
    # The elements and predicate as a PostgreSQL SQL file wrote them, where its database prints
    # them otherwise (``sources.sqlfile.written``): what messages show, never what runs.
    written_expressions: tuple[str, ...] | None = field(default=None, compare=False)
    written_where: str | None = field(default=None, compare=False)
    # False for a PostgreSQL index no write updates (``Table.invalid_indexes`` only).
    ready: bool = field(default=True, compare=False)

    def element_text(self, n: int) -> str:
        """Element ``n`` as DDL writes it, in its source's own spelling: ``name COLLATE NOCASE
        text_pattern_ops DESC``, ``max(a, b)`` (never the canonical ``greatest(a, b)``)."""
        text = self.element(n)
        if self.collations and self.collations[n] is not None:
            text += f" COLLATE {self.collations[n].name}"  # type: ignore[union-attr]
        if self.opclasses and self.opclasses[n]:
            text += f" {self.opclasses[n]}"
        if self.descending and self.descending[n]:
            text += " DESC"
        if self.nulls and self.nulls[n]:
            text += f" {self.nulls[n]}"
        return text

    def element(self, n: int) -> str:
        """Element ``n``'s column or expression as its source wrote it (a function the
        canonical form renames for its SQLite meaning, ``sqlite_lower(s)``, as ``lower(s)``
        where the source's text is not kept)."""
        if self.written_expressions is not None:
            return self.written_expressions[n]
        if self.raw_expressions is not None:
            return self.raw_expressions[n]
        return SHOWN_FUNCTION.sub(r"\1(", self.expressions[n])

    def shown_where(self) -> str | None:
        """The partial-index predicate as its source wrote it (None: a full index)."""
        return self.written_where or self.raw_where or self.where

    def describe(self) -> str:
        """The index as DDL writes it in its source's own spelling, without its name and
        table: ``UNIQUE (a DESC) INCLUDE (b) NULLS NOT DISTINCT WHERE ...``, ``USING gin (doc
        jsonb_path_ops)``."""
        elements = ", ".join(self.element_text(n) for n in range(len(self.expressions)))
        text = ("UNIQUE " if self.unique else "") + f"({elements})"
        if self.method != "btree":
            text = f"USING {self.method} {text}"
        if self.include:
            text += f" INCLUDE ({', '.join(self.include)})"
        if not self.nulls_distinct:
            text += " NULLS NOT DISTINCT"
        text += f" WHERE {self.shown_where()}" if self.where else ""
        notes = self.notes()
        return f"{text} ({notes})" if notes else text

    def notes(self) -> str:
        """What the elements mean that their text does not say (SQLite's ``lower()`` changes
        ASCII letters only), or ""."""
        renamed = sorted({m.group(1) for e in self.expressions for m in SHOWN_FUNCTION.finditer(e)})
        return "; ".join(SQLITE_MEANING[name] for name in renamed)

    def plain(self) -> bool:
        """True when nothing but its expressions, uniqueness, predicate and method is declared:
        a unique one on plain columns is then the same rule as a UNIQUE constraint."""
        return not (
            self.descending or self.collations or self.nulls or self.opclasses or self.include
        )


def element_flags(values: Iterable[T], default: T) -> tuple[T, ...]:
    """Per-element attribute values as an ``Index`` keeps them: () when all are the default."""
    found = tuple(values)
    return found if any(v != default for v in found) else ()
