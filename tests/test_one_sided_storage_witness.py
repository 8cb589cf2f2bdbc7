"""A CHECK on one side only that keeps a storage class (``typeof(x) = 'integer'``) names its
witness, a value that side keeps in another class which the other side's type takes
(stranger79 008: ``harvest_year INTEGER NOT NULL CHECK (typeof(harvest_year) = 'integer')``
against ``integer NOT NULL`` was a difference with no witness; 2000.5, SQLite refuses it,
PostgreSQL stores 2001). The cases are golden probe cases (``tests/fixtures/probes``):
``test_probes`` inserts their witness rows into both real databases; here the difference must
name the row. Near misses: the witness a bound on both sides lets in (1900.5, not 0.5); a text
twin (the witness is a text); ``typeof(x) IN ('integer')`` against ``= 'integer'`` on two SQLite
files is one CHECK; NOT NULL on the other side only is still "NOT NULL as a CHECK".
"""

from __future__ import annotations

import pytest
from probes import Loader, assert_witness, compare_expected, compare_texts

_TAKES = "SQLite rejects, PostgreSQL accepts"
# What a NaN witness says (fix86b: it said "storing nan, which SQLite rejects too"; SQLite has
# no NaN, so what crosses is NULL, the column pair's own warning).
_NAN = (
    "(as written: SQLite keeps it as text, which its CHECK refuses; PostgreSQL stores the number "
    "NaN, which SQLite has no value for: a sync writes NULL there, the column's own NaN warning)"
)


@pytest.mark.parametrize(
    ("name", "witness"),
    [
        ("sl-pg.check-one-sided-typeof-not-null",
         f"witness (harvest_year) = (0.5): {_TAKES} (as written; it stores 1, which SQLite accepts)"),
        ("sl-pg.check-one-sided-typeof-beside-a-bound",
         f"witness (y) = (1900.5): {_TAKES} (as written; it stores 1901, which SQLite accepts)"),
        ("sl-pg.check-one-sided-cast-integer",
         f"witness (x) = (0.5): {_TAKES} (as written; it stores 1, which SQLite accepts)"),
        # round(n) = n refuses 1.5 as typeof() does; no CHECK settles it (``_implied``)
        ("sl-pg.check-one-sided-implied-type-only-near-miss",
         f"witness (n) = (0.5): {_TAKES} (as written; it stores 1, which SQLite accepts)"),
        ("sl-pg.check-one-sided-typeof-against-text", f"witness (x) = ('a'): {_TAKES}"),
        ("sl-pg.check-one-sided-typeof-real-nan",
         f"witness (x) = ('NaN'): {_TAKES} {_NAN}"),
        ("sl-pg.check-one-sided-typeof-numeric-nan",
         f"witness (x) = ('NaN'): {_TAKES} {_NAN}"),
        # a blob stays a blob in TEXT; PostgreSQL's text stores bytes by bytea's I/O cast
        ("sl-pg.check-one-sided-typeof-text-blob",
         "witness (x) = (X'6162') on SQLite, ('\\x6162'::bytea) on PostgreSQL: "
         f"{_TAKES} (as written; it stores '\\x6162', which SQLite accepts)"),
        # a date's text PostgreSQL reads that SQLite's DATE keeps as a number, or date() reads
        # otherwise (witness82 sweep); said as written: PostgreSQL keeps the day, which crosses
        ("sl-pg.check-one-sided-typeof-text-on-date", f"witness (x) = ('20240101'): {_TAKES}"),
        ("sl-pg.check-one-sided-julianday-on-date", f"witness (x) = ('20240101'): {_TAKES}"),
        ("sl-pg.check-one-sided-typeof-not-blob-on-text-near-miss",
         "witness (x) = (X'6162') on SQLite, ('\\x6162'::bytea) on PostgreSQL: "
         f"{_TAKES} (as written; it stores '\\x6162', which SQLite accepts)"),
        ("sl-pg.check-one-sided-date-is-itself",
         f"witness (x) = ('2024-01-01 10:00'): {_TAKES}"),
    ],
)  # fmt: skip
def test_a_storage_class_check_on_one_side_names_its_witness(
    loader: Loader, name: str, witness: str
) -> None:
    found = compare_expected(loader, name)
    (check,) = [d for d in found.differences if d.kind == "check"]
    shown = f"{check.left} on {check.table} exists only in a.sql"
    assert check.message.startswith(shown), check.message
    assert_witness(check.message, witness)
    assert check.witness is not None


def test_a_blob_check_names_a_text_witness(loader: Loader) -> None:
    """``typeof(x) = 'blob'`` on SQLite's BLOB only: a text, which SQLite keeps as text and
    bytea reads as bytes, parts them (the CHECK's own literal 'blob' is such a text)."""
    found = compare_expected(loader, "sl-pg.check-one-sided-typeof-blob-text")
    (check,) = found.differences
    assert f"): {_TAKES}" in check.message and "witness (x) = ('" in check.message, check.message


@pytest.mark.parametrize(
    "name",
    [
        "sl-sl.check-typeof-in-one-label-near-miss",  # IN ('integer') is = 'integer'
        "sl-pg.not-null-as-checks-conjunction",  # NULL settled, fractions the column's own
        "sl-pg.fraction-typeof-check-near-miss",  # nullable typeof() against NOT NULL
        "sl-pg.check-one-sided-typeof-text-or-blob-near-miss",  # TEXT keeps text and blob only
        "sl-pg.check-one-sided-typeof-not-blob-on-integer",  # integer refuses bytes: no witness
    ],
)
def test_storage_class_near_misses_stay_the_same(loader: Loader, name: str) -> None:
    found = compare_expected(loader, name)
    assert not found.differences, [d.message for d in found.differences]


_SQLITE = (
    "CREATE TABLE t (id INTEGER PRIMARY KEY, y INTEGER NOT NULL CHECK (typeof(y) = 'integer'));"
)
_POSTGRESQL = "CREATE TABLE t (id integer PRIMARY KEY, y integer NOT NULL);"


@pytest.mark.parametrize("sqlite_side", ["a", "b"])
def test_the_witness_is_named_whichever_side_is_sqlite(loader: Loader, sqlite_side: str) -> None:
    """The SQLite file on either side of the diff: its CHECK's witness is 0.5 alike, said
    from that side (the rows are made for the side holding the CHECK, not for the left one)."""
    if sqlite_side == "a":
        found = compare_texts(loader, ("sqlite", "postgresql"), _SQLITE, _POSTGRESQL)
        said = "SQLite rejects, PostgreSQL accepts (as written; it stores 1, which SQLite accepts)"
    else:
        found = compare_texts(loader, ("postgresql", "sqlite"), _POSTGRESQL, _SQLITE)
        said = "PostgreSQL accepts, SQLite rejects (as written; it stores 1, which SQLite accepts)"
    (check,) = [d for d in found.differences if d.kind == "check"]
    assert_witness(check.message, f"witness (y) = (0.5): {said}")


def test_a_check_on_postgresql_only_gets_no_storage_class_rows(loader: Loader) -> None:
    """PostgreSQL's integer keeps no fraction: a CHECK there that refuses no value of its type
    is the type's (``type_kept``), and one that does names a whole number, never a fraction."""
    found = compare_texts(
        loader,
        ("sqlite", "postgresql"),
        "CREATE TABLE t (id INTEGER PRIMARY KEY, y INTEGER NOT NULL);",
        "CREATE TABLE t (id integer PRIMARY KEY, y integer NOT NULL CHECK (y <> 7));",
    )
    (check,) = [d for d in found.differences if d.kind == "check"]
    assert_witness(check.message, "witness (y) = (7): SQLite accepts, PostgreSQL rejects")
