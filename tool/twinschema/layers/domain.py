"""The ``domain`` layer: ``domain.yaml`` against each dialect's metadata module."""

from __future__ import annotations

from twinschema.layers.domaincheck import compare_domain
from twinschema.layers.sources import Sources
from twinschema.records import DIALECTS, LayerResult, Status
from twinschema.records.domain import Domain


def domain_layer(sources: Sources, domain: Domain | None) -> list[LayerResult]:
    """One result per dialect: the names and kinds domain.yaml declares against the module
    (skipped when no domain file is configured)."""
    results = []
    for dialect in DIALECTS:
        if domain is None:
            why = "no domain file configured"
            results.append(LayerResult("domain", "domain.yaml", dialect, Status.SKIPPED, why))
            continue
        side = sources.model(dialect)
        result = LayerResult("domain", domain.path, side.label, Status.IN_SYNC)
        results.append(result.record(compare_domain(domain, side)))
    return results
