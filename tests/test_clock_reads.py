"""Two PostgreSQL CHECKs that read different clocks (stranger61 026: ``expires_at > now()``
against ``expires_at > clock_timestamp()``, "equal on 22 probes"): every probe row runs at the
start of a transaction of its own, where the clocks agree, so the golden cases name no witness
(``no_witness``). Here the row that parts them is inserted on both real tables late in its
transaction: ``now() + 10 ms`` after a 50 ms sleep (a sleep lasts at least that long, so the
outcome does not depend on the machine's speed); the near miss (one clock written two ways)
stores it on both.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from probes import Loader, case_named, compare_expected


def _late_row(loader: Loader, handle: Any) -> str:
    """``accept`` or ``reject``: a row whose expiry is 10 ms after its transaction's start,
    inserted by a later statement 50 ms into the transaction (rolled back)."""
    conn = loader.held("rows")
    conn.execute(f"SET search_path TO {handle}, public")
    try:
        conn.execute("SELECT pg_sleep(0.05)")
        conn.execute("INSERT INTO shares VALUES (1, now() + interval '10 milliseconds')")
    except psycopg.errors.CheckViolation:
        return "reject"
    finally:
        conn.rollback()
    return "accept"


@pytest.mark.parametrize(
    ("name", "outcomes"),
    [
        ("pg-pg.check-now-vs-clock-timestamp", ["accept", "reject"]),
        ("pg-pg.check-now-vs-statement-timestamp", ["accept", "reject"]),
        ("pg-pg.check-now-vs-transaction-timestamp-near-miss", ["accept", "accept"]),
        ("pg-pg.check-current-timestamp-vs-transaction-timestamp-near-miss", ["accept", "accept"]),
    ],
)
def test_a_row_late_in_its_transaction_parts_two_clocks(
    loader: Loader, name: str, outcomes: list[str]
) -> None:
    case = case_named(name)
    with (
        loader.load("postgresql", case.sql("a")) as a,
        loader.load("postgresql", case.sql("b")) as b,
    ):
        assert [_late_row(loader, h) for h in (a, b)] == outcomes


@pytest.mark.parametrize(
    ("name", "clocks"),
    [
        ("pg-pg.check-now-vs-clock-timestamp", "the moment of the call"),
        ("pg-pg.check-now-vs-statement-timestamp", "the statement's start"),
    ],
)
def test_the_difference_says_which_clocks(loader: Loader, name: str, clocks: str) -> None:
    (check,) = compare_expected(loader, name).differences
    assert "they read different clocks" in check.message
    assert f"reads the transaction's start, b.sql {clocks}" in check.message, check.message
    assert check.witness is None
