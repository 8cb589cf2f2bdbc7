"""``twinschema check``: run every planned layer and compose their results into one report.

Layers (``twinschema.layers``, one module each): ``domain`` (domain.yaml against each metadata
module), ``models`` (the two metadata modules), ``live`` (each metadata module against its
database, and the two databases), and ``migrations`` (each chain against its metadata). A layer
whose database is not configured is ``skipped``; one that could not be read is ``error``: a
check never passes when it could not look.
"""

from __future__ import annotations

from twinschema.compare.allowance_types import once
from twinschema.domain_load import load_domain
from twinschema.hints import chain_built_causes
from twinschema.layers.domain import domain_layer
from twinschema.layers.live import live_layer
from twinschema.layers.migrations import migrations_layer
from twinschema.layers.models import models_layer
from twinschema.layers.pairs import evaluator_for
from twinschema.layers.plan import CheckPlan
from twinschema.layers.sources import Sources
from twinschema.records import LayerResult, Report, Status

__all__ = ["run_check"]


def run_check(plan: CheckPlan) -> Report:
    """Run the planned layers and return one report (never raises for a database it cannot read)."""
    config = plan.config
    domain = load_domain(config.domain) if config.domain else None
    sources = Sources(plan, domain)
    results: list[LayerResult] = []
    with evaluator_for(plan) as evaluator:
        if "domain" in plan.layers:
            results += domain_layer(sources, domain)
        if "models" in plan.layers:
            results += models_layer(sources, domain, evaluator)
        if "live" in plan.layers:
            models = [d for r in results if r.name == "models" for d in r.differences]
            if "models" not in plan.layers:
                # The live pair's hints name the cause of each difference: a database that
                # differs from its module, else the modules. Without the models layer they
                # would blame a hand edit where the modules differ (stranger32 case 023): the
                # modules are compared for the hints alone (not reported). Evaluated, as the
                # models layer is: a ``check:`` allowance matches the CHECK pair evaluation
                # makes, and unevaluated it read as stale there, and its hint pointed at an
                # allowance domain.yaml lacks (stranger64).
                models = [
                    d for r in models_layer(sources, domain, evaluator) for d in r.differences
                ]
            results += live_layer(sources, domain, evaluator, models)
        # One evaluator for every layer: what the others ran is not run again, and its
        # PostgreSQL connection is the one the migrations layer reads the scratch server by.
        if "migrations" in plan.layers:
            results += migrations_layer(sources, domain, evaluator)
            chain_built_causes(results)  # a chain that builds the module: no revision missing
    once(results)  # an unpinned allowance is warned of in the first layer that allows by it
    report = Report()
    for result in results:
        if plan.require_all and result.status == Status.SKIPPED:
            result.status = Status.ERROR  # --require-all: a check that could not look fails
            result.message = f"{result.message} (--require-all)"
        report.add(result)
    return report
