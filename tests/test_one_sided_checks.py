"""A CHECK on one side only names its witness row when the probes find one (stranger round 7:
``x INTEGER CHECK (typeof(x) = 'integer')`` against ``x integer`` gave none, though NULL is one).

The cases are golden probe cases (``tests/fixtures/probes``): ``test_probes`` inserts their
witness rows into both real databases; here the difference must name the row, for each pair of
dialects and either side holding the CHECK. Near misses: a NULL in a column NOT NULL on the other
side only is that column's difference, never the CHECK's witness. A CHECK that rejects no value
the column holds is no difference at all (stranger55 F2: ``evaluate/type_kept``).
"""

from __future__ import annotations

import pytest
from probes import Loader, assert_witness, case_named, compare_case, compare_expected


@pytest.mark.parametrize(
    ("name", "witness"),
    [
        ("sl-pg.check-one-sided-typeof", "witness (x) = (NULL): SQLite rejects, PostgreSQL accepts"),
        ("sl-pg.check-one-sided-on-postgresql", "witness (x) = (0): SQLite accepts, PostgreSQL rejects"),
        ("sl-sl.check-one-sided", "witness (x) = (0): a.sql rejects, b.sql accepts"),
        ("pg-pg.check-one-sided", "witness (x) = (0): a.sql accepts, b.sql rejects"),
        # Near miss: NULL is x's own difference (NOT NULL on PostgreSQL only).
        ("sl-pg.check-one-sided-null-is-the-columns-own",
         "witness (x) = (0): SQLite rejects, PostgreSQL accepts"),
    ],
)  # fmt: skip
def test_a_check_on_one_side_names_its_witness(
    loader: Loader, name: str, witness: str | None
) -> None:
    found = compare_expected(loader, name)
    (check,) = [d for d in found.differences if d.kind == "check"]
    side = "a.sql" if check.left is not None else "b.sql"
    shown = check.left or check.right
    assert check.message.startswith(f"{shown} on t exists only in {side}"), check.message
    assert_witness(check.message, witness)


def test_a_check_its_own_type_keeps_is_an_equivalence(loader: Loader) -> None:
    """Every smallint passes ``x BETWEEN -32768 AND 32767``: once a difference with no witness
    named, now the equivalence "the type keeps it" (stranger55 F2)."""
    found = compare_expected(loader, "pg-pg.check-one-sided-no-row-shows-it")
    assert not found.differences, found.differences
    assert any(e.rule.startswith("the type keeps it") for e in found.equivalences)


def test_without_evaluation_no_witness_is_named(loader: Loader) -> None:
    """``--no-evaluate``: the difference alone, as before (the witness is the stage's)."""
    found = compare_case(loader, case_named("sl-pg.check-one-sided-typeof"), evaluated=False)
    (check,) = found.differences
    assert check.message == "CHECK (typeof(x) = 'integer') on t exists only in a.sql"


def test_one_sided_checks_over_renamed_columns_are_tried_against_the_other_side_s_checks(
    loader: Loader,
) -> None:
    """fix-adopt item 6: the other side's CHECKs a one-sided CHECK's witness must pass read its
    own spelling of the columns domain.yaml pairs (SQLite's aVal, bVal for a_val, b_val); read
    in the first side's names, none was found, and (a_val) = (0), (b_val) = (100), (a_val) =
    (11) were named witnesses both tables refuse. The messages are those of the same tables
    with equal names, the spellings aside."""
    renamed = compare_expected(loader, "sl-pg.renamed-columns-one-sided-checks-shared")
    same = compare_expected(loader, "sl-pg.one-sided-checks-shared-equal-names")
    spelled = sorted(
        d.message.replace("aVal", "a_val").replace("bVal", "b_val") for d in renamed.differences
    )
    assert spelled == sorted(d.message for d in same.differences)
    assert sum("witness" in m for m in spelled) == 1, spelled


def test_a_one_sided_check_over_a_generated_column_names_what_computes_it(
    loader: Loader,
) -> None:
    """stranger48 004 g2: ``total < 1000`` beside ``total AS (qty * price)`` named (total) =
    (1000), a row no INSERT can give; the witness now names the columns that compute it. The
    other PostgreSQL CHECK holds conjuncts of the SQLite one only (``held_checks``), so what is
    left is one pair (stranger48 019)."""
    found = compare_expected(loader, "sl-pg.check-one-sided-over-generated-column")
    (check,) = [d for d in found.differences if "total < 1000" in str(d.right)]
    assert check.left == "CHECK (qty > 0 AND price >= 0 AND total <= 1000)", check.left
    assert_witness(
        check.message, "witness (price, qty) = (1000, 1): SQLite accepts, PostgreSQL rejects"
    )
