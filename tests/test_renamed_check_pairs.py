"""CHECK differences over columns domain.yaml names otherwise on each side (camelCase on SQLite,
snake_case on PostgreSQL, as ``init`` writes them) are paired by logical column where a table
holds several (stranger47 004/007: two CHECKs that mean the same were each reported on one side
only, with witnesses both databases refuse, once the table held another CHECK).

The cases are golden probe cases (``tests/fixtures/probes``): ``test_probes`` inserts their
witness rows into both real databases. Near miss: the CHECK that really differs beside them is
still reported, alone, with its witness.
"""

from __future__ import annotations

from probes import Loader, compare_expected


def test_checks_that_mean_the_same_pair_across_renamed_columns(loader: Loader) -> None:
    found = compare_expected(loader, "sl-pg.renamed-columns-checks-weekday-and-clock")
    assert not found.differences
    rules = [e.rule for e in found.equivalences if e.table == "order_lines"]
    assert sum(r.startswith("equal on") for r in rules) == 2, found.equivalences


def test_the_check_that_differs_beside_them_is_reported_alone(loader: Loader) -> None:
    found = compare_expected(
        loader, "sl-pg.renamed-columns-checks-weekday-beside-differing-near-miss"
    )
    (check,) = found.differences
    assert check.left == "CHECK (quantity > 0)" and "quantity > 1" in (check.right or ""), check
    assert check.message.endswith("witness (quantity) = (1): SQLite accepts, PostgreSQL rejects")
