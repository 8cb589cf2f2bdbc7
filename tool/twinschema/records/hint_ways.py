"""The parts of the hint of an object on one side only: where to add it, where to remove it
from, and what follows (``HintWays``), composed into its words in one place (``text``), so that
a later stage that words a way otherwise (a function the other dialect lacks; a declaration in
domain.yaml to remove instead) changes a part, never the words (results are typed records,
nothing parses prose back)."""

from __future__ import annotations

from dataclasses import dataclass

# The clause a hint offers an allowance with, where the two sides' dialects let one apply
# (``allowance_entries`` completes it with the entry to write: the ``allow`` part).
ALLOW_PHRASE = "allow it in domain.yaml with a reason"


@dataclass(frozen=True, slots=True)
class Offer:
    """The allowance a hint written whole offers, as data (issue 16: nothing parses prose back):
    the words before its clause (``before``), the clause (``said``: ``ALLOW_PHRASE`` until
    ``allowance_entries`` completes it with the entry to write) and the words after it
    (``after``). Set where the hint is made (``Difference.offer``); the hint is ``text()``, so
    a later stage that says the clause otherwise changes ``said``, never the words."""

    before: str
    after: str = ""
    said: str = ALLOW_PHRASE

    def text(self) -> str:
        """The hint these parts compose: ``before``, the allowance clause, ``after``."""
        return self.before + self.said + self.after

    def filled(self, **values: object) -> Offer:
        """This offer, a template, with ``values`` put in its words (``str.format``'s fields:
        ``{column}``); the clause is kept as it is."""
        return Offer(self.before.format(**values), self.after.format(**values), self.said)


@dataclass(frozen=True, slots=True)
class Uncomment:
    """A ``dialects:`` line commented out in a declaration of domain.yaml (``file``:``line``)
    that, uncommented, declares the object (``what``: ``trigger t``) for ``dialects`` only
    (``sqlite``), leaving out the side that lacks it: how ``init`` writes a trigger it found
    on one side only, and the one-line fix a hint names first (stranger81 007)."""

    dialects: str
    file: str
    line: int
    what: str


@dataclass(frozen=True, slots=True)
class HintWays:
    """The two ways out of a difference of an object one side lacks, as its hint says them:
    add it to the side that lacks it (``add_to``: that side's ``Side.fix``) or remove it from
    the one that has it (``remove_from``), then ``allow`` (the allowance clause, after "if it
    differs on purpose", where allowances apply: ``ALLOW_PHRASE``, or that completed with the
    entry to write) and ``cause`` (the likely cause), as ``compare.context`` words them.
    ``lacked``: the function the lacking side's dialect has not (``typeof(integer)``, as that
    database names it), so the way there is the same rule in that dialect's own terms
    (``lacked_in``: "PostgreSQL");
    ``declaration``: where domain.yaml declares the object (``domain.yaml:9 (views: v)``), the
    way out on the side that has it (no metadata module holds a declared view or trigger).
    ``cause``: the likely cause the hint ends with (a database at its chain's head: what the
    at-head pass swaps for a reference to its comparison's note).
    ``agree``: where both sides have the object, the hint is ``make A and B agree`` (``add_to``
    is A, ``remove_from`` B) and what follows; ``paired``: that of two values the evaluation
    stage paired (a left-only and a right-only CHECK), whose allowance clause follows as
    ``, or allow it ...`` (``paired_ways``)."""

    add_to: str
    remove_from: str
    allow: str = ""
    lacked: str | None = None
    lacked_in: str = ""
    declaration: str | None = None
    cause: str = ""
    agree: bool = False
    paired: bool = False
    # The commented ``dialects:`` line that declares the object off the lacking side: then the
    # hint is that line first and adding it there, nothing after (no cause: it was found so).
    uncomment: Uncomment | None = None
    # What to do on the lacking side in place of adding it, where the object cannot be added
    # there as it is and its dialect's own terms are known (stranger86 005: a SQLite pin of a
    # timestamptz's text to one UTC form; PostgreSQL has no strftime() and holds instants).
    instead: str | None = None

    @property
    def lead(self) -> str:
        """The words between where the fix goes and the allowance clause."""
        return ", or " if self.paired else "; if it differs on purpose, "

    @property
    def after(self) -> str:
        """What the hint says after where the fix goes: the allowance clause, then the cause."""
        return (f"{self.lead}{self.allow}" if self.allow else "") + self.cause

    def text(self) -> str:
        """The hint these parts compose: ``add it to a.sql, or remove it from b.sql`` and what
        follows, each way worded as its part says (``make a.sql and b.sql agree`` and what
        follows where both have it)."""
        if (u := self.uncomment) is not None and not self.agree:
            return (
                f"uncomment `dialects: [{u.dialects}]` at {u.file}:{u.line} to declare "
                f"{u.what} {u.dialects}-only, or add it to {self.add_to}"
            )
        return self._ways() + self.after

    def offer(self) -> Offer | None:
        """The allowance the hint of these parts offers, as an ``Offer`` (its words before the
        clause, the clause, the cause after it): None where it offers none (no ``allow`` part;
        a commented ``dialects:`` line to uncomment, which the hint names alone)."""
        if not self.allow or (self.uncomment is not None and not self.agree):
            return None
        return Offer(self._ways() + self.lead, self.cause, self.allow)

    def _ways(self) -> str:
        """Where the fix goes, as the hint says it first (``add it to a.sql, or remove it from
        b.sql``; ``make a.sql and b.sql agree`` where both have it)."""
        if self.agree:
            return f"make {self.add_to} and {self.remove_from} agree"
        if self.instead is not None:
            add = self.instead
        elif self.lacked is None:
            add = f"add it to {self.add_to}"
        else:
            add = (
                f"{self.add_to} has no function {self.lacked} to run it: write the same rule in "
                f"{self.lacked_in}'s own terms there"
            )
        if self.declaration is None:
            remove = f", or remove it from {self.remove_from}"
        else:
            remove = f", or remove its declaration from {self.declaration}"
        return add + remove


def paired_ways(left_fix: str, right_fix: str) -> HintWays:
    """The parts of the hint of a difference the evaluation stage makes of two present values:
    make each side's fix (``Side.fix``) agree, or allow it in domain.yaml with a reason."""
    return HintWays(left_fix, right_fix, ALLOW_PHRASE, agree=True, paired=True)
