"""The warning for a NUMERIC column's scale names a value a CHECK parts where there is one
(stranger73 009): REAL against numeric(4,2), both ``CHECK (w BETWEEN 0 AND 99.99)``, was warned
with 1.001 (both store it, each its own way), not 99.994, which SQLite's CHECK refuses and
PostgreSQL stores as 99.99. The golden cases sl-pg.real-against-scaled-numeric-allowed-warns
(and its near miss without a CHECK, -no-check-warns-1001) run each row on both real databases;
here the order itself: a value refused by the type (999.996 past numeric(5,2)) is no CHECK's."""

from __future__ import annotations

from decimal import Decimal

from twinschema.evaluate.backends import REJECTED
from twinschema.evaluate.crossing_outcomes import parted_first
from twinschema.evaluate.crossing_values import FINER

_VALUES = [
    ("the integer 2147483648 (past integer)", 2**31),
    (f"the number 1.001 ({FINER} 2)", Decimal("1.001")),
    (f"the number -0.004 ({FINER} 2)", Decimal("-0.004")),
    (f"the number 99.994 ({FINER} 2)", Decimal("99.994")),
]


def test_a_value_a_check_refuses_comes_first_a_positive_one_first() -> None:
    """SQLite (left) refuses -0.004 and 99.994, PostgreSQL stores both rounded: 99.994 first
    (positive), then -0.004, then 1.001; the integer keeps its place."""
    left = [2**31, Decimal("1.001"), REJECTED, REJECTED]
    right = [REJECTED, Decimal("1.00"), Decimal("0.00"), Decimal("99.99")]
    bare = [2**31, Decimal("1.001"), Decimal("-0.004"), Decimal("99.994")]  # SQLite, no CHECK
    rows = parted_first(_VALUES, (left, right), lambda n: bare if n == 0 else None)
    assert [value for (_, value), _, _ in rows] == [
        2**31,
        Decimal("99.994"),
        Decimal("-0.004"),
        Decimal("1.001"),
    ]


def test_a_value_the_type_refuses_keeps_its_place() -> None:
    """Near miss: the refusing side's column refuses the value with no CHECK too (its type):
    no CHECK parts it, 1.001 stays first."""
    left = [2**31, Decimal("1.001"), REJECTED, REJECTED]
    right = [REJECTED, Decimal("1.00"), Decimal("0.00"), Decimal("99.99")]
    bare = [2**31, Decimal("1.001"), REJECTED, REJECTED]
    rows = parted_first(_VALUES, (left, right), lambda n: bare if n == 0 else None)
    assert [value for (_, value), _, _ in rows] == [v for _, v in _VALUES]
