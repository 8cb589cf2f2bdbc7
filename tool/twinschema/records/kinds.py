"""The logical kinds a column may be declared as (``domain.yaml``'s ``kind``), and the record of
an extension kind's storage on the device: facts the domain loader, the JSON Schema and the type
table (``typemap``) share, kept here so that the loader needs nothing above the bottom floor."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from twinschema.model import ColumnType

# Extension kinds: server types that SQLite has no name for. ``domain.yaml`` declares how the
# device stores one (``kind: vector`` with ``dimensions``; ``kind: geometry`` with ``geometry``,
# its type, and ``srid``; each with ``sqlite``, its accepted SQLite spellings).
VECTOR, GEOMETRY = "vector", "geometry"
EXTENSION_KINDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {VECTOR: ("blob",), GEOMETRY: ("blob", "text")}  # the SQLite spellings accepted by default
)

# The integer kinds: what a fraction, an integer division or an int4 overflow concerns.
INTEGER_KINDS = frozenset({"integer", "bigint", "smallint"})

# Every logical kind, the most specific first and the loosest (text, which shares its spellings
# with many) last: the type table's order of preference (``typemap.SPECIFICITY``), and the order
# ``domain.yaml``'s JSON Schema lists them in (a test holds the two equal).
LOGICAL_KINDS: tuple[str, ...] = (
    "uuid",
    "varchar",
    "char",
    "integer",
    "bigint",
    "smallint",
    "boolean",
    "timestamp",
    "timestamptz",
    "date",
    "time",
    "numeric",
    "float",
    "json",
    "bytes",
    "enum",
    VECTOR,
    GEOMETRY,
    "text",
)


@dataclass(frozen=True)
class Storage:
    """How ``domain.yaml`` declares an extension type and its storage on the device.

    ``kind`` is ``vector`` (``dimensions``) or ``geometry`` (``geometry``, its type such as
    ``point``, and ``srid``); ``sqlite`` lists the SQLite spellings that may store it (lower case).
    """

    kind: str
    sqlite: tuple[str, ...]
    dimensions: int | None = None
    geometry: str | None = None
    srid: int | None = None

    def logical(self, dialect: str, spelling: str = "") -> ColumnType:
        """The logical type the declaration stands for, as ``dialect``'s adapter would give the
        server type (PostgreSQL prints ``vector(1536)``, ``geometry(Point,4326)``)."""
        if self.kind == VECTOR:
            return ColumnType(dialect, VECTOR, length=self.dimensions, definition=spelling or None)
        args = [a for a in (self.geometry, None if self.srid is None else str(self.srid)) if a]
        if self.srid is not None and self.geometry is None:
            args.insert(0, "geometry")
        name = GEOMETRY + (f"({','.join(args)})" if args else "")
        return ColumnType(dialect, name, definition=spelling or None)
