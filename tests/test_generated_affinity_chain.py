"""A generated column read by another expression is read as the column holds it (stranger50).

014: SQLite's NUMERIC affinity stores ``total NUMERIC(12,2) AS (qty * price)`` at 2 * 1.5 as the
integer 3, so ``half AS (total / 2)`` divides integers (1) where ``(qty * price) / 2`` is 1.5: the
inlined form must carry the affinity (``CAST(x AS NUMERIC)`` does not: it keeps 3.0 a REAL, and
sqlglot wrote it back as ``CAST(x AS REAL)``). 050: a generated column's witness is a row the
table stores, a CHECK over a generated chain that reads a column beside the expression's own
included (x = 1000 was named, which ``CHECK (g2 <= 20)`` over ``(x + y) * 2``, y >= 0, refuses).
The cases are golden probe cases: ``test_probes`` inserts their rows into both real databases.
"""

from __future__ import annotations

from probes import Loader, compare_expected


def test_a_numeric_generated_column_read_by_another_keeps_its_affinity(loader: Loader) -> None:
    found = compare_expected(loader, "sl-sl.generated-reads-numeric-affinity-generated")
    (half,) = [d for d in found.differences if d.column == "half"]
    assert "witness (price, qty) = (0.50, 2): a.sql computes 0, b.sql computes 0.5" in (
        half.message
    ), half.message


def test_integer_real_and_untyped_generated_columns_read_alike_stay_equal(loader: Loader) -> None:
    for name in (
        "sl-sl.generated-reads-numeric-affinity-generated-integer-near-miss",
        "sl-sl.generated-reads-real-generated-near-miss",
        "sl-sl.generated-reads-untyped-generated-near-miss",
    ):
        found = compare_expected(loader, name)
        rules = [e.rule for e in found.equivalences if e.column == "half"]
        assert rules and rules[0].startswith("equal on"), (name, rules)


def test_a_generated_witness_is_a_row_the_checks_over_a_chain_let_in(loader: Loader) -> None:
    found = compare_expected(loader, "sl-pg.generated-witness-kept-by-check-over-generated-chain")
    (gx,) = [d for d in found.differences if d.column == "gx"]
    assert (
        "witness (x, y) = (-33, 20): SQLite computes -33000, PostgreSQL fails (smallint out of "
        "range)"
    ) in gx.message, gx.message


def test_no_row_the_chain_lets_in_parts_a_smallint_product(loader: Loader) -> None:
    found = compare_expected(
        loader, "sl-pg.generated-witness-kept-by-check-over-generated-chain-near-miss"
    )
    assert not [d for d in found.differences if d.column == "gx"], found.differences


def test_a_partial_index_witness_is_a_row_the_checks_over_a_generated_column_let_in(
    loader: Loader,
) -> None:
    found = compare_expected(loader, "sl-sl.partial-index-where-kept-by-check-over-generated")
    assert any(e.rule.startswith("equal on") for e in found.equivalences), found.equivalences
