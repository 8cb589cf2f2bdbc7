"""Names unique per dialect, what ``domain.yaml``'s JSON Schema cannot say (``domain_load``
runs these once the document is read): no two columns of a table, no two tables, and no two
``triggers:`` entries use one physical name on a dialect, since the database would hold one
object for both."""

from __future__ import annotations

from collections.abc import Mapping

from twinschema.errors import DomainError
from twinschema.records import DIALECTS
from twinschema.records.domain import DeclaredObject, DomainTable


def check_unique_physical(
    names: Mapping[str, Mapping[str, str]], label: str, line: int, what: str
) -> None:
    """No two of ``names`` (logical -> dialect -> physical; ``what`` at ``line``: the columns
    of a table) use one physical name on a dialect: the second would be the first there."""
    for dialect in DIALECTS:
        seen: dict[str, str] = {}
        for logical, per in names.items():
            physical = per[dialect]
            if physical in seen:
                raise DomainError(
                    f"{label}:{line}: {what}: {logical!r} and {seen[physical]!r} both use the "
                    f"{dialect} name {physical!r}"
                )
            seen[physical] = logical


def check_physical_uniqueness(tables: Mapping[str, DomainTable], label: str) -> None:
    """No two tables of a dialect use one physical name there (an error names the second's
    line): the database would hold one table for both."""
    for dialect in DIALECTS:
        seen: dict[str, str] = {}
        for table in tables.values():
            if dialect not in table.dialects:
                continue
            physical = table.physical(dialect)
            if physical in seen:
                raise DomainError(
                    f"{label}:{table.line}: tables {table.name!r} and {seen[physical]!r} both use "
                    f"the {dialect} name {physical!r}"
                )
            seen[physical] = table.name


def check_one_trigger_each(
    objects: tuple[DeclaredObject, ...], tables: Mapping[str, DomainTable], label: str
) -> None:
    """Two entries of ``triggers:`` may not find one trigger (its name on its table, per
    dialect, case aside as the check finds it): one database trigger would satisfy both."""
    seen: dict[tuple[str, str, str], str] = {}
    for obj in objects:
        for dialect in obj.dialects if obj.table is not None else ():
            name = obj.physical(dialect)
            key = (dialect, tables[str(obj.table)].physical(dialect).lower(), name.lower())
            if key in seen:
                raise DomainError(
                    f"{label}:{obj.line}: triggers {obj.name!r} and {seen[key]!r} both name the "
                    f"{dialect} trigger {name!r} on {obj.table}"
                )
            seen[key] = obj.name
