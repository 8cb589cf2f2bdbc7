"""Whether changing a column's type may lose values, judged on SQLAlchemy's generic types (the
lint's ``narrow_type``): a shorter string, a smaller integer or numeric, fewer enum labels, a
time zone dropped; and whether the change is one of size only, which SQLite never enforces."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# Integer widths, by SQLAlchemy's generic type (checked most specific first).
_INTEGER_BYTES: tuple[tuple[type[sa.types.TypeEngine[Any]], int], ...] = (
    (sa.SmallInteger, 2),
    (sa.BigInteger, 8),
    (sa.Integer, 4),
)


_INTEGER_DIGITS = {2: 5, 4: 10, 8: 19}


def _family(type_: sa.types.TypeEngine[Any]) -> tuple[Any, ...]:
    """A type as (family, parameters): what narrowing is judged on. A PostgreSQL domain is its
    base type's: its CHECK is checked on every row by the ALTER, which fails (nothing lost)."""
    if isinstance(type_, postgresql.DOMAIN):
        return _family(type_.data_type)
    if isinstance(type_, sa.Boolean):
        return ("boolean",)
    for cls, size in _INTEGER_BYTES:
        if isinstance(type_, cls):
            return ("integer", size)
    if isinstance(type_, sa.Float):
        return ("float", type_.precision)
    if isinstance(type_, sa.Numeric):
        return ("numeric", type_.precision, type_.scale)
    if isinstance(type_, sa.Enum):
        return ("enum", tuple(type_.enums))
    if isinstance(type_, sa.String):
        return ("string", type_.length)
    if isinstance(type_, sa.DateTime):
        return ("datetime", bool(type_.timezone))
    if isinstance(type_, sa.Date):
        return ("date",)
    return ("other", repr(type_))


def narrowing(before: sa.types.TypeEngine[Any], after: sa.types.TypeEngine[Any]) -> str | None:
    """Why changing ``before`` to ``after`` may lose values; None when every value fits."""
    old, new = _family(before), _family(after)
    if old == new:
        return None
    if new == ("string", None):
        return None  # every value has a text form
    if old[0] != new[0]:
        return _across(old, new)
    return _within(old, new)


# Families every value of the first converts to the second of.
_WIDENING = frozenset({("boolean", "integer"), ("date", "datetime")})


def _across(old: tuple[Any, ...], new: tuple[Any, ...]) -> str | None:
    """Why a type of one family (``_family``) changed to another may lose values; None when
    every value fits."""
    kind = old[0]
    if (kind, new[0]) in _WIDENING:
        return None
    if kind == "integer" and new[0] == "numeric":
        precision, scale = new[1], new[2] or 0
        if precision is None or precision - scale >= _INTEGER_DIGITS[old[1]]:
            return None
        return "not every integer fits in the new precision"
    if kind == "enum" and new[0] == "string":
        if new[1] >= max((len(v) for v in old[1]), default=0):
            return None
        return "the new length is shorter than the longest enum value"
    return "the lint cannot prove every old value converts"


def _within(old: tuple[Any, ...], new: tuple[Any, ...]) -> str | None:
    """Why a type changed to another of its family may lose values; None when every value
    fits."""
    kind = old[0]
    if kind == "string":
        if old[1] is None:
            return "an unbounded text becomes bounded"
        return "the new length is smaller" if new[1] < old[1] else None
    if kind == "integer":
        return "the new integer type is smaller" if new[1] < old[1] else None
    if kind == "numeric":
        return _numeric(old, new)
    if kind == "float":
        return "the new precision is smaller" if (new[1] or 53) < (old[1] or 53) else None
    if kind == "enum":
        lost = set(old[1]) - set(new[1])
        return f"values {sorted(lost)} are no longer allowed" if lost else None
    if kind == "datetime":
        return "the time zone is dropped" if old[1] and not new[1] else None
    return "the lint cannot prove every old value converts"


def _numeric(old: tuple[Any, ...], new: tuple[Any, ...]) -> str | None:
    """Why a numeric changed to another numeric may lose values; None when every value fits."""
    (p, s), (p2, s2) = (old[1], old[2] or 0), (new[1], new[2] or 0)
    if p2 is None:
        return None  # numeric without a precision holds any value
    if p is None:
        return "an unbounded numeric becomes bounded"
    if s2 < s:
        return "the new scale is smaller (digits after the point are lost)"
    return "the new precision is smaller" if p2 - s2 < p - s else None


# The families whose size SQLite never enforces: a VARCHAR(40) stores 80 characters, a
# SMALLINT any 64-bit integer, a NUMERIC(5,2) any number (type affinity only).
_SQLITE_UNSIZED = frozenset({"string", "integer", "numeric", "float"})


def unenforced_on_sqlite(before: sa.types.TypeEngine[Any], after: sa.types.TypeEngine[Any]) -> bool:
    """True when ``before`` and ``after`` differ by a size only, which SQLite never enforces:
    no value can go (stranger54 W7: a downgrade narrowing VARCHAR(80) to VARCHAR(40) was
    refused as destructive). PostgreSQL enforces it, and is still refused."""
    old, new = _family(before)[0], _family(after)[0]
    return old == new and old in _SQLITE_UNSIZED
