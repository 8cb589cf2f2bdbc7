"""The two records a comparison works on and returns: its ``Side`` s and its ``Comparison``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from twinschema.model import Schema
from twinschema.records.accepted import Accepted
from twinschema.records.differences import Difference, Equivalence, FixSide, FixSite
from twinschema.records.domain import Allowance


@dataclass(frozen=True)
class GuessedWitness:
    """A witness the comparer names without running it, for the evaluation stage to try on
    the real databases (``evaluate.collated_enums``): a label in another case that an enum's
    CHECK ... IN list takes under its collation and the other side's enum refuses. ``lead`` is
    the difference's message before the witness, ``listed`` the side ("left" or "right") whose
    list takes the collation: what the stage needs to put a true witness in its place, as data
    (the message is never read back)."""

    table: str
    column: str
    lead: str
    listed: str


@dataclass(frozen=True)
class Disowned:
    """An allowance with ``dialect:`` that claims a CHECK on that side only (``allowed``, the
    difference it allowed) where the other side has a CHECK of the same meaning (``twin``, as
    the report shows it, on ``twin_source``; ``rule``: the equivalence found, "equal on 20
    probes"): the CHECK is on both sides, and the allowance matches no difference."""

    allowance: Allowance
    allowed: Difference
    twin: str
    twin_source: str
    rule: str


@dataclass
class Comparison:
    """What a comparison found."""

    differences: list[Difference] = field(default_factory=list)
    equivalences: list[Equivalence] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)  # every table compared, in logical names
    # Per source label, the views, triggers, functions and sequences this comparison could not
    # compare (see compare_objects), e.g. {"b.sql": {"views": 2}}.
    not_compared: dict[str, dict[str, int]] = field(default_factory=dict)
    # Per source label, the keys (kind, table, name) of the objects counted in ``not_compared``:
    # the evaluation stage takes out those it compares (views run on probe rows).
    counted: dict[str, set[tuple[str, str, str]]] = field(default_factory=dict)
    # Warnings the comparer gives (``column_order``): they leave the status alone.
    warnings: list[Difference] = field(default_factory=list)
    # The differences each allowance of ``domain.yaml`` allowed before the evaluation stage:
    # ``allow_evaluated`` counts them with the stage's own for a ``broad_allowance``.
    allowed: dict[Allowance, list[Difference]] = field(default_factory=dict)
    # Every difference an allowance accepted, at every stage, with that allowance: the
    # reports list them (``records.accepted``).
    accepted: list[Accepted] = field(default_factory=list)
    # The allowances the evaluation stage found false: each allowed, as on its dialect only, a
    # CHECK that means what a CHECK of the other side means (``evaluate.false_allowances``);
    # ``allow_evaluated`` calls each stale, with what the other side has.
    disowned: list[Disowned] = field(default_factory=list)
    # The enum differences whose witness the comparer guessed, by (table, column): the
    # evaluation stage tries it (``GuessedWitness``).
    guessed: dict[tuple[str, str], GuessedWitness] = field(default_factory=dict)


@dataclass(frozen=True)
class Side:
    """One side of a comparison: its schema, how reports name it, and where a fix to it goes."""

    schema: Schema
    label: str
    fix: str  # e.g. "schemas/<dialect>.py" or "the database (run: twinschema migrate local)"
    # "model" (metadata, files), "database" (a live database) or "chain" (a scratch database
    # a migration chain built)
    role: str = "model"
    # The file a person edits to fix this side (its metadata module; for a database, the
    # metadata module of its dialect; a SQL file), None when there is none: what reporters
    # point annotations at (``Difference.fix``).
    file: str | None = None
    # A live database's place on its Alembic chain (``hints.AT_HEAD``/``BEHIND``/``AHEAD``),
    # None if unknown: whether migrating it can fix a difference.
    state: str | None = None
    # For a live database whose place on its chain is not read yet: what reads it and returns
    # this side with ``fix`` and ``state`` set. Reading it imports Alembic and connects once
    # more, so the comparer calls it only for the first difference whose hint needs it.
    placed: Callable[[], Side] | None = field(default=None, compare=False, repr=False)
    # How messages name this side when its label is long (a database's URL, which the report's
    # header of the comparison already shows): "the SQLite database". None: by its label.
    short: str | None = None
    # The tables the database of this side's dialect holds as virtual tables (an FTS table),
    # which no metadata module can hold, and how messages name that database: read for a
    # metadata module where the check reads its dialect's database too; empty where unknown.
    virtual: frozenset[str] = frozenset()
    virtual_in: str = ""
    # A live database behind its chain on which a pending revision fails as it is (what was
    # renamed or made by hand there, ``Sources.first_behind``): migrating it fixes nothing until
    # that is done, which its hints say (recheck88).
    blocked: bool = False

    @property
    def named(self) -> str:
        """How a difference's message names this side: ``short``, else ``label``."""
        return self.short or self.label

    def located(self) -> Side:
        """This side with its place on its chain read (itself when there is nothing to read)."""
        if self.placed is None:
            return self
        return replace(self.placed(), placed=None)


def fix_site(
    left_value: str | None, right_value: str | None, left_file: str | None, right_file: str | None
) -> FixSite:
    """Where the fix of a difference goes, given each side's value (None: it lacks the object)
    and the file each side's fixes go to (``Side.file``): the side that lacks the object (add
    it there); when both have it, the side whose file is a metadata module (what people edit),
    else the left one. Its file is that side's, else the other side's."""
    left, right = (FixSide.LEFT, left_file), (FixSide.RIGHT, right_file)
    if left_value is None and right_value is not None:
        order = [left, right]
    elif (right_value is None and left_value is not None) or (
        _is_module(right_file) and not _is_module(left_file)
    ):
        order = [right, left]
    else:
        order = [left, right]
    for side, file in order:
        if file is not None:
            return FixSite(side=side, file=file)
    return FixSite(side=order[0][0])


def _is_module(file: str | None) -> bool:
    return file is not None and file.endswith(".py")
