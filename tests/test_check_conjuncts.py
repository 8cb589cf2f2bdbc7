"""The operands of a CHECK's top AND, cut from its text as written (``check_conjuncts``)."""

from __future__ import annotations

import pytest

from twinschema.evaluate.check_conjuncts import conjuncts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "unitPrice >= 0 AND quantity BETWEEN 1 AND 200",
            ("unitPrice >= 0", "quantity BETWEEN 1 AND 200"),
        ),
        (
            "(a > 0 AND (b < 1 AND c NOT BETWEEN 1 AND 2))",
            ("a > 0", "b < 1", "c NOT BETWEEN 1 AND 2"),
        ),
        (
            "CASE WHEN a AND b THEN 1 END = 1 AND c > 0",
            ("CASE WHEN a AND b THEN 1 END = 1", "c > 0"),
        ),
        ("(a > 0 OR b > 0) AND c > 0", ("a > 0 OR b > 0", "c > 0")),
        ("a > 0 OR b > 0 AND c > 0", ("a > 0 OR b > 0 AND c > 0",)),
        ("NOT (a > 0 AND b > 0)", ("NOT (a > 0 AND b > 0)",)),
        ("x > 0", ("x > 0",)),
    ],
)
def test_conjuncts(text: str, expected: tuple[str, ...]) -> None:
    """Only the operands of the top AND are cut (never one under OR, NOT or CASE), as written."""
    assert conjuncts("sqlite", text) == expected
    assert conjuncts("postgresql", text) == expected
