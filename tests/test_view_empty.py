"""fix95b (stranger94a 003): an aggregate without GROUP BY returns one row over no input, and
the dialects part there: ``count(chip_ms) * 100 / count(*)`` is NULL on SQLite and fails with
"division by zero" on PostgreSQL; ``sum(chip_ms IS NOT NULL)`` is NULL where ``count(*) FILTER
(WHERE chip_ms IS NOT NULL)`` is 0. The probe rows always held rows meeting the filter, so
these views were "the same rows"; an aggregating view is now also run on empty base tables
(``view_empty``). The golden cases ``sl-pg.view-aggregate-empty-*`` hold the views; the
division's truth, which a measured witness cannot hold (PostgreSQL fails), is measured here.
Near misses: ``nullif(count(*), 0)`` on both sides, ``coalesce(sum(...), 0)``; a view
without an aggregate is not run so (it returns no row on no row)."""

from __future__ import annotations

import psycopg
import pytest
from probes import Loader, case_named, compare_case, measured

from twinschema.evaluate.view_empty import tried


@pytest.mark.parametrize("case", ["division", "filter-count"])
def test_an_aggregate_over_no_row_parts_the_views(loader: Loader, case: str) -> None:
    found = compare_case(loader, case_named(f"sl-pg.view-aggregate-empty-{case}-differs"))
    [view] = [d for d in found.differences if d.kind == "view"]
    assert "with no base row: SQLite returns (NULL)" in view.message, view.message


@pytest.mark.parametrize("case", ["division-nullif", "filter-count-coalesce"])
def test_the_near_misses_agree_on_empty_tables(loader: Loader, case: str) -> None:
    found = compare_case(loader, case_named(f"sl-pg.view-aggregate-empty-{case}-same"))
    assert not found.differences, found.differences
    assert any(e.rule.startswith("view answers: the same rows") for e in found.equivalences)


def test_the_division_over_no_runner_on_real_databases(loader: Loader) -> None:
    """With one M40 runner and none of W50: SQLite returns NULL, PostgreSQL fails."""
    case = case_named("sl-pg.view-aggregate-empty-division-differs")
    rows = [{"id": 1, "category": "M40", "chip_ms": 2400000}]
    sql = "SELECT pct FROM timed_pct_w50"
    with loader.load("sqlite", case.sql("a")) as a, loader.load("postgresql", case.sql("b")) as b:
        assert measured(loader, "sqlite", a, "runners", rows, sql) is None
        with pytest.raises(psycopg.errors.DivisionByZero):
            measured(loader, "postgresql", b, "runners", rows, sql)


@pytest.mark.parametrize(
    ("views", "run"),
    [
        (["SELECT count(*) * 100 / count(*) FROM r"], True),
        (["SELECT id FROM r", "SELECT SUM(x) FROM r WHERE c = 'W50'"], True),
        (["SELECT id, x / 2 FROM r WHERE c = 'W50'"], False),  # no aggregate: no row on no row
    ],
)
def test_only_aggregating_views_are_run_on_empty_tables(views: list[str], run: bool) -> None:
    asked: list[dict[int, list[object]]] = []
    assert tried(views, lambda rows: asked.append(rows) or "found") == ("found" if run else None)
    assert asked == ([{}] if run else [])
