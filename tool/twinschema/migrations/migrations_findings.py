"""What one chain's scratch run shows, for the ``migrations`` layer (``migrations_layer``):
its head against its metadata module (**drift**, through the evaluation stage when the run has
one), each revision's downgrade against the schema before its upgrade, what the downgrade to
base left, and the second upgrade against the first (**round trip**). Split from
``migrations_layer``, which runs the chains and composes the layer."""

from __future__ import annotations

from collections.abc import Callable

from twinschema.compare import compare
from twinschema.layers.pending_renames import History, chain_read_through
from twinschema.layers.renamed_keys import key_renamed
from twinschema.migrations.migrations_cache import ScratchRun
from twinschema.migrations.migrations_chain import (
    DRIFT,
    LAYER,
    ROUNDTRIP,
    Chain,
    given,
    migration_difference,
    relabeled,
)
from twinschema.migrations.migrations_compare import Stage, compared_with_stage
from twinschema.migrations.migrations_next_ids import fresh_next_ids
from twinschema.migrations.migrations_steps import base_step, failure, step_differences
from twinschema.records import Difference, Side
from twinschema.records.domain import Domain
from twinschema.sources import make_canonical

__all__ = ["run_findings"]


def run_findings(
    run: ScratchRun,
    chain: Chain,
    metadata: Side,
    domain: Domain | None,
    stage: Stage | None,
    history: Callable[[], History] | None = None,
) -> list[Difference]:
    """The differences a chain's scratch run shows: its head against the metadata, through the
    evaluation stage when ``stage`` is given (with ``history``, the chain's renames, a rename
    domain.yaml makes that no revision makes yet is one ``rename_pending``, and the head is
    read through it: ``chain_read_through``); each revision's downgrade against the schema
    before its upgrade (a linear chain); what the downgrade to base left; the second upgrade
    against the first."""
    scratch_label = f"{chain.label} at head (scratch database)"
    if run.first is None:
        doing = "upgrading an empty database to head"
        return [failure(DRIFT, chain, metadata.label, doing, run.upgrade_error or "")]
    first = make_canonical(run.first, domain)
    head = Side(first, scratch_label, f"a revision in {chain.label}")
    renamed: list[Difference] = []
    made = None
    if domain is not None and history is not None:
        head, made, renamed = chain_read_through(head, metadata, run.first, domain, history)
    differences = [
        relabeled(
            d,
            DRIFT,
            f"upgrading an empty database to head does not give {given(d, metadata.label)}",
        )
        # The chain's head on the left, as the row names them (chain <> module).
        for d in [
            *renamed,
            # A table whose logical key domain.yaml changed: hinted as the rename it likely is.
            *key_renamed(
                compared_with_stage(head, metadata, domain, stage, made).differences,
                metadata,
                head,
                domain,
            ),
        ]
    ]
    # Where the chain leaves its sequences standing: what a new database hands out first, said
    # with the revision's fix in place of the comparer's same finding (a sequence short of START).
    fresh = fresh_next_ids(first, metadata.schema, chain, metadata.label)
    said = {(d.table, d.name, d.left, d.right) for d in fresh}
    differences = [d for d in differences if (d.table, d.name, d.left, d.right) not in said]
    differences.extend(fresh)
    differences.extend(
        step_differences(
            run.steps, chain, metadata.label, lambda s: make_canonical(s, domain), domain
        )
    )
    if run.steps.failed is not None:
        doing, revision, error = run.steps.failed
        return [
            *differences,
            failure(ROUNDTRIP, chain, metadata.label, f"{doing} {revision}", error, revision),
        ]
    if run.downgrade_error is not None:
        doing = "downgrading to base"
        return [
            *differences,
            failure(
                ROUNDTRIP, chain, metadata.label, doing, run.downgrade_error, base_step(chain, run)
            ),
        ]
    differences.extend(
        migration_difference(
            ROUNDTRIP,
            (chain.label, metadata.label),
            name=name,
            left=what,
            right=None,
            table=table,
            message=f"after downgrading to base, {what} {name} is left behind",
            hint=f"drop it in the downgrade() of the revision that creates it ({chain.label})",
        )
        for what, name, table in run.left_behind
    )
    if run.again is None:
        doing = "upgrading again after base"
        return [
            *differences,
            failure(ROUNDTRIP, chain, metadata.label, doing, run.again_error or ""),
        ]
    again = Side(
        make_canonical(run.again, domain),
        f"{chain.label} at head after downgrade to base and upgrade",
        f"the downgrade() functions of {chain.label}",
        role="chain",
    )
    first_side = Side(first, scratch_label, again.fix, role="chain")
    differences.extend(
        relabeled(d, ROUNDTRIP, "downgrading to base and upgrading again changes the schema")
        for d in compare(first_side, again, layer=LAYER, domain=domain).differences
    )
    return differences
