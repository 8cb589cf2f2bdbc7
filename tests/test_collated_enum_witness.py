"""An enum carried by a CHECK ... IN list under NOCASE, against a native enum: the comparer
guesses a witness (a label in another case) and the evaluation stage puts a true one in its
place, from data (``Comparison.guessed``: the message's words before the witness and the side
whose list takes the collation), never by reading the message back (the review leftover:
``message.endswith(witness.said)``). The witness's ``said`` is what each side does, as every
other witness's ("SQLite accepts, PostgreSQL rejects"), not the whole witness sentence."""

from __future__ import annotations

from probes import Loader, compare_expected

# SQLite's list beside GLOB '[a-z]*': the comparer's guess 'CLOSED' is refused by the GLOB; the
# stage's witness is 'oPEN' (the golden case runs each row on both real databases).
REPLACED = "sl-pg.case-part-nocase-in-list-vs-enum-first-letter"
# Near miss: no other CHECK, the guess stands (the stage runs it and keeps it).
KEPT = "sl-pg.collated-nocase-in-list-vs-enum"
SAID = "SQLite accepts, PostgreSQL rejects"


def test_the_stage_puts_a_true_witness_after_the_guessed_ones_lead(loader: Loader) -> None:
    """'oPEN' in place of 'CLOSED', in the message and in the data; the words before the
    witness are the comparer's, as ``Comparison.guessed`` holds them."""
    found = compare_expected(loader, REPLACED)
    (d,) = found.differences
    guessed = found.guessed[("a", "status")]
    assert guessed.listed == "left"
    assert d.message == f"{guessed.lead}witness (status) = ('oPEN'): {SAID}", d.message
    assert "CLOSED" not in d.message, d.message
    assert d.witness is not None
    assert d.witness.values == ("oPEN",) and d.witness.said == SAID, d.witness
    assert d.witness.accepts == "left"


def test_a_guess_the_stage_finds_true_stays_with_its_said_as_data(loader: Loader) -> None:
    """Near miss: the guessed witness stands, its ``said`` what each side does (the sides
    named by their files here: the case has no domain.yaml)."""
    found = compare_expected(loader, KEPT)
    (d,) = [d for d in found.differences if d.kind == "enum"]
    said = "a.sql accepts, b.sql rejects"
    assert d.witness is not None
    assert d.witness.said == said, d.witness
    (value,) = d.witness.values
    assert value.lower() in ("free", "taken") and value not in ("free", "taken"), value
    lead = found.guessed[("t", "status")].lead
    assert d.message == f"{lead}witness (status) = ('{value}'): {said}", d.message
