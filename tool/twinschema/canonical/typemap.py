"""Dialect facts as data: the cross-dialect type table, identifier folding, key generators.

The type table is ``{kind: {dialect: spellings}}``: a type reflected from either dialect is reduced
(by its dialect adapter) to a lower-case base name such as ``timestamp with time zone`` or
``nvarchar``; ``kinds_of`` says which logical kinds that name can stand for. Two columns of
*different* dialects agree on type when they share a kind (the first of ``SPECIFICITY`` they share)
and that kind's parameters agree; the rule's name is the kind, so a match is reported as an
equivalence ("uuid: uuid ~ text") and never as a difference. Two columns of the *same* dialect
never consult the table: their declared types must be equal (``varchar(10)`` equals only
``varchar(10)``, a ``tsvector`` equals a ``tsvector``), because one database engine treats two
spellings alike only when they are the same type.

SQLite spellings follow its type affinity rules (https://sqlite.org/datatype3.html#affinity_name_examples):
any declared name that is not listed falls back to the kinds of its affinity, so ``BLOB SUB_TYPE
TEXT`` or ``NATIVE CHARACTER(70)`` are understood as SQLite itself understands them.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from twinschema.model import ColumnType
from twinschema.records import dialects as dialect_records
from twinschema.records.kinds import GEOMETRY, LOGICAL_KINDS, VECTOR

POSTGRESQL, SQLITE = "postgresql", "sqlite"

# How people name each dialect in a message (re-exported: many callers read it from here).
DIALECT_NAMES = dialect_records.DIALECT_NAMES

# Dialects that reject a value longer than a column's declared length (SQLite never does, even
# in a STRICT table: https://sqlite.org/datatype3.html).
ENFORCES_LENGTH = frozenset({POSTGRESQL})

# Dialects whose identifiers are case-insensitive (``records.dialects``, where the domain's name
# maps read it too).
CASE_INSENSITIVE_NAMES = dialect_records.CASE_INSENSITIVE_NAMES

# The kind of a same-dialect pair whose declared types are equal.
SAME = "same"


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
)
# ``STRING``, ``JSON`` and ``JSONB`` are not here: no INT, CHAR, CLOB, TEXT, BLOB, REAL, FLOA or
# DOUB in the name gives them NUMERIC affinity, which stores '007' as the integer 7 and '1e2' as
# 100: they carry numbers, not text (``kinds_of`` falls back to the NUMERIC kinds for them).
_SQLITE_REAL = _names("real", "double", "double precision", "float", "float4", "float8")
_SQLITE_NUMERIC = _names("numeric", "decimal")


def _kind(postgresql: frozenset[str], sqlite: frozenset[str]) -> Mapping[str, frozenset[str]]:
    return MappingProxyType({POSTGRESQL: postgresql, SQLITE: sqlite})


# {kind: {dialect: spellings}}, consulted only across dialects.
TYPE_TABLE: Mapping[str, Mapping[str, frozenset[str]]] = MappingProxyType(
    {
        "uuid": _kind(_names("uuid"), _SQLITE_TEXT | _names("uuid", "blob")),
        "varchar": _kind(
            _names("character varying"),
            _names("varchar", "nvarchar", "character varying", "varying character"),
        ),
        # No SQLite spelling stands for PostgreSQL's character(n): see NO_COUNTERPART.
        "char": _kind(_names("character"), _names()),
        "integer": _kind(_names("integer"), _SQLITE_INTEGER),
        "bigint": _kind(_names("bigint"), _SQLITE_INTEGER),
        "smallint": _kind(_names("smallint"), _SQLITE_INTEGER),
        "boolean": _kind(_names("boolean"), _names("boolean", "bool")),
        "timestamp": _kind(
            _names("timestamp without time zone"), _SQLITE_TEXT | _names("datetime", "timestamp")
        ),
        "timestamptz": _kind(
            _names("timestamp with time zone"),
            _SQLITE_TEXT | _names("datetime", "timestamp", "timestamptz"),
        ),
        "date": _kind(_names("date"), _SQLITE_TEXT | _names("date")),
        "time": _kind(_names("time without time zone"), _SQLITE_TEXT | _names("time")),
        "numeric": _kind(_names("numeric"), _SQLITE_NUMERIC),
        # SQLite's REAL is an 8-byte float: PostgreSQL's 4-byte real rounds 16777217 to 16777216.
        "float": _kind(_names("double precision"), _SQLITE_REAL),
        "json": _kind(_names("json", "jsonb"), _SQLITE_TEXT),
        # SQLite's ``bytea`` (Synapse declares it) has NUMERIC affinity, which stores a blob
        # unchanged, as BLOB affinity does: the name says bytes.
        "bytes": _kind(_names("bytea"), _names("blob", "", "bytea")),
        "enum": _kind(_names("enum"), _names("enum")),
        # Extension types (pgvector, PostGIS): the SQLite spelling is the logical type that a
        # ``domain.yaml`` declaration makes of an accepted storage spelling (``stored_as``).
        VECTOR: _kind(_names(VECTOR), _names(VECTOR)),
        GEOMETRY: _kind(_names(GEOMETRY), _names(GEOMETRY)),
        "text": _kind(_names("text", "character varying", "citext", "name"), _SQLITE_TEXT),
    }
)

# Why a kind has no spelling in one dialect (an empty set in ``TYPE_TABLE``), for the message
# of a column of that kind against any type of that dialect (``typemap_why``).
NO_COUNTERPART: Mapping[str, str] = MappingProxyType(
    {
        "char": "PostgreSQL's character(n) pads a value with spaces to n characters and ignores "
        "trailing spaces when it compares ('X ' = 'X'); SQLite has no fixed-length character "
        "type (its CHAR(n) is text, kept as given, and 'X ' <> 'X')",
    }
)

# Why a PostgreSQL array pairs with no SQLite type (stranger63 023), and how applications pair
# them: README's `domain.yaml` section says it in these words ("No kind holds a PostgreSQL array").
ARRAY_NO_COUNTERPART = (
    "SQLite has no array type: no kind holds a PostgreSQL array. A SQLite application keeps the "
    'list as JSON array text (\'["a","b"]\'): if that is the design, allow this column_type in '
    "domain.yaml with a reason, and the column's defaults and CHECKs are compared through that "
    "mapping, for text and integer elements (README, `domain.yaml`: "
    '"No kind holds a PostgreSQL array")'
)

# Type names both engines know, for different types: what each dialect means by it
# (``typemap_why``), so that "real vs real" reads as two types.
SAME_NAME: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {"real": MappingProxyType({SQLITE: "an 8-byte float", POSTGRESQL: "a 4-byte float, float4"})}
)

# Which kind wins when two types share several: the most specific first, the loosest (text,
# which shares its spellings with many) last. Also the order ``domain.yaml`` lists kinds in.
SPECIFICITY: tuple[str, ...] = LOGICAL_KINDS
# The logical kinds that hold numbers (a default, a literal or a probe value is a number there).
NUMBER_KINDS = frozenset({"integer", "bigint", "smallint", "numeric", "float"})
KINDS = SPECIFICITY

# The ColumnType fields each kind compares. A declared bound (a length, a precision) on one side
# and none on the other is a difference: one side rejects or rounds values the other keeps.
PARAMETERS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "varchar": ("length",),
        "char": ("length",),
        "text": ("length",),
        "numeric": ("precision", "scale"),
        # Fractional seconds: timestamp(0) rounds 10:00:00.7 to 10:00:01.
        "timestamp": ("precision",),
        "timestamptz": ("precision",),
        "time": ("precision",),
        "enum": ("values",),
        VECTOR: ("length",),  # its dimensions
        GEOMETRY: ("name",),  # geometry(point,4326): its geometry type and SRID
        SAME: ("values", "length", "precision", "scale"),
    }
)

# A parameter value a type keeps where none is declared: PostgreSQL's timestamp stores
# microseconds, as timestamp(6) does (a larger precision is cut to 6), so 6 is no bound of its own
# (fuzz41 R8). https://www.postgresql.org/docs/current/datatype-datetime.html
IMPLIED: Mapping[tuple[str, str, str], int] = MappingProxyType(
    {
        (POSTGRESQL, name, "precision"): 6
        for name in (
            "timestamp without time zone",
            "timestamp with time zone",
            "time without time zone",
            "time with time zone",
            "interval",
        )
    }
)


def declared_bound(ctype: ColumnType, param: str) -> object:
    """A type parameter as a bound: None (no bound) where the type keeps that much anyway
    (``IMPLIED``), else its value."""
    value = getattr(ctype, param)
    implied = IMPLIED.get((ctype.dialect, ctype.name, param))
    if implied is not None and isinstance(value, int) and value >= implied:
        return None
    return value


if set(SPECIFICITY) != set(TYPE_TABLE):  # pragma: no cover - a table edit that forgot the order
    raise AssertionError("typemap: SPECIFICITY must list every kind of TYPE_TABLE exactly once")
if {k for k, d in TYPE_TABLE.items() if not all(d.values())} != set(
    NO_COUNTERPART
):  # pragma: no cover
    raise AssertionError("typemap: NO_COUNTERPART must say why each kind lacks a spelling")

# The reverse lookup, built once: (dialect, spelling) -> kinds.
_BY_SPELLING: dict[tuple[str, str], frozenset[str]] = {}
for _kind_name, _spellings_of in TYPE_TABLE.items():
    for _dialect, _spellings in _spellings_of.items():
        for _spelling in _spellings:
            _key = (_dialect, _spelling)
            _BY_SPELLING[_key] = _BY_SPELLING.get(_key, frozenset()) | {_kind_name}

# Kinds of an unlisted SQLite name, by affinity (first matching substring wins, as in SQLite).
_SQLITE_AFFINITY: tuple[tuple[str, frozenset[str]], ...] = (
    ("int", _BY_SPELLING[(SQLITE, "integer")]),
    ("char", _BY_SPELLING[(SQLITE, "text")]),
    ("clob", _BY_SPELLING[(SQLITE, "text")]),
    ("text", _BY_SPELLING[(SQLITE, "text")]),
    ("blob", _BY_SPELLING[(SQLITE, "blob")]),
    ("real", _BY_SPELLING[(SQLITE, "real")]),
    ("floa", _BY_SPELLING[(SQLITE, "real")]),
    ("doub", _BY_SPELLING[(SQLITE, "real")]),
)


# The fragments of a SQLite declared name that give it an affinity other than NUMERIC.
AFFINITY_FRAGMENTS = tuple(fragment for fragment, _ in _SQLITE_AFFINITY)


def kinds_of(ctype: ColumnType) -> frozenset[str]:
    """The logical kinds a reflected or declared type can stand for (empty when none is known)."""
    base = ctype.name.split("(", 1)[0]
    if ctype.dialect == SQLITE and ctype.definition is not None and base in TYPE_TABLE:
        # A logical type that another SQLite spelling carries (``definition``: a CHECK's
        # encoding, a declared extension's storage) is named after its kind, which it stands
        # for alone: its name is no SQLite spelling (a column declared JSON has NUMERIC affinity).
        return frozenset({base})
    found = _BY_SPELLING.get((ctype.dialect, base))
    if found is not None:
        return found
    if ctype.dialect == SQLITE:
        for fragment, kinds in _SQLITE_AFFINITY:
            if fragment in ctype.name:
                return kinds
        return _BY_SPELLING[(SQLITE, "numeric")]
    return frozenset()


def shared_kind(left: ColumnType, right: ColumnType) -> str | None:
    """The logical kind both types stand for, preferring the most specific; None if there is none.

    Two types of one dialect share the kind ``same`` when their declared base names (and array
    flag and domain definition) are equal, whatever the table says; their parameters are then
    compared exactly (see ``PARAMETERS``). Only across dialects is the table consulted.
    """
    if left.dialect == right.dialect:
        declared = (left.name, left.array, left.definition)
        return SAME if declared == (right.name, right.array, right.definition) else None
    common = kinds_of(left) & kinds_of(right)
    for kind in SPECIFICITY:
        if kind in common:
            return kind
    return None


def options_compared(left_dialect: str, right_dialect: str) -> bool:
    """True when two tables' options (SQLite's STRICT, WITHOUT ROWID) are compared: they are
    one dialect's own, so only between two sources of that dialect."""
    return left_dialect == right_dialect


def params_of(kind: str) -> tuple[str, ...]:
    """The ColumnType fields a kind compares (``length`` for varchar, ``values`` for enum)."""
    return PARAMETERS.get(kind, ())


def accepts(kind: str, ctype: ColumnType) -> bool:
    """True when ``ctype`` can stand for the logical ``kind`` (used to check a declared kind)."""
    return kind in kinds_of(ctype)


def folds_names(left_dialect: str, right_dialect: str) -> bool:
    """True when names of these two sides pair case-insensitively: when either side's dialect
    matches identifiers without regard to case (a SQLite ``Lock`` is PostgreSQL's ``lock``)."""
    return bool({left_dialect, right_dialect} & CASE_INSENSITIVE_NAMES)


# The case-insensitive key of a name (ASCII letters only, as SQLite compares them).
fold = dialect_records.fold_name


# The dialects whose fixed-length character type (kind "char") pads a value with spaces and
# ignores that padding in length(), comparisons and casts (stranger74 008).
PADS_CHAR = frozenset({POSTGRESQL})
PADDING_REASON = (
    "PostgreSQL's character(n) ignores its trailing spaces in length() and comparisons "
    "(length('ab  '::character(4)) is 2); SQLite's TEXT counts every character"
)


def pads(ctype: ColumnType) -> bool:
    """True when a column of type ``ctype`` pads and ignores trailing spaces (``char(n)`` on
    a dialect in ``PADS_CHAR``): an expression reading it, written alike on a column that keeps
    its spaces, need not mean the same."""
    return ctype.dialect in PADS_CHAR and "char" in kinds_of(ctype)


def enforces_length(dialect: str) -> bool:
    """True when ``dialect`` refuses a text longer than its column's declared length."""
    return dialect in ENFORCES_LENGTH


def length_effect(bounded: tuple[str, str, int], other: tuple[str, str, int | None]) -> str:
    """What a length bound means for data, in words: ``bounded`` is (label, dialect, length) of
    the side with the smaller (or only) bound, ``other`` the other side's."""
    label, dialect, length = bounded
    olabel, odialect, olength = other
    name, oname = DIALECT_NAMES.get(dialect, dialect), DIALECT_NAMES.get(odialect, odialect)
    kept = "stores" if olength is None or odialect not in ENFORCES_LENGTH else "accepts"
    if dialect in ENFORCES_LENGTH:
        return (
            f"{label} ({name}) rejects values longer than {length} characters that "
            f"{olabel} ({oname}) {kept}"
        )
    return (
        f"{label} ({name}) declares at most {length} characters but does not enforce it; "
        f"{olabel} ({oname}) declares {'no bound' if olength is None else olength}"
    )
