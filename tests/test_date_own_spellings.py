"""A CHECK or generated column pair over date columns with no date literal of its own is tried
with the probe rows' own days spelled as PostgreSQL reads them and SQLite's date functions do
not (stranger94b 001, 002): the verdicts and their witness rows are the golden cases
``sl-pg.check-julianday-two-dates-null-spelling``, ``sl-pg.check-date-function-two-dates-null-spelling``
and ``sl-pg.generated-julianday-nights-moment-and-null-spelling`` (with their near misses); here,
what the messages say."""

from __future__ import annotations

import pytest
from probes import Loader, case_named, compare_case


def _message(loader: Loader, name: str, kind: str) -> str:
    """The one difference of ``kind`` the golden case ``name`` reports."""
    (found,) = [d for d in compare_case(loader, case_named(name)).differences if d.kind == kind]
    return found.message


@pytest.mark.parametrize("function", ["julianday", "date"])
def test_a_two_date_check_without_literals_names_a_day_without_zeros(
    loader: Loader, function: str
) -> None:
    """``CHECK (f(check_out) > f(check_in))`` against ``check_out > check_in`` on dates: the
    witness holds a day without its zeros, which SQLite's CHECK passes as NULL."""
    name = {
        "julianday": "sl-pg.check-julianday-two-dates-null-spelling",
        "date": "sl-pg.check-date-function-two-dates-null-spelling",
    }[function]
    said = _message(loader, name, "check")
    assert "('2024-2-29', '2024-02-29'): SQLite accepts, PostgreSQL rejects" in said, said
    assert "as NULL, so its CHECK passes it unjudged" in said, said


def test_a_generated_day_count_names_a_spelled_day(loader: Loader) -> None:
    """``CAST(julianday(e) - julianday(s) AS INTEGER)`` against ``e - s`` on dates: the
    witness is a row with a spelled day both sides store, computed apart."""
    said = _message(
        loader, "sl-pg.generated-julianday-nights-moment-and-null-spelling", "column_generated"
    )
    assert "('2024-1-31', '2024-01-31'): SQLite computes NULL, PostgreSQL computes 0" in said, said
