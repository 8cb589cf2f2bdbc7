"""A view's witness is the shortest number that still parts the views (stranger79 011: the
witness of ``label || ' — ' || weight_grams || ' g'`` over numeric(8,2) was weight_grams =
0.50000000000000001, where 1 shows the same: '1 g' on SQLite, '1.00 g' on PostgreSQL).

The cases are golden probe cases (``tests/fixtures/probes``): ``test_probes`` reads each view on
both real databases with the witness row in it; here the difference must name the shorter row.
Near miss: the shortest rounding (1) that does not part the views is not chosen; 0.5 is.
"""

from __future__ import annotations

import pytest
from probes import Loader, compare_expected


@pytest.mark.parametrize(
    ("name", "witness", "answers"),
    [
        ("sl-pg.view-answers-concat-scaled-number-differs",
         "packet (id, label, weight_grams) = (0, ' — ', 1)",
         "SQLite returns (0, ' —  — 1 g'); PostgreSQL returns (0, ' —  — 1.00 g')"),
        ("sl-pg.view-answers-concat-scaled-number-half-differs",
         "packet (id, weight_grams) = (0, 0.5)",
         "SQLite returns (0); PostgreSQL returns no row"),
    ],
)  # fmt: skip
def test_a_view_witness_is_the_shortest_number_that_parts_the_views(
    loader: Loader, name: str, witness: str, answers: str
) -> None:
    found = compare_expected(loader, name)
    (view,) = found.differences
    assert f"with the base rows {witness}: {answers} " in view.message, view.message
    assert "0000000000" not in view.message, view.message
