"""The ``migrations`` layer: each chain against its metadata, the two chains together, and each
live database's revision. The work is ``twinschema.migrations.migrations_layer``'s (Alembic, imported only
when this layer runs); this is its entry point among the layers."""

from __future__ import annotations

from twinschema.evaluate import Evaluator
from twinschema.layers.sources import Sources
from twinschema.records import LayerResult, Report
from twinschema.records.domain import Domain


def migrations_layer(
    sources: Sources, domain: Domain | None, evaluator: Evaluator | None
) -> list[LayerResult]:
    """The layer's results, in the order its checks ran (``sources``: the run's metadata
    modules and live databases, read once for every layer; ``evaluator``: the run's, None
    when ``--no-evaluate`` turned the stage off)."""
    from twinschema.migrations.migrations_layer import check_migrations

    collected = Report()
    check_migrations(sources, domain, collected, evaluator)
    return collected.layers
