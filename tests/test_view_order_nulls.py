"""fix95b (stranger94a 001): SQLite sorts NULL first in ascending order, PostgreSQL last, so a
podium (``rank() OVER (PARTITION BY ... ORDER BY chip_ms)`` kept by ``place <= 3``) or a top 3
(``ORDER BY chip_ms LIMIT 3``) under a filter returns other rows where one partition passing the
filter holds a NULL and three other values; the probe rows held none, and both were "the same
rows". Each nullable ORDER BY column now gets such groups (``view_order_nulls``); the golden
cases ``sl-pg.view-order-nulls-*`` are measured on both real databases by ``test_probes``.
Near misses: ``NULLS LAST`` on both sides; a NOT NULL column; a view without ORDER BY."""

from __future__ import annotations

import pytest
from probes import Loader, case_named, compare_case

from twinschema.evaluate.view_order_nulls import cut, ordered_columns
from twinschema.model import Column, ColumnType, Table


@pytest.mark.parametrize("case", ["podium", "limit"])
def test_a_top_n_cut_over_a_nullable_order_is_a_difference(loader: Loader, case: str) -> None:
    found = compare_case(loader, case_named(f"sl-pg.view-order-nulls-{case}-differs"))
    [view] = [d for d in found.differences if d.kind == "view"]
    assert "NULL" in view.message, view.message


@pytest.mark.parametrize("case", ["podium", "limit"])
def test_nulls_last_on_both_sides_returns_the_same_rows(loader: Loader, case: str) -> None:
    found = compare_case(loader, case_named(f"sl-pg.view-order-nulls-{case}-nulls-last-same"))
    assert not found.differences, found.differences
    assert any(e.rule.startswith("view answers: the same rows") for e in found.equivalences)


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("SELECT * FROM (SELECT rank() OVER (ORDER BY t) AS p FROM r) x WHERE p <= 3", 3),
        ("SELECT id FROM r WHERE s = 'f' ORDER BY t LIMIT 4", 4),
        ("SELECT id, rank() OVER (ORDER BY t) FROM r", 1),
        ("SELECT id FROM r ORDER BY t LIMIT 100", 5),  # capped
        ("SELECT id FROM r WHERE t < 3", None),  # no ORDER BY: nothing sorted
    ],
)
def test_cut(text: str, n: int | None) -> None:
    assert cut(text) == n


def _table(dialect: str, nullable: bool) -> Table:
    columns = (
        Column("id", ColumnType(dialect, "integer"), nullable=False),
        Column("t", ColumnType(dialect, "integer"), nullable=nullable),
    )
    return Table("r", columns)


@pytest.mark.parametrize(
    ("text", "nullable", "found"),
    [
        ("SELECT id FROM r ORDER BY t LIMIT 3", True, [1]),
        ("SELECT id, rank() OVER (PARTITION BY id ORDER BY t) FROM r", True, [1]),
        # Near misses: NOT NULL sorts no NULL; t read but not ordered by.
        ("SELECT id FROM r ORDER BY t LIMIT 3", False, []),
        ("SELECT t FROM r ORDER BY id LIMIT 3", True, []),
    ],
)
def test_ordered_columns(text: str, nullable: bool, found: list[int]) -> None:
    tables = (_table("sqlite", nullable), _table("postgresql", nullable))
    assert ordered_columns(text, tables, ["id", "t"]) == found
