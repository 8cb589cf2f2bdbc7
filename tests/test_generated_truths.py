"""A generated column's integer 0 or 1 against a boolean is one truth (stranger55 060).

SQLite's ``is_corp INTEGER AS (email LIKE '%@corp.com')`` computes 1 where PostgreSQL's
``boolean AS (...)`` computes true: the same truth, no witness. The row that parts them is one
SQLite's LIKE folds ('Z@CORP.COM': 1 against false), named as a value rather than as the LIKE
pattern itself. An integer 2 against true stays a difference. The cases are golden probe
cases: ``test_probes`` reads the generated values back from both real databases.
"""

from __future__ import annotations

from probes import Loader, compare_expected


def test_a_like_into_integer_against_boolean_is_witnessed_by_a_row_whose_truth_differs(
    loader: Loader,
) -> None:
    found = compare_expected(loader, "sl-pg.generated-like-integer-against-boolean")
    (generated,) = [d for d in found.differences if d.kind == "column_generated"]
    assert (
        "witness (email) = ('Z@CORP.COM'): SQLite computes 1, PostgreSQL computes False"
        in generated.message
    ), generated.message


def test_an_integer_two_against_true_is_still_a_difference(loader: Loader) -> None:
    found = compare_expected(loader, "sl-pg.generated-like-integer-against-boolean-near-miss")
    (generated,) = [d for d in found.differences if d.kind == "column_generated"]
    assert "SQLite computes 2, PostgreSQL computes True" in generated.message, generated.message
