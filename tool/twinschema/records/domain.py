"""The domain as plain data: tables, columns, logical kinds, names per dialect, declared views
and triggers, and the reasoned differences (allowances) between the two dialects.

What ``domain.yaml`` says, as the core (normalize, compare, the layers) takes it: records and
name maps, nothing that reads a file or raises for a typo. Reading the file is
``twinschema.domain_load``'s; attribute access for application code (``names("sqlite").users.id``,
``values()``) is ``twinschema.domain_model``'s."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from twinschema.records.dialects import DIALECTS
from twinschema.records.kinds import Storage


@dataclass(frozen=True)
class Allowance:
    """A declared, reasoned difference between the dialects that is not drift."""

    table: str
    kind: str
    reason: str
    dialect: str | None = None
    column: str | None = None
    name: str | None = None
    line: int = 0
    # Its place in the table's ``allow:`` list, from 1: a flow-style list holds several on a line.
    position: int = 0
    # A CHECK named on neither side, by its expression as the report shows it (``check:``).
    check: str | None = None

    def describe(self) -> str:
        """The allowance as people read it in a report: ``index profiles.ix_gin (postgresql)``."""
        where = self.table + (f".{self.column}" if self.column else "")
        what = f" {self.name}" if self.name else ""
        if self.check:
            what += f" CHECK ({check_text(self.check)})"
        only = f" ({self.dialect} only)" if self.dialect else ""
        return f"{self.kind} {where}{what}{only}"


@dataclass(frozen=True)
class DomainColumn:
    """A logical column: its physical name per dialect and its declared kind, if any."""

    name: str
    names: Mapping[str, str]
    kind: str | None = None
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    values: tuple[str, ...] | None = None
    line: int = 0
    # An extension kind (vector, geometry): its parameters and how SQLite stores it.
    storage: Storage | None = None
    # The dialects that have the column (``dialects:``): absent elsewhere, it is no difference.
    dialects: tuple[str, ...] = DIALECTS

    def physical(self, dialect: str) -> str:
        """The column's name in ``dialect``."""
        return self.names[dialect]


@dataclass(frozen=True)
class DomainTable:
    """A logical table: physical names per dialect, its columns, dialects and allowances."""

    name: str
    names: Mapping[str, str]
    columns: Mapping[str, DomainColumn]
    dialects: tuple[str, ...] = DIALECTS
    allow: tuple[Allowance, ...] = ()
    line: int = 0

    def physical(self, dialect: str) -> str:
        """The table's name in ``dialect``."""
        return self.names[dialect]


@dataclass(frozen=True)
class DeclaredObject:
    """A view or trigger ``domain.yaml`` declares: it must exist on each dialect it names.

    Views and triggers are compared by definition only within one dialect (their SQL is each
    dialect's own); across dialects, a declaration is how a person says one must exist.
    """

    kind: str  # "view" or "trigger"
    name: str
    dialects: tuple[str, ...] = DIALECTS
    table: str | None = None  # a trigger's table, by logical name
    line: int = 0


@dataclass(frozen=True)
class Domain:
    """What ``domain.yaml`` declares, as plain data (``domain_model.Domain``, what the loader
    returns, adds attribute access for application code)."""

    version: int
    tables: Mapping[str, DomainTable]
    path: str = "domain.yaml"
    objects: tuple[DeclaredObject, ...] = ()  # declared views and triggers, in file order

    def allowances(self) -> Iterator[Allowance]:
        """Every allowance of every table, in file order."""
        for table in self.tables.values():
            yield from table.allow

    def name_map(self, dialect: str) -> NameMap:
        """Physical-to-logical names for ``dialect``: what sources use to speak in domain names."""
        tables: dict[str, str] = {}
        columns: dict[tuple[str, str], str] = {}
        storages: dict[tuple[str, str], Storage] = {}
        for table in self.tables.values():
            if dialect not in table.dialects:
                continue
            physical = table.physical(dialect)
            tables[physical] = table.name
            for column in table.columns.values():
                columns[(physical, column.physical(dialect))] = column.name
                if column.storage is not None:
                    storages[(table.name, column.name)] = column.storage
        return NameMap(tables, columns, storages)


@dataclass(frozen=True)
class NameMap:
    """Physical -> logical names of one dialect; names it does not know map to themselves."""

    tables: Mapping[str, str] = field(default_factory=dict)
    columns: Mapping[tuple[str, str], str] = field(default_factory=dict)
    # (logical table, logical column) -> its declared extension type (vector, geometry).
    storages: Mapping[tuple[str, str], Storage] = field(default_factory=dict)

    def table(self, physical: str) -> str:
        """The logical name of a physical table."""
        return self.tables.get(physical, physical)

    _renames: Mapping[str, Mapping[str, str]] = field(init=False, repr=False, compare=False)
    # True when some table or column has a logical name other than its physical one.
    renames_any: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        renames: dict[str, dict[str, str]] = {}
        for (table, physical), logical in self.columns.items():
            if logical != physical:
                renames.setdefault(table, {})[physical] = logical
        object.__setattr__(self, "_renames", renames)
        tables_renamed = any(p != logical for p, logical in self.tables.items())
        object.__setattr__(self, "renames_any", bool(renames) or tables_renamed)

    def column(self, physical_table: str, physical: str) -> str:
        """The logical name of a physical column of a physical table."""
        return self.columns.get((physical_table, physical), physical)

    def renames(self, physical_table: str) -> Mapping[str, str]:
        """The columns of a physical table whose logical name differs, physical -> logical:
        empty for most tables, which lets normalizing skip the name lookups."""
        return self._renames.get(physical_table, _NO_RENAMES)


_NO_RENAMES: Mapping[str, str] = MappingProxyType({})


IDENTITY = NameMap()


def check_text(text: str) -> str:
    """A CHECK's expression without its ``CHECK`` keyword and outer parentheses: what an
    allowance's ``check:`` names (either spelling) and a report's CHECK text shows."""
    text = text.strip()
    if text[:5].upper() == "CHECK" and text[5:].lstrip().startswith("("):
        text = text[5:].strip()
    while text.startswith("(") and _closes_at_end(text):
        text = text[1:-1].strip()
    return text


def check_key(text: str) -> str:
    """``check_text`` as an allowance matches it: whitespace and double quotes dropped and
    letters folded outside string literals (``json_valid("Doc")`` is ``JSON_VALID(doc)``),
    a literal kept as written."""
    out: list[str] = []
    quoted = False
    for char in check_text(text):
        if char == "'":
            quoted = not quoted
        if quoted or char == "'":
            out.append(char)
        elif not char.isspace() and char != '"':
            out.append(char.casefold())
    return "".join(out)


def _closes_at_end(text: str) -> bool:
    """True when the parenthesis ``text`` opens with is the one it ends with."""
    depth, quoted = 0, False
    for n, char in enumerate(text):
        if char == "'":
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
            if depth == 0:
                return n == len(text) - 1
    return False
