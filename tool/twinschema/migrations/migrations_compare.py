"""The migrations layer's comparisons of one dialect: the chain's head against its live
database (the objects metadata modules hold none of) and against its module, each through the
evaluation stage when the run has one (``migrations_layer`` composes them)."""

from __future__ import annotations

from dataclasses import replace

from twinschema.compare import compare
from twinschema.errors import DatabaseError
from twinschema.evaluate import Evaluation, Evaluator, evaluate
from twinschema.layers.sources import Sources
from twinschema.migrations.migrations_chain import LAYER, Chain
from twinschema.records import Comparison, Difference, Side
from twinschema.records.domain import Domain

__all__ = ["Stage", "compared_with_stage", "live_at_head", "objects_at_head"]


def live_at_head(
    sources: Sources, chain: Chain, current: tuple[str, ...] | DatabaseError | None
) -> Side | None:
    """The chain's live database (``current``: the revisions it is at), as ``sources`` read it,
    when it is exactly at the chain's head: its views, triggers, functions and sequences are
    then compared with the scratch database the chain builds (metadata modules hold none of
    them). None when there is no database, when it cannot be read or when it is not at head:
    the state check reports those."""
    if not isinstance(current, tuple) or not chain.heads or set(current) != set(chain.heads):
        return None
    raw = sources.live_schema(chain.dialect)
    if raw is None:
        return None
    label = sources.plan.label(chain.dialect)
    # At head already: migrating does not bring back what a hand edit took away.
    return Side(raw, label, f"the database {label}", role="database")


def objects_at_head(
    live: Side, head: Side, domain: Domain | None, stage: Stage | None = None
) -> list[Difference]:
    """The views, triggers, functions and sequences of ``live`` against the chain at head
    (tables are the live layer's: compared against the metadata module, not again here),
    judged by the evaluation stage when ``stage`` is given."""
    return compared_with_stage(
        replace(live, schema=replace(live.schema, tables={})),
        replace(head, schema=replace(head.schema, tables={}), role="chain"),
        domain,
        stage,
    ).differences


# The evaluation stage as this layer runs it: the run's evaluator, and the layer result's
# tally of what it evaluated and where (added to by each comparison of the chain).
Stage = tuple[Evaluator, Evaluation]


def compared_with_stage(
    left: Side,
    right: Side,
    domain: Domain | None,
    stage: Stage | None,
    comparison: Comparison | None = None,
) -> Comparison:
    """The comparer's findings on two sides of one dialect (``comparison`` where made
    already), then (with ``stage``) the evaluation stage's: defaults, CHECKs, partial-index
    predicates and generated columns that still differ are run on scratch databases, never on
    the sides themselves."""
    if comparison is None:
        comparison = compare(left, right, layer=LAYER, domain=domain)
    if stage is None:
        return comparison
    evaluator, tally = stage
    done = evaluate(comparison, left, right, evaluator, layer=LAYER)
    tally.evaluated += done.evaluated
    tally.not_evaluated += done.not_evaluated
    tally.where.update(done.where)
    return comparison
