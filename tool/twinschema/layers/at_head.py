"""What a live database at its chain's head that differs from its module is told, said once.

Migrating such a database changes nothing: a revision is missing, it was changed by hand, a
revision it applied was edited afterwards, or it was stamped at head without migrating. Each of
its differences used to carry that case analysis, some 700 characters (stranger80 005, stranger79
011: a hand edit of three objects gave three such hints); now the comparison of the module with
its database carries it once, as a ``Note``, and each difference keeps its own fix and a short
reference to the note. Where the migrations layer built the chain and found it agrees with the
module on an object, no revision is missing there (stranger60 011), and the note says so."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from twinschema.compare.context import AT_HEAD_CAUSES
from twinschema.hints import REVISION_COMMAND
from twinschema.records import LayerResult, Note, Status

AT_HEAD_NOTE = "at_head"
# What a difference's hint says in place of the causes (``AT_HEAD_CAUSES``): its note says them.
SEE_NOTE = " (the database is at its chain's head: see this comparison's note)"


def at_head_note(named: str, module: str, stamp_command: str | None) -> Note:
    """The note of a comparison of ``module`` with its database ``named`` ("the PostgreSQL
    database"), which is at its chain's head: the causes of a difference there and the fix of
    each. ``stamp_command``: ``twinschema stamp <side> REV``, for a database stamped at head
    without migrating (stranger35 023), which a migration then brings to what it skipped."""
    stamped = (
        f", or it was stamped at head without migrating (`{stamp_command}`, REV: the revision "
        "it really is at; migrating it then applies what the stamp skipped)"
        if stamp_command
        else ""
    )
    text = (
        f"{named[:1].upper()}{named[1:]} is at its chain's head, so migrating it changes "
        f"nothing. Where it differs from {module}: a revision is missing (write one with "
        f"`{REVISION_COMMAND}`), or it was changed by hand (revert the hand edit, or what a "
        "migration did beyond its revision), or a revision it already applied was edited "
        "afterwards (put that revision back as it was and write the edit as a new revision)"
        f"{stamped}."
    )
    return Note(kind=AT_HEAD_NOTE, about=named, text=text)


def at_head_said_once(results: Sequence[LayerResult]) -> None:
    """Replace, in place, the causes each difference of a live module-vs-database comparison
    with an at-head note repeats (its hint's ``cause`` part) by a reference to that note (and
    give that reference to a difference whose hint names the database but no cause: a pair
    the evaluation stage made of two values).
    Where the migrations layer built that chain (``results`` holds its comparison with the
    module) and it agrees with the module on an object, no revision is missing there: the
    note says so; where it does not (a ``migration_drift`` on that table or column), the
    difference says a revision is likely missing."""
    live = {r.left for r in results if r.name == "live"}
    built = {
        r.right: r
        for r in results
        if r.name == "migrations" and r.right in live and r.status in (Status.IN_SYNC, Status.DRIFT)
    }
    for result in results:
        if result.name != "live" or not any(n.kind == AT_HEAD_NOTE for n in result.notes):
            continue
        chain = built.get(result.left)
        drifted = (
            {(d.table, d.column) for d in chain.differences if d.kind == "migration_drift"}
            if chain is not None
            else set()
        )
        missing = (
            f" (the database is at its chain's head, and {chain.left} builds something else "
            "here too: a revision is likely missing; see this comparison's note)"
            if chain is not None
            else SEE_NOTE
        )
        database = next(n.about for n in result.notes if n.kind == AT_HEAD_NOTE)
        said = []
        for d in result.differences:
            there = (d.table, d.column) in drifted or (d.table, None) in drifted
            reference = missing if there else SEE_NOTE
            if d.ways is not None and d.ways.uncomment is not None:
                pass  # its fix is a line of domain.yaml that init wrote (stranger81 007)
            elif d.ways is not None and d.ways.cause == AT_HEAD_CAUSES and d.composed:
                d = d.reworded(replace(d.ways, cause=reference))  # the note says the causes
            elif d.ways is not None and database in (d.ways.add_to, d.ways.remove_from):
                # A hint of its own whose fix may go to the database (a pair the evaluation
                # stage made, a column that looks renamed: one of its ways is the database,
                # as its parts say, not its words) refers to the note too; one whose fix is
                # elsewhere (a stale allowance: domain.yaml alone) does not.
                d = d.said_after(reference)
            said.append(d)
        result.differences = said
        if chain is not None:
            where = ", except where a difference says otherwise" if drifted else ""
            built_note = (
                f" {chain.left} builds what {result.left} says{where}, so no revision is "
                "missing: the cause is one of the other three."
            )
            result.notes = [
                replace(n, text=n.text + built_note) if n.kind == AT_HEAD_NOTE else n
                for n in result.notes
            ]
