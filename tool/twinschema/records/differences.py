"""The typed records every comparison returns and every reporter renders: a ``Difference``
(with where its fix goes, as data), an ``Equivalence``, severities; the one list of
difference kinds, ``DIFFERENCE_KINDS``, is ``difference_kinds``'s (imported here too, as before)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any

from twinschema.records.difference_kinds import DIFFERENCE_KINDS as DIFFERENCE_KINDS
from twinschema.records.hint_ways import HintWays, Offer

# The warning of a value one side's column stores and the other's refuses or changes: one per
# column pair, many in a schema (reports list them only with --verbose).
VALUE_COMPATIBILITY = "value_compatibility"
# A warning of ``diff`` without a domain: one-sided names one name spelled two ways.
NAMES_SPELLED_APART = "names_spelled_apart"

# The kinds an allowance in domain.yaml may name: what may differ on purpose between the two
# dialects (never a migration's or an allowance's own finding).
ALLOWABLE_KINDS: tuple[str, ...] = (
    "table_missing",
    "column_missing",
    "column_type",
    "column_nullable",
    "column_default",
    "column_generated",
    "primary_key",
    "foreign_key",
    "unique",
    "index",
    "check",
    "enum",
    "dialect_object",
    "value_compatibility",
    "rule",
    "exclusion",
    "column_order",
)

# The kinds an allowance under a view's own entry in domain.yaml may name (``views: {v: {allow:
# [{kind: view, reason: ...}]}}``): a view is on no one table (stranger79 005).
VIEW_ALLOWABLE_KINDS: tuple[str, ...] = ("view",)


class Severity(StrEnum):
    """How much a finding weighs: an error fails the check, a warning is reported only.

    A ``str`` so that the JSON and SARIF reports write it as before (``"error"``)."""

    ERROR = "error"
    WARNING = "warning"


SEVERITY_ERROR = Severity.ERROR
SEVERITY_WARNING = Severity.WARNING


class FixSide(StrEnum):
    """Which side of a comparison a fix goes to."""

    LEFT = "left"
    RIGHT = "right"


@dataclass(frozen=True, slots=True)
class FixSite:
    """Where the fix of a difference goes, set where the difference is made: the side, the
    file a person edits (a metadata module, domain.yaml, a SQL file, a migration), and the
    line when the maker knows it (else reporters find the object's line in the file)."""

    side: FixSide | None = None
    file: str | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Witness:
    """A row that parts the two sides, as data beside the message's words (stranger57 u1): its
    table, the columns it gives values, their values (JSON's own types where they have one,
    else as the message writes them), the side that accepts it (``left``, ``right``; None
    where both store it and part on what they store or compute) and what each side does."""

    table: str | None
    columns: tuple[str, ...]
    values: tuple[Any, ...]
    accepts: str | None
    said: str
    # Where the row parts the sides with the clock fixed (a view on the clock): that moment,
    # UTC ('2026-11-01 00:15:00.5'), at which ``values`` replay it, and for each value the
    # label messages show it by where it is a moment near that clock ('<now - 30 days, as
    # YYYY-MM-DD HH:MM:SS>'), else None (fix89b: ``values`` held the labels, which no tool
    # can insert).
    clock: str | None = None
    labels: tuple[str | None, ...] = ()


@dataclass(frozen=True, slots=True)
class Pinned:
    """What the warning of an allowance that pins nothing (``unpinned_allowance``) offers to
    pin: the allowance's ``kind`` and, for each difference it allowed, ``(table, name, left,
    right)``, each side's text as it is now (a later stage tells whether a side changed since:
    ``allowance_types.changed_since``)."""

    kind: str
    allowed: tuple[tuple[str | None, str | None, str | None, str | None], ...]


@dataclass(frozen=True, slots=True)
class Difference:
    """One real difference between two sides, with what a user needs to fix it."""

    layer: str
    kind: str
    table: str | None
    column: str | None
    name: str | None
    left: str | None  # the left side's value, None where the object is absent
    right: str | None
    message: str
    hint: str
    severity: Severity = Severity.ERROR
    left_source: str = ""
    right_source: str = ""
    fix: FixSite | None = None  # where the fix goes; None when no file is known
    # For a flag both sides state (row-level security "on" against "off"): the side where it
    # is on. What an allowance for one dialect tests, never the display string.
    present: FixSide | None = None
    # Each side's own name of the object (left, right) where the two name it otherwise, as
    # ``init`` names every CHECK (ckLineSize / ck_order_lines_size): an allowance's ``name:``
    # matches either (``named``).
    names: tuple[str | None, str | None] | None = None
    # The row that parts the sides, where the evaluation stage found one (the message names it).
    witness: Witness | None = field(default=None, compare=False)
    # The parts ``hint`` was composed from, where it is the usual hint of an object one side
    # lacks (``HintWays``; ``hint`` may go on after their text): what a later stage rewords.
    # Not in the report.
    ways: HintWays | None = field(default=None, compare=False)
    # What a comparator said after the parts (``hint`` is ``ways.text() + then``). Not reported.
    then: str = field(default="", compare=False)
    # Of an ``unpinned_allowance`` warning: what its hint offers to pin (``Pinned``). Not reported.
    pinned: Pinned | None = field(default=None, compare=False)
    # The allowance a hint written whole (not of ``ways``) offers, as parts (``Offer``): ``hint``
    # is ``offer.text() + then`` while no later stage wrote it anew. Not reported.
    offer: Offer | None = field(default=None, compare=False)

    def given(self, witness: Witness | None) -> Difference:
        """This difference with ``witness`` (its table this one's) where it has none yet: a
        difference keeps the first witness its message names."""
        if witness is None or self.witness is not None:
            return self
        return replace(self, witness=replace(witness, table=self.table))

    def named(self, name: str, side: FixSide | None = None) -> bool:
        """True when ``name`` is the object's name: ``name``, or either side's own name (only
        ``side``'s where given: an allowance with ``dialect:``)."""
        if self.names is None:
            return name == self.name
        if side is None:
            return name == self.name or name in self.names
        return name == self.names[0 if side is FixSide.LEFT else 1]

    @property
    def composed(self) -> bool:
        """Whether the hint is the one its parts make (not one a later stage wrote anew)."""
        return self.ways is not None and self.hint == self.ways.text() + self.then

    def reworded(self, ways: HintWays) -> Difference:
        """This difference with its hint composed from ``ways``, ``then`` kept (not one anew)."""
        if self.ways is not None and not self.composed:
            return self
        return replace(self, hint=ways.text() + self.then, ways=ways)

    @property
    def offered(self) -> Offer | None:
        """The allowance the hint, written whole, offers (``offer``), while the hint is still the
        one it composes (``then`` after it); None where it offers none, or was written anew."""
        if self.offer is None or self.hint != self.offer.text() + self.then:
            return None
        return self.offer

    def hint_offer(self) -> Offer | None:
        """The allowance the hint offers, as parts, whichever way it was made: of its ``ways``
        where it is composed of them (``then`` after), else its ``offered`` parts; None where
        it offers none. What a stage that writes this hint into another's keeps as data."""
        if self.composed:
            assert self.ways is not None
            found = self.ways.offer()
            return None if found is None else replace(found, after=found.after + self.then)
        return self.offered

    def offering(self, offer: Offer) -> Difference:
        """This difference with the hint ``offer`` composes, written whole (no ``then``)."""
        return replace(self, hint=offer.text(), offer=offer, then="")

    def offer_said(self, said: str) -> Difference:
        """This difference with the allowance clause of its ``offered`` hint said as ``said``
        (what follows the hint, ``then``, kept)."""
        assert self.offer is not None
        offer = replace(self.offer, said=said)
        return replace(self, hint=offer.text() + self.then, offer=offer)

    def said_after(self, more: str) -> Difference:
        """This difference with ``more`` said at the end of its hint (kept by ``reworded``)."""
        return replace(self, hint=self.hint + more, then=self.then + more)

    def to_dict(self) -> dict[str, Any]:
        """The record as the JSON report writes it (``fix``: ``{side, file, line}`` or null)."""
        found = asdict(self)
        del found["ways"], found["then"], found["pinned"], found["offer"]
        witness = found["witness"]
        if witness is not None and witness["clock"] is None:  # only a witness at a fixed moment
            del witness["clock"], witness["labels"]
        return found

    def holds(self, side: FixSide) -> bool:
        """True when ``side`` has the object this difference is about: its value is not None
        and, for a flag stated on both sides (row-level security on/off), it is the side the
        maker marked ``present``. What an allowance for one dialect tests."""
        value = self.left if side is FixSide.LEFT else self.right
        return value is not None and (self.present is None or self.present is side)


@dataclass(frozen=True, slots=True)
class Equivalence:
    """Two different spellings accepted as the same thing, and the rule that accepted them."""

    layer: str
    table: str
    column: str | None
    rule: str
    left: str
    right: str
    left_source: str = ""
    right_source: str = ""
    # True where the two are the same only in a session whose TimeZone is UTC and neither
    # source read a server's zone (metadata modules): a live database may part them.
    utc_only: bool = field(default=False, compare=False)
    # A few of the probe rows an "equal on N probes" was judged on, as a witness writes a
    # row (``-v`` and JSON name them: which values were tried); () for any other rule.
    probes: tuple[str, ...] = field(default=(), compare=False)
    # The names of the two objects (left's, right's) an evaluation found to be one, where each
    # was a difference on its own side: an index or constraint renamed by hand is found by them
    # (``compare.renames``); None for any other equivalence. Not in the report.
    names: tuple[str | None, str | None] | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The record as the JSON report writes it."""
        found = asdict(self)
        del found["utc_only"], found["names"]
        return found
