"""The records of a check: each layer's result (owning its findings) and the report."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from typing import Protocol

from twinschema.errors import EXIT_DATABASE, EXIT_DRIFT, EXIT_IN_SYNC
from twinschema.model import Schema
from twinschema.records.accepted import Accepted
from twinschema.records.comparison import Comparison
from twinschema.records.differences import Difference, Equivalence


class Status(StrEnum):
    """What a comparison of a layer came to. A ``str`` so that reports write it as before."""

    IN_SYNC = "in_sync"
    DRIFT = "drift"
    SKIPPED = "skipped"  # not configured: nothing to look at
    ERROR = "error"  # could not look (a database unreachable): never a pass


class EvaluationCounts(Protocol):
    """What the evaluation stage did for one comparison, as a layer result records it."""

    @property
    def evaluated(self) -> int: ...
    @property
    def not_evaluated(self) -> int: ...
    @property
    def where(self) -> dict[str, str]: ...
    @property
    def warnings(self) -> list[Difference]: ...
    @property
    def values_unprobed(self) -> str: ...
    @property
    def values_required(self) -> bool: ...


# The fields of a LayerResult that hold what it found (the JSON report lists them apart).
_FINDINGS = frozenset({"differences", "equivalences", "warnings", "not_compared", "accepted"})


@dataclass(frozen=True)
class Note:
    """A cause that several differences of one comparison share, said once for all of them
    where their hints would each repeat it (stranger80 005: a database at its chain's head gave
    every difference the same 700 characters of what to do): ``kind`` says which cause
    (``"at_head"``: a live database at its chain's head), ``about`` names what it is about
    (``"the PostgreSQL database"``), ``text`` says it; the hints keep their own fix and refer
    to the note."""

    kind: str
    about: str
    text: str


@dataclass
class LayerResult:
    """One comparison of a layer: its two sides, its status, why when skipped or failed, and
    what it found (its differences, equivalences and warnings belong to it)."""

    name: str
    left: str
    right: str
    status: Status
    message: str | None = None
    tables: list[str] = field(default_factory=list)  # the tables compared (one JUnit case each)
    # The evaluation stage (``twinschema.evaluate``): default pairs it ran, pairs it could not
    # run (a function the scratch database lacks), and where each dialect's expressions ran.
    evaluated: int = 0
    not_evaluated: int = 0
    evaluated_on: dict[str, str] = field(default_factory=dict)
    # Why the ``value_compatibility`` warnings of a cross-dialect pair were not probed (empty
    # when they were): the text report says so in one line.
    values_unprobed: str = ""
    differences: list[Difference] = field(default_factory=list)
    equivalences: list[Equivalence] = field(default_factory=list)
    # ``value_compatibility`` findings: warnings that leave the status and the exit code alone.
    warnings: list[Difference] = field(default_factory=list)
    # The differences domain.yaml accepted, each with its allowance: they leave the status and
    # the exit code alone, and the reports list them.
    accepted: list[Accepted] = field(default_factory=list)
    # Per source label, the objects this comparison could not compare (views across dialects,
    # foreign tables...), e.g. {"b.sql": {"views": 2}}; the report merges them.
    not_compared: dict[str, dict[str, int]] = field(default_factory=dict)
    # What several of its differences share, said once (``Note``): reports print each under
    # the comparison's header, JSON lists them with the layer.
    notes: list[Note] = field(default_factory=list)
    # What the comparison looks at where that is narrower than its two sides' names say (a
    # database against its chain: its revision, and at head what no module holds), said in one
    # line under its status: an "in_sync" right after a hand edit on a column is not read as
    # "the database is its chain's" (stranger83 011).
    scope: str = ""

    def __post_init__(self) -> None:
        self.status = Status(self.status)  # a status given by its value ("drift") is one too

    def summary(self) -> dict[str, object]:
        """The result without its findings, as the JSON report lists layers."""
        summary = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _FINDINGS}
        summary["notes"] = [asdict(note) for note in self.notes]
        return summary

    def note_not_compared(self, label: str, counts: Mapping[str, int]) -> None:
        """Note objects of source ``label`` that this comparison could not compare."""
        _merge_counts(self.not_compared, label, counts)

    def record(
        self, comparison: Comparison, evaluation: EvaluationCounts | None = None
    ) -> LayerResult:
        """Record what a comparison found (and what the evaluation stage did for it); the
        status follows from it. Returns ``self``."""
        if evaluation is not None:
            self.evaluated, self.not_evaluated = evaluation.evaluated, evaluation.not_evaluated
            self.evaluated_on = dict(sorted(evaluation.where.items()))
            self.warnings.extend(evaluation.warnings)
            self.values_unprobed = evaluation.values_unprobed
            if evaluation.values_unprobed and evaluation.values_required:
                # fail_on lists value_compatibility: a check that could not look never passes.
                self.status = Status.ERROR
                self.message = (
                    "fail_on lists value_compatibility but values were not probed: "
                    + evaluation.values_unprobed
                )
        self.equivalences.extend(comparison.equivalences)
        self.warnings.extend(comparison.warnings)
        # By the allowance's place in domain.yaml (each stage's, comparer's first, kept in
        # order under it): one order from run to run.
        self.accepted.extend(sorted(comparison.accepted, key=lambda a: (a.file, a.line)))
        self.tables = list(comparison.tables)
        for label, counts in comparison.not_compared.items():
            self.note_not_compared(label, counts)
        self.found(comparison.differences)
        return self

    def found(self, differences: Iterable[Difference]) -> None:
        """Record differences; the status follows (drift), unless the layer could not look."""
        self.differences.extend(differences)
        if self.differences and self.status == Status.IN_SYNC:
            self.status = Status.DRIFT


@dataclass
class Report:
    """Everything one check found, in the shape every reporter renders: the layers in the order
    they ran, each with its findings."""

    layers: list[LayerResult] = field(default_factory=list)
    not_compared: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def differences(self) -> list[Difference]:
        """Every layer's differences, in the order the layers ran."""
        return [d for layer in self.layers for d in layer.differences]

    @property
    def equivalences(self) -> list[Equivalence]:
        """Every layer's equivalences, in the order the layers ran."""
        return [e for layer in self.layers for e in layer.equivalences]

    @property
    def warnings(self) -> list[Difference]:
        """Every layer's warnings, in the order the layers ran."""
        return [w for layer in self.layers for w in layer.warnings]

    @property
    def accepted(self) -> list[Accepted]:
        """Every layer's differences that domain.yaml accepted, in the order the layers ran."""
        return [a for layer in self.layers for a in layer.accepted]

    @property
    def in_sync(self) -> bool:
        """True only when every layer looked and found nothing."""
        return all(
            r.status in (Status.IN_SYNC, Status.SKIPPED) and not r.differences for r in self.layers
        )

    @property
    def errors(self) -> list[LayerResult]:
        """The comparisons that could not look (a database unreachable)."""
        return [r for r in self.layers if r.status == Status.ERROR]

    @property
    def exit_code(self) -> int:
        """0 in sync, 1 drift, 3 when a database could not be read."""
        if self.errors:
            return EXIT_DATABASE
        return EXIT_DRIFT if self.differences else EXIT_IN_SYNC

    def add(
        self,
        result: LayerResult,
        comparison: Comparison | None = None,
        evaluation: EvaluationCounts | None = None,
    ) -> LayerResult:
        """Record a layer's result (in the order layers run) with what its comparison found
        and what the evaluation stage did for it (``LayerResult.record``)."""
        if comparison is not None:
            result.record(comparison, evaluation)
        for label, counts in result.not_compared.items():
            self.note_not_compared(label, counts)
        self.layers.append(result)
        return result

    def count_not_compared(self, schema: Schema, label: str) -> None:
        """Note the objects of a source that no layer compares (foreign tables, rules...)."""
        self.note_not_compared(label, schema.not_compared)

    def note_not_compared(self, label: str, counts: Mapping[str, int]) -> None:
        """Note objects of source ``label`` that a comparison could not compare: views,
        triggers... compared only within one dialect, foreign tables, rules. A source compared
        several times keeps the largest count of each kind."""
        _merge_counts(self.not_compared, label, counts)


def _merge_counts(into: dict[str, dict[str, int]], label: str, counts: Mapping[str, int]) -> None:
    for kind, n in counts.items():
        if n:
            mine = into.setdefault(label, {})
            mine[kind] = max(mine.get(kind, 0), n)
