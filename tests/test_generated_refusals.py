"""A witness is a row one side stores (stranger57): a row a generated column fails to store
(PostgreSQL's smallint out of range, a varchar(5) too short) is refused there, whatever the
CHECKs say; a numeric column is probed at NaN, which only a CHECK refuses. The cases are golden
probe cases (``tests/fixtures/probes``, whose witness rows ``test_probes`` inserts into both
real databases); here the differences must name the right row, pasteable into an INSERT.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from probes import Loader, compare_expected

from twinschema.evaluate.shown_probes import probe_text
from twinschema.records.dialects import POSTGRESQL, SQLITE


@pytest.mark.parametrize(
    ("name", "kind", "witness"),
    [
        # 106: 'xxxxxx' is refused by SQLite's CHECK and PostgreSQL's varchar(5) alike.
        ("sl-pg.generated-own-check-varchar-witness", "column_generated",
         "witness (s) = ('xxxxx '): SQLite computes 'XXXXX ' and its CHECK refuses the row, "
         "PostgreSQL computes 'XXXXX'"),
        ("sl-pg.generated-own-check-varchar-witness-near-miss", "column_generated",
         "witness (s) = ('xxxxxx'): SQLite computes 'XXXXXX', PostgreSQL fails (value too long "
         "for type character varying(5))"),
        # 145: x = 999.99 overflows g on both sides; NaN is what the CHECK alone refuses.
        ("pg-pg.generated-numeric-check-nan-witness", "check",
         "witness (x) = ('NaN'::numeric): a.sql rejects, b.sql accepts"),
        ("pg-pg.generated-numeric-check-nan-witness-near-miss", "check",
         "witness (x) = (499.99): a.sql rejects, b.sql accepts"),
        # 076: a numeric(5,2) CHECK at its type's ends refuses NaN only.
        ("pg-pg.check-numeric-refuses-only-nan", "check",
         "witness (x) = ('NaN'::numeric): a.sql rejects, b.sql accepts"),
        # 110's near miss: a product the CHECK bounds, at its largest, that a smallint holds.
        ("sl-pg.generated-smallint-range-check-vs-type-near-miss", "check",
         "witness (a, b) = (161, 200): SQLite rejects, PostgreSQL accepts"),
    ],
)  # fmt: skip
def test_the_witness_is_a_row_one_side_stores(
    loader: Loader, name: str, kind: str, witness: str
) -> None:
    found = compare_expected(loader, name)
    (named,) = [d for d in found.differences if d.kind == kind]
    assert named.message.endswith(witness), named.message


def test_a_numeric_nan_is_shown_as_a_literal_to_paste() -> None:
    assert probe_text(Decimal("NaN"), POSTGRESQL) == "'NaN'::numeric"
    assert probe_text(Decimal("-Infinity"), POSTGRESQL) == "'-Infinity'::numeric"
    assert probe_text(Decimal("NaN"), SQLITE) == "'NaN'"
