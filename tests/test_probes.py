"""The golden probe corpus: each case's verdict, and its witness rows, on real databases.

One test walks ``tests/fixtures/probes/`` (see ``tests/probes.py`` for the folder format): the
difference kinds the checker reports for ``a.sql`` against ``b.sql`` must be exactly the expected
ones ("same meaning" is the empty set). A second test inserts each witness row into both real
databases and checks that they behave as the case says: a claimed difference in behaviour is
shown by a row one side accepts and the other rejects, a "same" by rows both treat alike.
"""

from __future__ import annotations

from typing import Any

import pytest
from probes import (
    Case,
    Loader,
    case_warnings,
    cases,
    compare_case,
    crosses_apart,
    measured,
    physical_rows,
    run_setup,
    same_value,
    setup_statements,
    stored_default,
    try_row,
)
from support.run_clock import on_one_day

from twinschema.evaluate.crossing_outcomes import INSERT_PARTS

CASES = cases()
WITNESSED = [c for c in CASES if c.witness and c.witness.get("rows")]
DEFAULTS = [c for c in CASES if c.witness and c.witness.get("default_of")]
STORED = [c for c in CASES if c.witness and c.witness.get("stored_of")]
MEASURED = [c for c in CASES if c.witness and c.witness.get("measure")]
WARNED = [c for c in CASES if c.warnings is not None]
CROSSING = [c for c in CASES if c.witness and c.witness.get("crosses")]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_verdict(loader: Loader, case: Case) -> None:
    """The checker reports exactly the expected difference kinds (none for the same meaning)."""
    found = compare_case(loader, case)
    kinds = {d.kind for d in found.differences}
    assert kinds == case.expect, (
        f"{case.name} ({case.why}): expected {sorted(case.expect) or 'same'}, got "
        + ("; ".join(d.message for d in found.differences) or "same")
    )
    if case.equivalence is not None:
        rules = sorted({e.rule for e in found.equivalences})
        assert any(rule.startswith(case.equivalence) for rule in rules), (
            f"{case.name}: expected the equivalence {case.equivalence!r} listed, got {rules}"
        )


@pytest.mark.parametrize("case", WITNESSED, ids=[c.name for c in WITNESSED])
def test_witness(loader: Loader, case: Case) -> None:
    """Each witness row is accepted or rejected by each real database as the case says, and a
    case that claims a difference in behaviour has a row on which the two sides part."""
    assert case.witness is not None
    table = case.witness["table"]
    rows = case.witness["rows"]
    setup = case.witness.get("setup") or ()
    da, db = case.dialects
    outcomes = []
    with loader.load(da, case.sql("a")) as ha, loader.load(db, case.sql("b")) as hb:
        run_setup(loader, da, ha, setup_statements(case, "a"))
        run_setup(loader, db, hb, setup_statements(case, "b"))
        for item in rows:
            # A row's own setup rows, else the case's, go first in the same transaction.
            batch = item["rows"] if "rows" in item else [*item.get("setup", setup), item["row"]]
            got = (  # each side in its own names (domain.yaml's names:)
                try_row(loader, da, ha, *physical_rows(case, da, table, batch)),
                try_row(loader, db, hb, *physical_rows(case, db, table, batch)),
            )
            assert got == (item["a"], item["b"]), (
                f"{case.name}: rows {batch}: a {got[0]}, b {got[1]}"
            )
            outcomes.append(got)
    parted = any(a != b for a, b in outcomes)
    # A value_compatibility warning claims a difference in behaviour too (with its rows).
    claimed = bool(case.expect) or bool(case.warnings)
    behaves_differently = claimed and not case.witness.get("declared_only", False)
    assert parted == behaves_differently, (
        f"{case.name}: the witness rows {'part' if parted else 'do not part'} the two sides, but "
        f"the case expects {'a difference in behaviour' if behaves_differently else 'the same behaviour'}"
    )


@pytest.mark.parametrize("case", WARNED, ids=[c.name for c in WARNED])
def test_warnings(loader: Loader, case: Case) -> None:
    """The value_compatibility warnings are exactly the case's: per column, one warning for
    each text listed, each holding its text (none where the case lists none)."""
    assert case.warnings is not None
    found: dict[str, list[str]] = {}
    for warning in case_warnings(loader, case):
        found.setdefault(warning.column or "", []).append(warning.message)
    assert sorted(found) == sorted(case.warnings), f"{case.name}: {found}"
    for column, texts in case.warnings.items():
        messages = found[column]
        assert len(messages) == len(texts), f"{case.name}: {column}: {messages}"
        for text in texts:
            assert any(text in m for m in messages), f"{case.name}: {text!r} not in {messages}"


@pytest.mark.parametrize("case", CROSSING, ids=[c.name for c in CROSSING])
def test_crossing_witness(loader: Loader, case: Case) -> None:
    """A value stored on one side crosses a sync as it was stored (PostgreSQL stores 1.5 as 2
    in an integer): it parts the two real databases (the stored value rejected or changed on
    the other side) exactly when the case says, and exactly then a value_compatibility warning
    on the column names the value (SQLite keeps 1.5 in a plain INTEGER; a rowid alias, a
    STRICT table or a typeof CHECK rejects it and accepts the 2 that crosses)."""
    assert case.witness is not None and case.warnings is not None
    table, crosses = case.witness["table"], case.witness["crosses"]
    column, value = crosses["column"], crosses["value"]
    da, db = case.dialects
    with loader.load(da, case.sql("a")) as ha, loader.load(db, case.sql("b")) as hb:
        parted = crosses_apart(
            loader, ((da, ha), (db, hb)), table, crosses.get("row") or {}, column, value
        )
    assert parted == crosses["parts"], f"{case.name}: {value!r} parts the sides: {parted}"
    # A scale warning naming an insert one side refuses and the other stores rounded (what
    # crosses is the rounded value: no sync breaks; stranger73 009) claims no crossing.
    named = [m for m in case.warnings.get(column, []) if f"{value}" in m and INSERT_PARTS not in m]
    assert bool(named) == parted, f"{case.name}: warnings naming {value!r}: {named}"


@pytest.mark.parametrize("case", DEFAULTS, ids=[c.name for c in DEFAULTS])
def test_default_witness(loader: Loader, case: Case) -> None:
    """A row that leaves the column out stores different values on the two sides exactly when the
    case expects a column_default or column_generated difference (a default's value, or a
    generated column's, is what no rejection shows)."""
    assert case.witness is not None
    table, column = case.witness["table"], case.witness["default_of"]
    row = case.witness.get("default_row") or {}
    da, db = case.dialects
    with loader.load(da, case.sql("a")) as ha, loader.load(db, case.sql("b")) as hb:
        a = stored_default(loader, da, ha, table, row, column)
        b = stored_default(loader, db, hb, table, row, column)
    expected_same = not case.expect & {"column_default", "column_generated"}
    assert same_value(a, b, da == db) == expected_same, (
        f"{case.name} ({case.why}): stored {a!r} and {b!r}, but the case expects "
        + ("the same value" if expected_same else "different values")
    )


@pytest.mark.parametrize("case", STORED, ids=[c.name for c in STORED])
def test_stored_witness(loader: Loader, case: Case) -> None:
    """A row both sides accept is stored as different values exactly when the case expects a
    difference: what a type's rounding or padding changes, no rejection shows."""
    assert case.witness is not None
    table, column = case.witness["table"], case.witness["stored_of"]
    row = case.witness["stored_row"]
    da, db = case.dialects
    with loader.load(da, case.sql("a")) as ha, loader.load(db, case.sql("b")) as hb:
        a = stored_default(loader, da, ha, table, row, column)
        b = stored_default(loader, db, hb, table, row, column)
    expected_same = not case.expect
    assert same_value(a, b, da == db) == expected_same, (
        f"{case.name} ({case.why}): stored {a!r} and {b!r}, but the case expects "
        + ("the same value" if expected_same else "different values")
    )


@pytest.mark.parametrize("case", MEASURED, ids=[c.name for c in MEASURED])
def test_measured_witness(loader: Loader, case: Case) -> None:
    """What the inserted rows' generated values are like (how many distinct times two rows
    got, how far a time is from the database's own clock, a value's shape), read on each real
    database, differs exactly when the case expects a difference: a time or random default
    that no fixed row shows; or, with ``parts``, exactly when that says (a warning's claim:
    an enum sorted otherwise than its text twin, where the case expects no difference)."""
    assert case.witness is not None
    table, measure = case.witness["table"], case.witness["measure"]
    rows, sql = measure.get("rows") or [{}], measure["sql"]
    da, db = case.dialects

    def both() -> tuple[Any, Any]:
        """What each side measures, on one day: a row dated by a label (``<today>``) is read by
        the databases on the day it names (at 23:59:59.9 it was written for one day and read on
        the next; and '<today - 30 days> 23:59:59' is past now - 30 days in the day's last second)."""
        with loader.load(da, case.sql("a")) as ha, loader.load(db, case.sql("b")) as hb:
            run_setup(loader, da, ha, setup_statements(case, "a"))  # a parent row the rows join
            run_setup(loader, db, hb, setup_statements(case, "b"))
            a = measured(loader, da, ha, table, rows, sql["a"] if isinstance(sql, dict) else sql)
            b = measured(loader, db, hb, table, rows, sql["b"] if isinstance(sql, dict) else sql)
        return a, b

    a, b = on_one_day(both)
    expected_same = not case.expect or case.witness.get("declared_only", False)
    if "parts" in measure:  # a warning's claim (expect []): the values part where it says
        assert not measure["parts"] or case.warnings, f"{case.name}: parts claims no warning"
        expected_same = not measure["parts"]
    assert (a == b) == expected_same, (
        f"{case.name} ({case.why}): measured {a!r} and {b!r}, but the case expects "
        + ("the same" if expected_same else "a difference")
    )


# The kinds whose difference a row can show: a CHECK, a default, a generated column, a type
# (issue 15).
_BEHAVIOUR = frozenset({"check", "column_default", "column_generated", "column_type"})


def test_a_claimed_difference_has_a_witness_or_says_why_not() -> None:
    """Every case that expects a CHECK, default, generated column or type difference shows it
    on real databases (witness rows, a stored default or value read back, or rows both sides
    treat alike when the difference is declared only), or says why no fixed row can (a time
    or a random value)."""
    claimed = [c for c in CASES if c.expect & _BEHAVIOUR]
    assert len(claimed) > 100  # the corpus has them: this test cannot pass on nothing
    unshown = [
        c.name
        for c in claimed
        if not any(
            (c.witness or {}).get(k)
            for k in ("rows", "default_of", "stored_of", "measure", "declared_only")
        )
        and not c.no_witness
    ]
    assert unshown == [], f"no witness and no reason why: {unshown}"
