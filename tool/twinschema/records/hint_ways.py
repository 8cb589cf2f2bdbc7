"""The parts of the hint of an object on one side only: where to add it, where to remove it
from, and what follows (``HintWays``), composed into its words in one place (``text``), so that
a later stage that words a way otherwise (a function the other dialect lacks; a declaration in
domain.yaml to remove instead) changes a part, never the words (results are typed records,
nothing parses prose back)."""

from __future__ import annotations

from dataclasses import dataclass


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
    the one that has it (``remove_from``), then ``after`` (the allowance clause and the likely
    cause, as ``compare.context`` words them for the two sides). ``lacked``: the function the
    lacking side's dialect has not (``typeof(integer)``, as that database names it), so the
    way there is the same rule in that dialect's own terms (``lacked_in``: "PostgreSQL");
    ``declaration``: where domain.yaml declares the object (``domain.yaml:9 (views: v)``), the
    way out on the side that has it (no metadata module holds a declared view or trigger)."""

    add_to: str
    remove_from: str
    after: str = ""
    lacked: str | None = None
    lacked_in: str = ""
    declaration: str | None = None
    # The commented ``dialects:`` line that declares the object off the lacking side: then the
    # hint is that line first and adding it there, nothing after (no cause: it was found so).
    uncomment: Uncomment | None = None

    def text(self) -> str:
        """The hint these parts compose: ``add it to a.sql, or remove it from b.sql`` and what
        follows, each way worded as its part says."""
        if (u := self.uncomment) is not None:
            return (
                f"uncomment `dialects: [{u.dialects}]` at {u.file}:{u.line} to declare "
                f"{u.what} {u.dialects}-only, or add it to {self.add_to}"
            )
        if self.lacked is None:
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
        return add + remove + self.after
