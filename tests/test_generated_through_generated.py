"""A generated column that reads another generated column is read through it (stranger48 011).

No INSERT gives a generated column a value, so a witness names only the columns an INSERT sets:
``half AS (total / 2)`` beside ``total AS (qty * price)`` is ``(qty * price) / 2`` (with SQLite's
numeric affinity on total: 3 * 1 is stored 3, and 3 / 2 divides integers). The cases are golden
probe cases: ``test_probes`` inserts their rows into both real databases. Near miss: an integer
chain divides alike on both sides, and is equal on its probes (a NULL total, which the old
witness named, made it a difference).
"""

from __future__ import annotations

from probes import Loader, compare_expected


def test_a_generated_column_over_a_generated_column_names_what_an_insert_sets(
    loader: Loader,
) -> None:
    found = compare_expected(loader, "sl-pg.generated-reads-generated-column")
    (half,) = [d for d in found.differences if d.column == "half"]
    assert "witness (price, qty) = (1, 1): SQLite computes 0, PostgreSQL computes 0.5" in (
        half.message
    ), half.message


def test_an_integer_chain_is_equal_on_its_probes(loader: Loader) -> None:
    found = compare_expected(loader, "sl-pg.generated-reads-generated-column-near-miss")
    rules = [e.rule for e in found.equivalences if e.column == "half"]
    assert rules and rules[0].startswith("equal on"), rules


def test_a_check_over_the_chain_names_what_the_generated_column_holds(loader: Loader) -> None:
    found = compare_expected(loader, "sl-pg.check-on-generated-reads-generated")
    (check,) = [d for d in found.differences if d.kind == "check"]
    assert "means something else on each: the generated half is 1 on SQLite, " in check.message
    assert "witness (price, qty) = (" in check.message, check.message
    assert "cast" not in check.message, check.message


def test_a_check_over_an_integer_total_says_postgresql_rounds_it(loader: Loader) -> None:
    found = compare_expected(loader, "sl-pg.check-on-integer-generated-rounded")
    (check,) = [d for d in found.differences if d.kind == "check"]
    assert (
        "means something else on each: the generated total is 28.99 on SQLite, 29 on PostgreSQL "
        "(SQLite keeps a number that is not whole in an INTEGER column, PostgreSQL rounds it); "
        "witness (price, qty) = (28.99, 1): SQLite accepts, PostgreSQL rejects"
    ) in check.message, check.message
