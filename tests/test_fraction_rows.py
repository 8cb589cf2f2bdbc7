"""Fractions of several SQLite INTEGER columns are probed together (stranger56 007: ``a > 0 AND
b > a`` against the same with ``b > 1`` was "equal on 725 probes", though (0.5, 1) parts them on
SQLite, whose INTEGER column keeps 0.5 as a REAL). ``crossed_rows.together`` builds those rows,
bounded; the golden cases ``*.check-integer-fractions-*`` judge them on real databases.
"""

from __future__ import annotations

import math

from twinschema.evaluate import crossed_rows


def test_together_puts_each_columns_fractions_first_beside_the_others() -> None:
    """Two columns with fractions meet in one row each (0.5 beside 1, 0.5 beside 0.5), NULL
    left out (a row with NULL beside a fraction is ``cross``'s); a column without fractions
    stays at its first value; the product is cut from the end to the bound."""
    a = [None, 0, -1, 1, 2, *range(3, 40), 2**31]
    b = [None, 0, -1, 1, 2, *range(3, 40), 2**31]
    text = [None, "x"]
    rows = crossed_rows.together([a, b, text], [[0.5, 0, 1], [0.5, 0, 1], []], limit=64)
    assert (0.5, 1, None) in rows and (0.5, 0.5, None) in rows and (1, 0.5, None) in rows
    assert all(None not in row[:2] and row[2] is None for row in rows)
    assert 32 <= len(rows) <= 64 and len(rows) == len(set(rows))
    assert (2**31, 2**31, None) not in rows  # the least telling values are cut first


def test_together_needs_two_columns_with_fractions() -> None:
    """One column's fractions alone are ``cross``'s rows already: none are added."""
    assert crossed_rows.together([[None, 1], [None, 2]], [[0.5, 0, 1], []]) == []


def test_together_stays_within_its_bound_over_many_columns() -> None:
    """Eight integer columns keep the rows at the bound (two values each at least)."""
    column = [None, *range(30)]
    rows = crossed_rows.together([column] * 8, [[0.5, 0, 1, 1.5]] * 8)
    assert len(rows) <= crossed_rows.TOGETHER_ROWS
    assert len(rows) == math.prod([2] * 8)
    assert (0.5,) * 8 in rows
