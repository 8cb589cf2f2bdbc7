"""The ``models`` layer: the SQLite metadata module against the PostgreSQL one."""

from __future__ import annotations

from twinschema.evaluate import Evaluator
from twinschema.layers.pairs import pair_result
from twinschema.layers.sources import Sources
from twinschema.records import POSTGRESQL, SQLITE, LayerResult
from twinschema.records.domain import Domain


def models_layer(
    sources: Sources, domain: Domain | None, evaluator: Evaluator | None
) -> list[LayerResult]:
    """The two metadata modules compared (and their differing expressions evaluated)."""
    left, right = sources.model(SQLITE), sources.model(POSTGRESQL)
    fail_on = sources.plan.config.fail_on
    return [pair_result("models", left, right, domain, evaluator, fail_on)]
