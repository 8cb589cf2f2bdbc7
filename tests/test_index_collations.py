"""A unique index element's own collation runs with it: which keys its ``=`` takes as one.

``UNIQUE (email COLLATE NOCASE)`` on SQLite and ``UNIQUE (lower(email COLLATE "C"))`` on PostgreSQL
fold ASCII letters only, both: one rule. Against ``lower(email)`` in PostgreSQL's C.UTF-8 the
difference names 'É' and 'é'. Between two SQLite sources the pair is not run (a blob parts
them, and no probe is a blob), so the difference names no witness. The cases are golden probe
cases (``tests/fixtures/probes``); ``test_probes`` inserts their rows into both real databases.
"""

from __future__ import annotations

import pytest
from probes import Loader, compare_expected


@pytest.mark.parametrize(
    ("name", "witness"),
    [
        ("sl-pg.unique-nocase-vs-lower-collate-c-near-miss",
         "witness (email) = ('É') then ('é'): SQLite stores both rows, PostgreSQL rejects the "
         "second as a duplicate"),
        ("pg-pg.unique-collate-c-vs-lower",
         "witness (email) = ('a') then ('A'): a.sql stores both rows, b.sql rejects the second "
         "as a duplicate"),
        ("sl-sl.unique-nocase-vs-lower-blob", None),
    ],
)  # fmt: skip
def test_a_collated_unique_element_is_run_with_its_collation(
    loader: Loader, name: str, witness: str | None
) -> None:
    (found,) = compare_expected(loader, name).differences
    if witness is None:
        assert "witness" not in found.message, found.message
    else:
        assert witness in found.message, found.message


@pytest.mark.parametrize(
    "name",
    ["sl-pg.unique-nocase-vs-lower-collate-c", "sl-pg.unique-nocase-vs-upper-collate-c-renamed"],
)
def test_ascii_folds_on_both_sides_are_one_rule(loader: Loader, name: str) -> None:
    (equal,) = [e for e in compare_expected(loader, name).equivalences if "equal on" in e.rule]
    assert "COLLATE NOCASE" in equal.left and 'COLLATE "C"' in equal.right, equal
