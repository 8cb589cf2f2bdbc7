"""The cross-dialect type equivalence table: logical kind -> accepted spellings per dialect.

This is data, not logic. A type reflected from either dialect is reduced (by its dialect adapter)
to a lower-case base name such as ``timestamp with time zone`` or ``nvarchar``; ``kinds_of`` says
which logical kinds that name can stand for, and two columns agree on type when they share a kind
(and that kind's parameters agree). The rule's name is the kind, so a match is reported as an
equivalence ("uuid: uuid ~ text") and never as a difference.

SQLite spellings follow its type affinity rules (https://sqlite.org/datatype3.html#affinity_name_examples):
any declared name that is not listed falls back to the kinds of its affinity, so ``BLOB SUB_TYPE
TEXT`` or ``NATIVE CHARACTER(70)`` are understood as SQLite itself understands them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from twinschema.model import ColumnType


@dataclass(frozen=True)
class KindRule:
    """One row of the table: a logical kind, its spellings per dialect, the parameters it compares."""

    postgresql: frozenset[str]
    sqlite: frozenset[str]
    params: tuple[str, ...] = ()  # ColumnType fields that must agree when both sides declare them


def _names(*names: str) -> frozenset[str]:
    return frozenset(names)


# SQLite affinity classes (the declared type's name decides, see the module docstring).
_SQLITE_INTEGER = _names(
    "integer",
    "int",
    "tinyint",
    "smallint",
    "mediumint",
    "bigint",
    "unsigned big int",
    "int2",
    "int4",
    "int8",
    "serial",
    "bigserial",
)
_SQLITE_TEXT = _names(
    "text",
    "character",
    "char",
    "varchar",
    "varying character",
    "nchar",
    "native character",
    "nvarchar",
    "clob",
    "character varying",
    "string",
)
_SQLITE_REAL = _names("real", "double", "double precision", "float", "float4", "float8")
_SQLITE_NUMERIC = _names("numeric", "decimal")
_SQLITE_TEMPORAL = _names("datetime", "timestamp", "timestamptz", "date", "time")

TYPE_TABLE: Mapping[str, KindRule] = MappingProxyType(
    {
        "uuid": KindRule(_names("uuid"), _SQLITE_TEXT | _names("uuid", "blob")),
        "varchar": KindRule(
            _names("character varying"),
            _names("varchar", "nvarchar", "character varying", "varying character"),
            params=("length",),
        ),
        "char": KindRule(
            _names("character"),
            _names("char", "character", "nchar", "native character"),
            params=("length",),
        ),
        "integer": KindRule(_names("integer"), _SQLITE_INTEGER),
        "bigint": KindRule(_names("bigint"), _SQLITE_INTEGER),
        "smallint": KindRule(_names("smallint"), _SQLITE_INTEGER),
        "boolean": KindRule(_names("boolean"), _names("boolean", "bool")),
        "timestamp": KindRule(
            _names("timestamp without time zone"), _SQLITE_TEXT | _names("datetime", "timestamp")
        ),
        "timestamptz": KindRule(
            _names("timestamp with time zone"),
            _SQLITE_TEXT | _names("datetime", "timestamp", "timestamptz"),
        ),
        "date": KindRule(_names("date"), _SQLITE_TEXT | _names("date")),
        "time": KindRule(_names("time without time zone"), _SQLITE_TEXT | _names("time")),
        "numeric": KindRule(_names("numeric"), _SQLITE_NUMERIC, params=("precision", "scale")),
        "float": KindRule(_names("double precision", "real"), _SQLITE_REAL),
        "json": KindRule(_names("json", "jsonb"), _SQLITE_TEXT | _names("json", "jsonb")),
        "bytes": KindRule(_names("bytea"), _names("blob", "")),
        "enum": KindRule(_names("enum"), _names("enum"), params=("values",)),
        # Last: the loosest kind, chosen only when no more specific kind is shared.
        "text": KindRule(_names("text", "character varying", "citext", "name"), _SQLITE_TEXT),
    }
)

KINDS: tuple[str, ...] = tuple(TYPE_TABLE)

# The reverse lookup, built once: (dialect, spelling) -> kinds.
_BY_SPELLING: dict[tuple[str, str], frozenset[str]] = {}
for _kind, _rule in TYPE_TABLE.items():
    for _dialect, _spellings in (("postgresql", _rule.postgresql), ("sqlite", _rule.sqlite)):
        for _spelling in _spellings:
            key = (_dialect, _spelling)
            _BY_SPELLING[key] = _BY_SPELLING.get(key, frozenset()) | {_kind}

# Kinds of an unlisted SQLite name, by affinity (first matching substring wins, as in SQLite).
_SQLITE_AFFINITY: tuple[tuple[str, frozenset[str]], ...] = (
    ("int", _BY_SPELLING[("sqlite", "integer")]),
    ("char", _BY_SPELLING[("sqlite", "text")]),
    ("clob", _BY_SPELLING[("sqlite", "text")]),
    ("text", _BY_SPELLING[("sqlite", "text")]),
    ("blob", _BY_SPELLING[("sqlite", "blob")]),
    ("real", _BY_SPELLING[("sqlite", "real")]),
    ("floa", _BY_SPELLING[("sqlite", "real")]),
    ("doub", _BY_SPELLING[("sqlite", "real")]),
)


def kinds_of(ctype: ColumnType) -> frozenset[str]:
    """The logical kinds a reflected or declared type can stand for (empty when none is known)."""
    found = _BY_SPELLING.get((ctype.dialect, ctype.name))
    if found is not None:
        return found
    if ctype.dialect == "sqlite":
        for fragment, kinds in _SQLITE_AFFINITY:
            if fragment in ctype.name:
                return kinds
        return _BY_SPELLING[("sqlite", "numeric")]
    return frozenset()


def shared_kind(left: ColumnType, right: ColumnType) -> str | None:
    """The logical kind both types stand for, preferring the most specific; None if there is none.

    Identical spellings in one dialect always agree, even for types the table does not know
    (a PostgreSQL ``tsvector`` equals a ``tsvector``), under the kind ``same``.
    """
    if left.dialect == right.dialect and left.name == right.name:
        return "same"
    common = kinds_of(left) & kinds_of(right)
    if not common:
        return None
    for kind in KINDS:  # table order: specific kinds before the looser ones that share spellings
        if kind in common:
            return kind
    return None  # unreachable: common is a subset of KINDS


def params_of(kind: str) -> tuple[str, ...]:
    """The ColumnType fields a kind compares (``length`` for varchar, ``values`` for enum)."""
    rule = TYPE_TABLE.get(kind)
    return rule.params if rule else ("length", "precision", "scale", "values")


def accepts(kind: str, ctype: ColumnType) -> bool:
    """True when ``ctype`` can stand for the logical ``kind`` (used to check a declared kind)."""
    return kind in kinds_of(ctype)
