"""A UNIQUE rule on one side only names its witness: two rows equal on the rule's columns and apart
on every other, which one side stores both of and the other refuses the second of (as a CHECK on
one side only names its row: ``test_one_sided_checks``).

The cases are golden probe cases (``tests/fixtures/probes``): ``test_probes`` inserts their
witness rows into both real databases; here the difference must name the value, for each pair of
dialects and either side holding the rule. Near miss: a rule over a superset of the primary key
refuses no row the key accepts, so it names none (the key refuses such rows on both sides).
"""

from __future__ import annotations

import pytest
from probes import Loader, assert_witness, case_named, compare_case, compare_expected


@pytest.mark.parametrize(
    ("name", "rule", "witness"),
    [
        ("sl-pg.unique-one-sided", "UNIQUE (email)",
         "witness: two rows with (email) = ('') and every other column apart: PostgreSQL stores "
         "both, SQLite rejects the second as a duplicate"),
        ("sl-sl.unique-one-sided-index", "UNIQUE (email)",
         "witness: two rows with (email) = ('') and every other column apart: a.sql stores both, "
         "b.sql rejects the second as a duplicate"),
        # Both sides' CHECK refuses '': the witness holds a value they accept.
        ("pg-pg.unique-one-sided-check", "UNIQUE (email, n)",
         "witness: two rows with (email, n) = (' ', 0) and every other column apart: b.sql "
         "stores both, a.sql rejects the second as a duplicate"),
        ("sl-pg.unique-repeats-primary-key-near-miss", "UNIQUE (v)",
         "witness: two rows with (v) = ('') and every other column apart: SQLite stores both, "
         "PostgreSQL rejects the second as a duplicate"),
        # Near miss: over the key (token) and v, the key refuses such rows on both sides.
        ("sl-pg.unique-repeats-primary-key-near-miss", "UNIQUE (token, v)", None),
    ],
)  # fmt: skip
def test_a_unique_rule_on_one_side_names_its_witness(
    loader: Loader, name: str, rule: str, witness: str | None
) -> None:
    found = compare_expected(loader, name)
    (unique,) = [d for d in found.differences if rule in (d.left, d.right)]
    side = "a.sql" if unique.left is not None else "b.sql"
    assert unique.message.startswith(f"{rule} on t exists only in {side}"), unique.message
    assert_witness(unique.message, witness)


def test_without_evaluation_no_witness_is_named(loader: Loader) -> None:
    """``--no-evaluate``: the difference alone (the witness is the evaluation stage's)."""
    found = compare_case(loader, case_named("sl-pg.unique-one-sided"), evaluated=False)
    (unique,) = found.differences
    assert unique.message == "UNIQUE (email) on t exists only in a.sql"


@pytest.mark.parametrize(
    ("renamed", "same_names"),
    [
        ("sl-pg.renamed-columns-unique-octet-length-near-miss",
         "sl-pg.eval-unpaired-unique-octet-length-near-miss"),
        ("sl-pg.renamed-columns-unique-lower", None),
    ],
)  # fmt: skip
def test_a_unique_index_over_renamed_columns_is_said_as_with_equal_names(
    loader: Loader, renamed: str, same_names: str | None
) -> None:
    """stranger46 013: two unique indexes of one name over a column domain.yaml names otherwise
    on SQLite are run on probe rows as with equal names: the reason and the witness are those
    of the same tables with equal names (the spellings aside), not "its elements are
    (lower(emailAddress)) ..., (lower(email))" without one."""
    (index,) = compare_expected(loader, renamed).differences
    assert "witness" in index.message, index.message
    if same_names is None:  # written alike but for the spelling: why, not the two spellings
        assert "its elements are" not in index.message, index.message
        assert "mean other things on each side (SQLite's lower()" in index.message
        return
    (twin,) = compare_expected(loader, same_names).differences
    spelled = index.message.replace("emailAddress", "s").replace("email", "s")
    assert spelled == twin.message


def test_one_rule_on_each_side_parted_by_a_row_is_one_difference(loader: Loader) -> None:
    """SQLite's unique index on coalesce(a, '') and PostgreSQL's UNIQUE NULLS NOT DISTINCT (a)
    (stranger49 121): NULL then '' parts them (the golden case's rows, run on both), and the
    report says so once, as a unique rule that differs, not as a `unique` difference and an
    `index` difference with the same witness."""
    found = compare_expected(loader, "sl-pg.unique-coalesce-index-vs-nulls-not-distinct")
    assert [d.message for d in found.differences] == [
        "unique rule on u1 differs: UNIQUE (coalesce(a, '')) on SQLite, UNIQUE NULLS NOT "
        "DISTINCT (a) on PostgreSQL; witness (a) = (NULL) then (''): PostgreSQL stores both "
        "rows, SQLite rejects the second as a duplicate"
    ]
    (d,) = found.differences
    assert (d.left, d.right) == ("UNIQUE (coalesce(a, ''))", "UNIQUE NULLS NOT DISTINCT (a)")
