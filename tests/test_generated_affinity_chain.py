"""A generated column read by another expression is read as the column holds it (stranger50).

014: SQLite's NUMERIC affinity stores ``total NUMERIC(12,2) AS (qty * price)`` at 2 * 1.5 as the
integer 3, so ``half AS (total / 2)`` divides integers (1) where ``(qty * price) / 2`` is 1.5: the
inlined form must carry the affinity (``CAST(x AS NUMERIC)`` does not: it keeps 3.0 a REAL, and
sqlglot wrote it back as ``CAST(x AS REAL)``). The cases are golden probe cases: ``test_probes``
inserts their rows into both real databases.
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
