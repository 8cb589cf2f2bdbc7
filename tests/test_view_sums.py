"""Which columns a view computes with, for the float-sum probe rows (``view_sums``,
stranger84 001, 002): a column SQLite keeps as a double (NUMERIC affinity) against PostgreSQL's
numeric, read inside an aggregate wherever it sits or beside an arithmetic operator; near misses:
a column only selected, named in a comment, or counted, and integer cents summed."""

from __future__ import annotations

import pytest

from twinschema.evaluate.view_sums import summed_columns
from twinschema.model import Column, Table
from twinschema.model_types import ColumnType

_NAMES = ("id", "amount", "quantity", "cents")


def _tables() -> tuple[Table, Table]:
    left = Table(
        "ledger",
        (
            Column("id", ColumnType("sqlite", "INTEGER")),
            Column("amount", ColumnType("sqlite", "NUMERIC", precision=10, scale=2)),
            Column("quantity", ColumnType("sqlite", "NUMERIC", precision=10, scale=3)),
            Column("cents", ColumnType("sqlite", "INTEGER")),
        ),
    )
    right = Table(
        "ledger",
        (
            Column("id", ColumnType("postgresql", "bigint")),
            Column("amount", ColumnType("postgresql", "numeric", precision=10, scale=2)),
            Column("quantity", ColumnType("postgresql", "numeric", precision=10, scale=3)),
            Column("cents", ColumnType("postgresql", "bigint")),
        ),
    )
    return left, right


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "SELECT m.id, COALESCE(SUM(l.amount), 0) AS b FROM members m LEFT JOIN ledger l",
            ["amount"],
        ),
        (
            "SELECT o.id, SUM(l.quantity * l.amount) AS t FROM orders o JOIN ledger l",
            ["amount", "quantity"],
        ),
        ('SELECT id, amount*3 AS t, 2 - "quantity" AS q FROM ledger', ["amount", "quantity"]),
        ("SELECT id, amount, quantity FROM ledger", []),
        ("SELECT id, amount /* amount */, quantity -- quantity\nFROM ledger", []),
        ("SELECT m.id, COALESCE(count(*), 0) AS n, l.amount FROM members m LEFT JOIN ledger l", []),
        ("SELECT id, SUM(cents), cents * 2 FROM ledger GROUP BY id", []),
    ],
)
def test_summed_columns(text: str, expected: list[str]) -> None:
    found = summed_columns(text, _tables(), _NAMES)
    assert [_NAMES[j] for j in found] == expected
