"""stranger83 005: a CHECK on one side only that mirrors the other side's scale, SQLite's
``price_band NUMERIC(6,2) CHECK (round(price_band, 2) = price_band)`` against PostgreSQL's
``numeric(6,2)`` without it, was a difference (witness 0.001, which SQLite refuses and
PostgreSQL stores as 0.00, which SQLite accepts). No sync fails either way: the rule a CHECK
pair is judged by (``price >= 0`` on both, -0.004), so it is now one equivalence
(``evaluate.scale_mirror``). Near misses stay differences, each with a witness row one real
database takes and the other refuses (the golden cases ``sl-pg.check-one-sided-scale-*``,
whose rows ``test_probes`` tries): a coarser round, a wider scale, an unscaled numeric, a
double; the CHECK on PostgreSQL's side refuses nothing (numeric rounds first) and stays the
type's equivalence; an upper-case UUID (no number) keeps its witness as written."""

from __future__ import annotations

import sqlite3

import pytest
from probes import Loader, case_named, compare_case

RULE = "a CHECK on one side only that refuses only numbers PostgreSQL rounds to its scale"


@pytest.mark.parametrize(
    "name",
    [
        "sl-pg.check-one-sided-scale-mirror-same",
        "sl-pg.check-one-sided-stored-round",
        "sl-pg.eval-scale-unique-check-round-near-miss",
    ],
)
def test_a_check_mirroring_the_other_sides_scale_is_the_same(loader: Loader, name: str) -> None:
    found = compare_case(loader, case_named(name))
    assert "check" not in {d.kind for d in found.differences}, found.differences
    [rule] = [e.rule for e in found.equivalences if e.rule.startswith(RULE)]
    assert "is stored as 0.00 there, which it accepts" in rule, rule
    assert "no sync fails either way" in rule, rule


@pytest.mark.parametrize(
    ("name", "witness"),
    [
        ("sl-pg.check-one-sided-scale-round1-near-miss", "SQLite rejects, PostgreSQL accepts"),
        ("sl-pg.check-one-sided-scale-wider-near-miss", "SQLite rejects, PostgreSQL accepts"),
        ("sl-pg.check-one-sided-scale-unscaled-near-miss", "SQLite rejects, PostgreSQL accepts"),
        ("sl-pg.check-one-sided-scale-double-near-miss", "SQLite rejects, PostgreSQL accepts"),
        ("sl-pg.check-uuid-text-one-sided-witness", "(as written; it stores 'a0eebc99"),
    ],
)
def test_a_check_refusing_what_the_other_side_holds_stays_a_difference(
    loader: Loader, name: str, witness: str
) -> None:
    found = compare_case(loader, case_named(name))
    [check] = [d for d in found.differences if d.kind == "check"]
    assert "witness" in check.message and witness in check.message, check.message
    assert not any(e.rule.startswith(RULE) for e in found.equivalences)


def test_the_check_on_postgresqls_side_refuses_nothing(loader: Loader) -> None:
    found = compare_case(loader, case_named("sl-pg.check-one-sided-scale-pg-side-same"))
    assert "check" not in {d.kind for d in found.differences}, found.differences
    assert any(e.rule.startswith("the type keeps it") for e in found.equivalences)


def test_sqlites_round_accepts_every_value_numeric_6_2_holds() -> None:
    """The equivalence's claim on a real SQLite, exhaustively at numeric(6,2)'s edges and on
    a stride through its range (every 2-decimal value was tried once by hand: none refused):
    each value PostgreSQL's numeric(6,2) holds, written as PostgreSQL hands it over, passes
    ``round(x, 2) = x``; 0.001, which PostgreSQL stores as 0.00, is refused."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (x NUMERIC(6,2) CHECK (round(x, 2) = x))")
    cents = [*range(-999999, -989999), *range(-5000, 5001), *range(989999, 1000000)]
    cents += range(-999999, 1000000, 997)
    for n in cents:
        db.execute(
            "INSERT INTO t VALUES (?)",
            (f"{'-' if n < 0 else ''}{abs(n) // 100}.{abs(n) % 100:02d}",),
        )
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO t VALUES ('0.001')")
