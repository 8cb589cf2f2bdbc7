"""The golden probe corpus: each case's verdict, and its witness rows, on real databases.

One test walks ``tests/fixtures/probes/`` (see ``tests/probes.py`` for the folder format): the
difference kinds the checker reports for ``a.sql`` against ``b.sql`` must be exactly the expected
ones ("same meaning" is the empty set). A second test inserts each witness row into both real
databases and checks that they behave as the case says: a claimed difference in behaviour is
shown by a row one side accepts and the other rejects, a "same" by rows both treat alike.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from probes import Case, Loader, cases, compare_case, try_row

CASES = cases()
WITNESSED = [c for c in CASES if c.witness]


@pytest.fixture(scope="module")
def loader(pg_server: str) -> Iterator[Loader]:
    from twinschema.testing import scratch_database

    with scratch_database(pg_server, prefix="probes") as url:
        found = Loader(url)
        try:
            yield found
        finally:
            found.close()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_verdict(loader: Loader, case: Case) -> None:
    """The checker reports exactly the expected difference kinds (none for the same meaning)."""
    found = compare_case(loader, case)
    kinds = {d.kind for d in found.differences}
    assert kinds == case.expect, (
        f"{case.name} ({case.why}): expected {sorted(case.expect) or 'same'}, got "
        + ("; ".join(d.message for d in found.differences) or "same")
    )


@pytest.mark.parametrize("case", WITNESSED, ids=[c.name for c in WITNESSED])
def test_witness(loader: Loader, case: Case) -> None:
    """Each witness row is accepted or rejected by each real database as the case says, and a
    case that claims a difference in behaviour has a row on which the two sides part."""
    assert case.witness is not None
    table = case.witness["table"]
    rows = case.witness["rows"]
    da, db = case.dialects
    outcomes = []
    with loader.load(da, case.sql("a")) as ha, loader.load(db, case.sql("b")) as hb:
        for item in rows:
            setup = item.get("setup")
            got = (
                try_row(loader, da, ha, table, item["row"], setup),
                try_row(loader, db, hb, table, item["row"], setup),
            )
            assert got == (item["a"], item["b"]), (
                f"{case.name}: row {item['row']}: a {got[0]}, b {got[1]}"
            )
            outcomes.append(got)
    parted = any(a != b for a, b in outcomes)
    behaves_differently = bool(case.expect) and not case.witness.get("declared_only", False)
    assert parted == behaves_differently, (
        f"{case.name}: the witness rows {'part' if parted else 'do not part'} the two sides, but "
        f"the case expects {'a difference in behaviour' if behaves_differently else 'the same behaviour'}"
    )
