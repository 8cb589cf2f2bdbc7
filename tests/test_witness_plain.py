"""A witness is the plainest row that parts two sides: ASCII, then Latin-1, then any other code
point, a long text after short ones (stranger74 007). SQLite's NOCASE max() against PostgreSQL's
greatest() of lower() parts on ('é', 'É'), a pair a reviewer believes, yet the witness was a
40-character text beside U+212A KELVIN SIGN. Near miss: a pair only the Kelvin sign parts still
gets it as its witness (the golden cases check each row on the real databases)."""

from __future__ import annotations

from probes import Loader, compare_expected

from twinschema.evaluate.witness_rows import plainness

CASE = "sl-pg.witness-plain-latin1-before-exotic"


def test_the_witness_is_the_latin1_pair_not_the_kelvin_sign(loader: Loader) -> None:
    """('é', 'É'): SQLite rejects, PostgreSQL accepts; no Kelvin sign, no 40 x's."""
    (d,) = compare_expected(loader, CASE).differences
    assert "witness (hi, lo) = ('É', 'é'): SQLite rejects, PostgreSQL accepts" in d.message, (
        d.message
    )
    assert "U+212A" not in d.message and "x" * 40 not in d.message, d.message
    assert d.witness is not None


def test_a_pair_only_an_exotic_code_point_parts_keeps_its_witness(loader: Loader) -> None:
    """Near miss: lower(code) <> 'k' on both parts on the Kelvin sign alone: still a
    difference, its witness named by its code point."""
    (d,) = compare_expected(loader, CASE + "-near-miss").differences
    assert (
        "witness (code) = ('\u212a') (\u212a is U+212A KELVIN SIGN): SQLite accepts, "
        "PostgreSQL rejects" in d.message
    ), d.message


def test_plainness_orders_ascii_then_latin1_then_the_rest_short_first() -> None:
    """The key itself: a class, then a long text (past 32 characters) after short ones; among
    rows alike so the probes' order stands (sorted is stable); values that are no text count
    nothing."""
    rows = [("\u212a", "x"), ("x" * 40, "é"), ("é", "É"), ("abc", 1), ("a" * 33, None), ("a", None)]
    assert sorted(rows, key=plainness) == [
        ("abc", 1),
        ("a", None),
        ("a" * 33, None),
        ("é", "É"),
        ("x" * 40, "é"),
        ("\u212a", "x"),
    ]
    assert plainness([1.5, None, b"\xff"]) == (0, 0)
    assert plainness(["2023-12-31 23:59:59.123456+05:30"]) == (0, 0)
