"""fix95b (stranger94a 005): SQLite computes NUMERIC arithmetic with constants in doubles, so
``WHERE fee * 100 >= 435`` drops a fee of exactly 4.35 (434.99999999999994) that PostgreSQL
keeps, and ``CAST(distance_km * 1000 AS INTEGER)`` is 1000 for 1.001 there, 1001 on
PostgreSQL. The view probes now hold the value where the filter's arithmetic lands on its
literal and the values whose double product a cast truncates below the exact one
(``view_landings``); the golden cases ``sl-pg.view-numeric-times-*`` are measured on both real
databases by ``test_probes``. Near misses: an INTEGER column; ``round()`` before the cast."""

from __future__ import annotations

from decimal import Decimal

import pytest
from probes import Loader, case_named, compare_case

from twinschema.evaluate.view_landings import added
from twinschema.model import Column, ColumnType, Table


@pytest.mark.parametrize(("case", "witness"), [("filter", "4.35"), ("cast", "1.001")])
def test_numeric_arithmetic_with_constants_in_a_view_parts_them(
    loader: Loader, case: str, witness: str
) -> None:
    found = compare_case(loader, case_named(f"sl-pg.view-numeric-times-{case}-differs"))
    [view] = [d for d in found.differences if d.kind == "view"]
    assert witness in view.message, view.message


@pytest.mark.parametrize("case", ["filter-cents", "cast-round"])
def test_the_near_misses_return_the_same_rows(loader: Loader, case: str) -> None:
    found = compare_case(loader, case_named(f"sl-pg.view-numeric-times-{case}-same"))
    assert not found.differences, found.differences
    assert any(e.rule.startswith("view answers: the same rows") for e in found.equivalences)


def _tables(sqlite: str, postgresql: str) -> tuple[Table, Table]:
    def table(dialect: str, raw: str) -> Table:
        name, _, rest = raw.partition("(")
        scale = int(rest.rstrip(")").split(",")[1]) if "," in rest else None
        kind = ColumnType(dialect, name.lower(), raw=raw, scale=scale)
        return Table("events", (Column("id", ColumnType(dialect, "integer")), Column("fee", kind)))

    return table("sqlite", sqlite), table("postgresql", postgresql)


@pytest.mark.parametrize(
    ("sqlite", "postgresql", "view", "landed"),
    [
        ("NUMERIC(8,2)", "numeric(8,2)", "SELECT id FROM events WHERE fee * 100 >= 435", "4.35"),
        ("NUMERIC(8,3)", "numeric(8,3)", "SELECT CAST(fee * 1000 AS INTEGER) FROM events", "1.001"),
        # Near misses: an integer column, and no arithmetic of the column.
        ("INTEGER", "integer", "SELECT id FROM events WHERE fee * 100 >= 435", None),
        ("NUMERIC(8,2)", "numeric(8,2)", "SELECT id FROM events WHERE fee >= 4.35", None),
    ],
)
def test_added(sqlite: str, postgresql: str, view: str, landed: str | None) -> None:
    offered = [[1, 2], [None, Decimal("1")]]
    views = [("sqlite", view), ("postgresql", view)]
    found = added(offered, _tables(sqlite, postgresql), ["id", "fee"], views)
    assert found[0] == [1, 2]
    if landed is None:
        assert found[1] == offered[1]
    else:  # after the first value, before the others
        assert found[1][0] is None and Decimal(landed) in found[1][1:-1], found[1]
