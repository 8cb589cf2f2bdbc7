"""The ``Domain`` record: tables, columns, logical kinds, names per dialect, declared views and
triggers, and the reasoned differences (allowances) between the two dialects."""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from twinschema.errors import DomainError, DomainNameError
from twinschema.records import DIALECTS as DIALECTS  # as the domain's readers import it
from twinschema.records.kinds import Storage

_DIALECT_ALIASES = {"sqlite": "sqlite", "postgresql": "postgresql", "postgres": "postgresql"}


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

    def describe(self) -> str:
        """The allowance as people read it in a report: ``index profiles.ix_gin (postgresql)``."""
        where = self.table + (f".{self.column}" if self.column else "")
        what = f" {self.name}" if self.name else ""
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
    """The parsed ``domain.yaml``."""

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

    def names(self, dialect: str) -> DomainNames:
        """Attribute access to the physical names of ``dialect``; a typo raises at once."""
        return DomainNames(self, canonical_dialect(dialect, self.path, 0))

    def values(self) -> DomainValues:
        """Attribute access to enum columns' values (``values().customers.tier``), so that a
        CHECK (x IN (...)) or a native enum never restates them; a typo raises at once."""
        return DomainValues(self)


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


class TableNames:
    """The physical names of one table's columns, as attributes; ``__tablename__`` is the table's."""

    def __init__(self, domain_path: str, table: DomainTable, dialect: str) -> None:
        self.__tablename__ = table.physical(dialect)
        self._path = domain_path
        self._table = table
        self._dialect = dialect

    def __getattr__(self, name: str) -> str:
        if name.startswith("__"):
            raise AttributeError(name)
        column = self._table.columns.get(name)
        if column is None:
            raise DomainNameError(
                f"{self._path}: table {self._table.name!r} has no column {name!r}"
                + suggestion(name, self._table.columns)
            )
        if self._dialect not in column.dialects:
            raise DomainNameError(
                f"{self._path}:{column.line}: column {self._table.name}.{name} is declared for "
                f"{', '.join(column.dialects)} only, not {self._dialect}"
            )
        return column.physical(self._dialect)


class DomainNames:
    """The physical table names of one dialect, as attributes returning ``TableNames``."""

    def __init__(self, domain: Domain, dialect: str) -> None:
        self._domain = domain
        self._dialect = dialect

    def __getattr__(self, name: str) -> TableNames:
        if name.startswith("__"):
            raise AttributeError(name)
        table = self._domain.tables.get(name)
        if table is None:
            raise DomainNameError(
                f"{self._domain.path}: no table {name!r}" + suggestion(name, self._domain.tables)
            )
        if self._dialect not in table.dialects:
            raise DomainNameError(
                f"{self._domain.path}:{table.line}: table {name!r} is declared for "
                f"{', '.join(table.dialects)} only, not {self._dialect}"
            )
        return TableNames(self._domain.path, table, self._dialect)


def suggestion(word: str, candidates: Any) -> str:
    """`` (did you mean 'x'?)`` for the closest candidate, or an empty string. A candidate that
    differs in case only (``UUID`` for ``uuid``) is the closest, however short the word."""
    names = [str(c) for c in candidates]
    same = [n for n in names if n.lower() == word.lower() and n != word]
    close = same or difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    if not close:  # a misspelling in other case: compared in lower case
        folded = {n.lower(): n for n in names}
        close = [folded[m] for m in difflib.get_close_matches(word.lower(), folded, n=1)]
    return f" (did you mean {close[0]!r}?)" if close else ""


def canonical_dialect(value: str, path: str, line: int) -> str:
    """``sqlite`` or ``postgresql`` (``postgres`` accepted); anything else is an error."""
    dialect = _DIALECT_ALIASES.get(str(value).lower())
    if dialect is None:
        raise DomainError(
            f"{path}:{line}: unknown dialect {value!r}; expected one of sqlite, postgresql"
            + suggestion(str(value), DIALECTS)
        )
    return dialect


class DomainValues:
    """The enum values ``domain.yaml`` declares, as ``values.<table>.<column>``."""

    def __init__(self, domain: Domain) -> None:
        self._domain = domain

    def __getattr__(self, table: str) -> TableValues:
        if table.startswith("__"):
            raise AttributeError(table)
        if table not in self._domain.tables:
            raise DomainNameError(
                f"{self._domain.path}: no table {table!r}" + suggestion(table, self._domain.tables)
            )
        return TableValues(self._domain, table)


class TableValues:
    """The enum values of one table's columns, as attributes."""

    def __init__(self, domain: Domain, table: str) -> None:
        self._domain = domain
        self._table = table

    def __getattr__(self, column: str) -> tuple[str, ...]:
        if column.startswith("__"):
            raise AttributeError(column)
        columns = self._domain.tables[self._table].columns
        declared = columns.get(column)
        if declared is None:
            raise DomainNameError(
                f"{self._domain.path}: table {self._table!r} has no column {column!r}"
                + suggestion(column, columns)
            )
        if declared.values is None:
            raise DomainNameError(
                f"{self._domain.path}:{declared.line}: column {self._table}.{column} declares "
                "no 'values'"
            )
        return declared.values
