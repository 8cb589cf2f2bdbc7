"""The reason a scaled NUMERIC gives where a CHECK or generated column parts the dialects names
what the witness row shows: PostgreSQL's rounding to the scale on store only where the witness
has more decimals than the scale (0.495 is stored 0.50); a witness both store as written parts
them by the binary double SQLite keeps a fraction as (2.01 is 2.0099999999999998, times 1000
2009.9999999999998); a generated column whose own scale rounds what the other side keeps names
that scale (``generated_rows.scale_reason``: x / 3.0 into a numeric(12,2) is 0.67 on PostgreSQL,
0.6666666666666666 on SQLite), also where the two sides print the expression otherwise; a
witness of scale s that is a double (3.00, stored as the integer 3 by SQLite) names no scale.
Each is a golden probe case whose witness rows ``test_probes`` runs on both real databases."""

from __future__ import annotations

import pytest
from probes import Loader, case_named, compare_case

ROUNDING = "PostgreSQL rounds a value to 2 decimals on store"
DOUBLE = "yet SQLite holds a fraction in it as a binary double and computes on that"


@pytest.mark.parametrize(
    ("name", "kind", "named", "not_named"),
    [
        # Stored alike, parted by SQLite's double: the double, not the rounding.
        ("sl-pg.eval-generated-scaled-times-thousand-reason", "column_generated",
         f"x has scale 2, {DOUBLE} (2.01 is 2.0099999999999998 there), PostgreSQL in exact "
         "decimal; witness (x) = (2.01)", ROUNDING),
        ("sl-pg.check-scaled-square-landing", "check",
         f"n has scale 2, {DOUBLE}", ROUNDING),
        ("sl-pg.check-stored-times-hundred-ne-57-both", "check",
         f"n has scale 2, {DOUBLE} (0.57 is 0.56999999999999995 there)", ROUNDING),
        # The near miss: a witness past the scale, stored 0.50 by PostgreSQL, keeps the rounding.
        ("sl-pg.check-stored-lt-half-both", "check",
         f"n has scale 2: {ROUNDING}", DOUBLE),
        # The example is one decimal past the column's own scale (it was 0.001 at every scale).
        ("sl-pg.check-stored-scale-zero-lt-both", "check",
         "n has scale 0: PostgreSQL rounds a value to 0 decimals on store, SQLite keeps them all "
         "(0.1 is 0 on one, 0.1 on the other)", "0.001"),
        # A witness of scale 2 that SQLite stores as an integer: division, and no scale.
        ("sl-pg.eval-dependent-check-decimal-division", "check",
         "division: integer division", "has scale"),
        # g's own scale rounds what SQLite keeps: g's scale, not x's double nor its rounding.
        ("sl-pg.eval-generated-scaled-divide-as-stored", "column_generated",
         "t.g is numeric(5,2) on PostgreSQL, which rounds to 2 decimals on store (0.00 there, "
         "0.0033333333333333335 on SQLite)", "x has scale"),
        ("sl-pg.eval-generated-divide-into-scale-reason", "column_generated",
         "t.g is numeric(12,2) on PostgreSQL, which rounds to 2 decimals on store (0.33 there, "
         "0.3333333333333333 on SQLite); witness (x) = (1)", "x has scale"),
        # PostgreSQL's 4-byte real: its float width, not integer overflow.
        ("sl-pg.check-real-float4-sum-reason", "check",
         "a is a 4-byte float on PostgreSQL (0.3 is 0.30000001192092896 there)", "overflows"),
    ],
)  # fmt: skip
def test_a_scaled_reason_names_what_the_witness_shows(
    loader: Loader, name: str, kind: str, named: str, not_named: str
) -> None:
    found = compare_case(loader, case_named(name))
    (difference,) = [d for d in found.differences if d.kind == kind]
    assert named in difference.message, difference.message
    assert not_named not in difference.message, difference.message


def test_which_witness_values_the_scale_rounds_and_which_no_double_holds() -> None:
    """``finer``: more decimals than the scale, however many digits (0.001, and a 33-digit
    number past Decimal's default precision), not 0.50 nor 3.00 nor a NaN; ``no_double``: the
    first fraction no double holds (2.01), not a whole number nor 0.5, which a double holds."""
    from decimal import Decimal

    from twinschema.evaluate.scaled_values import finer, no_double

    assert finer([Decimal("0.50"), Decimal("0.001")], 2)
    assert finer([Decimal("123456789012345678901234567890.123")], 2)
    assert not finer([Decimal("0.50"), Decimal("3.00"), Decimal("1E+40"), Decimal("NaN")], 2)
    assert no_double([Decimal("3.00"), Decimal("0.5"), Decimal("2.01")]) == Decimal("2.01")
    assert no_double([Decimal("3.00"), Decimal("0.5"), Decimal("1E+40"), None]) is None
