"""Dialect idioms the expression engine knows: the current time, type families of casts, and
what is the same only across dialects (the literal forms of a default are in ``expr_defaults``).

Current time, within one dialect, by value (so same-dialect pairs compare exactly):

- SQLite: ``CURRENT_TIMESTAMP``, ``datetime('now')`` and ``strftime('%Y-%m-%d %H:%M:%S', 'now')``
  give one text (UTC, to the second): ``CURRENT_TIMESTAMP``. ``strftime('%Y-%m-%d %H:%M:%f',
  'now')`` gives milliseconds, and so does ``datetime('now', 'subsec')`` from SQLite 3.42 on
  (older versions give NULL for it): printed as the former where the SQLite library this runs
  on knows ``subsec``, kept as written where it does not. Other formats stay as written. Outside
  a default SQLite refuses the 'now' forms at each insert (not CURRENT_TIMESTAMP): kept there.
  SQLite has no ``now()``: it accepts ``DEFAULT (now())`` and then fails every insert, so
  ``now()`` is kept as an unknown function, never an idiom.
- PostgreSQL: ``now()``, ``CURRENT_TIMESTAMP`` and ``transaction_timestamp()`` are one value (the
  transaction's start): ``CURRENT_TIMESTAMP``; stored into a ``timestamp`` without time zone column
  it is the server's local time, which ``LOCALTIMESTAMP`` also gives: there all four are
  ``LOCALTIMESTAMP``. ``statement_timestamp()`` and ``clock_timestamp()`` are other values.

Across dialects (``across``), every one of these is "the current time", and a JSON text access
(SQLite ``json_extract(c, '$.id')``, PostgreSQL ``c ->> 'id'``, one tree already) is the same
access: each is recorded as an equivalence with a note where the two part.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping

from sqlglot import exp

# Value kinds of cast targets (sqlglot type -> the kind of ``value_kinds.value_kind``).
_FAMILIES: dict[str, frozenset[exp.DType]] = {
    "text": frozenset(exp.DataType.TEXT_TYPES | {exp.DataType.Type.BPCHAR}),
    "integer": frozenset(exp.DataType.INTEGER_TYPES),
    "float": frozenset(exp.DataType.REAL_TYPES - {exp.DataType.Type.DECIMAL}),
    "numeric": frozenset({exp.DataType.Type.DECIMAL, exp.DataType.Type.BIGDECIMAL}),
    "boolean": frozenset({exp.DataType.Type.BOOLEAN}),
    "timestamp": frozenset({exp.DataType.Type.TIMESTAMP, exp.DataType.Type.DATETIME}),
    "timestamptz": frozenset({exp.DataType.Type.TIMESTAMPTZ}),
    "date": frozenset({exp.DataType.Type.DATE}),
    "json": frozenset({exp.DataType.Type.JSON, exp.DataType.Type.JSONB}),
    "uuid": frozenset({exp.DataType.Type.UUID}),
    "other": frozenset({exp.DataType.Type.USERDEFINED}),  # an enum or a domain
}

NOW = "CURRENT_TIMESTAMP"
LOCAL_NOW = "LOCALTIMESTAMP"
SUBSECOND = "%Y-%m-%d %H:%M:%f"
# strftime formats of the current date and time as text (the "variants" of the idiom).
_DATETIME_FORMAT = re.compile(r"%Y-%m-%d[ T]%H:%M(:%S|:%f)?Z?")
_STRFTIME_NOW = re.compile(r"strftime\('([^']*)', 'now'\)")
_PG_NOW = frozenset({"now", "transaction_timestamp"})
# datetime('now', 'subsec') is the current time from SQLite 3.42 on; NULL before.
SUBSEC_MODIFIERS = frozenset(
    {"subsec", "subsecond"} if sqlite3.sqlite_version_info >= (3, 42) else ()
)


def family(to: exp.DataType) -> str | None:
    """The value kind a cast target belongs to, None when the engine does not know it."""
    if to.this == exp.DataType.Type.ARRAY:
        return None
    for name, types in _FAMILIES.items():
        if to.this in types:
            return name
    return None


def cast_is_noop(inner: exp.Expr, to: exp.DataType, own: str | None, kind: str | None) -> bool:
    """True when casting ``inner`` (canonical; of value kind ``kind`` if a column) to ``to``
    cannot change its value: NULL to anything; a string literal to a text type long enough for
    it; a number to a numeric type that holds it unchanged (an integer to any, a decimal to a
    scale and precision that hold it or to a double); a text column to text; in a default of kind
    ``own``, a literal to it."""
    if isinstance(inner, exp.Null):
        return True
    target = family(to)
    if target is None:
        return False
    length = type_length(to) if target == "text" else None
    if isinstance(inner, exp.Literal) and length is not None:
        return len(str(inner.this)) <= length  # a longer one is cut to the length
    if isinstance(inner, exp.Literal) and own is not None and target == own:
        return True
    if target == "text":
        if isinstance(inner, exp.Literal) and inner.is_string:
            return True
        return length is None and kind == "text"
    if isinstance(inner, exp.Literal) and not inner.is_string:
        if target == "numeric":
            return _held_by_numeric(str(inner.this), to)
        if target == "float":
            return not rounds_to_real(inner, to)
        return target == "integer" and _INTEGRAL.fullmatch(str(inner.this)) is not None
    return False


def integer_widening(
    node: exp.Expr, other: exp.Expr, kinds: dict[str, str], dialect: str
) -> exp.Expr:
    """In a PostgreSQL comparison with a number literal, an integer or NUMERIC column cast to
    plain NUMERIC is the column: the cast is exact and the comparison is numeric either way
    (``q > 0.5`` compares an integer q as NUMERIC too), so ``(quantity)::numeric > (0)::numeric``,
    the text PostgreSQL keeps after ALTER COLUMN TYPE integer -> numeric(10,3) -> integer (and
    on numeric(10,3) again), is ``quantity > 0`` (stranger84 004). Kept: in arithmetic
    (``q::numeric / 2`` is not ``q / 2``: 1 is a witness), a NUMERIC with a precision (it may
    overflow or round), SQLite (an INTEGER column may hold text, CAST('a' AS NUMERIC) is 0)."""
    if dialect != "postgresql" or not isinstance(node, exp.Cast):
        return node
    to, inner = node.args.get("to"), node.this
    if not isinstance(to, exp.DataType) or family(to) != "numeric" or to.expressions:
        return node
    if not isinstance(other, exp.Literal) or other.is_string or not isinstance(inner, exp.Column):
        return node
    return inner if kinds.get(inner.name) in ("integer", "numeric") else node


def rounds_to_real(literal: exp.Expr, to: exp.DataType) -> bool:
    """A fraction cast to PostgreSQL's 4-byte real, 0.1 as 0.100000001490116, which a double
    0.1 is not (stranger57 136; SQLite's REAL is 8 bytes)."""
    return to.this == exp.DataType.Type.FLOAT and not _INTEGRAL.fullmatch(str(literal.this))


# Where an integer's width decides the result on PostgreSQL: arithmetic overflows it, a shift
# counts modulo it.
_WIDTH_ARITHMETIC = (
    exp.Add, exp.Sub, exp.Mul, exp.Div, exp.IntDiv, exp.Mod, exp.Neg, exp.Abs,
    exp.BitwiseLeftShift, exp.BitwiseRightShift,
)  # fmt: skip


def widens_arithmetic(node: exp.Expr, inner: exp.Expr, to: exp.DataType, dialect: str) -> bool:
    """A PostgreSQL cast of an integer literal to an integer type other than its own (int4) in
    arithmetic: the value is the same, its width is not (``CAST(1 AS bigint) << 31`` is
    2147483648, ``1 << 31`` -2147483648; ``2147483647 + CAST(1 AS bigint)`` does not overflow),
    so the cast is kept."""
    if dialect != "postgresql" or not isinstance(inner, exp.Literal) or inner.is_string:
        return False
    if family(to) != "integer" or to.this in (exp.DataType.Type.INT,):
        return False
    parent = node.parent
    while isinstance(parent, exp.Paren):
        parent = parent.parent
    return isinstance(parent, _WIDTH_ARITHMETIC)


def _held_by_numeric(text: str, to: exp.DataType) -> bool:
    """Whether a NUMERIC of ``to``'s precision and scale holds the number ``text`` unchanged:
    ``9.999::numeric(10,2)`` is 10.00, ``1000::numeric(3)`` fails (stranger57 147)."""
    declared, (whole, _, fraction) = numeric_precision(to), text.lstrip("-").partition(".")
    if declared is None:
        return not to.expressions
    precision, scale = declared
    return len(fraction.rstrip("0")) <= scale and len(whole.lstrip("0")) <= precision - scale


_INTEGRAL = re.compile(r"-?\d+")
_DECIMAL = re.compile(r"-?(\d+(\.\d*)?|\.\d+)")


def numeric_string(inner: exp.Expr, to: exp.Expr | None) -> str | None:
    """The number a string literal cast to an exact numeric type is (``'-10'::integer`` is -10,
    ``'1.50'::numeric`` is 1.50), None for anything else. Not to a float type: ``'0.1'::real``
    is the nearest 4-byte float, not 0.1."""
    if not (isinstance(inner, exp.Literal) and inner.is_string and isinstance(to, exp.DataType)):
        return None
    text, target = str(inner.this), family(to)
    if target == "integer" and _INTEGRAL.fullmatch(text):
        return text
    if target == "numeric" and _DECIMAL.fullmatch(text):
        return text
    return None


def type_length(to: exp.Expr | None) -> int | None:
    """The length of a type such as ``varchar(10)``, None when it has none."""
    params = _type_params(to)
    return params[0] if params else None


def numeric_precision(to: exp.Expr | None) -> tuple[int, int] | None:
    """The (precision, scale) a numeric type declares (scale 0 beside a precision alone)."""
    params = _type_params(to)
    return (params[0], params[1] if len(params) > 1 else 0) if params else None


def _type_params(to: exp.Expr | None) -> list[int]:
    """The numbers a type declares (``numeric(10,2)``: 10, 2); none where one is no number."""
    params = to.expressions if isinstance(to, exp.DataType) else []
    texts = [str(p.this if isinstance(p, exp.DataTypeParam) else p) for p in params]
    return [int(t) for t in texts] if all(t.isdigit() for t in texts) else []


# Operations whose SQLite meaning parts from PostgreSQL's on some values, each a witness away:
# printed under a name of their own, so that across dialects they never equal PostgreSQL's
# operation of the same spelling (between two SQLite sources both print the same name).
SQLITE_OWN_MEANING: Mapping[type[exp.Expr], str] = {
    # case-insensitive for ASCII letters only: 'abc' LIKE 'A%' holds (not on PostgreSQL, whose
    # LIKE is case-sensitive) and 'é' LIKE 'É' does not (it does under PostgreSQL's ILIKE)
    exp.Like: "sqlite_like",
    exp.Lower: "sqlite_lower",  # ASCII letters only: lower('É') is 'É'
    exp.Upper: "sqlite_upper",
    exp.Round: "sqlite_round",  # half away from zero: PostgreSQL's round(0.5::float8) is 0
}
# CAST(x AS INTEGER) of a non-literal truncates on SQLite (0.7 -> 0), rounds on PostgreSQL (-> 1).
SQLITE_CAST_INTEGER = "sqlite_cast_integer"

# The value kinds of a PostgreSQL column (or None: not a default) where now() is the current-time
# idiom SQLite's CURRENT_TIMESTAMP and its kin stand for.
_PG_TIME_KINDS = frozenset({"timestamp", "timestamptz", None})


def idiom(node: exp.Expr, dialect: str, own: str | None) -> exp.Expr | None:
    """The canonical node of a current-time idiom, None when ``node`` is not one."""
    if dialect == "sqlite":
        return _sqlite_now(node, in_default=own is not None)
    if _is_pg_now(node):
        if own not in _PG_TIME_KINDS:
            # now() on a date, time or text column stores a date, a time or now()'s text, not
            # the "YYYY-MM-DD HH:MM:SS" that SQLite's idioms store: no idiom there.
            return None
        return exp.var(LOCAL_NOW if own == "timestamp" else NOW)
    if isinstance(node, exp.Localtimestamp) and not node.this:
        if own == "timestamptz":  # the server's local time read back as a timestamptz
            return exp.Cast(this=exp.var(LOCAL_NOW), to=exp.DataType.build("timestamptz"))
        return exp.var(LOCAL_NOW)
    return None


def _is_pg_now(node: exp.Expr) -> bool:
    if isinstance(node, exp.CurrentTimestamp):
        return not node.this  # CURRENT_TIMESTAMP(3) is rounded: another value
    return isinstance(node, exp.Anonymous) and node.name.lower() in _PG_NOW and not node.expressions


def _sqlite_now(node: exp.Expr, in_default: bool) -> exp.Expr | None:
    if isinstance(node, exp.CurrentTimestamp) and not node.this:
        return exp.var(NOW)
    if in_default and isinstance(node, exp.TimeToStr) and _is_now_literal(node.this):
        fmt = node.args.get("format")
        if isinstance(fmt, exp.Literal) and fmt.is_string:
            return _strftime(str(fmt.this))
    if in_default and isinstance(node, exp.Anonymous) and node.name.lower() == "datetime":
        args = node.expressions
        modifiers = {str(a.this).lower() for a in args[1:] if isinstance(a, exp.Literal)}
        if args and _is_now_literal(args[0]) and len(modifiers) == len(args) - 1:
            if not modifiers:
                return exp.var(NOW)
            if modifiers <= SUBSEC_MODIFIERS:
                return _strftime(SUBSECOND)
    return None


def _is_now_literal(node: exp.Expr) -> bool:
    while isinstance(node, exp.TsOrDsToTimestamp | exp.Cast):
        node = node.this
    return isinstance(node, exp.Literal) and node.is_string and str(node.this).lower() == "now"


def _strftime(fmt: str) -> exp.Expr:
    if fmt == "%Y-%m-%d %H:%M:%S":
        return exp.var(NOW)
    return exp.Anonymous(
        this="strftime", expressions=[exp.Literal.string(fmt), exp.Literal.string("now")]
    )


# -- across dialects ----------------------------------------------------------------------------

CURRENT_TIME = "current-time"
LOCAL_TIME_NOTE = (
    "current-time (PostgreSQL stores the server's local time in a timestamp without time zone, "
    "SQLite's idiom stores UTC: the same only when the server's TimeZone is UTC)"
)
LOCAL_DATE_NOTE = (
    "current-date (PostgreSQL's CURRENT_DATE and CURRENT_TIME are the server's local date and "
    "time, SQLite's UTC's: the same only when the server's TimeZone is UTC)"
)
# The notes of a default whose value depends on the server's TimeZone (``compare.columns``).
LOCAL_CLOCK_NOTES = frozenset({LOCAL_TIME_NOTE, LOCAL_DATE_NOTE})
# What the evaluation stage says of two defaults equal where no server's zone is known and the
# PostgreSQL one's value depends on the session's zone.
IN_A_UTC_SESSION = " in a PostgreSQL session whose TimeZone is UTC (its value depends on it)"
_LOCAL_CLOCK_WORDS = frozenset({"CURRENT_DATE", "current_time()"})
JSON_ACCESS = (
    "json-access (SQLite gives a JSON number as a number, PostgreSQL's ->> its text: a member "
    'compared with a value is run on probe rows, {"k": 1} among them; a NULL test reads alike)'
)


def across(text: str) -> tuple[str, str | None]:
    """A canonical text in the form that compares across dialects, and the rule (with its note)
    that made two spellings equal there; None when nothing was rewritten."""
    if text == NOW:
        return NOW, CURRENT_TIME
    if text == LOCAL_NOW:
        return NOW, LOCAL_TIME_NOTE
    if text in _LOCAL_CLOCK_WORDS:
        return text, LOCAL_DATE_NOTE
    found = _STRFTIME_NOW.fullmatch(text)
    if found is not None and _DATETIME_FORMAT.fullmatch(found.group(1)):
        return NOW, CURRENT_TIME
    if "json_extract_scalar(" in text:
        return text, JSON_ACCESS
    return text, None
