"""stranger75 002, 009, 011: a number PostgreSQL rounds to a scale against SQLite's REAL, and unique
rules over generated columns, said by what parts the two databases.

- 002: SQLite's REAL (or a column without a type) against PostgreSQL's numeric(p,s), the
  column_type allowed, is probed as NUMERIC(p,s) against numeric(p,s) is: a CHECK PostgreSQL's
  rounding crosses, and a UNIQUE over the column, are differences with a witness; a CHECK no
  rounding crosses, and REAL against double precision, stay in sync.
- 009: a unique index over a generated ``round(km)`` names the expression and what it holds on
  each side, not the cast to the column's type the keys are run through.
- 011: a UNIQUE on one side only with a generated column in it is shown with rows both databases
  take as the message says (bib 'a' then 'A'); a rule the other side's rule implies names none.

The cases are golden probe cases (``tests/fixtures/probes``): ``test_probes`` inserts their
witness rows into both real databases; here the messages are checked.
"""

from __future__ import annotations

import pytest
from probes import Loader, assert_witness, compare_expected

SCALE = "distance_km has scale 2: PostgreSQL rounds a value to 2 decimals on store, SQLite keeps them all"


@pytest.mark.parametrize(
    "name",
    [
        "sl-pg.check-real-vs-scaled-numeric-rounded-refused",
        "sl-pg.check-untyped-vs-scaled-numeric-rounded-refused",
    ],
)
def test_a_check_rounding_crosses_on_real_is_a_difference(loader: Loader, name: str) -> None:
    (check,) = compare_expected(loader, name).differences
    assert SCALE in check.message, check.message
    assert "witness (distance_km) = (0.001): SQLite accepts, PostgreSQL rejects" in check.message


def test_a_check_no_rounding_crosses_stays_in_sync(loader: Loader) -> None:
    found = compare_expected(loader, "sl-pg.check-real-vs-scaled-numeric-rounded-refused-near-miss")
    assert not found.differences


def test_a_unique_on_real_against_scaled_numeric_is_a_difference(loader: Loader) -> None:
    (unique,) = compare_expected(loader, "sl-pg.unique-real-vs-scaled-numeric").differences
    assert "battery_v has scale 2: PostgreSQL rounds" in unique.message, unique.message
    assert "witness (battery_v) = (0.001) then (0.00): SQLite stores both rows" in unique.message


def test_a_unique_on_real_against_double_stays_in_sync(loader: Loader) -> None:
    assert not compare_expected(loader, "sl-pg.unique-real-vs-double-near-miss").differences


def test_a_unique_over_generated_round_names_the_expression(loader: Loader) -> None:
    found = compare_expected(loader, "sl-pg.unique-over-generated-round-real-vs-double")
    (unique,) = [d for d in found.differences if d.kind == "unique"]
    assert "a cast to a number" not in unique.message, unique.message
    said = (
        "km_round is generated as round(km) on both sides; the generated km_round is 1.0 on "
        "SQLite, 0.0 on PostgreSQL at (km) = (0.5)"
    )
    assert said in unique.message, unique.message
    assert "SQLite's round() rounds half away from zero" in unique.message, unique.message


WITNESS = (
    "witness: two rows with (bib, race_id) = ('a', 0) then ('A', 0), each generated column "
    "computed from them, every other column apart: {b} stores both, {a} rejects the second as a "
    "duplicate"
)


@pytest.mark.parametrize(
    ("pair", "a", "b"),
    [("sl-sl", "a.sql", "b.sql"), ("pg-pg", "a.sql", "b.sql"), ("sl-pg", "SQLite", "PostgreSQL")],
)
def test_a_one_sided_unique_over_a_generated_column_names_rows_both_store(
    loader: Loader, pair: str, a: str, b: str
) -> None:
    found = compare_expected(loader, f"{pair}.unique-one-sided-over-generated-upper")
    uniques = {d.left or d.right: d.message for d in found.differences if d.kind == "unique"}
    assert_witness(uniques["UNIQUE (race_id, bib_norm)"], WITNESS.format(a=a, b=b))
    # Every two rows equal on (race_id, bib) are equal on (race_id, upper(bib)): a refuses them.
    assert_witness(uniques["UNIQUE (race_id, bib)"], None)


@pytest.mark.parametrize("pair", ["sl-sl", "pg-pg", "sl-pg"])
def test_a_generated_copy_leaves_no_witness(loader: Loader, pair: str) -> None:
    found = compare_expected(loader, f"{pair}.unique-one-sided-over-generated-copy-near-miss")
    assert len(found.differences) == 2
    for unique in found.differences:
        assert_witness(unique.message, None)
