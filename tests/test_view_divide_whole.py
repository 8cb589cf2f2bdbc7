"""stranger83 001: SQLite's NUMERIC affinity stores a whole price (15.00) as the integer 15, so a
view's ``sum(price) / count(*)`` over 15.00 and 16.00 is the integer division 31 / 2 = 15 there,
15.50 on PostgreSQL. The view probes met only fractions (digits past a double's), and the hint
said to round both sides, after which the views were called "the same rows". The probes now
hold groups of two whole values with an odd sum for a view dividing an aggregate of such a
column (``view_sums.divided_columns``), and the hint says SQLite may divide integers and what
makes the sides alike (``* 1.0``, checked on both real databases by the golden cases
``sl-pg.view-divide-whole-*``, whose rows ``test_probes`` measures). Near misses: ``* 1.0`` on
both, SQLite's CAST(... AS REAL), avg(); a REAL column gets no whole-value groups."""

from __future__ import annotations

import pytest
from probes import Loader, case_named, compare_case

from twinschema.evaluate.view_sums import divided_columns
from twinschema.model import Column, ColumnType, Table

VIEW = "SELECT show_id, {e} AS a FROM booking GROUP BY show_id"


def test_rounding_both_sides_of_an_integer_division_stays_a_difference(loader: Loader) -> None:
    found = compare_case(loader, case_named("sl-pg.view-divide-whole-round-differs"))
    [view] = [d for d in found.differences if d.kind == "view"]
    assert "may divide two integers" in view.hint, view.hint
    assert "a * 1.0 / b on both" in view.hint, view.hint
    assert "past a double's" not in view.hint, view.hint  # the old, false diagnosis
    # The witness: whole prices whose division is not whole (SQLite 8.0, PostgreSQL 8.50 ...).
    assert ".0);" in view.message and ".50)" in view.message, view.message


def test_a_division_that_does_not_part_the_witness_gets_no_division_hint(loader: Loader) -> None:
    """recheck86 (3): a quarter ``(month + 2) / 3`` (an integer division meant as one) over a
    table with a NUMERIC royalty parts only on a second-60 time; with the royalty REAL on
    SQLite the views still part there (``view_doubled``), so the hint does not say to make
    SQLite's a division of doubles (which would break the quarter). Near miss: the rounded
    average above keeps it."""
    found = compare_case(loader, case_named("sl-pg.view-divide-quarter-wall-differs"))
    [view] = [d for d in found.differences if d.kind == "view"]
    assert "'2024-01-01 23:59:60'" in view.message or ":60'" in view.message, view.message
    assert "second 60" in view.message, view.message
    assert "may divide two integers" not in view.hint, view.hint
    assert "a * 1.0 / b" not in view.hint, view.hint
    assert view.hint.startswith("make view royalties_per_label_quarter select"), view.hint


@pytest.mark.parametrize("case", ["mul-same", "cast-same", "avg-same", "real-same"])
def test_the_hints_fixes_return_the_same_rows(loader: Loader, case: str) -> None:
    found = compare_case(loader, case_named(f"sl-pg.view-divide-whole-{case}"))
    assert not found.differences, found.differences
    assert any(e.rule.startswith("view answers: the same rows") for e in found.equivalences)


def _table(dialect: str, price: str) -> Table:
    """A table ``booking (id integer, price <price>)`` of ``dialect`` (a type by base name)."""
    price_type = ColumnType(dialect, price.split("(")[0].lower(), raw=price)
    columns = (Column("id", ColumnType(dialect, "integer")), Column("price", price_type))
    return Table("booking", columns)


@pytest.mark.parametrize(
    ("sqlite", "postgresql", "text", "found"),
    [
        ("NUMERIC(6,2)", "numeric(6,2)", VIEW.format(e="sum(price) / count(*)"), [1]),
        ("DECIMAL(6,2)", "double precision", VIEW.format(e="sum(price) / count(*)"), [1]),
        ("INTEGER", "numeric(6,2)", VIEW.format(e="sum(price) / 2"), [1]),
        # Near misses: a REAL keeps doubles; integers on both divide alike; no division.
        ("REAL", "numeric(6,2)", VIEW.format(e="sum(price) / count(*)"), []),
        ("INTEGER", "integer", VIEW.format(e="sum(price) / count(*)"), []),
        ("NUMERIC(6,2)", "numeric(6,2)", VIEW.format(e="sum(price)"), []),
    ],
)
def test_divided_columns(sqlite: str, postgresql: str, text: str, found: list[int]) -> None:
    tables = (_table("sqlite", sqlite), _table("postgresql", postgresql))
    assert divided_columns(text, tables, ["id", "price"]) == found
