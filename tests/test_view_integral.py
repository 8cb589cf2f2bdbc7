"""fix95b (stranger94a 002, stranger94b 008): SQLite's NUMERIC affinity stores whole values as
integers, so a division of two NUMERIC columns (``round(split_s / km, 2)``) divides integers
there when both are whole (10 / 3 = 3, PostgreSQL 3.33). The whole-number groups put one amount
in every divided column (15 / 15 is whole), so the rounded view was "the same rows"; they now
also hold 10 and 3 (``view_sums._SPREADS``). And where the first witness parted the views only
past a double's digits, its "round both sides" hint led to the rounded view; a row parting them
by integer division is now the witness shown (``view_integral.preferred``). The golden cases
``sl-pg.view-divide-columns-*`` and ``-sum-by-sum-*`` are measured on both real databases by
``test_probes``. Near misses: ``* 1.0`` (the same rows), and a view whose rows part only past a
double's digits keeps that witness and hint."""

from __future__ import annotations

import pytest
from probes import Loader, case_named, compare_case

DIVISION = "may divide two integers"
DIGITS = "past a double's 15-17 digits"


@pytest.mark.parametrize(
    "case", ["sl-pg.view-divide-columns-round-differs", "sl-pg.view-divide-columns-raw-differs"]
)
def test_a_division_of_two_numeric_columns_is_an_integer_division(
    loader: Loader, case: str
) -> None:
    found = compare_case(loader, case_named(case))
    [view] = [d for d in found.differences if d.kind == "view"]
    assert DIVISION in view.hint, view.hint
    assert DIGITS not in view.hint, view.hint
    # Both columns whole on the witness (10 and 3 either way round), SQLite's quotient whole.
    assert ", 10, 3)" in view.message or ", 3, 10)" in view.message, view.message


def test_the_integer_division_witness_comes_before_the_digits_one(loader: Loader) -> None:
    found = compare_case(loader, case_named("sl-pg.view-divide-sum-by-sum-differs"))
    [view] = [d for d in found.differences if d.kind == "view"]
    assert view.hint.startswith("division: integer division"), view.hint
    assert DIGITS not in view.hint, view.hint


def test_a_view_parting_only_past_a_doubles_digits_keeps_that_hint(loader: Loader) -> None:
    found = compare_case(loader, case_named("sl-pg.view-divide-sum-by-sum-doubles-differs"))
    [view] = [d for d in found.differences if d.kind == "view"]
    # Its witness parts only past the digits: that hint first (the operator's division sentence
    # follows, as it did before).
    assert view.hint.startswith("on this witness they part only " + DIGITS), view.hint


def test_dividing_doubles_returns_the_same_rows(loader: Loader) -> None:
    found = compare_case(loader, case_named("sl-pg.view-divide-columns-round-real-same"))
    assert not found.differences, found.differences
    assert any(e.rule.startswith("view answers: the same rows") for e in found.equivalences)
