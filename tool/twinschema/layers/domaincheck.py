"""The ``domain`` layer: ``domain.yaml`` against one metadata module.

Every table and column the domain names for the module's dialect must exist, nothing may exist
that the domain does not name, and where the domain declares a kind the column must be able to
stand for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from twinschema.canonical.typemap_storage import fits_storage
from twinschema.canonical.typemap_why import (
    as_text,
    flag_unkept,
    numeric_affinity_of_text,
    unkept_flag,
)
from twinschema.compare import satisfies
from twinschema.model import Column, Table
from twinschema.records import Comparison, Difference, Side
from twinschema.records.comparison import fix_site
from twinschema.records.domain import Domain, DomainColumn

# A difference of the layer: kind, table, column, left, right, message, hint.
_Add = Callable[[str, str, str | None, str | None, str | None, str, str], None]


def compare_domain(domain: Domain, side: Side, *, layer: str = "domain") -> Comparison:
    """The differences between what ``domain.yaml`` names and what ``side`` has."""
    result = Comparison()
    schema = side.schema
    dialect = schema.dialect
    named = {name for name, table in domain.tables.items() if dialect in table.dialects}
    result.tables = sorted(named | schema.tables.keys())

    def add(
        kind: str,
        table: str,
        column: str | None,
        left: str | None,
        right: str | None,
        message: str,
        hint: str,
    ) -> None:
        result.differences.append(
            Difference(
                layer=layer,
                kind=kind,
                table=table,
                column=column,
                name=column or table,
                left=left,
                right=right,
                message=message,
                hint=hint,
                left_source=domain.path,
                right_source=side.label,
                fix=fix_site(left, right, domain.path, side.file),
            )
        )

    for name, declared in domain.tables.items():
        if dialect not in declared.dialects:
            continue
        table = schema.tables.get(name)
        physical = declared.physical(dialect)
        if table is None:
            message = f"table {name} ({dialect} name {physical}) is in {domain.path} but not in {side.label}"
            hint = f"add table {physical} to {side.fix}, or remove it from {domain.path}"
            if {name, physical} & side.virtual:  # stranger58: a module cannot hold it
                message += (
                    f"; {side.virtual_in} has {physical} as a virtual table, which a metadata "
                    "module cannot hold"
                )
                hint = _virtual_hint(name, dialect, declared.dialects, domain.path)
            add("table_missing", name, None, name, None, message, hint)
            continue
        present = {c.name: c for c in table.columns}
        for column_name, column in declared.columns.items():
            found = present.get(column_name)
            _column(add, domain, side, (name, table), column_name, column, found)
        for column_name in present:
            if column_name not in declared.columns:
                _not_named(add, domain, side, name, column_name)
    for name in schema.tables:
        known = domain.tables.get(name)
        if known is not None and dialect not in known.dialects:
            _declared_for_others(add, domain, side, (name, None), (known.dialects, known.line))
        elif known is None:
            _not_named(add, domain, side, name, None)
    return result


def _not_named(add: _Add, domain: Domain, side: Side, table: str, column: str | None) -> None:
    """A ``domain_name`` difference of a table (``column`` None) or a column of ``side`` that
    domain.yaml does not name: add it there, or remove it from the side."""
    what = f"table {table}" if column is None else f"column {table}.{column}"
    under = "tables" if column is None else f"tables.{table}.columns"
    message = f"{what} in {side.label} is not named in {domain.path}"
    message += _spelled(domain, table, column, side.schema.dialect)
    _named(
        add,
        (table, column),
        message,
        f"add it under {under} in {domain.path}, or remove it from {side.fix}",
    )


def _declared_for_others(
    add: _Add,
    domain: Domain,
    side: Side,
    named: tuple[str, str | None],
    declared: tuple[Iterable[str], int | None],
) -> None:
    """A ``domain_name`` difference of a table or column (``named``: table, column or None)
    that ``side`` has though domain.yaml declares it for other dialects only (``declared``:
    those dialects, the declaration's line): remove it, or declare it for this one too."""
    (table, column), (dialects, line) = named, declared
    what = f"table {table}" if column is None else f"column {table}.{column}"
    message = f"{what} is in {side.label}, though {domain.path} declares it for "
    message += f"{', '.join(dialects)} only"
    hint = f"remove it from {side.fix}, or declare it for {side.schema.dialect} too in "
    _named(add, (table, column), message, hint + f"{domain.path}:{line}")


def _named(add: _Add, named: tuple[str, str | None], message: str, hint: str) -> None:
    """The ``domain_name`` difference of a table (``named``: it, None) or a column of it that
    only the side has, by its name there."""
    table, column = named
    add("domain_name", table, column, None, table if column is None else column, message, hint)


def _column(
    add: _Add,
    domain: Domain,
    side: Side,
    named: tuple[str, Table],
    column_name: str,
    column: DomainColumn,
    found: Column | None,
) -> None:
    """One column the domain declares for the table ``named`` (its name in the domain, the
    side's table): where it is not declared for the side's dialect, there all the same;
    missing; of a type that cannot stand for its kind; an enum's values in another order."""
    (name, table), dialect = named, side.schema.dialect
    physical = domain.tables[name].physical(dialect)
    if dialect not in column.dialects:  # declared for the other dialect only
        if found is not None:  # stranger60 030: there all the same
            declared = (column.dialects, column.line)
            _declared_for_others(add, domain, side, (name, column_name), declared)
        return
    if found is None:
        add(
            "column_missing",
            name,
            column_name,
            column_name,
            None,
            f"column {name}.{column_name} is in {domain.path} but not in {side.label}",
            f"add column {column.physical(dialect)} to table {physical} in {side.fix}",
        )
        return
    if column.kind is not None and not _fits(column, found, table):
        kind_at = f"its kind in {domain.path}:{column.line}"
        why, fix = _type_fix(column, found, dialect, side.fix, kind_at)
        add(
            "column_type",
            name,
            column_name,
            _declared(column),
            found.type.spelling(),
            f"{name}.{column_name} is {found.type.spelling()} in {side.label}, which cannot "
            f"stand for the declared kind {_declared(column)}{why}"
            + _values_apart(column, _listed(found, table), domain.path, side.label),
            fix,
        )
    elif column.kind == "enum" and _out_of_order(column, found):
        add(
            "enum",
            name,
            column_name,
            _declared(column),
            found.type.spelling(),
            f"{name}.{column_name} declares its values in another order in {side.label} "
            f"({', '.join(found.type.values or ())}) than {domain.path} "
            f"({', '.join(column.values or ())}): an enum sorts by that order, so ORDER "
            "BY, < and > on it give different results",
            f"reorder the values in {side.fix} (a new migration), or in "
            f"{domain.path}:{column.line}",
        )


def _spelled(domain: Domain, table: str, column: str | None, dialect: str) -> str:
    """What a ``domain_name`` message adds for a name spelled as a logical name whose physical
    name on ``dialect`` is another (``Domain.spelled_as_logical``)."""
    note = domain.spelled_as_logical(table, column, dialect)
    return f"; {note}" if note else ""


def _type_fix(
    declared: DomainColumn, found: Column, dialect: str, fix: str, kind_at: str
) -> tuple[str, str]:
    """Why a column's type cannot stand for its declared kind, beyond saying so (": ..." or
    nothing), and the hint: the fix in ``fix`` (TEXT for a NUMERIC-affinity column holding
    text, the CHECK that makes a SQLite integer a boolean: stranger84 005, else another type),
    or the kind declared at ``kind_at``."""
    assert declared.kind is not None
    affinity = numeric_affinity_of_text(found.type, declared.kind)
    if affinity:
        return f": {affinity}", f"{_as_text(declared, found, dialect, fix)}, or {kind_at}"
    if unkept_flag(found.type, frozenset({declared.kind})):
        name = declared.physical(dialect)
        return (
            f": {flag_unkept(found.type, name)}",
            f"add CHECK ({name} IN (0, 1)) in {fix} (sa.CheckConstraint), or change {kind_at}",
        )
    return "", f"change its type in {fix}, or {kind_at}"


def _as_text(declared: DomainColumn, found: Column, dialect: str, fix: str) -> str:
    """The hint's fix for a SQLite column whose NUMERIC affinity turns text into numbers:
    declare it TEXT, and for JSON, refuse what is not JSON with ``json_valid``."""
    assert declared.kind is not None
    return as_text(declared.kind, declared.physical(dialect), found.nullable, fix)


def _fits(declared: DomainColumn, found: Column, table: Table) -> bool:
    """True when ``found`` can stand for the declared kind: an extension type (vector, geometry)
    with its declared parameters, or a SQLite column stored in an accepted spelling; any other
    kind as the type table says (``compare.satisfies``)."""
    assert declared.kind is not None
    if declared.storage is not None:
        return fits_storage(declared.storage, found.type)
    return satisfies(declared.kind, declared, found, table)


def _out_of_order(declared: DomainColumn, found: Column) -> bool:
    """True when a column whose own type lists its values (a native enum, which sorts by that
    list) lists the declared values in another order. A CHECK ... IN list has no order."""
    values = found.type.values
    if values is None or declared.values is None:
        return False
    return sorted(values) == sorted(declared.values) and tuple(values) != tuple(declared.values)


def _listed(column: Column, table: Table) -> tuple[str, ...] | None:
    """The values a column is restricted to: its type's (an enum), else a CHECK ... IN list's."""
    if column.type.values is not None:
        return column.type.values
    name = column.name.lower()  # canonical CHECK text is lower-case
    return next((c.values for c in table.checks if c.column == name and c.values), None)


def _values_apart(
    declared: DomainColumn, values: tuple[str, ...] | None, path: str, label: str
) -> str:
    """For an enum restricted to other values: which are on which side."""
    if declared.kind != "enum" or declared.values is None or values is None:
        return ""
    parts = [
        f"{', '.join(v for v in mine if v not in theirs)} only in {where}"
        for mine, theirs, where in (
            (declared.values, values, path),
            (values, declared.values, label),
        )
        if set(mine) - set(theirs)
    ]
    return (": " + "; ".join(parts)) if parts else ""


def _declared(column: DomainColumn) -> str:
    if column.storage is not None:
        return column.storage.logical("postgresql").spelling()
    text = column.kind or "?"
    if column.values:
        text += "(" + ", ".join(column.values) + ")"
    elif column.length is not None:
        text += f"({column.length})"
    elif column.precision is not None:
        text += f"({column.precision}" + (f", {column.scale})" if column.scale is not None else ")")
    return text


def _virtual_hint(name: str, dialect: str, dialects: Iterable[str], path: str) -> str:
    """The hint for a table the domain declares that ``dialect``'s database holds as a virtual
    table (its baseline makes it): no metadata module can hold one, so the domain declares
    the table for the other dialects only."""
    others = [d for d in dialects if d != dialect]
    if not others:
        return f"remove table {name} from {path}: its {dialect} virtual table is not declared there"
    listed = ", ".join(others)
    return f"declare table {name} for {listed} only in {path} (dialects: [{listed}])"
