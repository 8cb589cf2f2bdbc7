"""How a logical type is carried by a stored one: a CHECK ... IN list that makes an integer a
boolean or a text an enum (``encodings_of``), and the extension types (vector, geometry) that
``domain.yaml`` declares a SQLite spelling for (``Storage``), the dialects that round to a
declared scale on store (``ENFORCES_SCALE``) and those that keep an unscaled NUMERIC as a double
(``DOUBLE_UNSCALED``). The type table they read is ``typemap``'s.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from twinschema.canonical.typemap import POSTGRESQL, SAME, SQLITE, kinds_of
from twinschema.dialects import sqlite_library
from twinschema.model import CheckConstraint, Column, ColumnType
from twinschema.records.kinds import GEOMETRY, VECTOR, Storage

# Dialects that round a value to a column's declared NUMERIC scale on store: SQLite keeps 0.001
# in a NUMERIC(6,2) column, PostgreSQL stores 0.00. Across dialects, an expression (CHECK,
# index predicate, generated column) that reads such a column depends on the dialect even when
# spelled alike (``evaluate.checks.dependent``): it is run on probe rows.
ENFORCES_SCALE = frozenset({POSTGRESQL})
# The kinds of the types of each dialect that keep a number given them with every decimal where
# another dialect's column rounds it to a declared scale: SQLite's REAL affinity (REAL, DOUBLE,
# FLOAT) and BLOB affinity (no type, BLOB) store 0.004 as the double 0.004, and so does INTEGER
# affinity (INTEGER, INT, BIGINT...: a value with a fraction stays a REAL, s79time; only a STRICT
# table refuses it, and its scratch table is STRICT too). Paired with a numeric(6,2) (a
# ``column_type`` allowed), such a column is probed as a NUMERIC of that scale
# (``evaluate.probes.kind_of``), one decimal beyond it: ``CHECK (x > 0)`` is a difference, witness
# 0.004, which PostgreSQL stores as 0.00 and its CHECK then refuses (stranger75 002).
KEEPS_DECIMALS = {SQLITE: frozenset({"float", "bytes", "integer", "bigint", "smallint"})}
SCALE_REASON = (
    "{column} has scale {scale}: {rounds} rounds a value to {scale} decimals on store, "
    "{keeps} keeps them all ({past} is {rounded} on one, {past} on the other)"
)
# Why a witness value of scale s that both store alike parts them: the dialect that does not
# round to the scale keeps a fraction as a binary double (SQLite's NUMERIC(5,2) holds 2.01 as
# 2.0099999999999998) and computes on it, 2.01 * 1000 = 2009.9999999999998 (``evaluate
# .column_reasons.scale_reasons``, given the witness rows).
SCALED_DOUBLE_REASON = (
    "{column} has scale {scale}, yet {double} holds a fraction in it as a binary double and "
    "computes on that ({value} is {near} there), {exact} in exact decimal"
)

# Dialects that refuse a value past a column's declared NUMERIC precision: PostgreSQL's
# numeric(5,2) holds numbers below 1000 only ("numeric field overflow"), SQLite's NUMERIC(5,2)
# stores any number. Across dialects, a generated column of such a type is run on probe rows
# even when its expression depends on no dialect (``GENERATED ALWAYS AS (x)`` with x = 1000),
# its probe values reaching the bound (``evaluate.generated``).
ENFORCES_PRECISION = frozenset({POSTGRESQL})

# Dialects that refuse text longer than a column's declared length (PostgreSQL's varchar(3)
# refuses 'abcd': "value too long"; SQLite's VARCHAR(3) stores it), and the integer kinds each
# dialect holds in fewer than 64 bits (PostgreSQL's integer and smallint refuse 2147483648 and
# 32768; SQLite's INTEGER holds any 64-bit number). Across dialects, a generated column of such
# a type is run on probe rows as ENFORCES_PRECISION's are (``GENERATED ALWAYS AS (s)``).
ENFORCES_LENGTH = frozenset({POSTGRESQL})
# Dialects whose integer column keeps a number that is not whole as written: SQLite's INTEGER
# affinity stores 99.5 as the REAL 99.5 (a CHECK sees 99.5), PostgreSQL's integer rounds it to 100
# before its CHECK runs (``evaluate.kept_fractions``; stranger68 018).
KEEPS_FRACTIONS = frozenset({SQLITE})
# The type a dialect's integer column is judged as where a CHECK is asked about a number not
# whole as another dialect keeps it (``evaluate.stored_rows``): PostgreSQL's numeric holds 99.5.
HOLDS_FRACTIONS = {POSTGRESQL: "numeric"}
# Text a dialect's column keeps as text (its affinity finds no number or bytes in it) where the
# other dialects' type of that kind reads a value of its own from it, by logical kind: what parts
# a CHECK on the storage class (``typeof(x) = 'integer'``) from a column without it
# (``evaluate.storage_classes``). Run on SQLite 3.40 and PostgreSQL 16: '1_000' and '0x10' are
# 1000 and 16 in PostgreSQL 16's integer (15 refuses them), text in SQLite's INTEGER; 'NaN' and
# 'Infinity' are numbers in PostgreSQL's numeric and double precision, text in SQLite's NUMERIC
# and REAL; 'ab' is bytes in a bytea, text in SQLite's BLOB; 'a' is text in a text column and
# in SQLite's INTEGER, REAL and NUMERIC alike, which keep it as text too (a CHECK
# ``typeof(x) = 'integer'`` on SQLite's INTEGER against PostgreSQL's text refuses it).
KEPT_AS_TEXT = {
    SQLITE: {
        **dict.fromkeys(("integer", "bigint", "smallint"), ("1_000", "0x10")),
        **dict.fromkeys(("numeric", "float"), ("NaN", "Infinity", "-Infinity")),
        "bytes": ("ab",),
        "text": ("a",),
        # ...and text PostgreSQL's date and timestamps read as a moment where SQLite's DATE or
        # TIMESTAMP (NUMERIC affinity) keeps a number, or a text its date functions read as
        # none or otherwise: '20240101' is an integer there (typeof() 'integer', past
        # julianday()'s range), 'epoch' is 1970-01-01 to PostgreSQL and NULL to julianday(),
        # '2024-01-01 10:00' a day to a date, which date() reads as '2024-01-01' (date(x) = x)
        **dict.fromkeys(
            ("date", "timestamp", "timestamptz"), ("20240101", "epoch", "2024-01-01 10:00")
        ),
    }
}
# Bytes a dialect's column keeps as a blob whatever its type (no SQLite affinity reads a blob),
# by the other dialects' logical kinds whose type stores a text of them: PostgreSQL 16's text and
# varchar take a bytea by its I/O cast (b'ab' as '\\x6162', from psycopg 3's bytes parameter and
# SQLAlchemy's Text alike), what parts ``typeof(x) = 'text'`` on SQLite's TEXT from text (run on
# SQLite 3.40 and PostgreSQL 16; an integer or a number type there refuses bytes).
KEPT_AS_BLOB = {SQLITE: dict.fromkeys(("text", "varchar"), (b"ab",))}
NARROW_INTEGERS = {POSTGRESQL: frozenset({"integer", "smallint"})}
# The smallest and largest value of each such kind: a generated column of one is probed where
# its expression lands on each end and one past it (``evaluate.generated_rows.bound_landings``:
# ``x - 1000`` into a smallint at x = 33767 and 33768).
INTEGER_RANGES = {"smallint": (-(2**15), 2**15 - 1), "integer": (-(2**31), 2**31 - 1)}
# The type each dialect holds any such value in: its widest integer (a generated column that
# fails in ``integer`` is computed again in ``bigint`` to tell the type's limit from the
# expression: ``evaluate.type_refusals.type_refusal``).
WIDEST_INTEGER = {POSTGRESQL: "bigint"}


def unlimited(ctype: ColumnType) -> ColumnType | None:
    """``ctype`` without the limit its dialect enforces (varchar(3) as varchar, numeric(5,2) as
    numeric, integer as bigint); None for a type with no such limit."""
    dialect = ctype.dialect
    narrow = bool(kinds_of(ctype) & NARROW_INTEGERS.get(dialect, frozenset()))
    if narrow and dialect in WIDEST_INTEGER:
        return ColumnType(dialect, WIDEST_INTEGER[dialect])
    enforced = (dialect in ENFORCES_LENGTH and ctype.length is not None) or (
        dialect in ENFORCES_PRECISION and ctype.precision is not None
    )
    if not enforced or ctype.values is not None or ctype.array:
        return None
    return replace(ctype, length=None, precision=None, scale=None, raw="")


# The kinds of each dialect's types that store a whole number as an integer: SQLite's NUMERIC
# affinity keeps 15.00 as the integer 15 (``typeof()`` 'integer'), as INTEGER does, so ``/``
# over such values divides integers there (``typemap_operators.DIVISION_INTEGRAL``): (15.00 +
# 16.00) / 2 is 15 on SQLite, 15.50 on PostgreSQL's numeric (stranger83 001). A view dividing
# such a column is probed with whole values whose quotient is not whole (``evaluate.view_sums``).
WHOLE_AS_INTEGER = {SQLITE: frozenset({"numeric", "integer", "bigint", "smallint"})}
# Dialects whose unscaled NUMERIC stores a non-integer (and an integer past 64 bits) as a double,
# about 15-17 significant digits: SQLite's NUMERIC affinity stores 0.30000000000000001 as 0.3,
# PostgreSQL's numeric keeps every digit. Across dialects, an expression or a unique rule that
# reads such a column depends on the dialect even when spelled alike: it is run on probe rows.
DOUBLE_UNSCALED = frozenset({SQLITE})
# The types each dialect holds as a 4-byte float (PostgreSQL's real), which rounds a decimal
# fraction coarser than an 8-byte double (0.3 is 0.30000001192092896): why an expression over
# such a column parts from the other dialect's 8-byte REAL (``evaluate.probes.scale_parts``).
FOUR_BYTE_FLOATS = {POSTGRESQL: frozenset({"real", "float4"})}
# The types each dialect holds a span of time in, its months, days and microseconds counted
# apart (PostgreSQL's interval, with or without fields: ``interval day to second``), by the first
# word of the type's name: a column of one is probed at spans whose fields part (``evaluate.
# probe_strings.INTERVALS``: '1 year -365 days' compares below 0, its epoch is above).
INTERVAL_TYPES = {POSTGRESQL: frozenset({"interval"})}


def is_interval(ctype: ColumnType) -> bool:
    """True for a type (not an array of it) that ``INTERVAL_TYPES`` names in its dialect."""
    own = INTERVAL_TYPES.get(ctype.dialect, frozenset())
    return not ctype.array and ctype.name.split(" ", 1)[0].split("(", 1)[0] in own


FLOAT4_REASON = (
    "{column} is a 4-byte float on {narrow} (0.3 is 0.30000001192092896 there), an 8-byte one "
    "on {wide} (0.3 is 0.29999999999999999)"
)
UNSCALED_REASON = (
    "{column} is an unscaled NUMERIC: {double} stores a non-integer as a double (15-17 "
    "significant digits), {exact} keeps every digit (0.30000000000000001 is 0.3 on one, "
    "0.30000000000000001 on the other)"
)

# What a CHECK ... IN list on a column of a given kind encodes: SQLite spells booleans as
# integers restricted to (0, 1) and enums as text restricted to a list of strings. SQLite's
# NUMERIC affinity stores 1, 1.0 and '1' as the integer 1, as INTEGER does: a carrier too.
_BOOLEAN_VALUES = frozenset({"0", "1"})
_BOOLEAN_CARRIERS = frozenset({"integer", "boolean"})
_SQLITE_BOOLEAN_CARRIERS = frozenset({"integer", "boolean", "numeric"})
_ENUM_CARRIERS = frozenset({"text", "enum"})
# SQLite spells a JSON column as text kept to valid JSON by ``CHECK (json_valid(c))``.
_JSON_CARRIERS = frozenset({"text", "json"})
# Declared types that hold JSON documents as their text without being the json kind: SQLite's
# JSON (SQLAlchemy's sa.JSON) has NUMERIC affinity, so number-looking text becomes a number and
# the pair with json/jsonb stays a column_type difference, but the documents both take ('{}',
# '{"a":1}', '[1]') are the values it is probed with (stranger79 003, 004: as a NUMERIC column
# it was probed with numbers and NULL only, and no value but NULL was "held by both").
JSON_DOCUMENT_TYPES = {SQLITE: frozenset({"json", "jsonb"})}


def documents_pair(left: ColumnType, right: ColumnType) -> bool:
    """True when one type holds JSON documents as text (``JSON_DOCUMENT_TYPES``) and the other
    is of the json kind: the pair is probed with JSON documents."""
    return any(
        a.name in JSON_DOCUMENT_TYPES.get(a.dialect, frozenset()) and "json" in kinds_of(b)
        for a, b in ((left, right), (right, left))
    )


def _json_valid_of(check: CheckConstraint, column: Column) -> bool:
    """True for a CHECK that keeps ``column`` to valid JSON and lets every NULL a nullable
    column holds through, as a json/jsonb column does: ``json_valid(c) OR c IS NULL`` (canonical
    text, either quoting, either order), or ``json_valid(c)`` alone on a NOT NULL column or where
    ``json_valid(NULL)`` is NULL."""
    if "json_valid(" not in check.expression:  # every form below calls it
        return False
    name = column.name
    for spelled in (name, '"' + name.replace('"', '""') + '"'):
        valid = f"json_valid({spelled})"
        if check.expression == valid:
            return not column.nullable or sqlite_library.json_valid_passes_null()
        null = f"{spelled} IS NULL"
        if check.expression.replace("(" + null + ")", null) in (
            f"{valid} OR {null}",
            f"{null} OR {valid}",
        ):
            return True
    return False


def encodings_of(
    column: Column, checks: Iterable[CheckConstraint]
) -> tuple[tuple[ColumnType, CheckConstraint], ...]:
    """The logical types ``column`` encodes through a CHECK ... IN list on it, with that CHECK.

    An integer (or a SQLite NUMERIC) restricted to (0, 1) is a boolean; a text restricted to a
    list of strings is an enum; a SQLite text kept to valid JSON (``json_valid``) is json. A
    native boolean or enum that restates itself in a CHECK (SQLAlchemy's Boolean on SQLite does)
    yields its own type, so that the CHECK is accounted for by the type. The
    logical type keeps what carries it as its ``definition``: two columns of one dialect are
    the same type only when their carriers are (INTEGER in (0, 1) is not BOOLEAN in (0, 1)).
    """
    kinds = kinds_of(column.type)
    sqlite = column.type.dialect == SQLITE
    booleans = _SQLITE_BOOLEAN_CARRIERS if sqlite else _BOOLEAN_CARRIERS
    found: list[tuple[ColumnType, CheckConstraint]] = []
    for check in checks:
        if sqlite and kinds & _JSON_CARRIERS and _json_valid_of(check, column):
            found.append((_logical(column.type, "json"), check))
            continue
        if check.column != column.name or not check.values:  # the logical name, as the column
            continue
        if frozenset(check.values) == _BOOLEAN_VALUES and kinds & booleans:
            found.append((_logical(column.type, "boolean"), check))
        elif kinds & _ENUM_CARRIERS:
            found.append((_logical(column.type, "enum", check.values), check))
    return tuple(found)


def _logical(ctype: ColumnType, name: str, values: tuple[str, ...] | None = None) -> ColumnType:
    return replace(
        ctype,
        name=name,
        length=None,
        precision=None,
        scale=None,
        values=values,
        definition=ctype.spelling(),
    )


def values_ordered(kind: str, ctype: ColumnType) -> bool:
    """True when the order of ``ctype``'s values means something: a native enum (PostgreSQL
    sorts by it) compared within one dialect. A CHECK ... IN list has no order."""
    return kind == SAME and ctype.definition is None


def stored_as(column: Column, storage: Storage | None) -> Column:
    """``column`` with its logical type when it is a SQLite column stored as ``storage`` declares
    (an accepted spelling): a BLOB that holds a ``vector(1536)`` is compared as that vector.
    Any other column is returned unchanged, so that a spelling not accepted stays a difference."""
    if storage is None or column.type.dialect != SQLITE or column.type.array:
        return column
    spelling = column.type.spelling()
    if column.type.name not in storage.sqlite:
        return column
    return replace(column, type=replace(storage.logical(SQLITE, spelling), raw=column.type.raw))


def fits_storage(storage: Storage, ctype: ColumnType) -> bool:
    """True when a server column's type is the declared extension type: ``vector`` with the
    declared dimensions, ``geometry`` with the declared type and SRID (a parameter the
    declaration leaves out is not compared)."""
    if ctype.dialect == SQLITE:
        return ctype.name == storage.logical(SQLITE).name and (
            storage.kind != VECTOR or ctype.length == storage.dimensions
        )
    if storage.kind == VECTOR:
        return ctype.name == VECTOR and storage.dimensions in (None, ctype.length)
    wanted = storage.logical(ctype.dialect).name
    return ctype.name == wanted or (storage.geometry is None and storage.srid is None)


def extension_difference(ctype: ColumnType, param: str, where: str) -> str | None:
    """The start of the message for a differing parameter of an extension type (``where`` is
    table.column), or None for any other type: a vector's length is its dimensions, not a number
    of characters; a geometry's name holds its type and SRID."""
    base = ctype.name.split("(", 1)[0]
    if base == VECTOR and param == "length":
        return f"dimensions of {where} differ (vector(n) rejects a vector of other dimensions)"
    if base == GEOMETRY and param == "name":
        return (
            f"geometry type or SRID of {where} differs (a typed geometry column rejects "
            "a geometry of another type or SRID)"
        )
    return None
