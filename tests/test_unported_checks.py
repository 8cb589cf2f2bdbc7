"""A CHECK on one side only that calls a function the other dialect lacks: its hint says that
dialect has no such function and asks for the same rule in its own terms, never "add it to" a
database that refuses it as written (stranger79 008: SQLite's ``typeof(harvest_year) =
'integer'`` against PostgreSQL's ``integer NOT NULL``). The evaluation learns the lack by making
the CHECK on the other side's scratch database (``evaluate/unported_checks``).

The cases are golden probe cases (``tests/fixtures/probes``, whose witness rows ``test_probes``
inserts into both real databases). Near misses: a one-sided CHECK both dialects can run keeps
"add it to"; so does one between two databases of one dialect.
"""

from __future__ import annotations

import pytest
from probes import Loader, compare_expected


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("sl-pg.check-one-sided-typeof-not-null",
         "b.sql has no function typeof(integer) to run it: write the same rule in PostgreSQL's own "
         "terms there, or remove it from a.sql"),
        ("sl-pg.check-one-sided-typeof",
         "b.sql has no function typeof(integer) to run it: write the same rule in PostgreSQL's own "
         "terms there, or remove it from a.sql"),
        # PostgreSQL has length(text), not length(integer): the signature is named.
        ("sl-pg.check-one-sided-length-of-integer",
         "b.sql has no function length(integer) to run it: write the same rule in PostgreSQL's "
         "own terms there, or remove it from a.sql"),
        # ...the other way round: SQLite has no char_length().
        ("sl-pg.check-one-sided-pg-function",
         "a.sql has no function char_length() to run it: write the same rule in SQLite's own "
         "terms there, or remove it from b.sql"),
        # Near misses: x > 0 runs on both dialects; one dialect on both sides runs anything.
        ("sl-pg.check-one-sided-on-postgresql", "add it to a.sql, or remove it from b.sql"),
        ("sl-sl.check-one-sided", "add it to b.sql, or remove it from a.sql"),
    ],
)  # fmt: skip
def test_a_one_sided_check_the_other_dialect_cannot_run_is_hinted_so(
    loader: Loader, name: str, hint: str
) -> None:
    found = compare_expected(loader, name)
    (check,) = [d for d in found.differences if d.kind == "check"]
    assert check.hint.startswith(hint), check.hint


def test_a_retold_hint_keeps_what_the_comparer_added_after_its_ways(loader: Loader) -> None:
    """A domain's CHECK on PostgreSQL only that calls char_length(), which SQLite has not: the
    way out on SQLite is worded again from the hint's parts (``Difference.ways``), never by
    searching its words, and what the comparer added after them (the domain that holds the
    CHECK and the statement that drops it) stays, byte for byte as before."""
    found = compare_expected(loader, "sl-pg.check-one-sided-domain-pg-function")
    (check,) = [d for d in found.differences if d.kind == "check"]
    assert check.hint == (
        "a.sql has no function char_length() to run it: write the same rule in SQLite's own "
        "terms there, or remove it from b.sql; if it differs on purpose, allow it in domain.yaml "
        "with a reason; it is CHECK shortcode_check of domain shortcode: ALTER DOMAIN shortcode "
        "DROP CONSTRAINT shortcode_check drops it"
    ), check.hint
    assert check.ways is not None and check.ways.lacked == "char_length()", check.ways
