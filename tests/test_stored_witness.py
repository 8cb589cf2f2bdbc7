"""A CHECK witness is judged on what each database stores, not the value a row is written with
(evening round of 2026-12-01): PostgreSQL rounds 0.001 to 0.00 in a numeric(5,2) before its
CHECK runs, so when the side that accepts a probe row stores it changed, the stored row is run
again on the side that rejected it; the row is a witness only if that side rejects it too. A
NULL the other side's NOT NULL refuses is no CHECK's witness either.

The cases are golden probe cases (``tests/fixtures/probes``, whose witness rows ``test_probes``
inserts into both real databases); here the differences must name the right row (or none), and
``stored_rows.partings`` is run on real scratch databases for a row that parts only as written.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from probes import Loader, case_named, compare_case, compare_expected, compared_sides

from twinschema.evaluate.context import StageContext
from twinschema.evaluate.probe_sets import probe_rows
from twinschema.evaluate.stored_rows import ROUNDED_REVERSE, partings


@pytest.mark.parametrize(
    ("name", "witness"),
    [
        # Near misses: the row parts what the two databases store.
        # ...saying what the rejecting side took the row as where it changed it.
        ("sl-pg.check-stored-nonzero-both-near-miss",
         "witness (n) = (0.001): SQLite accepts, PostgreSQL rejects (PostgreSQL takes 0.001 "
         "as 0.00, which its CHECK rejects; SQLite stores 0.001, so a sync of that row from "
         f"SQLite to PostgreSQL fails; {ROUNDED_REVERSE})"),
        # SQLite's INTEGER keeps 99.5, PostgreSQL's integer rounds it to 100 (stranger68 018).
        ("sl-pg.check-int-fraction-bound",
         "witness (x) = (99.5): SQLite accepts, PostgreSQL rejects (PostgreSQL takes 99.5 as "
         "100, which its CHECK rejects; SQLite stores 99.5, so a sync of that row from SQLite "
         f"to PostgreSQL fails; {ROUNDED_REVERSE})"),
        ("sl-pg.check-stored-rerun-still-parts-near-miss",
         "witness (n) = (0.01): SQLite rejects, PostgreSQL accepts"),
        ("sl-pg.check-stored-typeof-vs-nullable-near-miss",
         "witness (n) = (NULL): SQLite rejects, PostgreSQL accepts"),
        ("sl-pg.check-stored-lt-vs-le-near-miss",
         "witness (n) = (2): SQLite rejects, PostgreSQL accepts"),
        ("sl-pg.check-one-sided-stored-not-two-near-miss",
         "witness (n) = (2): SQLite rejects, PostgreSQL accepts"),
        ("pg-pg.check-null-refused-by-not-null-near-miss",
         "witness (x) = (NULL): a.sql rejects, b.sql accepts"),
        ("sl-sl.check-null-refused-by-not-null-near-miss",
         "witness (x) = (NULL): a.sql rejects, b.sql accepts"),
        # A row stored as written is named before one stored changed: real stores
        # 2147483647 as 2147483648 (whose ::integer fails), 0.01 as written.
        ("pg-pg.check-cast-changes-value",
         "witness (p) = (0.01): a.sql rejects, b.sql accepts"),
        # A one-sided CHECK stays a difference; where no row parts what the two store, the
        # row that parts them as written is named, saying what was stored, which the CHECK's
        # side accepts (stranger57 131: an upper-case UUID had no witness). One refusing only
        # numbers the other side rounds to its scale is settled instead (stranger83 005:
        # test_one_sided_scale, sl-pg.check-one-sided-stored-round).
        # Since stranger86 006 the 32 digits without hyphens are probed too, and named first.
        ("sl-pg.check-uuid-text-one-sided-witness",
         "witness (id) = ('a0eebc999c0b4ef8bb6d6bb9bd380a11'): SQLite rejects, PostgreSQL "
         "accepts (as written; it stores 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', which SQLite "
         "accepts)"),
        # ...and none where no row parts them even as written ('abc   ' in varchar(5)).
        ("sl-pg.check-one-sided-type-enforces", None),
    ],
)  # fmt: skip
def test_a_check_witness_is_a_row_the_databases_store_apart(
    loader: Loader, name: str, witness: str | None
) -> None:
    found = compare_expected(loader, name)
    (check,) = [d for d in found.differences if d.kind == "check"]
    if witness is None:
        assert "witness" not in check.message, check.message
    else:
        assert check.message.endswith(witness), check.message


@pytest.mark.parametrize(
    "name",
    [
        "sl-pg.check-stored-round-both",
        "sl-pg.check-stored-round-1-both",
        "sl-pg.eval-scale-check-round",
        "sl-pg.check-stored-typeof-vs-not-null",
        # 99.4 parts them as written only: PostgreSQL stores 99, which SQLite's x <= 99 takes.
        "sl-pg.check-int-fraction-bound-near-miss",
        "sl-pg.check-int-fraction-bound-sqlite-near-miss",
        "pg-pg.check-null-refused-by-not-null",
        "sl-sl.check-null-refused-by-not-null",
    ],
)
def test_checks_that_hold_the_same_rows_are_equal_on_probes(loader: Loader, name: str) -> None:
    case = case_named(name)
    found = compare_case(loader, case)
    assert "check" not in {d.kind for d in found.differences}, found.differences
    assert any(e.rule.startswith("equal on") for e in found.equivalences), found.equivalences


@pytest.mark.parametrize(
    "name",
    [
        # 99.5 parts them only by PostgreSQL's rounding: its CHECK takes 99.5 as written.
        "sl-pg.check-int-fraction-bound-rounding-near-miss",
        "sl-pg.check-two-on-one-column-written-alike",
    ],
)
def test_checks_an_integer_cast_to_numeric_leaves_alike_are_equal_as_written(
    loader: Loader, name: str
) -> None:
    """PostgreSQL prints ``x <= 99.5`` on an integer as ``(x)::numeric <= 99.5``; since fix84c
    (stranger84 004) the canonical form reads that cast as the column (an integer compared with
    a number is compared as numeric anyway), so these pairs are equal as written, before any
    probe (they were "equal on N probes"); the fraction 99.5 stays the column pair's warning."""
    case = case_named(name)
    found = compare_case(loader, case)
    assert "check" not in {d.kind for d in found.differences}, found.differences
    assert any(e.rule == "check" for e in found.equivalences), found.equivalences
    assert not any(e.rule.startswith("equal on") for e in found.equivalences)


@pytest.mark.parametrize(
    ("name", "written", "stored", "said"),
    [
        # PostgreSQL stores 0.005 as 0.01, which SQLite's n * 100 <> 1 rejects too.
        ("sl-pg.check-stored-rerun-still-parts-near-miss", "0.005", "0.01",
         "SQLite rejects, PostgreSQL accepts, storing 0.01, which SQLite rejects too"),
        # PostgreSQL stores 0.001 as 0.00, which SQLite's n = round(n, 2) accepts.
        ("sl-pg.check-stored-round-both", "0.001", None, None),
        # SQLite stores 0.001 as written: the row parts them with nothing changed.
        ("sl-pg.check-stored-nonzero-both-near-miss", "0.001", "",
         "SQLite accepts, PostgreSQL rejects (PostgreSQL takes 0.001 as 0.00, which its CHECK "
         "rejects; SQLite stores 0.001, so a sync of that row from SQLite to PostgreSQL fails; "
         f"{ROUNDED_REVERSE})"),
    ],
)  # fmt: skip
def test_a_row_changed_on_store_is_run_again_on_the_rejecting_side(
    loader: Loader, name: str, written: str, stored: str | None, said: str | None
) -> None:
    """``partings`` on one probe row, on real scratch databases: ``stored`` is what the
    accepting side stored where it changed the row ("" unchanged), None when the row is no
    witness once the stored value is re-run."""
    comparison, (left, right) = compared_sides(loader, case_named(name))
    st = StageContext(comparison, left, right, loader.evaluator)
    (lt,) = left.schema.tables.values()
    (rt,) = right.schema.tables.values()
    ltext, rtext = (t.checks[0].raw or t.checks[0].expression for t in (lt, rt))
    found = probe_rows(st, "t", ltext, rtext, counted=False)
    assert found is not None
    row = (Decimal(written),)
    assert row in found.rows  # a probe value of the column
    lb, rb = found.backends
    a = lb.try_rows(found.left, ltext, [row], True)[0]
    b = rb.try_rows(found.right, rtext, [row], True)[0]
    assert a is not None and b is not None and a != b  # it parts them as written
    got = partings(st, "t", found, (ltext, rtext), [(row, a, b)])
    if said is None:
        assert got == []
        return
    (parted,) = got
    assert parted.row == row
    assert parted.stored == ((Decimal(stored),) if stored else None)
    assert parted.said(st) == said
