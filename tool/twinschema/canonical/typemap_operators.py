"""Dialect facts as data, beside ``typemap``'s type table: the operators and conversions spelled
alike on SQLite and PostgreSQL whose meaning depends on the dialect, which the evaluation stage
runs on probe rows even when the canonical forms of two expressions agree."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

# Operators spelled alike on SQLite and PostgreSQL whose meaning depends on the dialect: a
# cross-dialect CHECK, generated column or index predicate that uses one is run on probe rows
# even when its canonical forms agree (``evaluate.checks.dialect_dependent``). Keyed by the
# operator's sqlglot node name; the value says why. ``Like``/``ILike`` count only when the
# pattern holds a backslash (PostgreSQL's default LIKE escape; SQLite has none):
# ``DEPENDENT_WHEN_LITERAL_HOLDS``; ``Cast`` only when it casts to a number, a date, a time or
# a boolean.
_MATH = "%s is NULL on SQLite and an error on PostgreSQL"
# The two halves of a division's reason, each also said alone where the other is false of the
# expressions at hand (``evaluate.divisions``).
DIVISION_INTEGRAL = (
    "division: integer division of integral values on SQLite (NUMERIC/DECIMAL storage too)"
)
DIVISION_BY_ZERO = "division: " + _MATH % "x / 0"
DIALECT_DEPENDENT_OPERATORS: Mapping[str, str] = MappingProxyType(
    {
        "Div": DIVISION_INTEGRAL + ", " + _MATH % "x / 0",
        "IntDiv": DIVISION_BY_ZERO,
        "Mod": "modulo: x % 0 is NULL on SQLite and an error on PostgreSQL",
        "Add": "arithmetic that overflows the integer type: PostgreSQL fails, SQLite computes "
        "on in 64-bit integers (a REAL past them)",
        "Sub": "arithmetic that overflows the integer type: PostgreSQL fails, SQLite computes "
        "on in 64-bit integers (a REAL past them)",
        "Mul": "arithmetic that overflows the integer type: PostgreSQL fails, SQLite computes "
        "on in 64-bit integers (a REAL past them)",
        "Neg": "negating the smallest integer overflows: PostgreSQL fails, SQLite computes on "
        "in 64-bit integers (a REAL past them)",
        "Abs": "abs of the smallest integer overflows: PostgreSQL fails, SQLite computes on "
        "in 64-bit integers (an error past them)",
        "Substring": "substr with a negative or zero start counts from the end on SQLite only",
        "Like": "a backslash in a LIKE pattern escapes on PostgreSQL only",
        "ILike": "a backslash in a LIKE pattern escapes on PostgreSQL only",
        "Cast": "a cast to a number, date or time: SQLite takes the longest prefix that reads "
        "as one ('1.5' and '1e3' are 1 as an integer, 'abc' and '' are 0) and truncates a "
        "fraction, PostgreSQL fails on text that is not one and rounds a fraction",
        "Greatest": "SQLite's max(a, b) is NULL when an argument is NULL, PostgreSQL's "
        "greatest(a, b) ignores NULLs",
        "Least": "SQLite's min(a, b) is NULL when an argument is NULL, PostgreSQL's "
        "least(a, b) ignores NULLs",
        "DPipe": "|| turns a number or boolean into text: SQLite renders REAL 1 as '1.0', "
        "NUMERIC 1.50 as '1.5', true as '1'; PostgreSQL as '1', '1.50', 'true'",
        # Math functions outside their domain or range (checked on SQLite 3.40 and PostgreSQL
        # 16: sqrt(-1), ln(0), log(0), acos(2) and exp(1000) are NULL or Inf on SQLite and
        # errors on PostgreSQL, so a row one stores the other refuses).
        "Sqrt": _MATH % "sqrt of a negative number",
        "Ln": _MATH % "ln of zero or a negative number",
        "Log": _MATH % "log of zero or a negative number",
        "Exp": "exp past a double's range is Inf on SQLite, an error on PostgreSQL",
        "Pow": _MATH % "power of zero to a negative, or a negative to a fraction,"
        + "; past a double's range it is Inf on SQLite, an error on PostgreSQL",
        "Acos": _MATH % "acos outside -1..1",
        "Asin": _MATH % "asin outside -1..1",
        "Acosh": _MATH % "acosh below 1",
        "Atanh": _MATH % "atanh outside -1..1",
        "BitwiseLeftShift": "a shift of an integer is 32-bit on PostgreSQL's integer (1 << 31 is "
        "-2147483648, and a shift counts modulo the width), 64-bit on SQLite (2147483648)",
        "BitwiseRightShift": "a shift of an integer counts modulo its width on PostgreSQL "
        "(x >> 32 is x on an integer), SQLite shifts every bit out (0, or -1 when negative)",
        "Chr": "char(0) is a NUL character on SQLite, chr(0) an error on PostgreSQL (and a "
        "negative or too large code is '' or NULL on SQLite, an error on PostgreSQL)",
        "JSONExtractScalar": "a JSON member read as a value: SQLite's json_extract and ->> give "
        "a JSON number as a number and true as 1, PostgreSQL's ->> gives their text ('1', "
        "'true'), so {\"k\": 1} has a member equal to '1' on PostgreSQL only",
    }
)
# The operators above that count only where their value is compared, not only tested for NULL:
# json_extract(c, '$.k') and c ->> 'k' are NULL on the same documents (fuzz43 004).
DEPENDENT_UNLESS_NULL_TESTED = frozenset({"JSONExtractScalar"})
CAST_OPERATORS = frozenset({"Cast"})
# Conversions to text (sqlglot node names; ``Anonymous`` ones by function name): dependent
# when a column they convert is not text on both sides (``evaluate.checks.dependent``).
TEXT_CONVERSIONS: Mapping[str, str] = MappingProxyType(
    {
        "Cast": "a cast to text prints a number, boolean, UUID or time as its dialect does "
        "(SQLite REAL 1 is '1.0', NUMERIC 1.0 '1'; PostgreSQL '1' and '1.0')",
        "Format": "format() prints a number as its dialect does (NUMERIC 1.0: '1' or '1.0')",
        "printf": "printf() prints a number as SQLite does (NUMERIC 1.0 is '1')",
    }
)
# Why one CHECK text, written alike on SQLite and PostgreSQL, is read otherwise there (keyed by
# sqlglot node name, as above; ``evaluate.check_pairs.each_side``, stranger61 017): said in
# place of a session's settings, which part two texts of one dialect only. Checked on SQLite
# 3.40 and PostgreSQL 16: 'IMAGE/PNG' LIKE 'image/%' is true on SQLite, false on PostgreSQL;
# round(2.5) is 3 on SQLite, round(2.5::float8) 2 on PostgreSQL (round(2.5::numeric) 3).
READ_OTHERWISE: Mapping[str, str] = MappingProxyType(
    {
        "Like": "SQLite's LIKE ignores the case of ASCII letters ('IMAGE/PNG' LIKE 'image/%' is "
        "true there: PRAGMA case_sensitive_like is off), PostgreSQL's LIKE does not",
        "Round": "SQLite's round() rounds half away from zero, PostgreSQL's round() of a double "
        "precision half to even (round(2.5) is 3 on SQLite, 2 on PostgreSQL)",
    }
)
# The operators above that count only when a string literal under them holds this text: a LIKE
# pattern without a backslash means the same on both dialects.
DEPENDENT_WHEN_LITERAL_HOLDS: Mapping[str, str] = MappingProxyType({"Like": "\\", "ILike": "\\"})
# Why two CHECKs matched by canonical form part where they compare a date or time column with
# the clock (``evaluate.matched_checks``, stranger59 019): SQLite keeps the column as text.
CLOCK_AS_TEXT = (
    "a date or time column compared with the clock: SQLite compares the text it holds with the "
    "clock's text (CURRENT_TIMESTAMP is 'YYYY-MM-DD HH:MM:SS' in UTC, to the second), "
    "PostgreSQL compares moments (now() to the microsecond), so a moment inside the current "
    "second, or one written otherwise ('T' before the time, a UTC offset), parts them"
)
