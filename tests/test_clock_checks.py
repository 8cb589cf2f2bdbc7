"""A CHECK that reads the clock is probed inside the day the check runs (fuzz41: ``c <=
CURRENT_DATE`` against ``c < CURRENT_DATE + 1`` on a timestamp was "equal on 15 probes", while
noon of today parts them). The witness it names is found again with the clock at a fixed moment,
so that two runs on different days print the same text (clockcheck); no fixed row parts the
real tables at the real clock, so the golden case names none (``no_witness``): here the witness
the check names is inserted into both real tables with their clock reads at that moment.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from probes import Loader, case_named, compare_expected, try_row
from support.run_clock import on_one_day


def _at_fixed_moment(texts: tuple[str, str], dialects: tuple[str, str]) -> tuple[str, str]:
    """Both sides' SQL with each clock read at ``clock_fixed.FIXED_MOMENT``."""
    from twinschema.evaluate.clock_fixed import at_fixed_moment

    sql = [at_fixed_moment(d, t) for d, t in zip(dialects, texts, strict=True)]
    assert sql[0] is not None and sql[1] is not None
    return sql[0], sql[1]


def test_a_clock_check_names_a_witness_at_a_fixed_moment(loader: Loader) -> None:
    """The witness of the day (noon of today) is named with the clock fixed: the same text on
    every day, and the real tables part on it with their clock at that moment."""
    from twinschema.evaluate.clock_fixed import FIXED_MOMENT

    name = "pg-pg.check-timestamp-current-date-inclusive"
    found = compare_expected(loader, name)
    (check,) = found.differences
    match = re.search(
        r"witness \(c\) = \('([^']+)'\): a\.sql rejects, b\.sql accepts with the clock at "
        + re.escape(f"{FIXED_MOMENT} UTC"),
        check.message,
    )
    assert match is not None, check.message
    assert match[1] == "2001-09-09 00:00:00.5", check.message
    case = case_named(name)
    a_sql, b_sql = _at_fixed_moment((case.sql("a"), case.sql("b")), case.dialects)
    with loader.load("postgresql", a_sql) as a, loader.load("postgresql", b_sql) as b:
        got = [try_row(loader, "postgresql", h, "t", [{"c": match[1]}]) for h in (a, b)]
    assert got == ["reject", "accept"], (match[1], got)


@pytest.mark.parametrize(
    "name",
    [
        "sl-pg.check-clock-step-days-inclusive-vs-strict",
        "pg-pg.check-clock-step-days-inclusive-vs-strict",
        "sl-sl.check-clock-step-days-inclusive-vs-strict",
        "sl-pg.check-clock-step-years-inclusive-vs-strict",
    ],
)
def test_a_clock_check_moved_by_a_step_names_today_moved_by_it(loader: Loader, name: str) -> None:
    """A bound on today moved by a step (``date(CURRENT_DATE, '+30 days')``, ``- interval '18
    years'``) is probed at today moved by it (stranger45), and named with the clock fixed: the
    witness is accepted by one real table and rejected by the other, their clock at that
    moment."""
    from twinschema.evaluate.clock_fixed import FIXED_MOMENT

    found = compare_expected(loader, name)
    (check,) = found.differences
    match = re.search(r"witness \(d\) = \('([^']+)'\): ([^,]+) (accepts|rejects), ", check.message)
    assert match is not None, check.message
    assert check.message.endswith(f"with the clock at {FIXED_MOMENT} UTC"), check.message
    case = case_named(name)
    da, db = case.dialects
    a_sql, b_sql = _at_fixed_moment((case.sql("a"), case.sql("b")), case.dialects)
    with loader.load(da, a_sql) as a, loader.load(db, b_sql) as b:
        got = [try_row(loader, d, h, "t", [{"d": match[1]}]) for d, h in ((da, a), (db, b))]
    assert got[0] != got[1], (match[1], got)
    assert got[0] == match[3][:-1], (check.message, got)


@pytest.mark.parametrize(
    "name",
    [
        "sl-pg.check-current-timestamp-vs-localtimestamp-inside-second",
        "sl-pg.check-current-timestamp-minus-day-vs-localtimestamp-inside-second",
    ],
)
def test_a_clock_check_inside_a_second_names_a_witness_at_a_fixed_moment(
    loader: Loader, name: str
) -> None:
    """SQLite's CURRENT_TIMESTAMP (the current second) against PostgreSQL's LOCALTIMESTAMP (with
    its fraction) part inside the current second only (stranger45 014, 034): the check names a
    witness with the clock at a fixed moment, which the two real tables part on when their clock
    reads are that moment."""
    from twinschema.evaluate.clock_fixed import FIXED_MOMENT, at_fixed_moment

    found = compare_expected(loader, name)
    (check,) = found.differences
    match = re.search(
        r"witness \(starts_at\) = \('([^']+)'\): SQLite (accepts|rejects), PostgreSQL \w+ "
        rf"with the clock at {re.escape(FIXED_MOMENT)} UTC",
        check.message,
    )
    assert match is not None, check.message
    case = case_named(name)
    sql = [at_fixed_moment(d, case.sql(s)) for d, s in zip(case.dialects, "ab", strict=True)]
    assert sql[0] is not None and sql[1] is not None
    da, db = case.dialects
    with loader.load(da, sql[0]) as a, loader.load(db, sql[1]) as b:
        row = [{"starts_at": match[1]}]
        got = [try_row(loader, d, h, "booking", row) for d, h in ((da, a), (db, b))]
    assert got[0] != got[1] and got[0] == match[2][:-1], (check.message, got)


def test_a_clock_read_through_a_sqlite_function_is_said_to_refuse_every_row(
    loader: Loader,
) -> None:
    """stranger49 081: SQLite refuses ``date('now', ...)`` in a CHECK at every insert; the
    message says so beside its witness (the golden case's rows show NULL refused too)."""
    found = compare_expected(loader, "sl-pg.check-clock-function-refuses-every-row")
    (check,) = [d for d in found.differences if d.kind == "check"]
    assert check.message.endswith(
        "SQLite rejects, PostgreSQL accepts (SQLite refuses every row, NULL too: non-deterministic "
        "use of date() in a CHECK constraint, at each INSERT)"
    ), check.message


def test_a_clock_keyword_in_a_sqlite_check_is_not_said_to_refuse_every_row(
    loader: Loader,
) -> None:
    """Near miss: ``date(CURRENT_DATE, '+30 days')`` reads the clock through a keyword, which
    SQLite runs (the golden case's witness is a row it stores)."""
    found = compare_expected(loader, "sl-pg.check-clock-step-days-inclusive-vs-strict")
    (check,) = found.differences
    assert "refuses every row" not in check.message, check.message


def test_an_equal_clock_pair_shows_no_probe_of_the_day_it_runs(loader: Loader) -> None:
    """Near miss (clockcheck): two CHECKs equal on their probes list a few of them; the probes
    of today and the days moved from it are not among those shown, so that the equivalence
    reads the same on every day."""
    from probes import compare_texts

    from twinschema.evaluate import clock_steps

    a = "CREATE TABLE t (c TEXT CHECK (date(c) <= date(CURRENT_TIMESTAMP)));"
    b = "CREATE TABLE t (c timestamptz CHECK (c::date <= CURRENT_DATE));"
    found, days = on_one_day(  # the days the check probed (at 23:59:59.9 a day before these)
        lambda: (
            compare_texts(loader, ("sqlite", "postgresql"), a, b),
            clock_steps.shown_days((("sqlite", a), ("postgresql", b))),
        )
    )
    assert found.differences == []
    (equal,) = [e for e in found.equivalences if e.rule.startswith("equal on")]
    assert days and equal.probes, equal
    assert not [p for p in equal.probes for day in days if day in p], equal.probes


@pytest.mark.parametrize(
    ("name", "today_parts"),
    [
        ("sl-pg.check-date-column-date-of-current-timestamp-vs-current-date", False),
        (
            "sl-pg.check-date-column-date-of-current-timestamp-vs-current-date-strict-near-miss",
            True,
        ),
    ],
)
def test_a_date_column_against_the_current_date_on_real_databases(
    loader: Loader, name: str, today_parts: bool
) -> None:
    """SQLite's date(CURRENT_TIMESTAMP) against PostgreSQL's CURRENT_DATE on a date column
    (clockcheck): yesterday, today and tomorrow at the real clock are judged alike by the real
    tables (and the check finds them equal); ``<`` against ``<=`` parts on today."""
    import datetime as dt

    case = case_named(name)
    compare_expected(loader, name)
    da, db = case.dialects

    def tried() -> tuple[list[str], list[list[Any]]]:
        """Yesterday, today and tomorrow, and what each real table does with them, on one day
        (at 23:59:59.9 they were made a day before the tables' clock read them: parted on
        tomorrow instead of today)."""
        today = dt.datetime.now(dt.UTC).date()
        days = [str(today + dt.timedelta(days=n)) for n in (-1, 0, 1)]
        with loader.load(da, case.sql("a")) as a, loader.load(db, case.sql("b")) as b:
            return days, [
                [try_row(loader, d, h, "t", [{"d": day}]) for d, h in ((da, a), (db, b))]
                for day in days
            ]

    days, got = on_one_day(tried)
    parted = [g[0] != g[1] for g in got]
    assert parted == [False, today_parts, False], (days, got)
