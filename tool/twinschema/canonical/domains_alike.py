"""A domain read one way on both sides of a comparison (stranger68 004).

``domains.unfolded`` reads a domain column as its base type with the domain's CHECKs on the
table, unless a CHECK is not known to pass NULL: the domain then stays in the column's type.
Two sources of one domain whose CHECKs differ can so be read two ways (``pos_list`` with
``cardinality(VALUE) <= 3`` read as ``text[]`` and a CHECK on the table; with ``pos_first``
added, kept as a domain): the report said the type differs and the CHECK both have exists on
one side only. Where a column of one side keeps domain D in its type and its twin of the other
side was read from a domain of the same name, the kept one is read as its base type with its
CHECKs on the table too, each named by its domain: the CHECKs compare one by one, and the one
on one side only is the difference. A domain against a column that is not a domain's keeps its
reading (a CHECK refusing NULL is not the column's CHECK: the NULL of a subquery passes it).
"""

from __future__ import annotations

from dataclasses import replace

from twinschema.canonical.domains import domain_parts, parse_base
from twinschema.canonical.expr_tree import conjuncts
from twinschema.canonical.expressions import canonical
from twinschema.canonical.folding import renamed_in
from twinschema.model import CheckConstraint, DomainCheck, Schema, Table


def read_alike(left: Schema, right: Schema) -> tuple[Schema, Schema]:
    """``left`` and ``right`` with each domain kept in a column's type on one side read as its
    base type where the other side's twin column was read from a domain of that name (see the
    module's docstring); unchanged where there is none."""
    lt, rt = dict(left.tables), dict(right.tables)
    for name in lt.keys() & rt.keys():
        a, b = lt[name], rt[name]
        lt[name], rt[name] = _table(a, b), _table(b, a)
    if lt == left.tables and rt == right.tables:
        return left, right
    return replace(left, tables=lt), replace(right, tables=rt)


def _table(table: Table, twin: Table) -> Table:
    """``table`` with each kept domain whose twin column was read from it read so too."""
    columns, checks = list(table.columns), list(table.checks)
    for at, column in enumerate(columns):
        other = twin.column(column.name)
        ctype = column.type
        if other is None or other.domain_read is None or ctype.definition is None:
            continue
        if ctype.name != other.domain_read or ctype.array:
            continue
        parts = domain_parts(ctype.definition)
        base = None if parts is None else parse_base(parts.base)
        if parts is None or base is None:
            continue
        columns[at] = replace(column, type=base, domain_read=ctype.name)
        for check in parts.checks:
            text = renamed_in(check, {"value": column.name})  # canonical: logical names
            held = _held(ctype.dialect, ctype.domain_checks, check)
            checks.append(CheckConstraint(text, raw=text, written=text, domain=held))
    if len(checks) == len(table.checks):
        return table
    return replace(table, columns=tuple(columns), checks=tuple(checks))


def _held(dialect: str, held: tuple[DomainCheck, ...], check: str) -> DomainCheck | None:
    """The domain CHECK of ``held`` whose canonical form holds ``check`` (a canonical CHECK of
    the definition, one operand of a top AND where the definition split it)."""
    for found in held:
        inner = found.text.removeprefix("CHECK (").removesuffix(")")
        text = canonical(dialect, inner).text
        if check == text or check in conjuncts(text):
            return found
    return None
