"""Two sides compared: the comparer's findings, then the evaluation stage's (when on)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import replace

from twinschema.compare import compare
from twinschema.compare.allowance_entries import unnamed_check_hints
from twinschema.compare.allowance_match import matching_allowance
from twinschema.compare.allowances import (
    NOTHING_HELD,
    Held,
    allow_evaluated,
    stale_allowance,
)
from twinschema.compare.context import located_hints
from twinschema.evaluate import Evaluation, Evaluator, PostgreSQLScratch, evaluate
from twinschema.layers.plan import CheckPlan
from twinschema.records import Comparison, Difference, FixSide, LayerResult, Severity, Side, Status
from twinschema.records.accepted import accepted_by
from twinschema.records.domain import Allowance, Domain

# Why values were not probed with the evaluation stage off.
EVALUATION_OFF = "--no-evaluate turned the evaluation stage off"


def evaluator_for(plan: CheckPlan) -> Evaluator | nullcontext[None]:
    """The evaluation stage's evaluator for a run (its PostgreSQL scratch database on the
    plan's scratch server, made only if a PostgreSQL expression must run), or none when
    ``--no-evaluate`` turned the stage off."""
    if not plan.evaluate:
        return nullcontext()
    config = plan.config
    # A check whose migrations layer builds the PostgreSQL chain starts the embedded server for
    # its scratch databases anyway (without TWINSCHEMA_SCRATCH_URL): values are probed there too,
    # and a diff in such a project does the same (``plan.embedded``), so the two agree.
    chain = "migrations" in plan.layers and config.side("postgresql").metadata is not None
    embedded = plan.embedded or chain
    return Evaluator(
        PostgreSQLScratch(
            config=config,
            server_url=plan.scratch_url,
            connect_timeout=config.connect_timeout,
            embedded=embedded,
        )
    )


# What the comparer leaves for ``allow_evaluated`` to allow once the evaluation stage ran: a
# default's allowance (stale where both give the same value: stranger47 A7), and a view's
# (the stage runs it on probe rows: stale where both sides return the same rows).
HELD_FOR_EVALUATION = Held(frozenset({"column_default", "view"}))


def compared(
    left: Side,
    right: Side,
    layer: str,
    domain: Domain | None,
    evaluator: Evaluator | None,
    fail_on: Sequence[str] = (),
) -> tuple[Comparison, Evaluation | None]:
    """The comparer's findings on two sides, then the evaluation stage's (when on). With
    ``value_compatibility`` in ``fail_on`` (``[tool.twinschema] fail_on``), a value the device
    stores and the server rejects is a difference (an error), not a warning."""
    # A default's allowance is applied once the stage judged it: an allowance of two defaults
    # that give the same value is stale (stranger47 A7), as one of no default is.
    held = HELD_FOR_EVALUATION if evaluator is not None else NOTHING_HELD
    comparison = compare(left, right, layer=layer, domain=domain, held=held)
    # The comparer cannot see value_compatibility findings: their allowances are judged here.
    comparison.differences = [d for d in comparison.differences if not _values_allowance(d)]
    cross = left.schema.dialect != right.schema.dialect
    required = "value_compatibility" in fail_on
    sides = {left.schema.dialect: FixSide.LEFT, right.schema.dialect: FixSide.RIGHT}
    schemas = {FixSide.LEFT: left.schema, FixSide.RIGHT: right.schema}
    if evaluator is None:
        comparison.differences = located_hints(comparison.differences, left, right)
        comparison.differences = unnamed_check_hints(comparison.differences, sides, schemas)
        if cross and required:  # a gate that did not look never passes
            return comparison, Evaluation(values_unprobed=EVALUATION_OFF, values_required=True)
        return comparison, None
    # A live PostgreSQL database's expressions mean what its locale makes them (lower('É') under
    # LC_CTYPE C is 'É', as SQLite's): they run under it (stranger84 003).
    evaluator = evaluator.under(left.schema.locale or right.schema.locale)
    evaluation = evaluate(comparison, left, right, evaluator, layer=layer, values=cross)
    allow_evaluated(comparison, left, right, domain)
    comparison.differences = located_hints(comparison.differences, left, right)
    comparison.differences = unnamed_check_hints(comparison.differences, sides, schemas)
    if domain is not None and cross:
        _apply_value_allowances(domain, left, right, layer, comparison, evaluation)
    evaluation.values_required = required
    if required and evaluation.push_failures:
        failing = {id(d) for d in evaluation.push_failures}
        evaluation.warnings = [w for w in evaluation.warnings if id(w) not in failing]
        comparison.differences.extend(
            replace(d, severity=Severity.ERROR) for d in evaluation.push_failures
        )
    return comparison, evaluation


def pair_result(
    name: str,
    left: Side,
    right: Side,
    domain: Domain | None,
    evaluator: Evaluator | None,
    fail_on: Sequence[str] = (),
) -> LayerResult:
    """The result of comparing ``left`` with ``right`` in layer ``name``: its status follows
    from what the comparer and the evaluation stage found."""
    result = LayerResult(name, left.label, right.label, Status.IN_SYNC)
    comparison, evaluation = compared(left, right, name, domain, evaluator, fail_on)
    return could_not_look(result.record(comparison, evaluation), evaluation)


def could_not_look(result: LayerResult, evaluation: Evaluation | None) -> LayerResult:
    """``result`` as an error (exit 3) where it found differences while pairs only evaluation
    can settle went unevaluated because a scratch server could not be used (a refused
    password, an unreachable server): those differences are the comparer's reading of text
    that may mean the same, and a check that could not look never passes (stranger32 case
    077). A function the scratch database lacks leaves the comparer's verdict standing, as
    does ``--no-evaluate`` (no evaluation asked for)."""
    if evaluation is None or not evaluation.not_evaluated or result.status != Status.DRIFT:
        return result
    unusable = [f"{dialect}: {why}" for dialect, why in sorted(evaluation.unusable.items())]
    if unusable:
        result.status = Status.ERROR
        result.message = (
            f"{evaluation.not_evaluated} pair(s) that only running them can settle were not "
            f"evaluated ({'; '.join(unusable)}): the differences listed may not be real"
        )
    return result


def _values_allowance(d: Difference) -> bool:
    return d.kind == "stale_allowance" and d.message.startswith("allowance value_compatibility ")


def _apply_value_allowances(
    domain: Domain,
    left: Side,
    right: Side,
    layer: str,
    comparison: Comparison,
    evaluation: Evaluation,
) -> None:
    """Drop the warnings ``domain.yaml`` accepts (listed as accepted, with their reason); an
    allowance that accepts none, on tables both sides have, is a ``stale_allowance`` as the
    comparer reports them, but only where values were probed: where they were not (no scratch
    PostgreSQL server at hand), no warning was looked for, and calling its allowance stale was
    a difference (exit 1) no one found (allow81), as a view's is not judged without the stage."""
    sides = {left.schema.dialect: FixSide.LEFT, right.schema.dialect: FixSide.RIGHT}
    used: dict[Allowance, list[Difference]] = {}
    kept = []
    for w in evaluation.warnings:
        allowance = matching_allowance(domain, w, sides)
        if allowance is None:
            kept.append(w)
        else:
            used.setdefault(allowance, []).append(w)
    evaluation.warnings = kept
    evaluation.push_failures = [w for w in evaluation.push_failures if w in kept]
    comparison.accepted += accepted_by(used.items(), domain.path)
    if evaluation.values_unprobed or evaluation.unusable:
        return
    for allowance in domain.allowances():
        if allowance.kind != "value_compatibility" or allowance in used:
            continue
        if not all(allowance.table in s.schema.tables for s in (left, right)):
            continue
        comparison.differences.append(
            stale_allowance(domain, allowance, layer, left.label, right.label)
        )
