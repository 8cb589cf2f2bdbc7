"""A default spelled alike on both dialects whose operator gives a dialect's own value (``'a' ||
1.50``: 'a1.5' on SQLite, 'a1.50' on PostgreSQL) is run even when no scratch PostgreSQL server
is named, as ``twinschema diff`` runs without ``TWINSCHEMA_SCRATCH_URL``; a default that joins
text only needs no server and stays the same (stranger round 5, item E).

The golden corpus runs every case with a scratch database at hand; these cases are run here
with an evaluator that has none named (its server is found the way the embedded one would be
started), and the stored values are read back on both real databases by ``test_probes``."""

from __future__ import annotations

import pytest
from probes import Loader, case_named, compared_sides

from twinschema.evaluate import Evaluator, PostgreSQLScratch, evaluate


@pytest.mark.parametrize(
    ("name", "needs_postgresql"),
    [
        ("sl-pg.default-concat-number-text", True),
        ("sl-pg.default-concat-number-text-near-miss", False),
    ],
)
def test_a_dialect_dependent_default_is_run_without_a_server_named(
    loader: Loader, name: str, needs_postgresql: bool
) -> None:
    case = case_named(name)
    comparison, sides = compared_sides(loader, case)
    # No server named: PostgreSQL is the one TWINSCHEMA_SCRATCH_URL gives (the session's), as
    # the embedded server would be started, only when an expression must run there.
    with Evaluator(PostgreSQLScratch()) as evaluator:
        assert not evaluator.postgresql_at_hand()
        evaluation = evaluate(comparison, *sides, evaluator)
        where = evaluator.where("postgresql")
    assert {d.kind for d in comparison.differences} == case.expect
    if needs_postgresql:
        (found,) = comparison.differences
        assert "SQLite gives 'a1.5', PostgreSQL gives 'a1.50'" in found.message, found.message
        assert evaluation.evaluated == 1
        assert where.startswith("PostgreSQL"), where
    else:
        rules = {(e.column, e.rule) for e in comparison.equivalences}
        assert ("x", "default") in rules, rules
        assert where == "not evaluated: not needed", where
