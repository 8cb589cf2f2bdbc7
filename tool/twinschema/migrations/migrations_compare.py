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
from twinschema.records.domain import Domain, as_logical
from twinschema.sources import make_canonical

__all__ = [
    "Stage",
    "columns_named_apart",
    "compared_with_stage",
    "live_at_head",
    "objects_at_head",
]


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


def columns_named_apart(live: Side, head: Side, domain: Domain) -> list[Difference]:
    """Columns of the live database at head (``live``, as read) that its chain builds (``head``,
    as read) under another name, where domain.yaml's rename reads both as one logical column:
    the tables are compared through the module (the live layer and the chain against the
    module), and a rename pending in domain.yaml that someone already made by hand on the
    database (``ALTER TABLE chip RENAME battery_v TO battery_volts``) read as the module's name
    on the database and as the chain's on its head, so the database was "in sync" with its
    chain; the revision the hints then ask for fails there (``column "battery_v" does not
    exist``, stranger75 012). Near miss: a database the chain itself renamed has the chain's
    name, and nothing is said."""
    ours, built = make_canonical(live.schema, domain), make_canonical(head.schema, domain)
    found: list[Difference] = []
    for name, table in sorted(ours.tables.items()):
        twin = built.tables.get(name)
        if twin is None:
            continue
        for column in table.columns:
            # The chain's column under its old name, which domain.yaml now gives another
            other = twin.column(as_logical(column.name)) or twin.column(column.name)
            if other is None or other.own_name == column.own_name:
                continue
            mine, theirs = column.own_name, other.own_name
            found.append(
                Difference(
                    LAYER,
                    "column_missing",
                    name,
                    column.name,
                    None,
                    mine,
                    theirs,
                    f"column {name}.{column.name} is {mine} in {live.label} but {theirs} in what "
                    f"{head.label} builds: the database was changed by hand, not by a revision, "
                    f"so a revision that renames {theirs} fails there",
                    f"rename it back on the database (ALTER TABLE ... RENAME {mine} TO {theirs}) "
                    "and migrate it with the revision that renames it; or, if the chain already "
                    f"has that revision and the database is past it, `twinschema stamp` it there",
                    left_source=live.label,
                    right_source=head.label,
                )
            )
    return found
