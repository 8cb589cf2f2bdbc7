"""Where a part of a moment meets the numbers it is compared with (``evaluate.date_parts``):
SQLite's ``strftime('%w', d) BETWEEN '1' AND '5'`` against PostgreSQL's ``extract(dow FROM d)
BETWEEN 2 AND 5`` part on a Monday only (stranger45), so each number compared with a part is
probed as a moment whose part is that number, and one either side."""

from __future__ import annotations

import pytest

from twinschema.evaluate import date_parts

# (dialect, text as written or as PostgreSQL prints it back, the (part, number) pairs).
COMPARED = [
    ("sqlite", "strftime('%w', d) BETWEEN '1' AND '5'", [("dow", 1), ("dow", 5)]),
    ("sqlite", "strftime('%m', d) BETWEEN '03' AND '10'", [("month", 3), ("month", 10)]),
    ("sqlite", "CAST(strftime('%H', s) AS INTEGER) BETWEEN 8 AND 17", [("hour", 8), ("hour", 17)]),
    ("sqlite", "strftime('%w', d) NOT IN ('0', '6')", [("dow", 0), ("dow", 6)]),
    ("postgresql", "(EXTRACT(month FROM d) >= (4)::numeric)", [("month", 4)]),
    ("postgresql", "(EXTRACT(dow FROM d) = ANY (ARRAY[(0)::numeric, (6)::numeric]))",
     [("dow", 0), ("dow", 6)]),
    ("postgresql", "(EXTRACT(hour FROM s) < 8.5)", [("hour", 8), ("hour", 9)]),
]  # fmt: skip
# Near misses: no part compared with a number (a whole moment, a format of several parts, a
# part compared with a column).
NONE = [
    ("sqlite", "d >= '2024-01-01'"),
    ("sqlite", "strftime('%Y-%m', d) = '2024-03'"),
    ("postgresql", "(EXTRACT(month FROM d) = EXTRACT(month FROM e))"),
]


@pytest.mark.parametrize(("dialect", "text", "pairs"), COMPARED, ids=[t for _, t, _ in COMPARED])
def test_compared(dialect: str, text: str, pairs: list[tuple[str, int]]) -> None:
    assert list(date_parts.compared(dialect, text)) == pairs


@pytest.mark.parametrize(("dialect", "text"), NONE, ids=[t for _, t in NONE])
def test_nothing_compared(dialect: str, text: str) -> None:
    assert date_parts.compared(dialect, text) == ()


def test_weekdays_wrap_and_a_date_has_no_hour() -> None:
    # A Sunday is dow 0 and isodow 7; Saturday (6) + 1 wraps to Sunday.
    assert date_parts.values("date", (("dow", 6),)) == ["2024-01-13", "2024-01-12", "2024-01-07"]
    assert date_parts.values("date", (("isodow", 7),)) == ["2024-01-07", "2024-01-13", "2024-01-08"]
    assert date_parts.values("date", (("hour", 8),)) == []
    assert date_parts.values("time", (("hour", 8), ("month", 3))) == [
        "08:30:00", "07:30:00", "09:30:00",
    ]  # fmt: skip


def test_parts_outside_their_range_are_left_out() -> None:
    assert date_parts.values("timestamp", (("month", 12),)) == [
        "2024-12-15 12:00:00", "2024-11-15 12:00:00",
    ]  # fmt: skip
    assert date_parts.values("timestamptz", (("hour", 0),)) == [
        "2024-01-08 00:30:00+00:00", "2024-01-08 01:30:00+00:00",
    ]  # fmt: skip
    assert date_parts.values("date", (("year", 2025),)) == [
        "2025-01-08", "2024-01-08", "2026-01-08",
    ]  # fmt: skip
