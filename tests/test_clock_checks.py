"""A CHECK that reads the clock is probed inside the day the check runs (fuzz41: ``c <=
CURRENT_DATE`` against ``c < CURRENT_DATE + 1`` on a timestamp was "equal on 15 probes", while
noon of today parts them). No fixed row is such a witness on every day, so the golden case names
none (``no_witness``); here the witness the check names is inserted into both real tables on the
day it is named.
"""

from __future__ import annotations

import re

from probes import Loader, case_named, compare_expected, try_row


def test_a_clock_check_names_a_witness_of_the_day_it_runs(loader: Loader) -> None:
    name = "pg-pg.check-timestamp-current-date-inclusive"
    found = compare_expected(loader, name)
    (check,) = found.differences
    match = re.search(
        r"witness \(c\) = \('([^']+)'\): a\.sql rejects, b\.sql accepts", check.message
    )
    assert match is not None, check.message
    case = case_named(name)
    with (
        loader.load("postgresql", case.sql("a")) as a,
        loader.load("postgresql", case.sql("b")) as b,
    ):
        got = [try_row(loader, "postgresql", h, "t", [{"c": match[1]}]) for h in (a, b)]
    assert got == ["reject", "accept"], (match[1], got)
