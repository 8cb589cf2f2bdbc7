"""The allowance a hint written whole offers is data (issue 16: "nothing parses prose back"): a
comparator or the evaluation stage sets ``Difference.offer`` (the words before the allowance
clause, the clause, the words after) where it writes the hint, and a later stage that completes
the clause with the entry to write (``unnamed_check_hints``) changes the clause, never the words.
Before, about fifteen modules wrote the clause into their words and ``allowance_entries``
replaced it inside the text, and ``offers`` looked for it there. Near misses: the same words
without an offer offer nothing, and a hint a later stage wrote anew loses the offer."""

from __future__ import annotations

from dataclasses import replace

from probes import Loader, case_diffed, case_named
from test_allow_on_conflict import CASE, ENTRY, HEAD

from twinschema.compare.allowance_entries import offers
from twinschema.domain_load import parse_domain
from twinschema.records import Difference, FixSide
from twinschema.records.hint_ways import ALLOW_PHRASE, HintWays, Offer


def _made(hint: str = "h", offer: Offer | None = None) -> Difference:
    return Difference("models", "check", "t", None, None, "a > 0", None, "m", hint, offer=offer)


def test_an_offer_composes_its_hint_and_a_later_stage_changes_its_clause_alone() -> None:
    """The hint is the offer's parts; completing the clause keeps the words around it and what
    a stage said after the hint (``then``); the report writes the hint, not the parts."""
    offer = Offer("refuse it on PostgreSQL, or ", " (after)")
    made = _made().offering(offer)
    assert made.hint == f"refuse it on PostgreSQL, or {ALLOW_PHRASE} (after)"
    assert made.offered == offer and offers(made)
    later = made.said_after("; then this").offer_said(f"{ALLOW_PHRASE}: {{kind: check}}")
    assert later.hint == (
        f"refuse it on PostgreSQL, or {ALLOW_PHRASE}: {{kind: check}} (after); then this"
    )
    assert offers(later) and "offer" not in later.to_dict()
    assert later.to_dict()["hint"] == later.hint
    template = Offer("put CHECK ({column} < {bound}) on both sides; or ").filled(
        column="x", bound=9
    )
    assert template.text() == f"put CHECK (x < 9) on both sides; or {ALLOW_PHRASE}"


def test_the_words_alone_offer_nothing_and_a_hint_written_anew_drops_the_offer() -> None:
    """Near misses: a hint whose words say the clause but that carries no offer is not read
    back as offering one; an offer whose hint a later stage replaced offers nothing; an
    ``Offer`` said otherwise than ``ALLOW_PHRASE`` (a clause of its own) offers none."""
    words = _made(f"do this, or {ALLOW_PHRASE}")
    assert not offers(words)
    offered = _made().offering(Offer("do this, or "))
    rewritten = replace(offered, hint="the database of a.db differs from that module here")
    assert offers(offered) and rewritten.offered is None and not offers(rewritten)
    assert not offers(_made().offering(Offer("do this, or ", said="drop it")))


def test_a_composed_hint_gives_its_offer_as_parts() -> None:
    """The usual hint of an object one side lacks (``HintWays``) gives its allowance as an
    ``Offer`` too (what ``live_pair_hints`` keeps where it writes a module's hint into the
    databases'): the same text; none where it has no clause, or names a line to uncomment."""
    ways = HintWays("b.py", "a.py", ALLOW_PHRASE, cause=" (c)")
    offer = ways.offer()
    assert offer is not None and offer.text() == ways.text()
    assert offer.said == ALLOW_PHRASE and offer.after == " (c)"
    assert HintWays("b.py", "a.py").offer() is None
    made = replace(_made(), hint=ways.text(), ways=ways).said_after(" (more)")
    assert made.hint_offer() == replace(offer, after=" (c) (more)")


def test_a_comparators_whole_hint_is_completed_through_its_offer(loader: Loader) -> None:
    """On real databases (the golden ON CONFLICT case: a SQLite file against a PostgreSQL one),
    each clause's hint, written whole by the comparer with words after its clause, offers the
    entry that allows it as its offer's clause; the words before and after are the comparer's."""
    found = case_diffed(loader, case_named(CASE), parse_domain(HEAD))
    assert len(found) == 3
    for d in found:
        offer = d.offered
        assert offer is not None and offers(d), d
        assert offer.said == f"{ALLOW_PHRASE}: {ENTRY}"
        assert offer.before.endswith("; if it differs on purpose, ")
        assert (
            offer.after == " (it allows every ON CONFLICT clause of the table, one added later too)"
        )
        assert d.hint == offer.text() and d.holds(FixSide.LEFT)
