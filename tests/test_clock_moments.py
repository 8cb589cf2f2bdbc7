"""Defaults that read the clock are judged at fixed moments too (``evaluate.clock_moments``), so
that the verdict does not depend on the hour or day it is given (stranger40: ``CURRENT_DATE``
against the date in New York was in sync when run in the evening UTC, ``date('now', '+1
month')`` against ``CURRENT_DATE + 31`` when run in December). The golden cases
(``tests/fixtures/probes/*month-vs*``, ``*new-york-date*``) read each default at the moment
named on the real databases; here the evaluator's own reading at those moments, which no hour of
the run changes.
"""

from __future__ import annotations

import pytest
from probes import Loader

from twinschema.evaluate import clock_moments
from twinschema.model import Column, ColumnType


def _date(dialect: str, default: str) -> tuple[str, str, Column]:
    name = "DATE" if dialect == "sqlite" else "date"
    return dialect, default, Column("d", ColumnType(dialect, name.lower()), default=default)


@pytest.mark.parametrize(
    ("left", "right", "said"),
    [
        (("sqlite", "CURRENT_DATE"),
         ("postgresql", "((now() AT TIME ZONE 'America/New_York')::date)"),
         "at 2026-01-31 02:00:00 UTC SQLite gives 2026-01-31, PostgreSQL gives 2026-01-30"),
        (("sqlite", "CURRENT_DATE"), ("postgresql", "((now() AT TIME ZONE 'Asia/Tokyo')::date)"),
         "at 2026-01-31 23:30:00 UTC SQLite gives 2026-01-31, PostgreSQL gives 2026-02-01"),
        (("sqlite", "(date('now', '+1 month'))"), ("postgresql", "(CURRENT_DATE + 31)"),
         "at 2026-04-30 12:00:00 UTC SQLite gives 2026-05-30, PostgreSQL gives 2026-05-31"),
        (("postgresql", "(CURRENT_DATE + interval '1 month')"), ("postgresql", "(CURRENT_DATE + 31)"),
         "at 2026-01-31 02:00:00 UTC they give 2026-02-28 vs 2026-03-03"),
        (("sqlite", "(date('now', 'weekday 1'))"),
         ("postgresql", "(CURRENT_DATE + (8 - extract(isodow FROM CURRENT_DATE))::integer)"),
         "at 2026-03-02 09:00:00 UTC SQLite gives 2026-03-02, PostgreSQL gives 2026-03-09"),
        # stranger83 007: a year step from a leap day; 365 days against a year across one.
        (("sqlite", "(date('now', '+1 year'))"), ("postgresql", "(CURRENT_DATE + interval '1 year')"),
         "at 2024-02-29 12:00:00 UTC SQLite gives 2025-03-01, PostgreSQL gives 2025-02-28"),
        (("sqlite", "(date('now', '+365 days'))"), ("postgresql", "(CURRENT_DATE + interval '1 year')"),
         "at 2023-03-01 12:00:00 UTC SQLite gives 2024-02-29, PostgreSQL gives 2024-03-01"),
        (("sqlite", "(date('now', '-365 days'))"), ("postgresql", "(CURRENT_DATE - interval '1 year')"),
         "at 2024-02-29 12:00:00 UTC SQLite gives 2023-03-01, PostgreSQL gives 2023-02-28"),
        (("sqlite", "(date('now', '-365 days'))"), ("sqlite", "(date('now', '-1 year'))"),
         "at 2024-03-01 12:00:00 UTC they give 2023-03-02 vs 2023-03-01"),
        # Near misses: the same date at every moment.
        (("sqlite", "(date('now', '+365 days'))"), ("postgresql", "(CURRENT_DATE + 365)"), None),
        (("sqlite", "CURRENT_DATE"), ("postgresql", "((now() AT TIME ZONE 'UTC')::date)"), None),
        (("sqlite", "(date('now', '+31 days'))"), ("postgresql", "(CURRENT_DATE + 31)"), None),
        (("sqlite", "(date('now', '+1 month'))"), ("sqlite", "(date('now', 'start of day', '+1 month'))"),
         None),
        (("sqlite", "(date('now', 'weekday 1'))"),
         ("postgresql", "(CURRENT_DATE + ((8 - extract(isodow FROM CURRENT_DATE))::integer % 7))"), None),
    ],
)  # fmt: skip
def test_clock_defaults_part_at_a_fixed_moment(
    loader: Loader, left: tuple[str, str], right: tuple[str, str], said: str | None
) -> None:
    got = clock_moments.parted(loader.evaluator, _date(*left), _date(*right))
    assert got == said


_FROM_CLOCK = "a date or time computed from the clock, no fixed step from it"
_RUNS = "a calendar step that runs past a shorter month's end"
_STOPS = "a calendar step that stops at a shorter month's end"


@pytest.mark.parametrize(
    ("dialect", "default", "said"),
    [
        # A step read as a constant on the day the check runs (2026-12-03 + 30): the same step
        # from the clock at every fixed moment.
        ("postgresql", "(CURRENT_DATE + 30)", "the current date + 30 day(s)"),
        ("postgresql", "(CURRENT_DATE + interval '30 days')", "the current date + 30 day(s)"),
        ("sqlite", "(date('now', '+30 days'))", "the current date + 30 day(s)"),
        # No fixed step: its distance from the clock depends on the day (stranger45 033, 040).
        ("sqlite", "(date('now', 'weekday 1'))", _FROM_CLOCK),
        ("sqlite", "(date('now', '+1 month'))",
         f"the current date + 1 month, {_RUNS} (from 2026-01-31 it gives 2026-03-03)"),
        # A step in years is no number of days (stranger83 007: "+ 365 day(s)"), each
        # dialect's kept by its own rule from 29 February; a compound one too (PostgreSQL's
        # interval stops once; SQLite's two modifiers run past twice: no one rule).
        ("postgresql", "(CURRENT_DATE + interval '1 year')",
         f"the current date + 1 year, {_STOPS} (from 2024-02-29 it gives 2025-02-28)"),
        ("sqlite", "(date('now', '+1 year'))",
         f"the current date + 1 year, {_RUNS} (from 2024-02-29 it gives 2025-03-01)"),
        ("postgresql", "(CURRENT_DATE - interval '1 year')",
         f"the current date - 1 year, {_STOPS} (from 2024-02-29 it gives 2023-02-28)"),
        ("sqlite", "(date('now', '-2 years'))",
         f"the current date - 2 years, {_RUNS} (from 2024-02-29 it gives 2022-03-01)"),
        ("postgresql", "(CURRENT_DATE + interval '1 year 2 months')",
         f"the current date + 1 year 2 months, {_STOPS} (from 2026-12-31 it gives 2028-02-29)"),
        ("sqlite", "(date('now', '+1 year', '+2 months'))", _FROM_CLOCK),
        # Near misses: 365 days are a fixed step, whatever the year.
        ("postgresql", "(CURRENT_DATE + 365)", "the current date + 365 day(s)"),
        ("sqlite", "(date('now', '+365 days'))", "the current date + 365 day(s)"),
        # Near miss: the clock itself stays the current date.
        ("postgresql", "CURRENT_DATE", "the current date"),
    ],
)  # fmt: skip
def test_clock_defaults_are_said_alike_on_every_day(
    loader: Loader, dialect: str, default: str, said: str
) -> None:
    """What a default that reads the clock gives is said by its step from the clock at the fixed
    moments, never by the date it gave on the day the check runs (output is deterministic)."""
    _, text, column = _date(dialect, default)
    described = loader.evaluator.single(dialect, text, column).describe()
    assert described.split(" as text ")[0] == said  # SQLite's DATE keeps text: its format follows


def _text(dialect: str, default: str) -> tuple[str, str, Column]:
    name = "TEXT" if dialect == "sqlite" else "text"
    return dialect, default, Column("c", ColumnType(dialect, name.lower()), default=default)


_UTC = "now() AT TIME ZONE 'UTC'"


@pytest.mark.parametrize(
    ("left", "right", "said"),
    [
        # stranger61 001: 3 fraction digits against 6 (to_char's US) or 2 (FF2); 001b: a
        # timestamp as text drops a zero fraction.
        ("(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
         f"""to_char({_UTC}, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')""",
         "at 2026-03-04 09:05:07 UTC SQLite gives '2026-03-04T09:05:07.000Z', PostgreSQL gives "
         "'2026-03-04T09:05:07.000000Z'"),
        ("(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
         f"""to_char({_UTC}, 'YYYY-MM-DD"T"HH24:MI:SS.FF2"Z"')""",
         "at 2026-03-04 09:05:07 UTC SQLite gives '2026-03-04T09:05:07.000Z', PostgreSQL gives "
         "'2026-03-04T09:05:07.00Z'"),
        ("(strftime('%Y-%m-%d %H:%M:%f', 'now'))", f"({_UTC})::text",
         "at 2026-03-04 09:05:07 UTC SQLite gives '2026-03-04 09:05:07.000', PostgreSQL gives "
         "'2026-03-04 09:05:07'"),
        # 014: FM drops a leading zero; IYYY is the ISO year; HH the 12-hour clock.
        ("(strftime('%H:00', 'now'))", f"to_char({_UTC}, 'FMHH24:00')",
         "at 2026-03-04 09:05:07 UTC SQLite gives '09:00', PostgreSQL gives '9:00'"),
        ("(strftime('%Y-%m', 'now'))", f"to_char({_UTC}, 'YYYY-FMMM')",
         "at 2026-03-04 09:05:07 UTC SQLite gives '2026-03', PostgreSQL gives '2026-3'"),
        ("(strftime('%M:%S', 'now'))", f"to_char({_UTC}, 'MI:FMSS')",
         "at 2026-03-04 09:05:07 UTC SQLite gives '05:07', PostgreSQL gives '05:7'"),
        ("(strftime('%Y-%m-%d', 'now'))", f"to_char({_UTC}, 'IYYY-MM-DD')",
         "at 2024-12-30 00:00:00.123456 UTC SQLite gives '2024-12-30', PostgreSQL gives "
         "'2025-12-30'"),
        ("(strftime('%H', 'now'))", f"to_char({_UTC}, 'HH')",
         "at 2026-11-25 14:35:48.5 UTC SQLite gives '14', PostgreSQL gives '02'"),
        # LOCALTIMESTAMP(0) rounds to the second, CURRENT_TIMESTAMP truncates.
        ("CURRENT_TIMESTAMP", "LOCALTIMESTAMP(0)",
         "at 2026-11-25 14:35:48.5 UTC SQLite gives '2026-11-25 14:35:48', PostgreSQL gives "
         "'2026-11-25 14:35:49'"),
        # Near misses: the same text at every moment (MS is 3 digits, truncated, as SQLite's
        # clock is to the millisecond).
        ("(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
         f"""to_char({_UTC}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')""", None),
        ("(strftime('%H:00', 'now'))", f"to_char({_UTC}, 'HH24:00')", None),
        ("(strftime('%Y-%m-%d', 'now'))", f"to_char({_UTC}, 'YYYY-MM-DD')", None),
        ("(datetime('now'))", f"date_trunc('second', {_UTC})::text", None),
        ("CURRENT_TIMESTAMP", "date_trunc('second', LOCALTIMESTAMP)", None),
    ],
)  # fmt: skip
def test_clock_texts_part_at_a_fixed_moment(
    loader: Loader, left: str, right: str, said: str | None
) -> None:
    """Two defaults that write the clock into a text column are read at ``TEXT_MOMENTS`` on the
    real databases (each clock read replaced by the moment, as a real insert at that moment reads
    it): the first moment whose texts differ is named (stranger61 001, 014)."""
    got = clock_moments.texts_parted(
        loader.evaluator, _text("sqlite", left), _text("postgresql", right)
    )
    assert got == said


def test_clock_texts_are_not_compared_where_a_sync_converts(loader: Loader) -> None:
    """Across dialects the texts are compared only where both columns are text: a SQLite TEXT
    against a timestamptz is converted by a sync, whatever the format (near miss)."""
    left = _text("sqlite", "(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))")
    right = (
        "postgresql",
        "now()",
        Column("c", ColumnType("postgresql", "timestamptz"), default="now()"),
    )
    assert clock_moments.texts_parted(loader.evaluator, left, right) is None
