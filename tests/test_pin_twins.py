"""SQLite's one-UTC-form pin on one side only against a PostgreSQL timestamptz (stranger86
005, ``evaluate.pin_twins``): the hint said "add it to" the PostgreSQL side, which has no
strftime() and holds instants. It is a real difference (witnesses run on both real databases
by the golden walker: '2024-01-01 00:00:00.6+00:00' against timestamptz, 'infinity' against
timestamptz(0), which is no mirror of the pin as a scale's round() is), and the hint now says
what holds the same values there. Near miss: against a text column the hint is not that one."""

from __future__ import annotations

from probes import Loader, compare_expected

CASE = "sl-pg.check-one-sided-utc-pin-vs-{}"
RULE = (
    "CHECK (isfinite(sold_at) AND sold_at >= '0001-01-01 00:00:00+00' AND sold_at < "
    "'10000-01-01 00:00:00+00') (the text form stays SQLite's own: keep this CHECK and allow "
    "it, as below), or remove it from "
)


def _hint(loader: Loader, name: str) -> str:
    found = compare_expected(loader, CASE.format(name))
    (check,) = [d for d in found.differences if d.kind == "check"]
    return check.hint


def test_the_pin_against_timestamptz_asks_for_timestamptz0_and_its_check(loader: Loader) -> None:
    hint = _hint(loader, "timestamptz")
    assert (
        "b.sql has no strftime() and its timestamptz holds instants, not a text form; of what it "
        "stores this CHECK refuses a fraction (kept to the microsecond), 'infinity' and years "
        "past 9999 or BC: to refuse those there too, declare sold_at timestamptz(0) with " + RULE
    ) in hint, hint
    assert "add it to" not in hint, hint


def test_the_pin_against_timestamptz0_asks_for_its_check_alone(loader: Loader) -> None:
    hint = _hint(loader, "timestamptz0")
    assert "this CHECK refuses 'infinity' and years past 9999 or BC" in hint, hint
    assert ("to refuse those there too, give it " + RULE) in hint, hint
    assert "fraction" not in hint and "add it to" not in hint, hint


def test_the_pin_against_text_keeps_its_hint(loader: Loader) -> None:
    hint = _hint(loader, "text-near-miss")
    assert "timestamptz" not in hint and "isfinite" not in hint, hint
