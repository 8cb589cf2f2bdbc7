"""Where arithmetic on one column lands on a literal (``evaluate.landings``): the column values
a NUMERIC column is probed with beyond its literals (``n * 100 < 50`` on NUMERIC(5,2): 0.50 and
0.495, which SQLite keeps and PostgreSQL rounds onto 0.50)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from twinschema.evaluate import expression_reads, landings, probes

# (SQLite spelling, PostgreSQL's as it prints it back, the values that land on the literal).
LANDING = [
    ("n * 100 < 50", "((n * (100)::numeric) < (50)::numeric)", ["0.5"]),
    ("2 * n >= 1", "(((2)::numeric * n) >= (1)::numeric)", ["0.5"]),
    ("n / 4 = 2", "((n / (4)::numeric) = (2)::numeric)", ["8"]),
    ("2 / n = 4", "(((2)::numeric / n) = (4)::numeric)", ["0.5"]),
    ("n + 1 > 2", "((n + (1)::numeric) > (2)::numeric)", ["1"]),
    ("n - 1 > 2", "((n - (1)::numeric) > (2)::numeric)", ["3"]),
    ("3 - n > 1", "(((3)::numeric - n) > (1)::numeric)", ["2"]),
    ("-n < 2", "((- n) < (2)::numeric)", ["-2"]),
    ("(n + 1) * 2 <> 3", "(((n + (1)::numeric) * (2)::numeric) <> (3)::numeric)", ["0.5"]),
    ("n * 100 <> -57", "((n * (100)::numeric) <> '-57'::integer)", ["-0.57"]),
    ("round(n, 1) < 0.5", "(round(n, 1) < 0.5)", ["0.45", "0.55"]),
    ("round(n) < 2", "(round(n) < (2)::numeric)", ["1.5", "2.5"]),
    ("abs(n) * 100 <> 57", "((abs(n) * (100)::numeric) <> (57)::numeric)", ["0.57", "-0.57"]),
    ("CAST(n * 100 AS INTEGER) <> 57", "(((n * (100)::numeric))::integer <> 57)",
     ["0.565", "0.57", "0.575"]),
    ("n * 100 <> 50 + 7", "((n * (100)::numeric) <> (50 + 7))", ["0.57"]),
    ("n * 100 % 100 <> 57", "(mod((n * (100)::numeric), (100)::numeric) <> (57)::numeric)",
     ["0.57"]),
    ("floor(n * 100) <> 57", "(floor((n * (100)::numeric)) <> (57)::numeric)", ["0.57", "0.58"]),
    ("ceil(n * 100) <> 57", "(ceil((n * (100)::numeric)) <> (57)::numeric)", ["0.56", "0.57"]),
    ("trunc(n * 100) <> 57", "(trunc((n * (100)::numeric)) <> (57)::numeric)",
     ["0.56", "0.57", "0.58"]),
    ("n * 2 BETWEEN 1 AND 3",  # PostgreSQL prints BETWEEN as two comparisons
     "(((n * (2)::numeric) >= (1)::numeric) AND ((n * (2)::numeric) <= (3)::numeric))",
     ["0.5", "1.5"]),
    ("n * 2 IN (1, 3)", "((n * (2)::numeric) = ANY (ARRAY[(1)::numeric, (3)::numeric]))", ["0.5", "1.5"]),
]  # fmt: skip


def landed(dialect: str, text: str) -> list[Decimal]:
    found = expression_reads.reads(dialect, text)
    assert found is not None, text
    return [v for column, v in found.landed if column == "n"]


# The column read more than once, or a power or square root of it (``root_landings``): where
# the expression crosses the literal, found by bisection, at its shortest decimal.
ROOTS = [
    ("n * n * 10000 <> 3249", "(((n * n) * (10000)::numeric) <> (3249)::numeric)",
     ["0.57", "-0.57"]),
    ("n * n < 1", "((n * n) < (1)::numeric)", ["1", "-1"]),
    ("n * n = 0", "((n * n) = (0)::numeric)", ["0"]),
    ("power(n, 2) < 2", "(power(n, (2)::numeric) < (2)::numeric)",
     ["1.414213562373095", "-1.414213562373095"]),
    ("sqrt(n) = 3", "(sqrt(n) = (3)::numeric)", ["9"]),
    ("n * n * n - n = 6", "((((n * n) * n) - n) = (6)::numeric)", ["2"]),
    ("abs(n) * n > 2", "((abs(n) * n) > (2)::numeric)", ["1.414213562373095"]),
]  # fmt: skip


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
@pytest.mark.parametrize(
    ("sqlite", "postgresql", "values"), LANDING + ROOTS, ids=[c[0] for c in LANDING + ROOTS]
)
def test_arithmetic_on_one_column_lands_on_the_literal(
    dialect: str, sqlite: str, postgresql: str, values: list[str]
) -> None:
    text = sqlite if dialect == "sqlite" else postgresql
    assert sorted(landed(dialect, text)) == sorted(Decimal(v) for v in values)


# No landing: a bare column (its literal is probed as such), a product, quotient or remainder
# by zero, a quotient that no value makes 0, two columns, an integer cast onto no integer, abs()
# onto a negative, a column compared with no number, the column twice, c % n, a quotient of
# literals (integer division on both dialects: not folded). (The column twice lands by
# bisection: ``ROOTS``.)
NONE = ["n < 0.5", "CAST(n AS REAL) < 0.5", "n * 0 < 1", "n / 0 < 1", "1 / n = 0", "n * m < 1",
        "CAST(n AS INTEGER) < 0.5", "floor(n) < 0.5", "abs(n) < -1", "n * 2 < m",
        "n * 2 = 'a'", "n * n < m", "n % 0 = 1", "7 % n = 1", "n * 2 < 7 / 2"]  # fmt: skip


# No landing by bisection: a constant (n * 0 * n), another column, an integer cast (not
# computed), a touch that does not cross off the grid's points (a Limit: (n - 0.3)^2 is 0 at
# 0.3 only; n * n = 0 lands, at the grid's 0).
NO_ROOT = ["n * 0 * n = 0", "n * n < m", "CAST(n * n AS INTEGER) = 2", "(n - 0.3) * (n - 0.3) = 0"]


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
@pytest.mark.parametrize("text", NO_ROOT)
def test_no_landing_by_bisection_where_nothing_crosses(dialect: str, text: str) -> None:
    assert landed(dialect, text) == []


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
@pytest.mark.parametrize("text", NONE)
def test_no_landing_where_nothing_inverts(dialect: str, text: str) -> None:
    assert landed(dialect, text) == []


@pytest.mark.parametrize(
    "text",
    ["(abs(n) = 'NaN'::numeric)", "(floor(n) = 'NaN'::numeric)", "((n * (2)::numeric) < 'Infinity'::numeric)",
     "((n * (2)::numeric) = ANY (ARRAY['NaN'::numeric, '-Infinity'::numeric]))",
     "(round(n, 'NaN'::numeric) < 0.5)", "(round(n, 'Infinity'::numeric) < 0.5)",
     "(round(n, 0.5) < 0.5)"],
)  # fmt: skip
def test_no_landing_on_a_special_numeric(text: str) -> None:
    """PostgreSQL's NaN and infinities land nowhere, compared or as round()'s digits (no
    error raised); nor do digits that are no integer."""
    assert landed("postgresql", text) == []


def test_a_scaled_column_gets_its_landings_quantized_within_its_precision() -> None:
    """Half away from zero, as PostgreSQL stores them (0.005 is 0.01, 1/3 is 0.33); 999.995
    is 1000.00, past NUMERIC(5,2); another column's are not its own."""
    values = ("0.5", "0.005", "999.995", "-999.99", "8")
    found = (*(("n", Decimal(v)) for v in values), ("n", Decimal(1) / 3), ("m", Decimal("0.25")))
    got = landings.for_column(found, "N", 2, 5)
    assert got == [Decimal(v) for v in ("0.50", "0.01", "-999.99", "8.00", "0.33")]
    assert all(v.as_tuple().exponent == -2 for v in got)


def test_an_unscaled_column_gets_landings_of_a_doubles_digits_as_computed() -> None:
    """0.57 as is, 1E+2 as 100; 1/3 to 28 digits is left out (no exact landing)."""
    found = (("n", Decimal("0.57")), ("n", Decimal("1E+2")), ("n", Decimal(1) / Decimal(3)))
    assert landings.for_column(found, "n", None, None) == [Decimal("0.57"), Decimal("100")]


def test_landings_per_column_are_bounded() -> None:
    found = tuple(("n", Decimal(k)) for k in range(20))
    assert len(landings.for_column(found, "n", 2, 10)) == landings.MAX_LANDINGS


@pytest.mark.parametrize(
    ("landing", "scale", "expected"),
    [("0.50", 2, ("0.495", "0.504")), ("0.07", 2, ("0.065", "0.074")),
     ("0.45", 2, ("0.445", "0.454")), ("0.57", 2, ()), ("2", 0, ("1.5", "2.4"))],
)  # fmt: skip
def test_a_scaled_column_is_probed_on_each_landing_and_what_rounds_onto_it(
    landing: str, scale: int, expected: tuple[str, ...]
) -> None:
    """``n * 100 < 50``: 0.50, and 0.495, which SQLite keeps (49.5 < 50) and PostgreSQL stores
    as 0.50; ``n * 100 <> 57``: 0.57 itself, whose double times 100 is 56.99999999999999.
    None of them is probed without the landing."""
    found = probes.values_for("numeric", (), (), scale, landed=(Decimal(landing),))
    without = probes.values_for("numeric", (), (), scale)
    for value in (Decimal(landing), *map(Decimal, expected)):
        assert value in found
    for value in map(Decimal, expected if expected else (landing,)):
        assert not any(value == v and str(value) == str(v) for v in without)


def test_an_unscaled_numeric_and_a_float_are_probed_on_their_landings() -> None:
    """0.57 (``n * 100 <> 57``) on an unscaled NUMERIC, which SQLite keeps as a double, and on
    a REAL too: a double on both dialects, but two expressions that differ part there
    (``c * 1000 > 0`` against ``c * 1000 > 1`` at 0.001, fuzz33)."""
    value = Decimal("0.57")
    assert value in probes.values_for("numeric", (), (), None, landed=(value,))
    assert 0.57 in probes.values_for("float", (), (), None, landed=(value,))
    assert 0.57 not in probes.values_for("float", (), (), None)


def test_an_integer_column_gets_the_integers_either_side_of_a_landing() -> None:
    """A generated column's type bounds inverted through ``x * 2`` land at 16383.5 on an
    integer x: 16383 and 16384 are probed (16384 * 2 is 32768, past a smallint); a whole
    landing once; another column's landings not."""
    found = (("x", Decimal("16383.5")), ("x", Decimal("33768")), ("y", Decimal(7)))
    assert landings.whole(found, "X") == [Decimal(16383), Decimal(16384), Decimal(33768)]
    assert landings.whole(found, "z") == []


@pytest.mark.parametrize(
    ("scale", "factor", "expected"),
    [
        (2, 1000, ["2.01", "-2.01", "4.03", "-4.03"]),  # 2.01 * 1000 is 2009.9999999999998
        (2, 2, []),  # doubling a double is exact
        (2, 100, []),  # 10^scale: ``inexact`` has those
        (0, 1000, []),  # an integer times an integer is exact
    ],
)
def test_a_scaled_value_whose_double_times_a_factor_is_inexact(
    scale: int, factor: int, expected: list[str]
) -> None:
    from twinschema.evaluate.scaled_values import inexact_times

    got = inexact_times(scale, factor)
    assert got == tuple(Decimal(v) for v in expected)
    for value in got:  # each one's double product is not the double of the exact product
        assert float(value) * factor != float(value * factor)


@pytest.mark.parametrize(
    ("scale", "divisor", "expected"),
    [
        (2, "1.1", ["3.30", "-3.30"]),  # 3.3 / 1.1 is 2.9999999999999996 on doubles
        (2, "0.1", ["0.30", "-0.30"]),  # 0.3 / 0.1 is 2.9999999999999996
        (2, "2.5", []),  # a double: its multiples divide back exactly
        (0, "3", []),  # integers: exact
        (2, "0", []),  # no division by zero
    ],
)
def test_a_scaled_multiple_of_a_divisor_whose_double_quotient_is_inexact(
    scale: int, divisor: str, expected: list[str]
) -> None:
    from twinschema.evaluate.scaled_values import inexact_quotients

    got = inexact_quotients(scale, Decimal(divisor))
    assert got == tuple(Decimal(v) for v in expected)
    for value in got:  # a whole multiple of the divisor, whose double quotient is not whole
        assert value / Decimal(divisor) % 1 == 0
        assert float(value) / float(divisor) != float(value / Decimal(divisor))
