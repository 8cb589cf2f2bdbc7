"""Probe values per column kind (``evaluate.probes.values_for``): every kind the checker probes
has values of its own beyond NULL, so no pair is "equal on 1 probes" (the NULL row); dates hold
the calendar's corners; integers the numbers an integer division parts from floor(); text the
case-flipped text a LIKE pattern with an ESCAPE matches."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest

from twinschema.canonical import typemap
from twinschema.evaluate import scaled_values
from twinschema.evaluate.checks import telling
from twinschema.evaluate.probes import values_for

# Kinds an extension brings (pgvector, PostGIS): no value of their own is made up.
UNPROBED = {"vector", "geometry"}


@pytest.mark.parametrize("kind", [k for k in typemap.SPECIFICITY if k not in UNPROBED])
def test_every_kind_has_values_beyond_null(kind: str) -> None:
    own = [v for v in values_for(kind, (), ()) if v is not None]
    assert len(own) >= 2, f"{kind}: {own}"


def test_date_probes_hold_the_calendars_corners() -> None:
    days = [dt.date.fromisoformat(v) for v in values_for("date", (), ()) if v is not None]
    assert any((d + dt.timedelta(days=1)).day == 1 and d.day == 31 for d in days)  # a 31st
    assert dt.date(2024, 2, 29) in days  # a leap day
    assert any(d.month == d.day == 1 and d.weekday() == 6 for d in days)  # Sunday, January 1st
    assert any(d.month == 12 and d.day == 31 for d in days)  # a year's end
    for kind in ("timestamp", "timestamptz"):
        moments = [v for v in values_for(kind, (), ()) if v is not None]
        assert any(m.startswith("2024-02-29") for m in moments), kind
        assert any(m.startswith("2023-01-01") for m in moments), kind


@pytest.mark.parametrize(
    ("literals", "parting"),
    [
        (("2", "-1"), -3),  # x / 2 >= -1: -1 on SQLite, floor(-1.5) = -2
        (("3", "-1"), -4),  # x / 3 >= -1
        (("2", "-3"), -7),  # x / 2 < -3: -3 on SQLite, floor(-3.5) = -4
    ],
)
def test_integer_probes_hold_what_division_does_not_divide(
    literals: tuple[str, ...], parting: int
) -> None:
    assert parting in values_for("integer", tuple(Decimal(n) for n in literals), ())


@pytest.mark.parametrize(
    ("strings", "parting"),
    [(("a\\%", "\\"), "A%"), (("ab!_", "!"), "AB_")],
)
def test_text_probes_hold_an_escaped_patterns_text_in_each_case(
    strings: tuple[str, ...], parting: str
) -> None:
    assert parting in values_for("text", (), strings)


def test_rows_of_nulls_alone_tell_nothing() -> None:
    assert not telling([((None,), True, True), ((None, None), False, False)])
    assert telling([((None,), True, True), ((1,), True, True)])


@pytest.mark.parametrize(
    ("literal", "scale", "onto"),
    [
        ("0.5", 2, ("0.495", "0.504")),
        ("-0.5", 2, ("-0.495", "-0.504")),
        ("999.99", 2, ("999.985", "999.994")),
        ("2", 0, ("1.5", "2.4")),
        ("0", 2, ("-0.004", "0.004")),
    ],
)
def test_scaled_probes_hold_what_rounds_onto_a_literal(
    literal: str, scale: int, onto: tuple[str, str]
) -> None:
    """A NUMERIC(p, s) column is probed with the values one decimal past s that rounding half
    away from zero (PostgreSQL's on store) makes the literal: SQLite keeps them as written."""
    found = values_for("numeric", (Decimal(literal),), (), scale)
    step = Decimal(1).scaleb(-scale)
    for text in onto:
        value = Decimal(text)
        assert value in found
        assert value.quantize(step, rounding=ROUND_HALF_UP) == Decimal(literal)
        assert value != value.quantize(step)


def test_scaled_probes_hold_a_literal_finer_than_the_scale_either_side() -> None:
    """0.001 in NUMERIC(5,2): 0.0011 (stored 0.00 on PostgreSQL, below the literal) and 0.0009."""
    found = values_for("numeric", (Decimal("0.001"),), (), 2)
    assert Decimal("0.0011") in found and Decimal("0.0009") in found


@pytest.mark.parametrize(("scale", "inexact"), [(2, "0.29"), (3, "1.001"), (4, "0.0003")])
def test_scaled_probes_hold_the_first_value_no_double_holds(scale: int, inexact: str) -> None:
    """The smallest k / 10^s whose double times 10^s is below k (0.29 * 100 is
    28.999999999999996 on SQLite) and its negative; none at scale 0 or 1."""
    found = values_for("numeric", (), (), scale)
    value = Decimal(inexact)
    assert value in found and -value in found
    assert float(value) * 10**scale < value * 10**scale
    smaller = [Decimal(k).scaleb(-scale) for k in range(1, int(value.scaleb(scale)))]
    assert all(float(v) * 10**scale >= v * 10**scale for v in smaller)


@pytest.mark.parametrize(("scale", "above"), [(2, "0.07"), (3, "2.007")])
def test_scaled_probes_hold_the_first_value_a_double_holds_above(scale: int, above: str) -> None:
    """The smallest k / 10^s whose double times 10^s is above k (0.07 * 100 is
    7.000000000000001 on SQLite, which CHECK (n * 100 <= 7) rejects) and its negative."""
    found = values_for("numeric", (), (), scale)
    value = Decimal(above)
    assert value in found and -value in found
    assert float(value) * 10**scale > value * 10**scale
    smaller = [Decimal(k).scaleb(-scale) for k in range(1, int(value.scaleb(scale)))]
    assert all(float(v) * 10**scale <= v * 10**scale for v in smaller)


@pytest.mark.parametrize("scale", [0, 1])
def test_scale_zero_and_one_have_no_inexact_probe(scale: int) -> None:
    assert scaled_values.inexact(scale) == ()


def test_moment_probes_hold_the_moments_beside_each_literal() -> None:
    """A timestamp literal is probed inside its day and a fraction either side, written as the
    literal is (fuzz41: `c <= '2024-12-31'` against `c < '2025-01-01'`), but for the offset a
    timestamp drops (stranger56 060/061): only a timestamptz's moments keep it."""
    literals = ("2024-12-31", "2024-01-01T23:59:59+02")
    got = values_for("timestamp", (), literals)
    for held in (
        "2024-12-31 12:00:00",
        "2024-12-31 23:59:59.999999",
        "2024-12-30 23:59:59.999999",
        "2024-01-01T23:59:59.5",
        "2024-01-01T23:59:58.999999",
    ):
        assert held in got
    assert "2024-01-01T23:59:59.5+02" not in got
    zoned = values_for("timestamptz", (), literals)
    assert "2024-01-01T23:59:59.5+02" in zoned and "2024-01-01T23:59:58.999999+02" in zoned
    times = values_for("time", (), ("00:00", "09:59:59"))
    assert "09:59:59.5" in times and "09:59:59.000001" in times
    assert not any(str(t).startswith("23:59:59.999") for t in times)  # no wrap past midnight
