"""``twinschema check``: run every planned layer and compose their results into one report.

Layers (``twinschema.layers``, one module each): ``domain`` (domain.yaml against each metadata
module), ``models`` (the two metadata modules), ``live`` (each metadata module against its
database, and the two databases), and ``migrations`` (each chain against its metadata). A layer
whose database is not configured is ``skipped``; one that could not be read is ``error``: a
check never passes when it could not look.
"""

from __future__ import annotations

from twinschema.compare.allowance_types import changed_since, once
from twinschema.domain_load import load_domain
from twinschema.layers.at_head import at_head_said_once
from twinschema.layers.domain import domain_layer
from twinschema.layers.live import live_layer
from twinschema.layers.migrations import migrations_layer
from twinschema.layers.models import models_layer
from twinschema.layers.pairs import evaluator_for
from twinschema.layers.plan import CheckPlan
from twinschema.layers.sources import Sources
from twinschema.records import Difference, LayerResult, Report, Status

__all__ = ["run_check", "unknown_once"]


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
    # What a database at its chain's head is told, once (and where its chain builds the module,
    # that no revision is missing there)
    at_head_said_once(results)
    once(results)  # an unpinned allowance is warned of in the first layer that allows by it
    changed_since(results)  # ...and told where another comparison shows a side it pins changed
    unknown_once(results)  # a module's CHECK on a column it lacks: said by the first layer
    report = Report()
    for result in results:
        if plan.require_all and result.status == Status.SKIPPED:
            result.status = Status.ERROR  # --require-all: a check that could not look fails
            result.message = f"{result.message} (--require-all)"
        report.add(result)
    return report


def unknown_once(results: list[LayerResult]) -> None:
    """Keep each ``unknown_column`` of a metadata module (a CHECK, index or generated column
    naming a column its table does not have) in the first layer that reads the module: the
    models, live and migrations layers each compare the module and each found it, six lines
    for two stale CHECK strings (stranger76 011); the module is one fix. A layer left with no
    difference is in sync."""
    seen: set[tuple[str | None, ...]] = set()
    for result in results:
        kept = []
        for d in result.differences:
            key = _unknown_key(d)
            if key is not None and key in seen:
                continue
            if key is not None:
                seen.add(key)
            kept.append(d)
        if len(kept) < len(result.differences):
            result.differences = kept
            if not kept and result.status == Status.DRIFT:
                result.status = Status.IN_SYNC


def _unknown_key(d: Difference) -> tuple[str | None, ...] | None:
    """What names ``d``'s unknown name, whichever layer found it: the module holding it, the
    table, the name, the object and its text; None for another kind."""
    if d.kind != "unknown_column":
        return None
    module = d.left_source if d.left is not None else d.right_source
    return (module, d.table, d.column, d.name, d.left if d.left is not None else d.right)
