"""Why a dialect-dependent operator parts two expressions, where that depends on its arguments
(a data table beside ``typemap_operators.DIALECT_DEPENDENT_OPERATORS``): ``substr(s, 2, -1)`` parts the
dialects by its negative length, not its start; ``x % 2`` with x = 2.01 by the fraction, not
by a zero divisor. The evaluation stage computes each argument on the witness row that parted
the two expressions and gives the reason of the first case whose test holds (else the
operator's general reason)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

NEGATIVE, NOT_POSITIVE, ZERO, FRACTION = "negative", "not positive", "zero", "fraction"
SMALLEST = "the smallest integer"  # of int2, int4 or int8: negating it overflows
NOT_ZERO = "not zero"
# The test of the argument ``EVERY`` (all the operator's arguments at once, and its result):
# integer arithmetic that overflows, every argument a whole number on both sides and the result
# past the largest int2 on one (``x * 2`` with x = 0.001 in a NUMERIC(5,2) overflows nothing).
EVERY = "*"
INTEGER_OVERFLOW = "integers past int2"

_OVERFLOW = (
    "arithmetic that overflows the integer type: PostgreSQL fails, SQLite computes on in "
    "64-bit integers (a REAL past them)"
)

_SMALLEST_OVERFLOWS = (
    "division of the smallest integer by -1 overflows: PostgreSQL fails, SQLite computes on in "
    "64-bit integers (a REAL past them)"
)

_MOD_FRACTION = (
    "modulo of a fraction: SQLite's % drops the fraction of each operand (2.01 % 2 is 0), "
    "PostgreSQL's keeps it (0.01)"
)

# {operator (sqlglot node name): ((argument (sqlglot arg name), test, reason), ...)}, tried in
# order on the argument's value in the witness row.
ARGUMENT_REASONS: Mapping[str, tuple[tuple[str, str, str], ...]] = MappingProxyType(
    {
        "Substring": (
            (
                "length",
                NEGATIVE,
                "substr with a negative length: SQLite takes the characters before the start, "
                "PostgreSQL fails (negative substring length not allowed)",
            ),
            (
                "start",
                NOT_POSITIVE,
                "substr with a negative or zero start counts from the end on SQLite only",
            ),
        ),
        "Mod": (
            ("expression", ZERO, "modulo: x % 0 is NULL on SQLite and an error on PostgreSQL"),
            ("this", FRACTION, _MOD_FRACTION),
            ("expression", FRACTION, _MOD_FRACTION),
        ),
        "Div": (
            ("expression", ZERO, "division: x / 0 is NULL on SQLite and an error on PostgreSQL"),
            # The smallest integer divided by -1 is one past the largest.
            ("this", SMALLEST, _SMALLEST_OVERFLOWS),
            (
                "expression",
                NOT_ZERO,
                "division: integer division of integral values on SQLite (NUMERIC/DECIMAL "
                "storage too: 2.00 is stored as 2, and 2 / 3 is 0 there, 0.666... on PostgreSQL)",
            ),
        ),
        "Add": ((EVERY, INTEGER_OVERFLOW, _OVERFLOW),),
        "Sub": ((EVERY, INTEGER_OVERFLOW, _OVERFLOW),),
        "Mul": ((EVERY, INTEGER_OVERFLOW, _OVERFLOW),),
        "Neg": (
            (
                "this",
                SMALLEST,
                "negating the smallest integer overflows: PostgreSQL fails, SQLite computes on "
                "in 64-bit integers (a REAL past them)",
            ),
        ),
        "Abs": (
            (
                "this",
                SMALLEST,
                "abs of the smallest integer overflows: PostgreSQL fails, SQLite computes on "
                "in 64-bit integers (an error past them)",
            ),
        ),
    }
)
# The operators whose cases above are all the ways they part the dialects: on a witness row
# where none holds (``-1`` negates no smallest integer), they are no reason at all.
EXHAUSTIVE = frozenset({"Neg", "Abs"})
# The operators that part the dialects only where an argument is NULL (SQLite's max(a, b) is
# NULL then, PostgreSQL's greatest(a, b) ignores it): on a witness row with no NULL argument
# they are no reason (a collation, say, parts the row: stranger72 009).
NULL_ARGUMENT_ONLY = frozenset({"Greatest", "Least"})
