"""A CHECK on one side only whose every conjunct the other side's CHECKs hold is no difference of
its own (stranger48 019): ``CHECK (qty > 0)`` beside ``CHECK (qty > 0 AND total <= 1000)`` is
refused alike on both; what is left on each side (the whole CHECK against ``CHECK (total <
1000)``) is paired and run on probe rows, and the witness is a row that parts them.

The cases are golden probe cases: ``test_probes`` inserts their rows into both real databases.
Near miss: ``CHECK (qty >= 0)`` is no conjunct of the other side's, and qty = 0 parts them.
"""

from __future__ import annotations

import pytest
from probes import Loader, compare_expected


@pytest.mark.parametrize(
    ("name", "paired", "witness"),
    [
        ("sl-pg.check-split-conjunct-held-by-both",
         "CHECK (qty > 0 AND total <= 1000) on SQLite, CHECK ((total < 1000)) on PostgreSQL",
         "witness (qty, total) = (1000, 1000): SQLite accepts, PostgreSQL rejects"),
        ("sl-pg.check-split-conjunct-held-by-both-near-miss",
         "CHECK (qty > 0 AND total <= 1000) on SQLite, CHECK ((qty >= 0)) on PostgreSQL",
         "witness (qty, total) = (0, 1000): SQLite rejects, PostgreSQL accepts"),
    ],
)  # fmt: skip
def test_a_conjunct_both_sides_hold_is_no_difference(
    loader: Loader, name: str, paired: str, witness: str
) -> None:
    found = compare_expected(loader, name)
    (check,) = found.differences
    assert check.message == f"CHECK on line differs: {paired}; {witness}", check.message
