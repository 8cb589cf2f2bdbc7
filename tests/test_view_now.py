"""Views that read the clock, compared on moments near the evaluation's own now (stranger79 001).

``due_at < CURRENT_TIMESTAMP`` on SQLite's TEXT against ``due_at < now()`` on timestamptz was
"the same rows on 1 probe rows": no probe moment was near now. A loan due an hour ago, written
'YYYY-MM-DDTHH:MM:SSZ', is overdue on PostgreSQL only ('T' sorts after CURRENT_TIMESTAMP's
space). The golden cases ``sl-pg.view-answers-now-*`` pin the verdicts; no fixed row is near
now, so the witness is shown here, on both real databases, with a row made from their own
clock; and the message names the moment by what it is, the same run after run.
"""

from __future__ import annotations

from datetime import UTC, datetime

from probes import Loader, compare_texts
from support.run_clock import names_the_run_date, on_one_day
from test_view_answers import view_count

from twinschema.evaluate import view_now

DIALECTS = ("sqlite", "postgresql")
PIN = "CHECK (due_at IS strftime('%Y-%m-%dT%H:%M:%SZ', due_at, '+0 days'))"
SQLITE = (
    "CREATE TABLE loan (id TEXT NOT NULL PRIMARY KEY, due_at TEXT NOT NULL {pin}, "
    "returned_at TEXT);\n"
    "CREATE VIEW overdue_loan AS SELECT l.id FROM loan l WHERE l.returned_at IS NULL "
    "AND l.due_at < {now};\n"
)
POSTGRESQL = (
    "CREATE TABLE loan (id uuid PRIMARY KEY, due_at timestamptz NOT NULL, "
    "returned_at timestamptz);\n"
    "CREATE VIEW overdue_loan AS SELECT l.id FROM loan l WHERE l.returned_at IS NULL "
    "AND l.due_at < now();\n"
)
LOAN = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"


def _overdue(dialect: str, sql: str, due: str, loader: Loader) -> int:
    """The rows of overdue_loan on a real database of ``dialect`` holding ``sql`` after one
    open loan due at ``due`` (rolled back on PostgreSQL)."""
    insert = f"INSERT INTO loan (id, due_at) VALUES ('{LOAN}', '{due}')"
    return view_count(dialect, sql, (insert,), "overdue_loan", loader)


def _today() -> str:
    """The start of today in UTC in the 'T...Z' form: before now and on its day at any time of
    day (an hour ago is yesterday before one o'clock), where text and time order part; read on
    that day by both databases (``on_one_day``: at 23:59:59.9 it was a day before the day a
    database read its now on a moment later, and SQLite's text listed it too)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT00:00:00Z")


def test_the_overdue_view_parts_on_a_loan_due_an_hour_ago(loader: Loader) -> None:
    """The witness on both real databases: SQLite's view does not list the loan, PostgreSQL's
    does, in the form README's pin writes (pinned or not); and the check reports it."""
    for pin in ("", PIN):
        sqlite = SQLITE.format(pin=pin, now="CURRENT_TIMESTAMP")

        def answers(sqlite: str = sqlite) -> tuple[int, int]:
            due = _today()
            return _overdue("sqlite", sqlite, due, loader), _overdue(
                "postgresql", POSTGRESQL, due, loader
            )

        assert on_one_day(answers) == (0, 1), pin
        found = compare_texts(loader, DIALECTS, sqlite, POSTGRESQL)
        views = [d for d in found.differences if d.kind == "view"]
        assert len(views) == 1, (pin, found.differences, found.equivalences)
        labels = {"<an hour before now, as ", "<the start of today (UTC), as "}
        assert any(label in views[0].message for label in labels), views[0].message


def test_the_message_is_the_same_run_after_run(loader: Loader) -> None:
    """The moment near now is named by what it is: two runs (their now a moment apart) give
    the same message, and no digits of today's date."""
    sqlite = SQLITE.format(pin=PIN, now="CURRENT_TIMESTAMP")
    said = []
    for _ in range(2):
        found = compare_texts(loader, DIALECTS, sqlite, POSTGRESQL)
        said += [d.message for d in found.differences if d.kind == "view"]
    assert len(said) == 2 and said[0] == said[1]
    assert not names_the_run_date(said[0]), said


def test_now_written_in_the_pinned_form_is_the_same(loader: Loader) -> None:
    """Near miss: the pinned text compared with now in its own form is time order, the same
    rows on the moments near now (compared, not "not compared")."""
    sqlite = SQLITE.format(pin=PIN, now="strftime('%Y-%m-%dT%H:%M:%SZ', 'now')")
    postgresql = POSTGRESQL.replace("now()", "date_trunc('second', now())").replace(
        "due_at timestamptz", "due_at timestamptz(0)"
    )
    found = compare_texts(loader, DIALECTS, sqlite, postgresql)
    assert not [d for d in found.differences if d.kind == "view"]
    assert any("view answers: the same rows" in e.rule for e in found.equivalences)


def test_no_moment_near_now_without_the_clock() -> None:
    """A view that does not read the clock is not probed near now (it answers the same any
    day); one that does gets six moments near now and, a day before and after, the start of
    the day and an hour after now (stranger81 004), each in the 'T...Z' and the space form, and
    (a timestamptz) half an hour before now written in +01:00 and after it in -01:00
    (stranger83 002)."""
    assert view_now.near_now("timestamptz", "SELECT id FROM loan WHERE due_at < '2026-01-01'") == []
    assert view_now.near_now("text", "SELECT id FROM loan WHERE due_at < now()") == []
    near = view_now.near_now("timestamptz", "SELECT id FROM loan WHERE due_at < now()")
    assert len(near) == 6 + 2 + 8
    assert sum(v.endswith("Z") and "T" in v for v in near) == 7
    assert sum(v.endswith(("+01:00", "-01:00")) for v in near) == 2
    assert {v.label for v in near} >= {"<an hour before now, as YYYY-MM-DDTHH:MM:SSZ>"}
