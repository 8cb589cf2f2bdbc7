"""``twinschema check``: walk every configured layer, collect one report.

Layers: ``domain`` (domain.yaml against each metadata module), ``models`` (the two metadata
modules), ``live`` (each metadata module against its database, and the two databases), and
``migrations`` (each chain against its metadata). A layer whose database is not configured is
``skipped``; one that could not be read is ``error``: a check never passes when it could not look.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from contextlib import nullcontext
from dataclasses import dataclass, field, replace

from twinschema import progress
from twinschema.compare import Comparison, Side, compare
from twinschema.compare.allowances import matching_allowance, stale_allowance
from twinschema.config import SIDE_OF, Config
from twinschema.differences import SEVERITY_ERROR, Difference, Equivalence
from twinschema.domain import Domain, load_domain
from twinschema.domaincheck import compare_domain
from twinschema.errors import EXIT_DATABASE, EXIT_DRIFT, EXIT_IN_SYNC, DatabaseError, UsageError
from twinschema.evaluate import Evaluation, Evaluator, PostgreSQLScratch, evaluate
from twinschema.model import Schema
from twinschema.sources import make_canonical, read_metadata, reflect_in_background
from twinschema.urls import redact

LAYERS = ("domain", "models", "live", "migrations")
DIALECTS = ("sqlite", "postgresql")


def migrate_command(config: Config, dialect: str) -> str:
    """The command that migrates ``dialect``'s database: ``make migrate-local`` where the
    project's Makefile has that target, else the CLI's own ``twinschema migrate local``."""
    side = SIDE_OF[dialect]
    try:
        if f"migrate-{side}:" in (config.root / "Makefile").read_text(encoding="utf-8"):
            return f"make migrate-{side}"
    except OSError:
        pass
    return f"twinschema migrate {side}"


IN_SYNC, DRIFT, SKIPPED, ERROR = "in_sync", "drift", "skipped", "error"


@dataclass
class LayerResult:
    """One comparison of a layer: its two sides, its status, and why when skipped or failed."""

    name: str
    left: str
    right: str
    status: str
    message: str | None = None
    tables: list[str] = field(default_factory=list)  # the tables compared (one JUnit case each)
    # The evaluation stage (``twinschema.evaluate``): pairs it ran (defaults, CHECKs, partial-
    # index predicates, generated columns), pairs it could not run (a function the scratch
    # database lacks), and where each dialect's expressions ran.
    evaluated: int = 0
    not_evaluated: int = 0
    evaluated_on: dict[str, str] = field(default_factory=dict)


@dataclass
class Report:
    """Everything one check found, in the shape every reporter renders."""

    layers: list[LayerResult] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    equivalences: list[Equivalence] = field(default_factory=list)
    not_compared: dict[str, dict[str, int]] = field(default_factory=dict)
    # ``value_compatibility`` findings: warnings that leave ``in_sync`` and the exit code alone.
    warnings: list[Difference] = field(default_factory=list)

    @property
    def in_sync(self) -> bool:
        """True only when every layer looked and found nothing."""
        return not self.differences and all(r.status in (IN_SYNC, SKIPPED) for r in self.layers)

    @property
    def exit_code(self) -> int:
        """0 in sync, 1 drift, 3 when a database could not be read."""
        if any(r.status == ERROR for r in self.layers):
            return EXIT_DATABASE
        return EXIT_DRIFT if self.differences else EXIT_IN_SYNC

    def add(
        self,
        result: LayerResult,
        comparison: Comparison | None = None,
        evaluation: Evaluation | None = None,
    ) -> None:
        """Record a layer's comparison (and what the evaluation stage did for it); its status
        follows from what it found."""
        if evaluation is not None:
            result.evaluated, result.not_evaluated = evaluation.evaluated, evaluation.not_evaluated
            result.evaluated_on = dict(sorted(evaluation.where.items()))
            self.warnings.extend(evaluation.warnings)
        if comparison is not None:
            self.differences.extend(comparison.differences)
            self.equivalences.extend(comparison.equivalences)
            result.tables = list(comparison.tables)
            for label, counts in comparison.not_compared.items():
                self.note_not_compared(label, counts)
            result.status = DRIFT if comparison.differences else IN_SYNC
        self.layers.append(result)

    def count_not_compared(self, schema: Schema, label: str) -> None:
        """Note the objects of a source that no layer compares (foreign tables, rules...)."""
        self.note_not_compared(label, schema.not_compared)

    def note_not_compared(self, label: str, counts: Mapping[str, int]) -> None:
        """Note objects of source ``label`` that a comparison could not compare: views,
        triggers... compared only within one dialect. A source compared several times keeps the
        largest count of each kind."""
        for kind, n in counts.items():
            if n:
                mine = self.not_compared.setdefault(label, {})
                mine[kind] = max(mine.get(kind, 0), n)


@dataclass
class CheckPlan:
    """What a check run needs: configuration, layers, the database URLs of each side."""

    config: Config
    layers: Sequence[str]
    urls: dict[str, str | None]  # dialect -> URL (None: not configured)
    url_errors: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # dialect -> how reports name its database
    # A PostgreSQL server where scratch databases may be made (the migrations layer), never the
    # server being checked unless it is the embedded one; None: start the embedded one if needed.
    scratch_url: str | None = None
    # dialect -> the command that migrates its database, when the project's own does not (a
    # database named by a flag: `twinschema migrate remote --postgres-url ...`).
    fixes: dict[str, str] = field(default_factory=dict)
    # Run the evaluation stage after each models and live comparison (``--no-evaluate``: off).
    evaluate: bool = True

    def fix_command(self, dialect: str) -> str:
        """The command that migrates the database this check reads for ``dialect``."""
        return self.fixes.get(dialect) or migrate_command(self.config, dialect)

    def label(self, dialect: str) -> str:
        """How reports name the database of ``dialect`` (a URL without its password)."""
        url = self.urls.get(dialect)
        return self.labels.get(dialect) or (redact(url) if url else f"{dialect} database")


class _Sources:
    """Each source read once per run, canonical in the domain's names; failures remembered."""

    def __init__(self, plan: CheckPlan, domain: Domain | None) -> None:
        self.plan, self.domain = plan, domain
        config = plan.config
        self.options = {dialect: config.reflect_options(dialect) for dialect in DIALECTS}
        self._models: dict[str, Side] = {}
        self._live: dict[str, Side | DatabaseError] = {}
        self._reading: dict[str, Future[Schema]] = {}

    def start_reading(self, dialect: str) -> None:
        """Begin reflecting ``dialect``'s live database now, while metadata is read and compared."""
        url = self.plan.urls.get(dialect)
        if url is not None and dialect not in self._reading:
            self._reading[dialect] = reflect_in_background(url, self.options[dialect])

    def model(self, dialect: str) -> Side:
        if dialect not in self._models:
            spec = self.plan.config.side(dialect).metadata
            if spec is None:
                raise UsageError(
                    f"{self.plan.config.source}: no metadata module configured for {dialect} "
                    f'([tool.twinschema.{dialect}] metadata = "package.module:attribute")'
                )
            progress.step(f"reading {spec}")
            raw, path = read_metadata(spec, dialect, self.options[dialect], self.plan.config.root)
            self._models[dialect] = Side(make_canonical(raw, self.domain), path, path)
        return self._models[dialect]

    def live(self, dialect: str, report: Report) -> Side | DatabaseError:
        if dialect not in self._live:
            url = self.plan.urls[dialect]
            assert url is not None
            label = self.plan.label(dialect)
            fix = f"the database {label} (run: {self.plan.fix_command(dialect)})"
            progress.step(f"reading the {dialect} database {label}")
            self.start_reading(dialect)
            try:
                raw = self._reading[dialect].result()
            except DatabaseError as exc:
                self._live[dialect] = exc
            else:
                report.count_not_compared(raw, label)
                canonical = make_canonical(raw, self.domain)
                self._live[dialect] = Side(canonical, label, fix, role="database")
        return self._live[dialect]


def run_check(
    plan: CheckPlan, migrations: Callable[[CheckPlan, Domain | None, Report], None] | None = None
) -> Report:
    """Run the planned layers and return one report (never raises for a database it cannot read)."""
    config = plan.config
    domain = load_domain(config.domain) if config.domain else None
    sources = _Sources(plan, domain)
    report = Report()
    with evaluator_for(plan) as evaluator:
        _schema_layers(plan, sources, domain, report, evaluator)
    if "migrations" in plan.layers:
        if migrations is None:
            report.add(
                LayerResult(
                    "migrations",
                    "migrations_sqlite",
                    "migrations_postgres",
                    SKIPPED,
                    "the migrations layer is not available yet",
                )
            )
        else:
            migrations(plan, domain, report)
    return report


def evaluator_for(plan: CheckPlan) -> Evaluator | nullcontext[None]:
    """The evaluation stage's evaluator for a run (its PostgreSQL scratch database on the
    plan's scratch server, made only if a PostgreSQL expression must run), or none when
    ``--no-evaluate`` turned the stage off."""
    if not plan.evaluate:
        return nullcontext()
    config = plan.config
    return Evaluator(
        PostgreSQLScratch(
            config=config, server_url=plan.scratch_url, connect_timeout=config.connect_timeout
        )
    )


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
    comparison = compare(left, right, layer=layer, domain=domain)
    # The comparer cannot see value_compatibility findings: their allowances are judged here.
    comparison.differences = [d for d in comparison.differences if not _values_allowance(d)]
    if evaluator is None:
        return comparison, None
    cross = left.schema.dialect != right.schema.dialect
    evaluation = evaluate(comparison, left, right, evaluator, layer=layer, values=cross)
    if domain is not None and cross:
        _apply_value_allowances(domain, left, right, layer, comparison, evaluation)
    if "value_compatibility" in fail_on and evaluation.push_failures:
        failing = {id(d) for d in evaluation.push_failures}
        evaluation.warnings = [w for w in evaluation.warnings if id(w) not in failing]
        comparison.differences.extend(
            replace(d, severity=SEVERITY_ERROR) for d in evaluation.push_failures
        )
    return comparison, evaluation


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
    """Drop the warnings ``domain.yaml`` accepts (with their reason); an allowance that accepts
    none, on tables both sides have, is a ``stale_allowance`` as the comparer reports them."""
    sides = {left.schema.dialect: "left", right.schema.dialect: "right"}
    used: set[int] = set()
    kept = []
    for w in evaluation.warnings:
        allowance = matching_allowance(domain, w, sides)
        if allowance is None:
            kept.append(w)
        else:
            used.add(id(allowance))
    evaluation.warnings = kept
    evaluation.push_failures = [w for w in evaluation.push_failures if w in kept]
    for allowance in domain.allowances():
        if allowance.kind != "value_compatibility" or id(allowance) in used:
            continue
        if not all(allowance.table in s.schema.tables for s in (left, right)):
            continue
        comparison.differences.append(
            stale_allowance(domain, allowance, layer, left.label, right.label)
        )


def _schema_layers(
    plan: CheckPlan,
    sources: _Sources,
    domain: Domain | None,
    report: Report,
    evaluator: Evaluator | None,
) -> None:
    """The domain, models and live layers: schemas read, made canonical and compared."""
    if "live" in plan.layers:
        for dialect in DIALECTS:
            sources.start_reading(dialect)
    if "domain" in plan.layers:
        for dialect in DIALECTS:
            if domain is None:
                report.add(
                    LayerResult(
                        "domain", "domain.yaml", dialect, SKIPPED, "no domain file configured"
                    )
                )
                continue
            side = sources.model(dialect)
            report.add(
                LayerResult("domain", domain.path, side.label, IN_SYNC),
                compare_domain(domain, side),
            )
    if "models" in plan.layers:
        left, right = sources.model("sqlite"), sources.model("postgresql")
        report.add(
            LayerResult("models", left.label, right.label, IN_SYNC),
            *compared(left, right, "models", domain, evaluator, plan.config.fail_on),
        )
    if "live" in plan.layers:
        _live_layer(plan, sources, domain, report, evaluator)


def _live_layer(
    plan: CheckPlan,
    sources: _Sources,
    domain: Domain | None,
    report: Report,
    evaluator: Evaluator | None,
) -> None:
    live: dict[str, Side | None] = {}
    for dialect in DIALECTS:
        url = plan.urls.get(dialect)
        model = sources.model(dialect)
        if url is None:
            why = plan.url_errors.get(dialect, f"no {dialect} database configured")
            status = ERROR if dialect in plan.url_errors else SKIPPED
            report.add(LayerResult("live", model.label, f"{dialect} database", status, why))
            live[dialect] = None
            continue
        found = sources.live(dialect, report)
        if isinstance(found, DatabaseError):
            report.add(LayerResult("live", model.label, plan.label(dialect), ERROR, found.message))
            live[dialect] = None
            continue
        live[dialect] = found
        report.add(
            LayerResult("live", model.label, found.label, IN_SYNC),
            *compared(model, found, "live", domain, evaluator, plan.config.fail_on),
        )
    left, right = live["sqlite"], live["postgresql"]
    if left is None or right is None:
        report.add(
            LayerResult(
                "live", "sqlite database", "postgresql database", SKIPPED, "needs both databases"
            )
        )
        return
    report.add(
        LayerResult("live", left.label, right.label, IN_SYNC),
        *compared(left, right, "live", domain, evaluator, plan.config.fail_on),
    )
