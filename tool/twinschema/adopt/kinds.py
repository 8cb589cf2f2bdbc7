"""Logical kinds: the kind both sides of a paired column can stand for (the comparer's rules)."""

from __future__ import annotations

from dataclasses import dataclass

from twinschema.canonical import typemap
from twinschema.compare import satisfies
from twinschema.model import Column, Table
from twinschema.records.domain import DomainColumn


@dataclass(frozen=True)
class Kind:
    """A column's logical kind and the parameters both sides agree on."""

    kind: str
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    values: tuple[str, ...] | None = None


# Kinds a CHECK ... IN list can encode, tried first as the comparer does (an INTEGER restricted to
# (0, 1) is a boolean; a TEXT restricted to a list of strings is an enum).
_ENCODED = ("boolean", "enum")


def _check_values(column: Column, table: Table) -> tuple[str, ...] | None:
    for check in table.checks:
        if check.column == column.name and check.values:
            return check.values
    return None


def _values(column: Column, table: Table) -> tuple[str, ...] | None:
    return column.type.values if column.type.values is not None else _check_values(column, table)


def shared_kind(sqlite: tuple[Table, Column], postgresql: tuple[Table, Column]) -> Kind | None:
    """The logical kind both (canonical) columns can stand for, or None.

    The kind is the most specific one both sides accept (``compare.satisfies``: the type table
    plus the CHECK ... IN encodings); its parameters are kept where the two sides do not disagree,
    so that the declared kind holds on both sides, which is verified before it is returned.
    """
    (st, sc), (pt, pc) = sqlite, postgresql
    if sc.type.array or pc.type.array:
        return None
    bare = DomainColumn(name=sc.name, names={})
    for kind in (*_ENCODED, *typemap.KINDS):
        if not (satisfies(kind, bare, sc, st) and satisfies(kind, bare, pc, pt)):
            continue
        params: dict[str, int] = {}
        for param in typemap.params_of(kind):
            if param == "values":
                continue
            mine, theirs = getattr(sc.type, param), getattr(pc.type, param)
            if mine is not None and theirs is not None and mine != theirs:
                continue  # the diff reports it; the domain does not take a side
            value = theirs if theirs is not None else mine
            if value is not None:
                params[param] = value
        values = None
        if kind == "enum":
            lv, rv = _values(sc, st), _values(pc, pt)
            if lv is not None and rv is not None and sorted(lv) == sorted(rv):
                values = rv
        found = Kind(kind, values=values, **params)
        for candidate in (found, Kind(kind)):
            declared = DomainColumn(
                name=sc.name,
                names={},
                kind=candidate.kind,
                length=candidate.length,
                precision=candidate.precision,
                scale=candidate.scale,
                values=candidate.values,
            )
            if satisfies(kind, declared, sc, st) and satisfies(kind, declared, pc, pt):
                return candidate
        return None
    return None
