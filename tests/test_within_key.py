"""What a unique index over exactly the primary key may add and still refuse no row the key
accepts (``canonical.within_key``): a predicate no row can make fail, an operator class that
tests equality as the type's default one does. The verdicts these give are proven on real
databases by the ``unique-index-within-key`` cases of ``tests/fixtures/probes``."""

from __future__ import annotations

import pytest

from twinschema.canonical.within_key import cannot_fail, keeps_equality


@pytest.mark.parametrize(
    "predicate",
    [
        "k > 0",
        "k > -1",
        "k > 'm' AND v IS NOT NULL",
        "NOT k IS NULL OR v = 'x'",
        "k BETWEEN 1 AND 9",
        "k IN (1, 2, 3)",
        "\"Key\" <> ''",
        "active",
        "(k >= 1)",
    ],
)
def test_predicates_no_row_makes_fail(predicate: str) -> None:
    """Comparisons, IS NULL, IN a list, BETWEEN and the connectives over columns and literals."""
    assert cannot_fail(predicate)


@pytest.mark.parametrize(
    "predicate",
    [
        "10 / k > 0",  # division by zero on PostgreSQL (sl-pg ...-failing-predicate-near-miss)
        "k % 2 = 0",
        "-k > 0",  # negating the smallest integer overflows on PostgreSQL
        "k + 1 > 0",
        "CAST(v AS INTEGER) > 0",
        "v LIKE 'a%'",
        "lower(v) = 'a'",
        "k IN (SELECT 1)",
        "k >",  # does not parse
    ],
)
def test_predicates_a_row_may_make_fail(predicate: str) -> None:
    """Arithmetic, casts, LIKE, calls, subqueries and text that does not parse are not taken."""
    assert not cannot_fail(predicate)


@pytest.mark.parametrize(
    ("opclass", "keeps"),
    [
        ("", True),
        ("text_pattern_ops", True),
        ("VARCHAR_PATTERN_OPS", True),
        ("bpchar_pattern_ops", True),
        ("jsonb_path_ops", False),
        ("my_ops", False),
    ],
)
def test_operator_classes_that_keep_equality(opclass: str, keeps: bool) -> None:
    """The default class and the pattern classes test equality with the type's own =."""
    assert keeps_equality(opclass) is keeps
