"""A generated column that parts the dialects by overflowing a declared NUMERIC precision on
PostgreSQL (numeric(5,2) holds numbers below 1000 only; SQLite's NUMERIC(5,2) stores any) says
so, not "arithmetic that overflows the integer type"; an int4 overflow still says that (the near
miss). A plain copy (``AS (x)``) into such a column is run too, and arithmetic on a scaled
NUMERIC names no integer overflow (its scale, where no precision witness is). A text that both
dialects compute alike and only PostgreSQL's varchar(3) refuses names the length, not the
operator that made it. All are golden
probe cases whose witness rows ``test_probes`` inserts into both real databases."""

from __future__ import annotations

import pytest
from probes import Loader, case_named, compare_case


@pytest.mark.parametrize(
    ("name", "named", "not_named"),
    [
        ("sl-pg.eval-dependent-generated-numeric-precision",
         "t.g is numeric(5,2) on PostgreSQL, which holds numbers below 1000 only (precision 5 "
         "with scale 2): 1000 fails there (numeric field overflow), SQLite stores it; witness "
         "(n) = (10.00)",
         "overflows the integer type"),
        ("sl-pg.eval-dependent-generated-overflow",
         "arithmetic that overflows the integer type", "precision"),
        # A plain copy runs too: the column's own precision is what parts the dialects.
        ("sl-pg.eval-generated-copy-numeric-precision",
         "t.g is numeric(5,2) on PostgreSQL, which holds numbers below 1000 only (precision 5 "
         "with scale 2): 1000 fails there (numeric field overflow), SQLite stores it; witness "
         "(x) = (1000)", "overflows the integer type"),
        ("sl-pg.eval-generated-copy-real-decimal-precision",
         "t.g is numeric(5,2) on PostgreSQL, which holds numbers below 1000 only (precision 5 "
         "with scale 2): 999.995 fails there", "integer"),
        # No integer anywhere: a precision witness first, else the scale, never an int overflow.
        ("sl-pg.eval-generated-scaled-times-two-precision",
         "t.g is numeric(5,2) on PostgreSQL, which holds numbers below 1000 only", "integer"),
        # g's own scale, a copy of a double kept below the precision by a CHECK: g rounds.
        ("sl-pg.eval-generated-copy-double-into-scaled",
         "t.g is numeric(5,2) on PostgreSQL, which rounds to 2 decimals on store (0.00 there, "
         "0.0005 on SQLite); witness (x) = (0.0005)", "integer"),
        # The smallint g refuses past its end (a CHECK keeps x within 40000: the CHECK's own
        # numbers are probe values; where x - 1000 lands on 32768, 33768 parts them too, the
        # smallest that does: stranger71 006).
        ("sl-pg.eval-generated-smallint-landing",
         "t.g is smallint on PostgreSQL, which fails to store 32768 (smallint out of range); "
         "SQLite stores it; witness (x) = (33768)", "overflows"),
        # The same text on both sides, refused by PostgreSQL's varchar(3) only: the length is
        # why, not the operator; where PostgreSQL computes another text, the operator is.
        ("sl-pg.eval-generated-concat-varchar-length",
         "t.g is character varying(3) on PostgreSQL, which fails to store 'xxxz'", "turns a number"),
        ("sl-pg.eval-generated-substr-varchar-length",
         "t.g is character varying(3) on PostgreSQL, which fails to store 'xxxx'", "substr with"),
        ("sl-pg.eval-generated-concat-numeric-varchar-near-miss",
         "|| turns a number or boolean into text", "fails to store"),
    ],
)  # fmt: skip
def test_a_generated_overflow_names_its_cause(
    loader: Loader, name: str, named: str, not_named: str
) -> None:
    found = compare_case(loader, case_named(name))
    assert found.differences, f"{name}: in sync"
    (generated,) = [d for d in found.differences if d.kind == "column_generated"]
    assert named in generated.message, generated.message
    assert not_named not in generated.message, generated.message
