"""A CHECK on SQLite's text twin of a uuid, on that side only (stranger86 006,
``evaluate.uuid_twins``): ``length(id) = 36`` had no witness and the hint "write the same rule
in PostgreSQL's own terms", which is always true there. PostgreSQL takes the 32 digits without
hyphens (and the braces form, against ``<= 36``), which the CHECK refuses, and stores them as
the 36 characters it accepts: the witness, run on both real databases by the golden walker,
and a hint that there is nothing to write on PostgreSQL. Near miss: ``length(id) = 32``
refuses what PostgreSQL stores as written, and keeps its hint."""

from __future__ import annotations

import pytest
from probes import Loader, compare_expected


@pytest.mark.parametrize(
    ("name", "witness"),
    [
        ("sl-pg.check-uuid-text-length-36-one-sided", "'a0eebc999c0b4ef8bb6d6bb9bd380a11'"),
        (
            "sl-pg.check-uuid-text-length-le-36-one-sided",
            "'{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}'",
        ),
    ],
)
def test_a_check_refusing_only_other_spellings_of_a_uuid_says_nothing_to_write(
    loader: Loader, name: str, witness: str
) -> None:
    found = compare_expected(loader, name)
    (check,) = [d for d in found.differences if d.kind == "check"]
    assert (
        f"witness (id) = ({witness}): SQLite rejects, PostgreSQL accepts (as written; it stores "
        "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', which SQLite accepts)"
    ) in check.message, check.message
    assert "its 36-character lower-case text, which this CHECK accepts" in check.hint, check.hint
    assert "nothing to write in " in check.hint, check.hint
    assert "own terms" not in check.hint, check.hint


def test_a_check_refusing_what_postgresql_stores_keeps_its_hint(loader: Loader) -> None:
    found = compare_expected(loader, "sl-pg.check-uuid-text-length-32-one-sided-near-miss")
    (check,) = [d for d in found.differences if d.kind == "check"]
    assert check.message.endswith(
        "witness (id) = ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'): SQLite rejects, PostgreSQL "
        "accepts"
    ), check.message
    assert "nothing to write" not in check.hint, check.hint
    assert "write the same rule in PostgreSQL's own terms there" in check.hint, check.hint
