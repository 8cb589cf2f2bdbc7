"""A table's CHECKs in canonical form (``table_checks``), and what they say of its columns: the
scope its other expressions are read in (a 0/1 integer a CHECK keeps is a boolean) and the
columns a CHECK makes NOT NULL. ``normalize``'s step for CHECKs, a job of its own."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from twinschema.canonical.check_scopes import after_flags, before_flags, check_scope, flag_columns
from twinschema.canonical.expressions import Scope, canonical
from twinschema.canonical.value_kinds import value_kind
from twinschema.model import CheckConstraint, Table


def table_checks(
    dialect: str, table: Table, col: Callable[[str], str]
) -> tuple[tuple[CheckConstraint, ...], Scope, frozenset[str]]:
    """The canonical CHECKs of a table, the scope its other expressions are read in, and the
    nullable columns a CHECK makes NOT NULL (``_forced_not_null``): ``normalize``'s first step
    on a table, whose scope its defaults, indexes and policies are then read in.

    An integer column that a CHECK keeps to 0 and 1 is a boolean (how SQLite spells one): in the
    scope it has the kind ``boolean``, so that ``active = 1`` reads as ``active`` everywhere. A
    SQLite BOOLEAN column is one only so kept: else NUMERIC, it holds 2 and 'yes' (``b = 1`` is
    no ``b`` there; ``b = 0 OR b = 1`` is ``b IN (0, 1)``; stranger57 214).
    """
    declared = tuple((c.name, col(c.name), value_kind(c.type)) for c in table.columns)
    kinds = before_flags(dialect, declared)
    scope = Scope(kinds)
    not_null = tuple(col(c.name) for c in table.columns if not c.nullable)
    read = check_scope(kinds, not_null)  # how each CHECK is read
    checks = tuple(_check(dialect, c, read) for c in table.checks)
    forced = _forced_not_null(dialect, table.checks, scope, not_null)
    if forced:  # read again: their IS NOT NULL tests now add nothing to the CHECKs
        not_null = tuple(sorted({*not_null, *forced}))
        read = check_scope(kinds, not_null)
        checks = tuple(_check(dialect, c, read) for c in table.checks)
    flags = flag_columns(declared, checks)
    if not flags:
        return checks, scope, forced
    scope = Scope(after_flags(kinds, flags))
    read = check_scope(scope.columns, not_null)
    # Only a CHECK that names a flag and is not its list can read differently now.
    named = re.compile(r"(?<![\w$])(?:" + "|".join(map(re.escape, flags)) + r")(?![\w$])")
    return (
        tuple(
            _check(dialect, raw, read)
            if c.column not in flags and named.search(c.expression)
            else c
            for raw, c in zip(table.checks, checks, strict=True)
        ),
        scope,
        forced,
    )


def _forced_not_null(
    dialect: str,
    checks: tuple[CheckConstraint, ...],
    scope: Scope,
    not_null: tuple[str, ...],
) -> frozenset[str]:
    """The nullable columns (logical names) that a CHECK makes NOT NULL: ``CHECK (x IS NOT
    NULL)``, alone or as an operand of the CHECK's top AND, rejects exactly the rows that NOT
    NULL on x rejects."""
    if not checks or not any("null" in c.expression.lower() for c in checks):
        return frozenset()
    found: set[str] = set()
    for check in checks:
        found.update(canonical(dialect, check.expression, replace(scope, check=True)).not_null)
    return frozenset(found - set(not_null))


def _check(dialect: str, check: CheckConstraint, read: Scope) -> CheckConstraint:
    result = canonical(dialect, check.expression, read)
    if result.text == check.expression and result.column is None and check.raw:
        return check  # already canonical, and not a column's list of values: kept as it is
    return CheckConstraint(
        expression=result.text,
        name=check.name,
        raw=check.raw or check.expression,
        column=result.column,
        values=result.values,
        written=check.written,
        domain=check.domain,
    )
