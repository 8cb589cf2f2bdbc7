"""The ``live`` layer: each metadata module against its database, then the two databases."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from twinschema.compare import compare
from twinschema.compare.context import behind_cause
from twinschema.errors import DatabaseError
from twinschema.evaluate import Evaluator
from twinschema.hints import AT_HEAD, BEHIND, live_pair_hints
from twinschema.layers import behind_untouched
from twinschema.layers.pairs import compared, could_not_look, pair_result
from twinschema.layers.pending_renames import (
    Pending,
    one_sided_both_ways,
    pair_rename_pending,
    rename_pending,
    through_renames,
)
from twinschema.layers.renamed import renamed_warnings
from twinschema.layers.renamed_keys import key_renamed
from twinschema.layers.sources import Sources
from twinschema.records import (
    DIALECTS,
    POSTGRESQL,
    SQLITE,
    Difference,
    LayerResult,
    Side,
    Status,
)
from twinschema.records.domain import Domain
from twinschema.sources import make_canonical

# A database behind its chain read through the renames a revision it has not applied yet
# makes, and those renames; None where it has none.
Behind = tuple[Side, list[Pending]] | None


def live_layer(
    sources: Sources,
    domain: Domain | None,
    evaluator: Evaluator | None,
    models: Sequence[Difference] = (),
) -> list[LayerResult]:
    """Each module against its database (skipped when none is configured, an error when one
    cannot be read: a check never passes when it could not look), then the two databases,
    whose differences point at their cause: a database that differs from its module, else the
    modules' own differences (``models``, from the models layer)."""
    results: list[LayerResult] = []
    live: dict[str, Side | None] = {}
    behind: dict[str, list[Pending]] = {}
    for dialect in DIALECTS:
        result, live[dialect], renamed = _module_and_database(sources, domain, evaluator, dialect)
        if renamed is not None:  # the pair compares it as it reads once migrated
            live[dialect], behind[dialect] = renamed
        results.append(result)
    if len(behind) > 1:  # both behind: their pair needs no rename of its own
        behind = {}
    left, right = live[SQLITE], live[POSTGRESQL]
    if left is None or right is None:
        skipped = LayerResult(
            "live", "sqlite database", "postgresql database", Status.SKIPPED, "needs both databases"
        )
        return [*results, skipped]
    fail_on = sources.plan.config.fail_on
    comparison, evaluation = compared(left, right, "live", domain, evaluator, fail_on)
    hinted, notes = live_pair_hints(
        comparison.differences, [d for r in results for d in r.differences], models
    )
    comparison.differences = [*_renames_behind(sources, domain, behind), *hinted]
    pair = LayerResult("live", left.label, right.label, Status.IN_SYNC, notes=notes)
    return [*results, could_not_look(pair.record(comparison, evaluation), evaluation)]


def _renames_behind(
    sources: Sources, domain: Domain | None, behind: dict[str, list[Pending]]
) -> list[Difference]:
    """The live pair's one difference for each rename a database behind its chain has not
    applied yet (``behind``: its pending renames by dialect); the pair compares that database
    read through them, so what refers to the renamed table pairs (stranger73 003)."""
    if domain is None:
        return []
    found = []
    for dialect, pending in behind.items():
        other = POSTGRESQL if dialect == SQLITE else SQLITE
        stale, there = sources.on_chain(dialect), sources.on_chain(other)
        found += [pair_rename_pending(p, stale, there, domain, dialect == SQLITE) for p in pending]
    return found


def _module_and_database(
    sources: Sources, domain: Domain | None, evaluator: Evaluator | None, dialect: str
) -> tuple[LayerResult, Side | None, Behind]:
    """``dialect``'s module against its database: the result, the database as the live pair
    compares it (read through the renames a revision it has not applied yet makes, where it is
    behind its chain), and those renames."""
    plan = sources.plan
    fail_on = plan.config.fail_on
    model = sources.model(dialect)
    if plan.urls.get(dialect) is None:
        why = plan.url_errors.get(dialect) or plan.not_configured(dialect)
        status = Status.ERROR if dialect in plan.url_errors else Status.SKIPPED
        return LayerResult("live", model.label, f"{dialect} database", status, why), None, None
    found = sources.live(dialect)
    if isinstance(found, DatabaseError):
        failed = LayerResult("live", model.label, plan.label(dialect), Status.ERROR, found.message)
        return failed, None, None
    result = pair_result("live", model, found, domain, evaluator, fail_on)
    behind: Behind = None
    raw = sources.live_schema(dialect)
    # The database as the pair of the two databases reads it: through a rename pending in
    # domain.yaml, as its module pair reads it (stranger72 004: read so on one side only, two
    # identical databases differed by two one-sided columns, the rename said twice).
    paired = found
    if domain is not None and raw is not None and one_sided_both_ways(result.differences):
        placed = sources.on_chain(dialect)
        # A rename in domain.yaml no revision makes yet (at its head), or one a revision the
        # database has not applied yet makes (behind it: stranger71 003).
        if placed.state in (AT_HEAD, BEHIND):
            where = (domain, sources.chain_history(dialect), "left")
            through, pending = through_renames(
                result.differences, found, raw, where, partial(_differ, model, domain)
            )
            if pending:  # compared again as the database reads once the revision is made
                result = pair_result("live", model, through, domain, evaluator, fail_on)
                later, result.differences = result.differences, []
                result.found([*(rename_pending(p, model, placed) for p in pending), *later])
                paired = through
            if pending and placed.state == BEHIND:
                behind = (through, pending)
    # A table whose logical key domain.yaml changed: hinted as the rename it likely is.
    result.differences = key_renamed(result.differences, model, paired, domain)
    result.differences = _untouched(sources, dialect, model, result.differences)
    # None where each difference's fix is a line init wrote in domain.yaml (stranger81 007).
    causes = [d for d in result.differences if d.ways is None or d.ways.uncomment is None]
    note = sources.at_head(dialect) if causes else None
    if note is not None:  # what to do at the chain's head, said once (stranger80 005)
        result.notes.append(note)
    result.note_not_compared(found.label, sources.live_not_compared(dialect))
    # An object the database holds under another name: in sync, but a revision naming it fails.
    result.warnings.extend(renamed_warnings(model, found, dialect, raw, result.equivalences))
    return result, paired, behind


def _differ(model: Side, domain: Domain, database: Side) -> list[Difference]:
    """The comparer's differences of ``model`` against ``database`` (no evaluation)."""
    return compare(model, database, layer="live", domain=domain).differences


def _untouched(
    sources: Sources, dialect: str, model: Side, differences: list[Difference]
) -> list[Difference]:
    """``differences`` of ``model`` against its database, each "migrating it may fix this"
    about an object no pending revision changes told it is a hand edit (stranger89 006);
    read only where the database is behind its chain and a hint says so (the chain at its
    revision is built once on a scratch database, as what to do first reads it)."""
    causes = {behind_cause(True), behind_cause(False)}
    if not any(d.ways is not None and d.ways.cause in causes for d in differences):
        return differences
    built = sources.at_revision(dialect)
    if built is None:
        return differences
    at = Side(make_canonical(built[0], sources.domain), "its chain", "its chain")
    head = sources.at_chain_head(dialect)
    if head is None:  # what the pending revisions make is unknown: read against the module
        changed = behind_untouched.touched(model, at, sources.domain)
        return behind_untouched.retold(differences, changed, sources.on_chain(dialect))
    chain = Side(make_canonical(head, sources.domain), "its chain's head", "its chain's head")
    changed = behind_untouched.touched(chain, at, sources.domain)
    off = behind_untouched.touched(model, chain, sources.domain)
    return behind_untouched.retold(differences, changed, sources.on_chain(dialect), off, model)
