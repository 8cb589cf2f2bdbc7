"""Expressions are compared by meaning: the canonical form of equivalent spellings is the same."""

from __future__ import annotations

import pytest

from twinschema import expressions
from twinschema.expressions import canonical, is_null

EQUIVALENT = [
    # (dialect a, text a, dialect b, text b, numeric column?)
    ("postgresql", "now()", "sqlite", "CURRENT_TIMESTAMP", False),
    ("postgresql", "CURRENT_TIMESTAMP", "sqlite", "(CURRENT_TIMESTAMP)", False),
    ("sqlite", "datetime('now')", "postgresql", "now()", False),
    ("sqlite", "(0)", "postgresql", "0", True),
    ("sqlite", "'0'", "postgresql", "0", True),
    ("postgresql", "true", "sqlite", "1", True),
    ("postgresql", "false", "sqlite", "0", True),
    ("postgresql", "'basic'::text", "sqlite", "'basic'", False),
    ("postgresql", "'G'::mpaa_rating", "sqlite", "'G'", False),
    ("postgresql", "(version > 0)", "sqlite", "version > 0", False),
    ("postgresql", "(version > 0)", "sqlite", '"version" > 0', False),
    ("postgresql", "(revoked_at IS NULL)", "sqlite", "revoked_at IS NULL", False),
    (
        "postgresql",
        "(status = ANY (ARRAY['applied'::text, 'pending'::text, 'failed'::text]))",
        "sqlite",
        "status IN ('failed', 'applied', 'pending')",
        False,
    ),
    ("postgresql", "lower((name)::text)", "sqlite", "lower(name)", False),
]


@pytest.mark.parametrize(("da", "a", "db", "b", "numeric"), EQUIVALENT)
def test_equivalent_spellings_are_equal(da: str, a: str, db: str, b: str, numeric: bool) -> None:
    assert canonical(da, a, (), numeric).text == canonical(db, b, (), numeric).text


DIFFERENT = [
    ("postgresql", "(version > 0)", "sqlite", "version >= 0"),
    ("postgresql", "'basic'::text", "sqlite", "'pro'"),
    ("postgresql", "now()", "sqlite", "'now'"),
    ("sqlite", "status IN ('a', 'b')", "postgresql", "status IN ('a', 'c')"),
]


@pytest.mark.parametrize(("da", "a", "db", "b"), DIFFERENT)
def test_different_meanings_stay_different(da: str, a: str, db: str, b: str) -> None:
    assert canonical(da, a).text != canonical(db, b).text


def test_a_string_zero_is_not_a_number_on_a_text_column() -> None:
    assert canonical("sqlite", "'0'").text != canonical("sqlite", "0").text


def test_renames_map_physical_to_logical_names() -> None:
    renamed = canonical("sqlite", '"UnitPrice" > 0', (("UnitPrice", "unit_price"),))
    assert renamed.text == canonical("postgresql", "(unit_price > 0)").text


def test_in_lists_report_their_column_and_values() -> None:
    found = canonical("postgresql", "(is_active = ANY (ARRAY[0, 1]))")
    assert found.column == "is_active"
    assert sorted(found.values or ()) == ["0", "1"]
    assert canonical("sqlite", "a > 0").values is None


def test_unparseable_text_falls_back_to_normalised_text() -> None:
    text = "((weird $$ syntax"
    assert canonical("postgresql", text).text == canonical("postgresql", "((WEIRD   $$ SYNTAX").text


@pytest.mark.parametrize("text", [None, "NULL", "(NULL)", " null "])
def test_default_null_means_no_default(text: str | None) -> None:
    assert is_null(text)


# Expressions that differ only in their numbers share one parse (see ``expressions._shape``):
# what comes out must be what parsing that very text gives.
SHAPED = [
    ("quantity >= 0 AND quantity <= 356350", False),
    ("price > 1.5 AND price < 99.25", False),
    ("length(code) >= 3", False),
    ("x + 1 > 2 * y - 7", False),
    ("col1 > 2 AND t2.col3 < 40", False),
    ("note <> 'a1' AND n < 5", False),
    ('"col 2" > 10', False),
    ("payload <> '{1}' AND n > 3", False),
    ("a > 1e3", False),
    ("(42)", True),
    ("-5", True),
]


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
@pytest.mark.parametrize(("text", "numeric"), SHAPED)
def test_a_shape_parsed_once_gives_what_parsing_the_text_gives(
    dialect: str, text: str, numeric: bool
) -> None:
    expressions._canonical.cache_clear()
    shape = expressions._shape(text)
    if shape is not None:  # the same shape with another first number goes first
        variant, numbers = shape
        for n, number in enumerate(numbers):
            variant = variant.replace(expressions._placeholder(n), "8" if n == 0 else number)
        assert variant != text
        canonical(dialect, variant, (), numeric)
    assert canonical(dialect, text, (), numeric) == expressions._parsed(dialect, text, (), numeric)
