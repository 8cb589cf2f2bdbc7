"""The domain as application code uses it: the plain record (``twinschema.records.domain``) with
attribute access to its names and enum values, which raises at once on a typo.

    N = DOMAIN.names("postgresql")
    N.users.__tablename__, N.users.email      # DomainNameError (an AttributeError) on a typo
    DOMAIN.values().customers.tier            # an enum column's values

``load_domain`` (``twinschema.domain_load``) returns this ``Domain``; the core (normalize,
compare, the layers) takes the plain record and imports nothing of this module. The record's
names are importable from here too, as generated loaders and metadata modules import them."""

from __future__ import annotations

from twinschema.errors import DomainError, DomainNameError, suggestion
from twinschema.records.dialects import DIALECTS as DIALECTS
from twinschema.records.domain import (
    IDENTITY as IDENTITY,
    Allowance as Allowance,
    DeclaredObject as DeclaredObject,
    Domain as DomainRecord,
    DomainColumn as DomainColumn,
    DomainTable as DomainTable,
    NameMap as NameMap,
)

__all__ = [
    "DIALECTS",
    "IDENTITY",
    "Allowance",
    "DeclaredObject",
    "Domain",
    "DomainColumn",
    "DomainNames",
    "DomainTable",
    "DomainValues",
    "NameMap",
    "TableNames",
    "TableValues",
    "canonical_dialect",
    "suggestion",
]

_DIALECT_ALIASES = {
    "sqlite": "sqlite",
    "postgresql": "postgresql",
    "postgres": "postgresql",
}


class Domain(DomainRecord):
    """The parsed ``domain.yaml`` (what ``load_domain`` returns): the plain record, plus attribute
    access for the metadata modules that spell their names from it."""

    def names(self, dialect: str) -> DomainNames:
        """Attribute access to the physical names of ``dialect``; a typo raises at once."""
        return DomainNames(self, canonical_dialect(dialect, self.path, 0))

    def values(self) -> DomainValues:
        """Attribute access to enum columns' values (``values().customers.tier``), so that a
        CHECK (x IN (...)) or a native enum never restates them; a typo raises at once."""
        return DomainValues(self)


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

    def __init__(self, domain: DomainRecord, dialect: str) -> None:
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


def canonical_dialect(value: str, path: str, line: int) -> str:
    """``sqlite`` or ``postgresql`` (``postgres`` accepted); anything else is an error."""
    dialect = _DIALECT_ALIASES.get(str(value).lower())
    if dialect is None:
        raise DomainError(f"{path}:{line}: {dialect_problem(value)}")
    return dialect


def dialect_problem(value: str) -> str:
    """What is said of ``value`` where a dialect's name is expected and it is none."""
    return f"unknown dialect {value!r}; expected one of sqlite, postgresql" + suggestion(
        str(value), DIALECTS
    )


class DomainValues:
    """The enum values ``domain.yaml`` declares, as ``values.<table>.<column>``."""

    def __init__(self, domain: DomainRecord) -> None:
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

    def __init__(self, domain: DomainRecord, table: str) -> None:
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
